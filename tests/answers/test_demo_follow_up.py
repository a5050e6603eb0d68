"""The demo's follow-up: answers in several statuses, one recommendation overdue, one forwarded."""

from toolkit.answers.models import AnswerStatus, Forwarding, ForwardingDecision
from toolkit.answers.threads import Standing, threads_of
from toolkit.demo import answers as follow_up
from toolkit.demo.seed import DEMO_PASSWORD, issue_demo_version, load_demo
from toolkit.extensions import db


def test_the_demo_has_answers_in_several_statuses_one_overdue_and_one_forwarded(app, login):
    from toolkit.accounts.models import User

    load_demo()
    db.session.commit()
    follow_up.add_follow_up_recommendations()
    issue_demo_version()
    follow_up.answer_demo_version()
    process = follow_up._process()
    threads = threads_of(process)
    statuses = {t.status for t in threads if t.status is not None}
    assert {AnswerStatus.IN_PROGRESS, AnswerStatus.PARTLY_ACCEPTED, AnswerStatus.REJECTED} <= statuses
    overdue = [t for t in threads if t.standing() is Standing.OVERDUE]
    assert len(overdue) == 1 and overdue[0].answers == []
    forwarding = db.session.scalars(db.select(Forwarding)).one()
    assert forwarding.decision is ForwardingDecision.FORWARDED and forwarding.letter_pdf.startswith(b"%PDF-")
    assert forwarding.answer.status is AnswerStatus.NOT_OUR_COMPETENCE
    new_body = [t for t in threads if t.forwarded_from is not None]
    assert [t.organisation.name for t in new_body] == ["Questura - Ufficio immigrazione"]
    facilitator = db.session.scalar(db.select(User).where(User.email == "facilitatore@example.org"))
    client = login(facilitator, DEMO_PASSWORD)
    page = client.get(f"/t/borgo-san-vitale/processes/{process.id}/follow-up")
    assert page.status_code == 200
    assert "Un pomeriggio a settimana di apertura serale" in page.get_data(as_text=True)
    # The coordinator published the results: anyone reads them, with the answers.
    public = app.test_client().get(f"/results/borgo-san-vitale/{process.id}/")
    assert public.status_code == 200
    assert "Non abbiamo locali né personale" in public.get_data(as_text=True)
