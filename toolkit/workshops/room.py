"""The room's rules for everything that arrives while a workshop runs: telling the live views that something
changed, holding the room still while a vote is counted, ballots stored whole, and forms stored once.

Operations here never commit: the view that calls them does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update

from ..extensions import db
from .models import Participant, Workshop, WorkshopState

#: What a ballot replaces (conditions on the model's rows, besides the participant) and the rows it stores.
Ballot = tuple[list, list[dict]]


class Refused(Exception):
    """An action the rules do not allow; its message names the rule (``"closed"``, ``"total"``...)."""


def now() -> datetime:
    return datetime.now(UTC)


def bump(workshop: Workshop, *, step: bool = False) -> None:
    """Tell the live views that something changed; an SQL increment, so concurrent changes all count."""
    db.session.execute(_bump_statement(step), {"workshop_id": workshop.id})


@functools.cache
def _bump_statement(step: bool):
    """:func:`bump`'s statement, built once: every contribution of a room sends it."""
    values = {"revision": Workshop.revision + 1}
    if step:
        values["step_revision"] = Workshop.step_revision + 1
    return (
        update(Workshop)
        .where(Workshop.id == bindparam("workshop_id"))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def bump_workshop(workshop_id: int | None) -> None:
    """:func:`bump` for a record that knows only the id of the workshop it came from (if any)."""
    if workshop_id is not None:
        db.session.execute(
            update(Workshop).where(Workshop.id == workshop_id).values(revision=Workshop.revision + 1),
            execution_options={"synchronize_session": False},
        )


def bump_process(process_id: int) -> None:
    """Tell the live views of every open workshop of the process that something of the process changed."""
    db.session.execute(
        update(Workshop)
        .where(Workshop.process_id == process_id, Workshop.state == WorkshopState.OPEN)
        .values(revision=Workshop.revision + 1),
        execution_options={"synchronize_session": False},
    )


def lock_room(workshop: Workshop) -> None:
    """Hold the workshop's row until the commit, and read its step and state again as they are now.

    Everything that depends on the room's current step (a vote arriving, the room moving on and freezing the
    vote) goes through this first, so the two never interleave: a vote is either counted in the frozen ranking
    or refused, never stored and left out.
    """
    bump(workshop)  # an UPDATE: the row lock on PostgreSQL, the write lock on SQLite
    db.session.refresh(workshop, ["state", "current_step_id", "current_step"])
    if workshop.current_step is not None:
        db.session.refresh(workshop.current_step, ["frozen_at", "results"])


def lock_ballot(participant: Participant) -> None:
    """Serialise the ballots of one participant: requests that race (two taps, two tabs) are applied one after
    the other, so that together they never exceed the limits."""
    db.session.execute(select(Participant.id).where(Participant.id == participant.id).with_for_update())


def already_sent(model, submission_key: str | None):
    """The row a form with this submission key already stored, if any (a form sent twice is stored once)."""
    if not submission_key:
        return None
    return db.session.scalar(_sent_query(model), {"submission_key": submission_key})


@functools.cache
def _sent_query(model):
    """:func:`already_sent`'s query for ``model``, built once: every form sent asks it."""
    return select(model).where(model.submission_key == bindparam("submission_key"))


def checked_dots(
    workshop: Workshop, allocation: dict[int, int], allowed: set[int], per_item: str
) -> dict[int, int]:
    """The dots of ``allocation`` (id -> dots) that count, once they are within the workshop's limits;
    :class:`Refused` says which limit (``per_item`` names the one on a single item) otherwise."""
    allocation = {item: dots for item, dots in allocation.items() if dots}
    if any(item not in allowed for item in allocation):
        raise Refused("unknown")
    if any(dots < 0 or dots > workshop.dots_per_service for dots in allocation.values()):
        raise Refused(per_item)
    if sum(allocation.values()) > workshop.dots_per_participant:
        raise Refused("total")
    return allocation


def replace_ballot(workshop: Workshop, participant: Participant, model, ballot: Callable[[], Ballot]) -> None:
    """Replace a participant's whole ballot (dots on services or proposals, places on the grid).

    The room is locked first (see :func:`lock_room`), so ``ballot()`` reads the step and the state as they are
    now: it raises :class:`Refused` when the ballot cannot count, or gives the filter of the participant's rows
    it replaces and the new rows. Then the participant's ballot is locked, the old rows deleted, the new ones
    inserted, and the live views told.
    """
    lock_room(workshop)
    if workshop.state is not WorkshopState.OPEN:
        raise Refused("closed")
    where, rows = ballot()
    lock_ballot(participant)
    db.session.execute(model.__table__.delete().where(model.participant_id == participant.id, *where))
    for row in rows:
        db.session.add(model(territory_id=workshop.territory_id, participant_id=participant.id, **row))
    bump(workshop)
