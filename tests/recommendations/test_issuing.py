"""Issuing: the demo process issued as version 1, its stored report and letters checked page by page and glyph by
glyph; an issued version that never changes; a failure that leaves nothing; what changed between versions."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
import sqlalchemy
from flask_babel import force_locale, format_date, gettext, ngettext
from markupsafe import escape

from toolkit.access import Role
from toolkit.background import wait_for_jobs
from toolkit.demo.seed import load_demo
from toolkit.extensions import db
from toolkit.processes.models import Process
from toolkit.recommendations import documents, issuing
from toolkit.recommendations.documents import CHANGED_FIELDS
from toolkit.recommendations.models import (
    DocumentIssue,
    DocumentKind,
    IssuedDocument,
    IssueJob,
    IssueState,
    Quote,
    Recommendation,
)
from toolkit.translating.operations import reviewed_translation

from ..factories import recommendation
from ..test_documents import (
    pdf_info,
    pdf_language,
    pdf_text,
    shows,
    unembedded_fonts,
    without_spaces,
    wrong_fonts,
)


@pytest.fixture
def demo(app, make, login):
    load_demo()
    db.session.commit()
    process = db.session.scalar(db.select(Process).order_by(Process.id))
    facilitator = make.user(Role.FACILITATOR, process.territory, email="facilitatrice.issuing@example.org")
    return process, login(facilitator)


def _versions_url(process) -> str:
    return f"/t/{process.territory.slug}/processes/{process.id}/versions"


def _issue(app, client, process, languages=("it",), note="") -> IssueJob:
    response = client.post(_versions_url(process), data={"languages": list(languages), "note": note})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "/versions/jobs/" in response.location
    assert wait_for_jobs(app, timeout=240)
    return db.session.scalars(db.select(IssueJob).order_by(IssueJob.id.desc())).first()


def _script(character: str) -> str | None:
    name = unicodedata.name(character, "")
    for script in ("ARABIC", "CJK", "CYRILLIC", "BENGALI"):
        if name.startswith(script):
            return script
    return None


SCRIPTS = ("ARABIC", "CJK", "CYRILLIC", "BENGALI")


def _by_script(texts) -> Counter:
    """How many characters of each script the texts hold."""
    return Counter(_script(c) for text in texts for c in text if _script(c))


def _drawn_by_script(path: Path) -> Counter:
    with pdfplumber.open(path) as pdf:
        return _by_script(char["text"] for page in pdf.pages for char in page.chars)


def _footer_numbers(path: Path) -> list[str]:
    """The numbers printed in the bottom margin of the last page."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[-1]
        footer = page.crop((0, page.height - 12 * 72 / 25.4, page.width, page.height)).extract_text()
    return re.findall(r"\d+", footer)


def _title(recommendation, language: str) -> str:
    translation = reviewed_translation(recommendation, language)
    return translation.texts["title"] if translation is not None else recommendation.title


def _quotes_and_other_texts(process, language: str) -> tuple[list[str], list[str]]:
    """The quotes the report of ``process`` prints, and the other words people wrote that it prints."""
    report = documents.document_set(process, language).report
    items = [r for service in report["services"] for r in service["recommendations"]]
    items += report["other_recommendations"]
    quotes = [q["text"] for r in items for q in r["quotes"]]
    quotes += [q["translation"]["text"] for r in items for q in r["quotes"] if q["translation"]]
    others = [b["text"] for service in report["services"] for b in service["described"]]
    others += [
        str(r[field]) for r in items for field in ("title", "problem", "proposed_change", "feasibility")
    ]
    return quotes, others


