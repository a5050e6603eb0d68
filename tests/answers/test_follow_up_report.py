"""The follow-up report: every answer of every body over time, per recommendation as issued, the counts that never
take an unanswered recommendation for a rejected one, and one chart of statuses by addressee whose text alternative
says its numbers; laid out as the council report is (tagged PDF/UA, Noto fonts embedded, Arabic right to left)."""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pdfplumber
import pytest
from flask_babel import force_locale, format_date, gettext
from pdfminer.pdftypes import resolve1

from toolkit.access import Role
from toolkit.answers import operations
from toolkit.answers.labels import ANSWER_STATUSES, NO_ANSWER_YET
from toolkit.answers.models import AnswerStatus, Forwarding, ForwardingDecision
from toolkit.answers.operations import CommitmentData
from toolkit.answers.threads import thread_of, today
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind

from ..test_documents import pdf_info, pdf_language, pdf_text, shows, unembedded_fonts, words_only
from .helpers import issue

#: A word of 300 letters in an answer: it must wrap, not run off the page.
LONG_WORD = "sovraccaricato" * 21 + "ssssss"
ARABIC_ANSWER = "سنترجم استمارات التسجيل إلى العربية قبل الصيف"
FIRST_ANSWER = "Stiamo cercando un mediatore per il centro unico di prenotazione."
SECOND_ANSWER = "Il mediatore è al CUP dal lunedì al venerdì, dalle otto alle tredici."


def _answer(monkeypatch, world, key, organisation, *, days_ago=0, **answer):
    """``organisation``'s answer to the recommendation ``key``, written ``days_ago`` days ago."""
    written = datetime.now(UTC) - timedelta(days=days_ago)

    class Then(datetime):
        @classmethod
        def now(cls, tz=None):
            return written

    monkeypatch.setattr(operations, "datetime", Then)
    thread = thread_of(world["process"], world[organisation], world[key].id)
    recorded = operations.record_answer(thread, **answer)
    db.session.commit()
    monkeypatch.setattr(operations, "datetime", datetime)
    return recorded


