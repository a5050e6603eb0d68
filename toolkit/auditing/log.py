"""Reading the audit log: the entries a filter selects, newest first, and each entry as the page shows it.

A page reads one query for its entries and one for their count, then a fixed number of batched look-ups (the
people, the territories, and the records of each kind that has a page): never one query per entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import url_for
from flask_babel import get_timezone
from sqlalchemy import Select, func, select

from .. import audit
from ..accounts.models import User
from ..audit import AuditEntry
from ..extensions import db
from ..territories.models import Territory
from . import labels

PAGE_SIZE = 50

#: The person filter's value for entries nobody logged in made (command line, background work, participants).
NOBODY = -1


@dataclass
class Filters:
    """What the reader asked to see; empty values select everything."""

    territory_id: int | None = None
    #: Only the entries of no territory (site administration, accounts).
    without_territory: bool = False
    #: A person's account id, or NOBODY.
    user_id: int | None = None
    action: str | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None


def entries(territory_ids: Iterable[int] | None, filters: Filters) -> Select:
    """The entries of the territories ``territory_ids`` (None: all, and those of no territory) that ``filters``
    selects, newest first."""
    query = select(AuditEntry)
    if territory_ids is not None:
        query = query.where(AuditEntry.territory_id.in_(list(territory_ids)))
    if filters.territory_id is not None:
        query = query.where(AuditEntry.territory_id == filters.territory_id)
    if filters.without_territory:
        query = query.where(AuditEntry.territory_id.is_(None))
    if filters.user_id == NOBODY:
        query = query.where(AuditEntry.user_id.is_(None))
    elif filters.user_id is not None:
        query = query.where(AuditEntry.user_id == filters.user_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.kind:
        query = query.where(AuditEntry.target_type == filters.kind)
    since = _start_of(filters.since) if filters.since else None
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    until = _start_of(filters.until, days_after=1) if filters.until else None
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _start_of(day: date, days_after: int = 0) -> datetime | None:
    """Midnight of ``day`` (plus ``days_after``) where the reader's times are shown, in UTC (as the database
    compares them); ``None`` at the ends of the calendar (year 1, year 9999), which bound nothing."""
    try:
        return datetime.combine(day + timedelta(days=days_after), time(), tzinfo=get_timezone()).astimezone(
            UTC
        )
    except OverflowError:
        return None


def aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def page(query: Select, number: int) -> list[AuditEntry]:
    return list(db.session.scalars(query.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)))


def people(territory_ids: Iterable[int] | None) -> list[User]:
    """The people who appear in the entries of ``territory_ids``, for the filter (one query)."""
    appearing = select(AuditEntry.user_id).where(AuditEntry.user_id.is_not(None))
    if territory_ids is not None:
        appearing = appearing.where(AuditEntry.territory_id.in_(list(territory_ids)))
    return list(db.session.scalars(select(User).where(User.id.in_(appearing.distinct())).order_by(User.name)))


def kinds(territory_ids: Iterable[int] | None) -> list[str]:
    """The kinds of record the entries of ``territory_ids`` are about."""
    query = select(AuditEntry.target_type).distinct()
    if territory_ids is not None:
        query = query.where(AuditEntry.territory_id.in_(list(territory_ids)))
    return list(db.session.scalars(query))


# --- an entry as the page shows it --------------------------------------------------------------------------------


@dataclass
class Row:
    entry: AuditEntry
    #: The person's name, or what kind of actor it was (participants are never named).
    who: str
    who_is_person: bool
    what: str
    kind: str
    #: The record's name where it has one worth showing, and the address of its page while it exists.
    name: str | None
    url: str | None
    territory: Territory | None
    details: list[tuple[str, str]] = field(default_factory=list)


def _pages() -> dict[str, tuple[type, str | None, str, str]]:
    """For each kind of record with a page: its model, the column worth showing, the page, its URL argument."""
    from ..processes.models import Process
    from ..recommendations.models import Recommendation
    from ..services.models import BarrierCategory, Service
    from ..territories.models import Organisation
    from ..workshops.models import Workshop

    return {
        "Process": (Process, "title", "main.process", "process_id"),
        "Workshop": (Workshop, "title", "workshops.cockpit", "workshop_id"),
        "Recommendation": (Recommendation, "title", "recommendations.recommendation", "recommendation_id"),
        "Organisation": (Organisation, "name", "territories.edit_organisation", "organisation_id"),
        "Service": (Service, None, "services.service", "service_id"),
        "BarrierCategory": (BarrierCategory, None, "services.edit_category", "category_id"),
    }


def rows(entries: list[AuditEntry], *, link_networks: bool = False) -> list[Row]:
    """``entries`` ready to show, with a fixed number of queries whatever their number."""
    user_ids = {e.user_id for e in entries if e.user_id} | {
        (e.details or {}).get("by") for e in entries if isinstance((e.details or {}).get("by"), int)
    }
    users = _by_id(User, user_ids)
    territories = _by_id(Territory, {e.territory_id for e in entries if e.territory_id})
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.target_id is not None:
            wanted[entry.target_type].add(entry.target_id)
    pages = _pages()
    found: dict[str, dict[int, object]] = {}
    for kind, ids in wanted.items():
        if kind in pages:
            found[kind] = _by_id(pages[kind][0], ids)
    if link_networks and wanted.get("Network"):
        from ..territories.models import Network

        found["Network"] = _by_id(Network, wanted["Network"])
    return [_row(entry, users, territories, found, pages) for entry in entries]


def _by_id(model, ids: set) -> dict[int, object]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {record.id: record for record in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _row(entry: AuditEntry, users, territories, found, pages) -> Row:
    from flask_babel import gettext as _

    territory = territories.get(entry.territory_id)
    by = (entry.details or {}).get("by")
    person = users.get(entry.user_id) or (users.get(by) if isinstance(by, int) else None)
    if person is not None:
        who, is_person = person.name, True
    elif entry.user_id is not None:
        who, is_person = _("An account since deleted"), False
    else:
        who, is_person = _actor_name(entry.actor), False
    name = url = None
    record = found.get(entry.target_type, {}).get(entry.target_id)
    if record is not None and entry.target_type == "Network":
        name, url = record.name, url_for("admin.edit_network", network_slug=record.slug)
    elif record is not None and territory is not None:
        _model, column, endpoint, argument = pages[entry.target_type]
        name = getattr(record, column) if column else None
        url = url_for(endpoint, territory_slug=territory.slug, **{argument: entry.target_id})
    elif entry.target_type == "Territory" and entry.target_id in territories:
        name = territories[entry.target_id].name
        url = url_for("main.territory_dashboard", territory_slug=territories[entry.target_id].slug)
    return Row(
        entry=entry,
        who=who,
        who_is_person=is_person,
        what=labels.action_label(entry.action),
        kind=labels.record_kind_label(entry.target_type),
        name=name,
        url=url,
        territory=territory,
        details=list(readable_details(entry.details, users)),
    )


def _actor_name(actor: str | None) -> str:
    from flask_babel import gettext as _

    return {
        audit.PARTICIPANT: _("A participant"),
        audit.BACKGROUND: _("The application"),
    }.get(actor or "", _("Command line"))


def readable_details(details: dict, users: dict[int, User] | None = None) -> Iterator[tuple[str, str]]:
    """The facts of an entry as (name, value) in the reader's language."""
    from flask_babel import format_date, format_number
    from flask_babel import gettext as _

    from ..territories.labels import ROLE_NAMES
    from ..web import language_names

    for key, value in (details or {}).items():
        if key == "by" and users and value in users:
            continue  # shown as who asked
        name = str(labels.DETAILS[key]) if key in labels.DETAILS else key
        if value is None or value == "" or value == []:
            shown = "–"
        elif key == "role":
            shown = str(ROLE_NAMES.get(value, value))
        elif key == "roles" and isinstance(value, list):
            shown = ", ".join(str(ROLE_NAMES.get(v, v)) for v in value)
        elif key == "reason" and isinstance(value, str):
            shown = str(labels.REASONS[value]) if value in labels.REASONS else value
        elif key == "until" and isinstance(value, str):
            try:
                shown = format_date(date.fromisoformat(value))
            except ValueError:
                shown = value
        elif key == "language" and isinstance(value, str):
            shown = language_names([value])
        elif isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif isinstance(value, int):
            shown = format_number(value)
        elif isinstance(value, list):
            shown = ", ".join(format_number(v) if isinstance(v, int) else str(v) for v in value)
        else:
            shown = str(value)
        yield name, shown


def all_rows(query: Select, chunk: int = 500) -> Iterator[Row]:
    """Every entry ``query`` selects, as rows, read ``chunk`` at a time (for the CSV export); entries written
    while the export runs are left out, so none is read twice."""
    last_id = db.session.scalar(select(func.max(AuditEntry.id)))
    if last_id is None:
        return
    query = query.where(AuditEntry.id <= last_id)
    offset = 0
    while batch := list(db.session.scalars(query.limit(chunk).offset(offset))):
        yield from rows(batch)
        for entry in batch:
            db.session.expunge(entry)  # a long export does not keep every entry in memory
        offset += chunk