def test_issuing_the_demo_process_stores_checked_documents(app, demo, tmp_path):
    process, client = demo
    job = _issue(app, client, process, languages=("it", "ar"), note="Prima versione per la giunta")
    assert (
        job.state is IssueState.DONE and job.done == job.total == 6
    )  # 2 reports, 2 letters in each language

    page = client.get(f"/t/{process.territory.slug}/processes/{process.id}/versions/jobs/{job.id}")
    assert page.status_code == 302 and page.location.endswith("#version-1")
    listing = client.get(page.location).get_data(as_text=True)
    assert "Prima versione per la giunta" in listing

    issue = db.session.scalar(db.select(DocumentIssue))
    assert issue.number == 1 and issue.languages == ["it", "ar"]
    # The process page links the latest version's documents.
    process_page = client.get(f"/t/{process.territory.slug}/processes/{process.id}").get_data(as_text=True)
    for document in issue.documents:
        assert f'href="/t/{process.territory.slug}/documents/{document.id}.pdf"' in process_page
    recommendations = db.session.scalars(db.select(Recommendation).order_by(Recommendation.position)).all()
    assert [r["title"] for r in issue.content["recommendations"]] == [r.title for r in recommendations]
    kinds = sorted((d.kind.value, d.language, d.addressee_name) for d in issue.documents)
    addressees = sorted(r.addressee.name for r in recommendations)
    assert kinds == sorted(
        [("report", lang, "") for lang in ("it", "ar")]
        + [("letter", lang, name) for lang in ("it", "ar") for name in addressees]
    )

    for document in issue.documents:
        response = client.get(f"/t/{process.territory.slug}/documents/{document.id}.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert hashlib.sha256(response.data).hexdigest() == document.sha256
        assert document.sha256 in listing  # the fingerprint is shown beside its link
        path = tmp_path / document.filename
        path.write_bytes(response.data)
        text = pdf_text(path)
        info = pdf_info(path)
        pages = int(info["Pages"])
        assert pages == document.pages
        assert info["Tagged"] == "yes" and pdf_language(path) == document.language
        assert unembedded_fonts(path) == []
        assert wrong_fonts(path) == []
        with app.test_request_context(), force_locale(document.language):
            last_page = gettext("Page %(page)s of %(pages)s", page=pages, pages=pages)
            beyond = gettext("Page %(page)s of %(pages)s", page=pages + 1, pages=pages + 1)
        assert shows(text, last_page)  # the footer's count is the real page count
        if document.language != "ar":  # pdftotext scatters the digits of right-to-left lines
            assert not shows(text, beyond)
        mine = [
            r
            for r in recommendations
            if document.kind is DocumentKind.REPORT or r.addressee.name == document.addressee_name
        ]
        others = [r for r in recommendations if r not in mine]
        for r in mine:  # in the document's language when a reviewed translation exists (the demo's Arabic)
            assert shows(text, _title(r, document.language)) and shows(text, r.addressee.name)
        for r in others:  # a letter carries only its addressee's recommendations
            assert not shows(text, _title(r, document.language))
        # The footer of the last page says "page N of N" (digits compared: the words vary by language).
        assert _footer_numbers(path) == [str(pages), str(pages)]
        if document.kind is DocumentKind.REPORT and document.language == "it":
            # The demo quotes testimonies written in Arabic, Chinese, Ukrainian and Bengali. In the Italian
            # report, the letters of each script drawn are those of the quotes, beyond any other text printed in
            # that script (a barrier written in Bengali, say): a missing quote would leave them short.
            with force_locale("it"):  # outside any request, as the worker reads them: every territory's rows
                quotes, others = _quotes_and_other_texts(process, "it")
            in_quotes, elsewhere, drawn = _by_script(quotes), _by_script(others), _drawn_by_script(path)
            for script in SCRIPTS:
                assert in_quotes[script] > 0, script
                assert drawn[script] >= elsewhere[script] + 0.9 * in_quotes[script], script
            # Chinese and Ukrainian come back whole from pdftotext, each quote beside its reviewed translation.
            flat = without_spaces(text)
            for quote in db.session.scalars(db.select(Quote).where(Quote.language.in_(("zh", "uk")))):
                words = "".join(c for c in quote.text if ord(c) < 0x1F000)  # emoji are pictures
                assert without_spaces(words) in flat
            assert shows(text, "Mia figlia ha dodici anni")
        if document.kind is DocumentKind.LETTER:
            earliest = min(r.respond_by for r in mine)
            with app.test_request_context(), force_locale(document.language):
                ask = gettext(
                    "Please answer each recommendation by %(date)s.", date=format_date(earliest, "long")
                )
            assert shows(text, ask)


def test_an_issued_version_never_changes(app, demo, tmp_path):
    process, client = demo
    _issue(app, client, process)
    issue = db.session.scalar(db.select(DocumentIssue))
    stored = {d.id: (d.sha256, hashlib.sha256(d.pdf).hexdigest(), d.pdf) for d in issue.documents}
    content = issue.content

    # The recommendations change after issuing, through the pages people use.
    first = db.session.scalars(db.select(Recommendation).order_by(Recommendation.position)).first()
    response = client.post(
        f"/t/{process.territory.slug}/recommendations/{first.id}/edit",
        data={
            "title": "Un titolo cambiato dopo il rilascio",
            "problem": "Un altro problema.",
            "proposed_change": "Un altro cambiamento.",
            "priority": "low",
            "version": str(first.version),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    issue = db.session.scalar(db.select(DocumentIssue))
    assert issue.content == content
    for document in issue.documents:
        sha256, _computed, pdf = stored[document.id]
        assert document.sha256 == sha256 and document.pdf == pdf
        downloaded = client.get(f"/t/{process.territory.slug}/documents/{document.id}.pdf").data
        assert hashlib.sha256(downloaded).hexdigest() == sha256
        path = tmp_path / "issued.pdf"
        path.write_bytes(downloaded)
        assert "Un titolo cambiato" not in pdf_text(path)

    # Nothing can change it, whichever code tries.
    issue.note = "riscritto"
    with pytest.raises(issuing.ImmutableIssue):
        db.session.flush()
    db.session.rollback()
    document = db.session.scalars(db.select(IssuedDocument)).first()
    document.pdf = b"%PDF-1.7 forged"
    with pytest.raises(issuing.ImmutableIssue):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(db.select(IssuedDocument)).first())
    with pytest.raises(issuing.ImmutableIssue):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(issuing.ImmutableIssue):
        db.session.execute(db.update(IssuedDocument).values(pdf=b"%PDF-1.7 forged"))
    db.session.rollback()
    with pytest.raises(issuing.ImmutableIssue):
        db.session.execute(db.delete(DocumentIssue))
    db.session.rollback()
    # Past the application, the database itself refuses.
    for statement in (
        "UPDATE issued_documents SET pdf = :forged",
        "UPDATE issued_documents SET sha256 = 'forged'",
        "UPDATE document_issues SET content = '{}'",
    ):
        with (
            pytest.raises(sqlalchemy.exc.DatabaseError, match="an issued version never changes"),
            db.engine.begin() as connection,
        ):
            connection.execute(sqlalchemy.text(statement), {"forged": b"%PDF-1.7 forged"})

    # Issuing again makes version 2, which says what changed; version 1 stays as it was.
    job = _issue(app, client, process)
    assert job.state is IssueState.DONE
    numbers = db.session.scalars(db.select(DocumentIssue.number).order_by(DocumentIssue.number)).all()
    assert numbers == [1, 2]
    listing = client.get(_versions_url(process)).get_data(as_text=True)
    changed = re.search(r"<bdi>Un titolo cambiato dopo il rilascio</bdi> \(([^)]*)\)", listing)
    with app.test_request_context(), force_locale("it"):
        for field in ("title", "priority", "problem", "proposed_change"):
            assert str(CHANGED_FIELDS[field]) in changed.group(1)
    for document_id, (sha256, _computed, _pdf) in stored.items():
        assert db.session.get(IssuedDocument, document_id).sha256 == sha256


def test_a_failure_while_rendering_leaves_no_version(app, demo, monkeypatch):
    process, client = demo
    rendered = []
    real = issuing.render_pdf

    def failing_on_the_second(template, **kwargs):
        rendered.append(template)
        if len(rendered) == 2:
            raise RuntimeError("the renderer broke")
        return real(template, **kwargs)

    monkeypatch.setattr(issuing, "render_pdf", failing_on_the_second)
    job = _issue(app, client, process)
    assert job.state is IssueState.FAILED and job.issue_id is None and job.done == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(DocumentIssue)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(IssuedDocument)) == 0

    page = client.get(f"/t/{process.territory.slug}/processes/{process.id}/versions/jobs/{job.id}")
    assert page.status_code == 200
    assert "Nothing was issued" in page.get_data(as_text=True) or "Non è stato emesso nulla" in page.get_data(
        as_text=True
    )

    # The next attempt works, and is version 1.
    monkeypatch.setattr(issuing, "render_pdf", real)
    job = _issue(app, client, process)
    assert job.state is IssueState.DONE and job.issue.number == 1


def test_progress_is_reported_while_rendering(app, demo):
    process, client = demo
    job = issuing.request_issue(process, ["it"], "", None)
    db.session.commit()
    progress = client.get(
        f"/t/{process.territory.slug}/processes/{process.id}/versions/jobs/{job.id}/progress"
    )
    assert progress.json["state"] == "rendering" and progress.json["done"] == 0
    page = client.get(f"/t/{process.territory.slug}/processes/{process.id}/versions/jobs/{job.id}")
    assert 'role="status"' in page.get_data(as_text=True) and "<progress" in page.get_data(as_text=True)
    # A second request while one is rendering does not start another.
    again = client.post(_versions_url(process), data={"languages": ["it"]})
    assert again.status_code == 302 and again.location.endswith(f"/versions/jobs/{job.id}")
    assert db.session.scalar(db.select(db.func.count()).select_from(IssueJob)) == 1
    # Nor can two start at the same moment: the database keeps one rendering job per process.
    db.session.add(
        IssueJob(
            territory_id=process.territory_id,
            process_id=process.id,
            languages=["it"],
            state=IssueState.RENDERING,
            requested_at=issuing.now(),
        )
    )
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    issuing.run(job.id)
    progress = client.get(
        f"/t/{process.territory.slug}/processes/{process.id}/versions/jobs/{job.id}/progress"
    )
    assert progress.json["state"] == "done" and progress.json["done"] == progress.json["total"] == 3


def test_a_job_whose_worker_died_is_failed_and_another_can_start(app, demo):
    from datetime import timedelta

    process, _client = demo
    job = issuing.request_issue(process, ["it"], "", None)
    job.requested_at = issuing.now() - issuing.STALE_AFTER - timedelta(minutes=1)
    db.session.commit()
    assert issuing.running_job(process) is None
    db.session.commit()
    assert db.session.get(IssueJob, job.id).state is IssueState.FAILED


def test_only_facilitators_issue_and_other_territories_see_nothing(app, demo, make, login):
    process, client = demo
    _issue(app, client, process)
    document = db.session.scalars(db.select(IssuedDocument)).first()
    territory = process.territory
    reader = login(make.user(Role.TRANSLATOR, territory, email="lettore.issuing@example.org"))
    assert reader.post(_versions_url(process), data={"languages": ["it"]}).status_code == 403
    assert reader.get(f"/t/{territory.slug}/documents/{document.id}.pdf").status_code == 200
    other = make.territory(slug="altrove", name="Comune di Altrove")
    stranger = login(make.coordinator(other, email="coordinatrice.altrove@example.org"))
    assert stranger.get(f"/t/{other.slug}/documents/{document.id}.pdf").status_code == 404
    assert stranger.get(f"/t/{territory.slug}/documents/{document.id}.pdf").status_code == 403


def test_nothing_to_issue_says_so(app, make, login):
    territory = make.territory()
    process = make.process(territory)
    client = login(make.user(Role.FACILITATOR, territory))
    response = client.post(_versions_url(process), data={"languages": ["it"]})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(IssueJob)) == 0
    recommendation(process, [], title="Uno sportello unico")
    page = client.get(_versions_url(process))
    assert page.status_code == 200
    with app.test_request_context(), force_locale("it"):
        warning = ngettext(
            "%(num)d recommendation has no addressee: it will be in the report, but no letter will be written for it.",
            "%(num)d recommendations have no addressee: they will be in the report, but no letter will be written "
            "for them.",
            1,
        )
    assert str(escape(warning)) in page.get_data(as_text=True)


def test_the_list_of_versions_says_what_changed_even_when_only_the_documents_did(app, demo):
    from toolkit.barriers.models import Barrier

    process, client = demo
    for _ in range(2):
        job = issuing.request_issue(process, ["it"], "", None)
        db.session.commit()
        issuing.run(job.id)
    # A barrier the report prints is corrected: the recommendations stay as they were, the report does not.
    barrier = db.session.scalars(db.select(Barrier).where(Barrier.language == "it")).first()
    barrier.text = "Allo sportello nessuno spiega quali documenti servono, né in italiano né in altre lingue."
    db.session.commit()
    job = issuing.request_issue(process, ["it"], "", None)
    db.session.commit()
    issuing.run(job.id)
    listing = client.get(_versions_url(process)).get_data(as_text=True)
    with app.test_request_context(), force_locale("it"):
        same = gettext("Nothing changed since the version before.")
        reprinted = gettext(
            "The recommendations did not change, but the documents did: new reviewed translations, evidence or "
            "participation."
        )
        first = gettext("First version.")
    version = {n: listing[listing.index(f'id="version-{n}"') :].split("</li>")[0] for n in (1, 2, 3)}
    assert first in version[1]
    assert same in version[2] and reprinted not in version[2]
    assert reprinted in version[3]