def follow_up_world(make, monkeypatch):
    """Five recommendations of a process, issued in Italian and Arabic, and their answers: one body answered twice
    (the second time later), one answered in Arabic, one said only that it received its recommendation, one
    answered nothing past the date asked, and one said "not our competence" and the facilitator forwarded the
    recommendation to the body named, which rejected it with a 300-letter word."""
    territory = make.territory("borgo", name="Comune di Borgo")
    world = {"territory": territory}
    for key, name, kind in (
        ("health", "Azienda sanitaria di Borgo", OrganisationKind.SERVICE_OWNER),
        ("school", "Ufficio scuola di Borgo", OrganisationKind.MUNICIPAL_OFFICE),
        ("registry", "Ufficio anagrafe di Borgo", OrganisationKind.MUNICIPAL_OFFICE),
        ("social", "Servizi sociali di Borgo", OrganisationKind.MUNICIPAL_OFFICE),
    ):
        world[key] = make.organisation(territory, name, kind)
    world["process"] = make.process(territory, title="Servizi più vicini")
    for key, title, addressee in (
        ("mediator", "Un mediatore al CUP", "health"),
        ("forms", "Moduli di iscrizione tradotti", "school"),
        ("saturday", "L'anagrafe aperta il sabato", "registry"),
        ("guide", "Una guida ai servizi in arabo", "health"),
        ("desk", "Uno sportello per le famiglie", "school"),
    ):
        world[key] = make.recommendation(world["process"], title=title)
        world[key].addressee = world[addressee]
    world["saturday"].respond_by = today() - timedelta(days=20)
    db.session.commit()
    world["version"] = issue(world["process"], ["it", "ar"], days_ago=30)

    _answer(
        monkeypatch,
        world,
        "mediator",
        "health",
        days_ago=12,
        status=AnswerStatus.IN_PROGRESS,
        text=FIRST_ANSWER,
        language="it",
        signed_by="Dott.ssa Rossi, direzione sanitaria",
        commitments=[CommitmentData("Un bando per due mediatori", "Ufficio personale", date(2030, 3, 31))],
    )
    _answer(
        monkeypatch,
        world,
        "mediator",
        "health",
        status=AnswerStatus.IMPLEMENTED,
        text=SECOND_ANSWER,
        language="it",
    )
    _answer(
        monkeypatch,
        world,
        "forms",
        "school",
        days_ago=5,
        status=AnswerStatus.PARTLY_ACCEPTED,
        text=ARABIC_ANSWER,
        language="ar",
    )
    _answer(
        monkeypatch,
        world,
        "guide",
        "health",
        days_ago=3,
        status=AnswerStatus.RECEIVED,
        text="",
        language="it",
    )
    refusal = _answer(
        monkeypatch,
        world,
        "desk",
        "school",
        days_ago=8,
        status=AnswerStatus.NOT_OUR_COMPETENCE,
        text="Lo sportello spetta ai servizi sociali.",
        language="it",
        competent_body="Servizi sociali di Borgo",
    )
    db.session.add(
        Forwarding(
            territory_id=territory.id,
            process_id=world["process"].id,
            answer_id=refusal.id,
            recommendation_id=world["desk"].id,
            from_organisation_id=world["school"].id,
            to_organisation_id=world["social"].id,
            decision=ForwardingDecision.FORWARDED,
            note="Inoltrata ai servizi sociali, come indicato dall'ufficio scuola.",
            respond_by=today() + timedelta(days=30),
            decided_at=datetime.now(UTC) - timedelta(days=7),
        )
    )
    db.session.commit()
    _answer(
        monkeypatch,
        world,
        "desk",
        "social",
        days_ago=1,
        status=AnswerStatus.REJECTED,
        text=f"Non abbiamo personale: {LONG_WORD}.",
        language="it",
    )
    return world


@pytest.fixture
def world(app, make, monkeypatch):
    return follow_up_world(make, monkeypatch)


def _reader(make, login, world):
    return login(make.user(Role.FACILITATOR, world["territory"], locale="en"))


def _pdf(client, world, language=None):
    response = client.get(
        f"/t/borgo/processes/{world['process'].id}/follow-up/report.pdf",
        query_string={"language": language} if language else {},
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def _structure(pdf: bytes) -> list[dict]:
    """Every element of the PDF's structure tree (tags), as dicts with its tag and its alternative text."""
    elements = []

    def walk(node):
        node = resolve1(node)
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict) and "S" in node:
            alt = node.get("Alt")
            alt = resolve1(alt) if alt is not None else None
            if isinstance(alt, bytes):
                alt = alt[2:].decode("utf-16-be") if alt.startswith(b"\xfe\xff") else alt.decode("latin-1")
            elements.append({"tag": resolve1(node["S"]).name, "alt": alt})
            walk(node.get("K"))

    with pdfplumber.open(BytesIO(pdf)) as document:
        walk(resolve1(document.doc.catalog["StructTreeRoot"]).get("K"))
    return elements


