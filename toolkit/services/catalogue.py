"""Reading the territory's catalogue: its services in use, those a process works on, its barrier categories.

Lists people choose from are sorted by name in the page's language, so the same list reads alphabetically in
every language.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import load_only

from ..content import localize
from ..extensions import db
from .models import BarrierCategory, Service


def catalogue() -> list[Service]:
    """The territory's services in use, by name in the page's language."""
    return by_name(db.session.scalars(select(Service).where(Service.archived_at.is_(None))))


def services_in_scope(process) -> list[Service]:
    """The services a barrier of ``process`` can be about: those confirmed for it, else the whole catalogue."""
    confirmed = _confirmed(process)
    return by_name(confirmed) if confirmed else catalogue()


def _confirmed(process) -> list[Service]:
    """The services confirmed for ``process``: as loaded with it, else read with a query built once (a room of
    phones asks at once, and loading the relationship costs more)."""
    state = inspect(process)
    if "services" in state.dict:
        return process.services
    links = state.mapper.relationships["services"].secondary
    return list(db.session.scalars(_confirmed_query(links), {"process_id": process.id}))


@functools.cache
def _confirmed_query(links, ids_only: bool = False):
    query = (
        select(Service)
        .join(links, links.c.service_id == Service.id)
        .where(links.c.process_id == bindparam("process_id"))
        .order_by(Service.id)
    )
    return query.options(load_only(Service.id)) if ids_only else query


def services_in_scope_by_id(process) -> list[Service]:
    """The services of :func:`services_in_scope`, unsorted and read with their ids only: enough to check the
    choice of a form sent (a room of phones sends at once; reading whole services costs more)."""
    state = inspect(process)
    if "services" in state.dict:
        confirmed = process.services
    else:
        links = state.mapper.relationships["services"].secondary
        confirmed = list(db.session.scalars(_confirmed_query(links, True), {"process_id": process.id}))
    return confirmed or list(db.session.scalars(_catalogue_by_id_query()))


@functools.cache
def _catalogue_by_id_query():
    return select(Service).where(Service.archived_at.is_(None)).options(load_only(Service.id))


def by_name(services: Iterable[Service]) -> list[Service]:
    """``services`` sorted by name in the page's language, ignoring case."""
    return sorted(services, key=lambda service: localize(service.name).text.casefold())


def categories() -> list[BarrierCategory]:
    """The territory's barrier categories, in the coordinator's order."""
    return list(db.session.scalars(_categories_query()))


def categories_by_id() -> list[BarrierCategory]:
    """The categories of :func:`categories` read with their ids only, for checking the choices of a form sent."""
    return list(db.session.scalars(_categories_query(True)))


@functools.cache
def _categories_query(ids_only: bool = False):
    if ids_only:
        return select(BarrierCategory).options(load_only(BarrierCategory.id))
    return select(BarrierCategory).order_by(BarrierCategory.position)
