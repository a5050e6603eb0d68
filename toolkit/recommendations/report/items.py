"""A recommendation as the report and the letters print it: its words in the document's language when a reviewed
translation exists, its quotes with their reviewed translation, its addressee, priority and principles."""

from __future__ import annotations

from flask_babel import format_date

from ...i18n import html_language, text_direction
from ...markup import render_markdown
from ...translating.models import TextTranslation
from .. import operations
from ..labels import PRINCIPLES, PRIORITIES
from ..models import Quote, Recommendation
from .sources import ReportSources
from .written import names_list, written

#: The fields of a recommendation people wrote, that may be translated.
RECOMMENDATION_FIELDS = ("title", "problem", "proposed_change", "feasibility")


def recommendation_item(recommendation: Recommendation, number: int, sources: ReportSources) -> dict:
    """The recommendation, printed as number ``number``, as plain data (in the document's locale)."""
    text = written(recommendation, RECOMMENDATION_FIELDS, sources.translations.get(recommendation.id))
    return {
        "number": number,
        "anchor": f"recommendation-{number}",
        "title": text["texts"]["title"],
        # Markup strings: the subset of toolkit.markup, sanitised there.
        "problem": render_markdown(text["texts"]["problem"]),
        "proposed_change": render_markdown(text["texts"]["proposed_change"]),
        "feasibility": text["texts"]["feasibility"],
        "lang": text["lang"],
        "dir": text["dir"],
        # Printed under the title when the words are a reviewed translation ("Translated from Italian").
        "translated_from": text["translated_from"],
        "addressee": recommendation.addressee.name if recommendation.addressee else "",
        "priority": str(PRIORITIES[recommendation.priority]),
        "principles": [
            str(PRINCIPLES[principle]) for principle in recommendation.principles if principle in PRINCIPLES
        ],
        "respond_by": format_date(recommendation.respond_by, "long") if recommendation.respond_by else "",
        "evidence": len(operations.evidence(recommendation)),
        "organisations": names_list(
            [o.name for o in recommendation.organisations], sources.language, sources.fallback
        ),
        "quotes": [
            shown_quote(quote, sources.quote_translations.get(quote.id))
            for quote in sources.quotes[recommendation.id]
        ],
    }


def shown_quote(quote: Quote, translation: TextTranslation | None) -> dict:
    """A quote as printed: the words as quoted, in their language, with its reviewed ``translation`` if any."""
    return {
        "text": quote.text,
        "lang": html_language(quote.language),
        "dir": text_direction(quote.language),
        "translation": None
        if translation is None
        else {
            "text": translation.texts.get("text", ""),
            "lang": html_language(translation.language),
            "dir": text_direction(translation.language),
        },
    }