def _save(tmp_path, pdf: bytes, name: str):
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def test_the_report_shows_every_answer_in_order_per_recommendation(
    app, world, make, login, artifacts_dir, caplog
):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    path = _save(artifacts_dir, _pdf(_reader(make, login, world), world, "it"), "follow-up-it.pdf")
    text = words_only(pdf_text(path))
    with force_locale("it"):
        label = {status: words_only(str(ANSWER_STATUSES[status])) for status in AnswerStatus}
        days = {n: words_only(format_date(today() - timedelta(days=n), "long")) for n in (0, 1, 3, 5, 8, 12)}
        follows = words_only(
            gettext(
                "It follows version %(number)s of the recommendations, issued on %(date)s.",
                number="1",
                date=format_date(world["version"].issued_at, "long"),
            )
        )
        overdue = words_only(gettext("Answer overdue"))
        no_answer = words_only(str(NO_ANSWER_YET))
        answers_heading = words_only(gettext("The recommendations and their answers"))
    assert words_only("Comune di Borgo") in text and words_only("Servizi più vicini") in text
    assert follows in text
    # Each recommendation, as issued, then what each body said of it, oldest first: date, body, status, text.
    sections = {}
    titles = [world[key].title for key in ("mediator", "forms", "saturday", "guide", "desk")]
    start = text.index(answers_heading)
    positions = [text.index(words_only(title), start) for title in titles]
    assert positions == sorted(positions)
    for key, begin, end in zip(
        ("mediator", "forms", "saturday", "guide", "desk"), positions, [*positions[1:], None], strict=True
    ):
        sections[key] = text[begin:end]

    def in_order(section, *parts):
        """Whether ``parts`` are found in the section of the recommendation ``section``, one after the other."""
        at = 0
        for part in parts:
            at = sections[section].find(part, at)
            assert at != -1, (section, part)
            at += len(part)

    health, school, social = (words_only(world[k].name) for k in ("health", "school", "social"))
    in_order(
        "mediator",
        days[12],
        health,
        label[AnswerStatus.IN_PROGRESS],
        words_only(FIRST_ANSWER),
        words_only("Un bando per due mediatori"),
        words_only("Ufficio personale"),
        words_only("31 marzo 2030"),
        words_only("Dott.ssa Rossi"),
        days[0],
        health,
        label[AnswerStatus.IMPLEMENTED],
        words_only(SECOND_ANSWER),
    )
    in_order("forms", days[5], school, label[AnswerStatus.PARTLY_ACCEPTED])
    assert words_only(ARABIC_ANSWER) in sections["forms"]
    in_order("saturday", no_answer, overdue)  # neither rejected nor answered
    assert label[AnswerStatus.REJECTED] not in sections["saturday"]
    in_order("guide", days[3], health, label[AnswerStatus.RECEIVED], no_answer)
    in_order(
        "desk",
        days[8],
        school,
        label[AnswerStatus.NOT_OUR_COMPETENCE],
        words_only("Lo sportello spetta ai servizi sociali."),
        words_only("Inoltrata ai servizi sociali"),
        days[1],
        social,
        label[AnswerStatus.REJECTED],
        words_only("Non abbiamo personale"),
    )
    assert pdf_language(path) == "it" and pdf_info(path)["Tagged"] == "yes"
    assert unembedded_fonts(path) == []
    # WeasyPrint had nothing to complain about: no unsupported CSS, no missing language or text alternative.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_the_summary_counts_no_answer_as_no_answer(app, world):
    from toolkit.answers.follow_up_report import report_context

    context = report_context(world["process"], "en")
    assert context["summary"] == {
        "recommendations": 5,
        "unaddressed": 0,
        "answered": 3,  # the mediator, the forms, and the desk at the body it was forwarded to
        "acknowledged": 1,
        "unanswered": 1,
        "overdue": 1,
        "forwarded": 1,
    }
    rows = {
        row["name"]: [(s["key"], s["number"]) for s in row["segments"]] for row in context["chart"]["rows"]
    }
    assert rows == {
        "Azienda sanitaria di Borgo": [("implemented", "1"), ("acknowledged", "1")],
        "Ufficio scuola di Borgo": [("partly_accepted", "1")],
        "Ufficio anagrafe di Borgo": [("unanswered", "1")],
        "Servizi sociali di Borgo": [("rejected", "1")],
    }


