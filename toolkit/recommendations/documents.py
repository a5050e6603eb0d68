"""The council report of a process and its letters, one per addressee, as plain data for the templates
``documents/report.html`` and ``documents/letter.html``.

Everything a document shows is read here, once, into dicts and strings; templates never see a database object.
Text people wrote is taken in the document's language when a reviewed translation exists (never a draft),
otherwise as written, always with its language so that the PDF marks it. Lookups are batched: the number of
queries does not grow with the number of recommendations.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from babel.lists import format_list
from flask_babel import force_locale, format_date, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..barriers.models import Barrier, BarrierStatus, BarrierSupport
from ..content import localize
from ..extensions import db
from ..i18n import html_language, text_direction
from ..markup import render_markdown
from ..processes.labels import FREQUENCIES, PARTICIPANT_ROLES, SEVERITIES
from ..processes.models import Participant, Process, Workshop
from ..territories.labels import ORGANISATION_KINDS
from ..translating.models import SourceKind, TextTranslation
from ..translating.operations import reviewed_translations
from ..web import language_names
from . import operations
from .labels import PRINCIPLES, PRIORITIES
from .models import Recommendation

RECOMMENDATION_FIELDS = ("title", "problem", "proposed_change", "feasibility")

#: What the glossary annex explains, in the document's language.
GLOSSARY = (
    (
        _l("Barrier"),
        _l(
            "Something that makes it hard for a foreign resident to use a service: a rule, a form, a language, "
            "opening hours, a place."
        ),
    ),
    (
        _l("Co-design"),
        _l("Residents, associations and the staff of the services working out changes together, as equals."),
    ),
    (
        _l("Evidence"),
        _l(
            "The barriers described by the people who took part that a recommendation answers. Their number "
            "says how often the problem was met, not how many people live with it."
        ),
    ),
    (_l("Priority"), _l("How urgent the people who took part find a recommendation: high, medium or low.")),
    (
        _l("Reviewed translation"),
        _l(
            "A translation of what someone wrote, checked by a person. The original words are printed with it."
        ),
    ),
    (
        _l("Common Basic Principles (CBP)"),
        _l(
            "The principles for the integration of immigrants agreed by the member states of the European "
            "Union in 2004. The recommendations refer to principles 6, 9 and 11."
        ),
    ),
)

#: Names of the fields whose changes the list of versions reports.
CHANGED_FIELDS = {
    "title": _l("title"),
    "addressee": _l("addressee"),
    "priority": _l("priority"),
    "respond_by": _l("answer date"),
    "problem": _l("problem"),
    "proposed_change": _l("change proposed"),
    "feasibility": _l("feasibility"),
    "principles": _l("principles"),
    "organisations": _l("co-designed by"),
    "evidence": _l("evidence"),
    "quotes": _l("quotes"),
}


@dataclass
class DocumentSet:
    """The documents of a process in one language: the report, and a letter per addressee."""

    language: str
    report: dict
    #: Each letter's context, with ``addressee_id`` and ``addressee`` (its name).
    letters: list[dict]


def report_context(process: Process, language: str, **options) -> dict:
    """Everything the council report of ``process`` shows, in ``language``, as plain data."""
    return document_set(process, language, **options).report


def document_set(
    process: Process,
    language: str,
    *,
    version: int | None = None,
    issued_on: date | None = None,
    sender: User | None = None,
) -> DocumentSet:
    """The report and the letters of ``process`` in ``language``: of version ``version`` issued on
    ``issued_on``, or (without a version) the draft as it stands today. The letters name ``sender`` (who issues
    them) as the person to answer to."""
    territory = process.territory
    fallback = territory.default_locale
    with force_locale(language):
        recommendations = operations.recommendations_of(process)
        translations = reviewed_translations(SourceKind.RECOMMENDATION, recommendations, language)
        quotes = operations.quotes_shown_of(recommendations)
        quote_translations = reviewed_translations(
            SourceKind.QUOTE, [quote for shown in quotes.values() for quote in shown], language
        )
        barriers = db.session.scalars(
            select(Barrier)
            .where(Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible()))
            .options(selectinload(Barrier.categories), selectinload(Barrier.service))
            .order_by(Barrier.service_id, Barrier.id)
        ).all()
        barrier_translations = reviewed_translations(SourceKind.BARRIER, barriers, language)
        supports = dict(
            db.session.execute(
                select(BarrierSupport.barrier_id, func.count())
                .join(Barrier, Barrier.id == BarrierSupport.barrier_id)
                .where(Barrier.process_id == process.id)
                .group_by(BarrierSupport.barrier_id)
            ).all()
        )
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
                    **_in_language(barrier.service.name, language, fallback),
                    "barriers": 0,
                    "described": [],
                    "categories": Counter(),
                    "recommendations": [],
                },
            )
            entry["barriers"] += 1
            # A barrier whose words were purged after the retention period is counted, not described.
            written = _written(barrier, ("text",), barrier_translations.get(barrier.id))
            if barrier.text:
                entry["described"].append(
                    {
                        "text": written["texts"]["text"],
                        "lang": written["lang"],
                        "dir": written["dir"],
                        "frequency": str(FREQUENCIES[barrier.frequency]),
                        "severity": str(SEVERITIES[barrier.severity]),
                        "supports": supports.get(barrier.id, 0),
                    }
                )
            for category in barrier.categories:
                entry["categories"][tuple(_in_language(category.name, language, fallback).values())] += 1
        # Each recommendation goes under the service most of its evidence is about (without evidence, in a
        # section of its own at the end). Services come in the order of their first recommendation, then those
        # without one; recommendations are numbered in the order the report prints them.
        groups: dict[int | None, list[Recommendation]] = {}
        for recommendation in recommendations:
            evidence = operations.evidence(recommendation)
            service_id = Counter(b.service_id for b in evidence).most_common(1)[0][0] if evidence else None
            groups.setdefault(service_id if service_id in by_service else None, []).append(recommendation)
        order = [key for key in groups if key is not None] + sorted(
            (key for key in by_service if key not in groups), key=lambda key: -by_service[key]["barriers"]
        )
        items, elsewhere = [], []
        letters: dict[int, dict] = {}
        for key in [*order, None]:
            for recommendation in groups.get(key, ()):
                item = _recommendation(
                    recommendation,
                    len(items) + 1,
                    translations,
                    quotes[recommendation.id],
                    quote_translations,
                    language,
                    fallback,
                )
                items.append(item)
                (by_service[key]["recommendations"] if key is not None else elsewhere).append(item)
                if recommendation.addressee is not None:
                    letter = letters.setdefault(
                        recommendation.addressee_id,
                        {
                            "addressee_id": recommendation.addressee_id,
                            "addressee": item["addressee"],
                            "items": [],
                        },
                    )
                    letter["items"].append((recommendation.respond_by, item))
        services = [
            {
                **by_service[key],
                "anchor": f"service-{position}",
                # What most people said happens to them too comes first.
                "described": sorted(by_service[key]["described"], key=lambda b: -b["supports"]),
                "categories": [
                    {"name": name, "lang": lang, "dir": direction, "count": count}
                    for (name, lang, direction), count in by_service[key]["categories"].most_common()
                ],
            }
            for position, key in enumerate(order, start=1)
        ]
        common = {
            "page_style": Markup("<style>@page { @bottom-center { content: %s; } }</style>")
            % page_numbers_css(),
            "territory_name": territory.name,
            "territory_lang": territory.default_locale,
            "process_title": process.title,
            "date": format_date(issued_on or datetime.now(UTC).date(), "long"),
            "version": version,
            "draft": version is None,
        }
        organisations = {
            (organisation.name, organisation.kind)
            for recommendation in recommendations
            for organisation in [*recommendation.organisations, recommendation.addressee]
            if organisation is not None
        }
        report = {
            **common,
            "title": process.title,
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
                # Per language: how many took part speaking it first, and how many barriers were written in it.
                "by_language": _by_language(participants, barriers, language),
                "barriers": len(barriers),
            },
            "services": services,
            "recommendations": items,
            "other_recommendations": elsewhere,
            "organisations": [
                {"name": name, "kind": str(ORGANISATION_KINDS[kind])} for name, kind in sorted(organisations)
            ],
            "glossary": [{"term": str(term), "definition": str(definition)} for term, definition in GLOSSARY],
            "principles": [str(label) for label in PRINCIPLES.values()],
        }
        letter_contexts = []
        for letter in letters.values():
            dates = [respond_by for respond_by, _item in letter["items"] if respond_by is not None]
            letter_contexts.append(
                {
                    **common,
                    "title": gettext("Recommendations to %(addressee)s", addressee=letter["addressee"]),
                    "addressee_id": letter["addressee_id"],
                    "addressee": letter["addressee"],
                    "recommendations": [item for _date, item in letter["items"]],
                    "respond_by": format_date(min(dates), "long") if dates else "",
                    "all_recommendations": len(items),
                    "sender": {"name": sender.name, "email": sender.email} if sender is not None else None,
                }
            )
    return DocumentSet(language, report, letter_contexts)


def _by_language(participants, barriers, language: str) -> list[dict]:
    speakers = Counter(p.language for p in participants if p.language)
    written = Counter(b.language for b in barriers)
    codes = sorted(set(speakers) | set(written), key=lambda code: (-speakers[code] - written[code], code))
    return [
        {
            "name": language_names([code]),
            "lang": html_language(code),
            "participants": speakers[code],
            "barriers": written[code],
        }
        for code in codes
    ]


def _written(record, fields: tuple[str, ...], translation: TextTranslation | None) -> dict:
    """The fields of ``record`` as the document shows them: translated when it may, else as written."""
    if translation is not None:
        texts, language = translation.texts, translation.language
    else:
        texts, language = {name: getattr(record, name) or "" for name in fields}, record.language
    return {
        "texts": {name: texts.get(name, "") for name in fields},
        "lang": html_language(language),
        "dir": text_direction(language),
        "translated_from": record.language if translation is not None else None,
    }


def _in_language(texts: Mapping[str, str] | str | None, language: str, fallback: str) -> dict:
    """A text written per language, for a reader of ``language``, with the language it is in."""
    chosen = localize(texts, default=fallback, language=language)
    written_in = chosen.language or (fallback if chosen.text else "und")
    return {"name": chosen.text, "lang": html_language(written_in), "dir": text_direction(written_in)}


def names_list(names: list[str], language: str, written_in: str) -> Markup:
    """Names written in ``written_in`` as a list in ``language`` ("A, B and C"), each isolated in its own
    direction, so that a right-to-left document reads Latin names in the right order."""
    items = [
        str(
            Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(
                html_language(written_in), text_direction(written_in), n
            )
        )
        for n in names
    ]
    return Markup(format_list(items, locale=language)) if items else Markup("")  # noqa: S704 (escaped above)


def page_numbers_css() -> Markup:
    """The CSS ``content`` of "Page X of Y" in the document's language (the words around the two counters).
    Every character but letters, digits and spaces is written as a CSS escape, so the words cannot end the
    string or the rule."""
    label = gettext("Page %(page)s of %(pages)s", page="\x00page\x00", pages="\x00pages\x00")
    parts = []
    for piece in label.split("\x00"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(
                '"' + "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):06x} " for ch in piece) + '"'
            )
    return Markup(" ".join(parts))  # noqa: S704 (built above from escaped pieces only)


def _recommendation(
    recommendation: Recommendation,
    number: int,
    translations: dict[int, TextTranslation],
    quotes: list,
    quote_translations: dict[int, TextTranslation],
    language: str,
    territory_language: str,
) -> dict:
    text = _written(recommendation, RECOMMENDATION_FIELDS, translations.get(recommendation.id))
    shown_quotes = []
    for quote in quotes:
        translation = quote_translations.get(quote.id)
        shown_quotes.append(
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
        # Printed under the title when the words are a reviewed translation ("Translated from Italian").
        "translated_from": text["translated_from"],
        "addressee": recommendation.addressee.name if recommendation.addressee else "",
        "priority": str(PRIORITIES[recommendation.priority]),
        "principles": [
            str(PRINCIPLES[number]) for number in recommendation.principles if number in PRINCIPLES
        ],
        "respond_by": format_date(recommendation.respond_by, "long") if recommendation.respond_by else "",
        "evidence": len(operations.evidence(recommendation)),
        "organisations": names_list(
            [o.name for o in recommendation.organisations], language, territory_language
        ),
        "quotes": shown_quotes,
    }


# --- what an issued version holds, and what changed since the one before --------------------------------------


def snapshot(process: Process) -> dict:
    """The recommendations of ``process`` as written (no translation), to be stored with an issued version."""
    recommendations = operations.recommendations_of(process)
    quotes = operations.quotes_shown_of(recommendations)
    described = db.session.scalars(
        select(Barrier.id).where(
            Barrier.process_id == process.id, Barrier.status.in_(BarrierStatus.visible())
        )
    ).all()
    return {
        # Which contributions the documents print or stand on, so that their authors are told before they
        # withdraw them (see toolkit.retention): barriers described, testimonies quoted, proposals behind them.
        "sources": {
            "barriers": sorted(described),
            "testimonies": sorted({q.testimony_id for shown in quotes.values() for q in shown}),
            "proposals": sorted({p.id for r in recommendations for p in operations.proposals_shown(r)}),
        },
        "recommendations": [
            {
                "id": r.id,
                "title": r.title,
                "language": r.language,
                "addressee": r.addressee.name if r.addressee else "",
                "priority": r.priority.value,
                "respond_by": r.respond_by.isoformat() if r.respond_by else None,
                "problem": r.problem,
                "proposed_change": r.proposed_change,
                "feasibility": r.feasibility,
                "principles": sorted(r.principles or []),
                "organisations": [o.name for o in r.organisations],
                "evidence": sorted(b.id for b in operations.evidence(r)),
                "quotes": [{"text": q.text, "language": q.language} for q in quotes[r.id]],
            }
            for r in recommendations
        ],
    }


#: What changes from one version to the next whatever the content: left out of a document's fingerprint.
VOLATILE = ("version", "date", "draft", "page_style")


def fingerprint(context: dict) -> str:
    """SHA-256 of what a document says (its plain-data context, without its version number and date)."""
    kept = {key: value for key, value in context.items() if key not in VOLATILE}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()


def changes(before: dict | None, after: dict) -> dict:
    """What changed from the version ``before`` (None for the first) to ``after``: recommendations added,
    withdrawn, and changed (with the names of the fields that changed), as plain data."""
    old = {r["id"]: r for r in (before or {}).get("recommendations", [])}
    new = {r["id"]: r for r in after.get("recommendations", [])}
    changed = []
    for key, recommendation in new.items():
        if key in old:
            fields = [
                str(label)
                for name, label in CHANGED_FIELDS.items()
                if old[key].get(name) != recommendation.get(name)
            ]
            if fields:
                changed.append({"title": recommendation["title"], "fields": fields})
    return {
        "first": before is None,
        "added": [r["title"] for key, r in new.items() if key not in old],
        "withdrawn": [r["title"] for key, r in old.items() if key not in new],
        "changed": changed,
        "reordered": [k for k in new if k in old] != [k for k in old if k in new],
        # The same recommendations may print differently: new reviewed translations, evidence, participation.
        "documents": before is not None and before.get("documents") != after.get("documents"),
    }
