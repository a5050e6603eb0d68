"""The council report of a process and its letters, one per addressee, as plain data for the templates
``documents/report.html`` and ``documents/letter.html``; what an issued version holds, and what changed since the
one before.

Everything a document shows is read here, once, into dicts and strings; templates never see a database object.
Text people wrote is taken in the document's language when a reviewed translation exists (never a draft),
otherwise as written, always with its language so that the PDF marks it. Lookups are batched: the number of
queries does not grow with the number of barriers or recommendations. The parts of the report are built in
:mod:`toolkit.recommendations.report`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import force_locale, format_date, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from ..accounts.models import User
from ..barriers.models import Barrier, BarrierStatus
from ..extensions import db
from ..processes.models import Process
from ..territories.labels import ORGANISATION_KINDS
from . import operations
from .labels import PRINCIPLES
from .models import Recommendation
from .report.grouping import group_recommendations
from .report.items import recommendation_item
from .report.letters import letters
from .report.participation import participation
from .report.services import barriers_by_service, service_section
from .report.sources import read_sources

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
    with force_locale(language):
        sources = read_sources(process, language)
        by_service = barriers_by_service(sources)
        grouping = group_recommendations(
            sources.recommendations, {key: entry.barriers for key, entry in by_service.items()}
        )
        printed = [
            (key, recommendation, recommendation_item(recommendation, number, sources))
            for number, (key, recommendation) in enumerate(grouping.in_print_order(), start=1)
        ]
        under: dict[int | None, list[dict]] = {}
        for key, _recommendation, item in printed:
            under.setdefault(key, []).append(item)
        common = _common(process, version, issued_on)
        report = {
            **common,
            "title": process.title,
            "participation": participation(sources),
            "services": [
                service_section(by_service[key], position, under.get(key, []))
                for position, key in enumerate(grouping.order, start=1)
            ],
            "recommendations": [item for _key, _recommendation, item in printed],
            "other_recommendations": under.get(None, []),
            **_annexes(sources.recommendations),
        }
        addressed = letters(
            [(recommendation, item) for _key, recommendation, item in printed], common, sender
        )
    return DocumentSet(language, report, addressed)


def _common(process: Process, version: int | None, issued_on: date | None) -> dict:
    """What every document of the set shows: the territory, the process, the date and version, the page style."""
    territory = process.territory
    return {
        "page_style": Markup("<style>@page { @bottom-center { content: %s; } }</style>") % page_numbers_css(),
        "territory_name": territory.name,
        "territory_lang": territory.default_locale,
        "process_title": process.title,
        "date": format_date(issued_on or datetime.now(UTC).date(), "long"),
        "version": version,
        "draft": version is None,
    }


def _annexes(recommendations: list[Recommendation]) -> dict:
    """The report's annexes: the organisations named in it, the glossary and the principles referred to."""
    organisations = {
        (organisation.name, organisation.kind)
        for recommendation in recommendations
        for organisation in [*recommendation.organisations, recommendation.addressee]
        if organisation is not None
    }
    return {
        "organisations": [
            {"name": name, "kind": str(ORGANISATION_KINDS[kind])} for name, kind in sorted(organisations)
        ],
        "glossary": [{"term": str(term), "definition": str(definition)} for term, definition in GLOSSARY],
        "principles": [str(label) for label in PRINCIPLES.values()],
    }


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
