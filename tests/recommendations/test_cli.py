"""Batch use: ``flask render-report`` and ``flask render-letters`` write the draft, or an issued version exactly as
it was stored."""

from __future__ import annotations

import hashlib

from toolkit.demo.seed import load_demo
from toolkit.extensions import db
from toolkit.processes.models import Process
from toolkit.recommendations import issuing
from toolkit.recommendations.models import DocumentKind, Recommendation

from ..test_documents import pdf_info, pdf_language, pdf_text, shows


def _demo():
    load_demo()
    db.session.commit()
    return db.session.scalar(db.select(Process).order_by(Process.id))


def test_render_report_writes_the_draft_in_the_language_asked_for(app, tmp_path):
    process = _demo()
    out = tmp_path / "report.pdf"
    result = app.test_cli_runner().invoke(
        args=["render-report", str(process.id), "--lang", "uk", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert pdf_language(out) == "uk" and pdf_info(out)["Tagged"] == "yes"
    assert f"{pdf_info(out)['Pages']} pages" in result.output
    text = pdf_text(out)
    for recommendation in db.session.scalars(db.select(Recommendation)):
        assert shows(text, recommendation.title)


def test_render_letters_writes_one_letter_per_addressee(app, tmp_path):
    process = _demo()
    result = app.test_cli_runner().invoke(
        args=["render-letters", str(process.id), "--out-dir", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    letters = sorted((tmp_path / "out").glob("*.pdf"))
    addressees = {r.addressee.name: r.title for r in db.session.scalars(db.select(Recommendation))}
    assert len(letters) == len(addressees) == 2
    for path in letters:
        text = pdf_text(path)
        named = [name for name in addressees if shows(text, name)]
        assert len(named) == 1  # each letter to one addressee, with its recommendation and no other
        assert [title for title in addressees.values() if shows(text, title)] == [addressees[named[0]]]


def test_an_issued_version_is_written_as_stored(app, tmp_path):
    process = _demo()
    job = issuing.request_issue(process, ["it"], "", None)
    db.session.commit()
    issuing.run(job.id)
    runner = app.test_cli_runner()
    out = tmp_path / "v1.pdf"
    result = runner.invoke(args=["render-report", str(process.id), "--version", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    stored = {d.kind: d for d in db.session.get(type(job.issue), job.issue_id).documents}
    assert hashlib.sha256(out.read_bytes()).hexdigest() == stored[DocumentKind.REPORT].sha256
    result = runner.invoke(
        args=["render-letters", str(process.id), "--version", "1", "--out-dir", str(tmp_path / "letters")]
    )
    assert result.exit_code == 0, result.output
    stored_letters = {d.sha256 for d in job.issue.documents if d.kind is DocumentKind.LETTER}
    assert {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in (tmp_path / "letters").glob("*.pdf")
    } == stored_letters

    # A version or a language that was not issued is refused with a clear message, not a traceback.
    result = runner.invoke(args=["render-report", str(process.id), "--version", "2", "--out", str(out)])
    assert result.exit_code != 0 and "has no version 2" in result.output
    result = runner.invoke(
        args=["render-report", str(process.id), "--version", "1", "--lang", "ar", "--out", str(out)]
    )
    assert result.exit_code != 0 and "not in ar" in result.output
    result = runner.invoke(args=["render-report", "999", "--out", str(out)])
    assert result.exit_code != 0 and "no process 999" in result.output
