"""The council report of a process, as plain data for ``templates/documents/report.html``.

Everything the document shows is read here, once, into dicts and strings; the template never sees a database
object. Text people wrote is taken in the document's language when a reviewed translation exists (never a
draft), otherwise as written, always with its language so that the PDF marks it.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from flask_babel import force_locale, format_date
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..barriers.models import Barrier, BarrierStatus
from ..content import localize
from ..extensions import db
from ..i18n import html_language, text_direction
from ..markup import render_markdown
from ..processes.labels import PARTICIPANT_ROLES
from ..processes.models import Participant, Process, Workshop
from ..translating.operations import reviewed_translation
from ..web import language_names
from . import operations
from .labels import PRINCIPLES, PRIORITIES
from .models import Recommendation


def _text(record, fields: tuple[str, ...], language: str) -> dict:
    """The fields of ``record`` in ``language`` when a reviewed translation exists, else as written."""
    translation = reviewed_translation(record, language)
    texts = (
        translation.texts
        if translation is not None
        else {name: getattr(record, name) or "" for name in fields}
    )
    written_in = translation.language if translation is not None else record.language
    return {
        "texts": {name: texts.get(name, "") for name in fields},
        "lang": html_language(written_in),
        "dir": text_direction(written_in),
        "translated_from": record.language if translation is not None else None,
    }


def report_context(process: Process, language: str) -> dict:
    """Everything the council report of ``process`` shows, in ``language``, as plain data."""
    territory = process.territory
    with force_locale(language):
        recommendations = operations.recommendations_of(process)
        barriers = db.session.scalars(
            select(Barrier)
            .where(Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible()))
            .options(selectinload(Barrier.categories), selectinload(Barrier.service))
        ).all()
        participants = db.session.scalars(
            select(Participant)
            .join(Workshop, Workshop.id == Participant.workshop_id)
            .where(Workshop.process_id == process.id)
        ).all()
        by_service: dict[int, dict] = {}
        for barrier in barriers:
            entry = by_service.setdefault(
                barrier.service_id,
                {
                    **_localized(barrier.service.name),
                    "barriers": 0,
                    "categories": Counter(),
                    "recommendations": [],
                },
            )
            entry["barriers"] += 1
            for category in barrier.categories:
                entry["categories"][tuple(_localized(category.name).values())] += 1
        items, elsewhere = [], []
        for number, recommendation in enumerate(recommendations, start=1):
            item = _recommendation(recommendation, number, language)
            items.append(item)
            evidence = operations.evidence(recommendation)
            service_id = Counter(b.service_id for b in evidence).most_common(1)[0][0] if evidence else None
            # Under the service most of its evidence is about; without evidence, in a section of their own.
            (by_service[service_id]["recommendations"] if service_id in by_service else elsewhere).append(
                item
            )
        services = [
            {
                **entry,
                "categories": [
                    {"name": name, "lang": lang, "dir": direction, "count": count}
                    for (name, lang, direction), count in entry["categories"].most_common()
                ],
            }
            for entry in by_service.values()
            if entry["barriers"] or entry["recommendations"]
        ]
        return {
            "page_style": Markup("<style>@page { @bottom-center { content: %s; } }</style>")
            % page_numbers_css(),
            "territory_name": territory.name,
            "territory_lang": territory.default_locale,
            "process_title": process.title,
            "title": process.title,
            "date": format_date(datetime.now(UTC).date(), "long"),
            "participation": {
                "workshops": len(process.workshops),
                "participants": len(participants),
                "by_role": [
                    (str(PARTICIPANT_ROLES[role]), count)
                    for role, count in Counter(p.role for p in participants).most_common()
                ],
                "languages": language_names(
                    sorted({p.language for p in participants if p.language} | {b.language for b in barriers})
                ),
                "barriers": len(barriers),
            },
            "services": services,
            "recommendations": items,
            "other_recommendations": elsewhere,
        }


def _localized(texts) -> dict:
    """A text written per language, in the document's language or its fallback, with the language it is in."""
    chosen = localize(texts)
    language = chosen.language or "und"
    return {"name": chosen.text, "lang": html_language(language), "dir": text_direction(language)}


def page_numbers_css() -> Markup:
    """The CSS ``content`` of "Page X of Y" in the document's language (the words around the two counters).
    Every character but letters, digits and spaces is written as a CSS escape, so the words cannot end the
    string or the rule."""
    from flask_babel import gettext

    label = gettext("Page %(page)s of %(pages)s", page="\x00page\x00", pages="\x00pages\x00")
    parts = []
    for piece in label.split("\x00"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(
                '"' + "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):06x}" for ch in piece) + '"'
            )
    return Markup(" ".join(parts))  # noqa: S704 (built above from escaped pieces only)


def _recommendation(recommendation: Recommendation, number: int, language: str) -> dict:
    text = _text(recommendation, ("title", "problem", "proposed_change", "feasibility"), language)
    quotes = []
    for quote in operations.quotes_shown(recommendation):
        translation = reviewed_translation(quote, language)
        quotes.append(
            {
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
        )
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
        "addressee": recommendation.addressee.name if recommendation.addressee else "",
        "priority": str(PRIORITIES[recommendation.priority]),
        "principles": [
            str(PRINCIPLES[number]) for number in recommendation.principles if number in PRINCIPLES
        ],
        "respond_by": format_date(recommendation.respond_by, "long") if recommendation.respond_by else "",
        "evidence": len(operations.evidence(recommendation)),
        "organisations": [o.name for o in recommendation.organisations],
        "quotes": quotes,
    }