def test_the_chart_is_one_figure_whose_alternative_says_its_numbers(app, world, make, login):
    pdf = _pdf(_reader(make, login, world), world, "en")
    figures = [element for element in _structure(pdf) if element["tag"] == "Figure"]
    assert len(figures) == 1, (
        figures
    )  # the chart; its bars, numbers and legend marks are no figures of their own
    alt = figures[0]["alt"]
    assert "Azienda sanitaria di Borgo: 1 implemented, 1 acknowledged (received)." in alt
    assert "Ufficio anagrafe di Borgo: 1 no answer yet." in alt
    assert "Servizi sociali di Borgo: 1 rejected." in alt
    with pdfplumber.open(BytesIO(pdf)) as document:
        metadata = resolve1(document.doc.catalog["Metadata"]).get_data().decode()
    assert re.search(r"pdfuaid:part(>|=\")1", metadata), metadata  # declares PDF/UA-1


def test_a_long_word_wraps_within_the_page(app, world, make, login):
    pdf = _pdf(_reader(make, login, world), world, "it")
    margin = 15 / 25.4 * 72  # the pages' side margins, 15 mm
    with pdfplumber.open(BytesIO(pdf)) as document:
        chars = [(page.width, char) for page in document.pages for char in page.chars]
    assert "".join(c["text"] for _w, c in chars).count("sovraccaricato") == 21
    outside = [c["text"] for width, c in chars if c["x0"] < margin - 1 or c["x1"] > width - margin + 1]
    assert outside == []


def test_the_arabic_report_is_right_to_left_with_arabic_fonts(app, world, make, login, artifacts_dir):
    pdf = _pdf(_reader(make, login, world), world, "ar")
    path = _save(artifacts_dir, pdf, "follow-up-ar.pdf")
    assert pdf_language(path) == "ar" and pdf_info(path)["Tagged"] == "yes"
    assert unembedded_fonts(path) == []
    text = pdf_text(path)
    for name in (
        "Azienda sanitaria di Borgo",
        "Servizi sociali di Borgo",
        "Un mediatore al CUP",
        SECOND_ANSWER,
    ):
        assert shows(text, name)
    assert shows(text, ARABIC_ANSWER)
    margin = 15 / 25.4 * 72
    with pdfplumber.open(path) as document:
        arabic = [
            char
            for page in document.pages
            for char in page.chars
            if unicodedata.name(char["text"][0], "").startswith("ARABIC")
        ]
        # The section headings (16 pt), in Arabic, end at the right margin.
        headings = [
            max(char["x1"] for char in page.chars if 15 < char["size"] < 17)
            for page in document.pages
            if any(15 < char["size"] < 17 for char in page.chars)
        ]
        width = document.pages[0].width
    assert arabic and all("Arabic" in c["fontname"] or "Naskh" in c["fontname"] for c in arabic)
    assert len(headings) >= 2 and all(abs(x1 - (width - margin)) < 2 for x1 in headings), headings


def test_the_report_is_in_the_language_asked_for_and_only_in_its_territory(app, world, make, login):
    client = _reader(make, login, world)
    url = f"/t/borgo/processes/{world['process'].id}/follow-up/report.pdf"
    assert pdf_language(client.get(url).data) == "it"  # the territory's by default
    assert client.get(url, query_string={"language": "xx"}).status_code == 404
    other = make.territory("lago", name="Comune di Lago")
    elsewhere = make.process(other)
    assert client.get(f"/t/borgo/processes/{elsewhere.id}/follow-up/report.pdf").status_code == 404
    lake = login(make.user(Role.FACILITATOR, other))
    assert lake.get(f"/t/lago/processes/{world['process'].id}/follow-up/report.pdf").status_code == 404
    # Nothing issued: nothing to follow up.
    unissued = make.process(world["territory"], title="Appena iniziato")
    assert client.get(f"/t/borgo/processes/{unissued.id}/follow-up/report.pdf").status_code == 404


def test_the_command_writes_the_report(app, world, tmp_path):
    out = tmp_path / "follow-up.pdf"
    result = app.test_cli_runner().invoke(
        args=["render-follow-up", str(world["process"].id), "--language", "ar", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert pdf_language(out) == "ar" and f"{pdf_info(out)['Pages']} pages" in result.output
    assert shows(pdf_text(out), ARABIC_ANSWER)
