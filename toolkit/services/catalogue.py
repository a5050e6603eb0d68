"""Reading the territory's catalogue: its services in use, those a process works on, its barrier categories.

Lists people choose from are sorted by name in the page's language, so the same list reads alphabetically in
every language.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..content import localize
from ..extensions import db
from .models import BarrierCategory, Service


def catalogue() -> list[Service]:
    """The territory's services in use, by name in the page's language."""
    return by_name(db.session.scalars(select(Service).where(Service.archived_at.is_(None))))


def services_in_scope(process) -> list[Service]:
    """The services a barrier of ``process`` can be about: those confirmed for it, else the whole catalogue."""
    return by_name(process.services) if process.services else catalogue()


def by_name(services: Iterable[Service]) -> list[Service]:
    """``services`` sorted by name in the page's language, ignoring case."""
    return sorted(services, key=lambda service: localize(service.name).text.casefold())


def categories() -> list[BarrierCategory]:
    """The territory's barrier categories, in the coordinator's order."""
    return list(db.session.scalars(select(BarrierCategory).order_by(BarrierCategory.position)))
