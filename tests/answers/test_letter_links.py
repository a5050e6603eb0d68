"""Every letter of an issued version carries its addressee's answer link and QR code: one fresh link per addressee,
written with the version or not at all, and never part of what tells a changed letter from an unchanged one."""

from __future__ import annotations

import re
from pathlib import Path

from toolkit.access import Role
from toolkit.answers import links
from toolkit.answers.models import AnswerLink
from toolkit.background import wait_for_jobs
from toolkit.extensions import db
from toolkit.recommendations import documents, issuing
from toolkit.recommendations.models import DocumentIssue, DocumentKind, IssueJob, IssueState

from ..test_documents import pdf_text, without_spaces
from .test_addressed import addressed_world

ANSWER_URL = re.compile(r"http://localhost/answer/([A-Za-z0-9_-]{43})")


def _issue(app, client, process, languages=("it",)) -> IssueJob:
    response = client.post(
        f"/t/{process.territory.slug}/processes/{process.id}/versions", data={"languages": list(languages)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert wait_for_jobs(app, timeout=240)
    return db.session.scalars(db.select(IssueJob).order_by(IssueJob.id.desc())).first()


def _links() -> list[AnswerLink]:
    return list(db.session.scalars(db.select(AnswerLink).order_by(AnswerLink.id)))


def _letter_text(document, tmp_path: Path) -> str:
    path = tmp_path / document.filename
    path.write_bytes(document.pdf)
    return without_spaces(pdf_text(path))


def test_each_addressee_s_letters_carry_its_own_link(app, make, login, client, tmp_path):
    world = addressed_world(make)
    facilitator = login(make.user(Role.FACILITATOR, world["territory"]))
    job = _issue(app, facilitator, world["process"], ("it", "ar"))
    assert job.state is IssueState.DONE
    version = job.issue
    stored = _links()
    assert sorted(link.organisation_id for link in stored) == sorted([world["health"].id, world["school"].id])
    assert all(link.issue_id == version.id and link.process_id == world["process"].id for link in stored)
    tokens = {}
    for letter in (d for d in version.documents if d.kind is DocumentKind.LETTER):
        found = ANSWER_URL.findall(_letter_text(letter, tmp_path))
        assert len(found) == 1, letter.filename
        tokens.setdefault(letter.addressee_id, set()).add(found[0])
    # One token per addressee, the same in each language; each opens its own body's page.
    assert all(len(printed) == 1 for printed in tokens.values())
    health_token = tokens[world["health"].id].pop()
    school_token = tokens[world["school"].id].pop()
    assert links.link_for(health_token).organisation_id == world["health"].id
    assert links.link_for(school_token).organisation_id == world["school"].id
    page = client.get(f"/answer/{health_token}").get_data(as_text=True)
    assert "Un mediatore al CUP" in page and "Moduli di iscrizione tradotti" not in page
    # The token itself is stored nowhere: only its SHA-256.
    assert all(health_token not in str(value) for value in version.content.values())
    assert stored[0].token_hash in (links.token_hash(health_token), links.token_hash(school_token))


def test_issuing_again_gives_fresh_links_and_the_letters_do_not_read_as_changed(app, make, login):
    world = addressed_world(make)
    facilitator = login(make.user(Role.FACILITATOR, world["territory"]))
    first = _issue(app, facilitator, world["process"]).issue
    second = _issue(app, facilitator, world["process"]).issue
    assert len(_links()) == 4
    assert len({link.token_hash for link in _links()}) == 4
    assert first.content["documents"] == second.content["documents"]
    assert documents.changes(first.content, second.content)["documents"] is False
    # The first letters' links still work: a printed letter keeps working.
    assert all(link.revoked_at is None for link in _links())


def test_a_failed_rendering_leaves_no_link(app, make, login, monkeypatch):
    world = addressed_world(make)
    facilitator = login(make.user(Role.FACILITATOR, world["territory"]))
    real = issuing.render_pdf

    def failing_on_a_letter(template, **context):
        if template == "documents/letter.html":
            raise RuntimeError("the renderer broke")
        return real(template, **context)

    monkeypatch.setattr(issuing, "render_pdf", failing_on_a_letter)
    job = _issue(app, facilitator, world["process"])
    assert job.state is IssueState.FAILED
    assert _links() == []


def test_a_failure_while_storing_the_version_leaves_no_link(app, make, login, monkeypatch):
    world = addressed_world(make)
    facilitator = login(make.user(Role.FACILITATOR, world["territory"]))
    real = issuing.audit.record
    written = []

    def failing_when_issued(action, *args, **kwargs):
        if action == "recommendations.issued":
            written.append(len(_links()))  # the links were written, in the version's transaction
            raise RuntimeError("the database broke")
        return real(action, *args, **kwargs)

    monkeypatch.setattr(issuing.audit, "record", failing_when_issued)
    job = _issue(app, facilitator, world["process"])
    assert job.state is IssueState.FAILED
    assert written == [2]
    assert db.session.scalar(db.select(db.func.count()).select_from(DocumentIssue)) == 0
    assert _links() == []
