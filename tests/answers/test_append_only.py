"""No answer, commitment or decision on forwarding can be changed or deleted: not through the ORM, not in bulk,
not in raw SQL, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError

from toolkit.answers import operations, threads
from toolkit.answers.models import Answer, AnswerNeverChanges, AnswerStatus, Commitment
from toolkit.extensions import db

from .helpers import issue
from .test_addressed import addressed_world


@pytest.fixture
def answered(make):
    world = addressed_world(make)
    issue(world["process"])
    thread = threads.thread_of(world["process"], world["health"], world["to_health"].id)
    answer = operations.record_answer(
        thread,
        status=AnswerStatus.ACCEPTED,
        text="Dal primo marzo un mediatore sarà al CUP il martedì.",
        language="it",
        commitments=[operations.CommitmentData("Un mediatore il martedì", "Ufficio relazioni")],
    )
    db.session.commit()
    return answer


def test_an_answer_is_kept_with_its_commitments(answered):
    db.session.expire_all()
    stored = db.session.get(Answer, answered.id)
    assert stored.status is AnswerStatus.ACCEPTED
    assert [c.what for c in stored.commitments] == ["Un mediatore il martedì"]


def test_the_orm_refuses_to_change_or_delete_an_answer(answered):
    answered.text = "Changed"
    with pytest.raises(AnswerNeverChanges):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(Answer, answered.id))
    with pytest.raises(AnswerNeverChanges):
        db.session.flush()
    db.session.rollback()
    commitment = db.session.scalars(db.select(Commitment)).one()
    commitment.due_on = None
    commitment.what = "Nothing"
    with pytest.raises(AnswerNeverChanges):
        db.session.flush()
    db.session.rollback()


def test_bulk_statements_are_refused(answered):
    with pytest.raises(AnswerNeverChanges):
        db.session.execute(update(Answer).values(text="Changed"))
    db.session.rollback()
    with pytest.raises(AnswerNeverChanges):
        db.session.execute(delete(Commitment))
    db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE recommendation_answers SET text = 'Changed'",
        "UPDATE recommendation_answers SET status = 'rejected'",
        "DELETE FROM recommendation_answers",
        "UPDATE answer_commitments SET what = 'Nothing'",
        "DELETE FROM answer_commitments",
    ],
)
def test_the_database_refuses_raw_sql(answered, statement):
    with (
        pytest.raises(DatabaseError, match="an answer is never changed"),
        db.engine.begin() as connection,
    ):
        connection.execute(text(statement))
    db.session.expire_all()
    stored = db.session.get(Answer, answered.id)
    assert stored.text == "Dal primo marzo un mediatore sarà al CUP il martedì."
    assert [c.what for c in stored.commitments] == ["Un mediatore il martedì"]


def test_postgresql_refuses_truncate_too(answered):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with (
        pytest.raises(DatabaseError, match="an answer is never changed"),
        db.engine.begin() as connection,
    ):
        connection.execute(text("TRUNCATE answer_commitments"))
    assert db.session.scalars(db.select(Commitment)).one().what == "Un mediatore il martedì"


def test_a_new_answer_is_a_new_entry(answered, make):
    process = answered.process
    thread = threads.thread_of(process, answered.organisation, answered.recommendation_id)
    operations.record_answer(
        thread, status=AnswerStatus.IN_PROGRESS, text="Il bando è uscito.", language="it"
    )
    db.session.commit()
    again = threads.thread_of(process, answered.organisation, answered.recommendation_id)
    assert [a.status for a in again.answers] == [AnswerStatus.ACCEPTED, AnswerStatus.IN_PROGRESS]
    assert again.commitments == []  # the latest answer's commitments are the current ones
    assert again.answered
