"""The council report's draft preview: every recommendation and addressee, quotes in their script drawn with a
font that has it, every font embedded, page X of Y matching the real page count, a tagged PDF."""

from __future__ import annotations

import logging
import re
import subprocess
import unicodedata
from io import BytesIO

import pdfplumber
from flask_babel import force_locale, gettext

from toolkit.demo.seed import load_demo
from toolkit.extensions import db
from toolkit.processes.models import Process
from toolkit.recommendations.models import Recommendation

from ..factories import PASSWORD


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _coordinator(make, territory):
    return make.coordinator(territory, email="coordinatrice.report@example.org")


def test_the_draft_report_of_the_demo_process(app, make, login, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    load_demo()
    db.session.commit()
    process = db.session.scalar(db.select(Process))
    recommendations = db.session.scalars(db.select(Recommendation)).all()
    client = login(_coordinator(make, process.territory), PASSWORD)
    for language in ("it", "ar"):
        response = client.get(
            f"/t/{process.territory.slug}/processes/{process.id}/recommendations/report.pdf",
            query_string={"lang": language},
        )
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        pdf = response.data
        text = _pdf_text(pdf)
        for recommendation in recommendations:
            assert recommendation.addressee.name in text
            if language == "it":
                assert recommendation.title in text
        # The quote of the demo is in Arabic: its letters are there, drawn with a font that has Arabic.
        with pdfplumber.open(BytesIO(pdf)) as document:
            arabic = [
                char
                for page in document.pages
                for char in page.chars
                if char["text"].strip() and unicodedata.name(char["text"][0], "").startswith("ARABIC")
            ]
            pages = len(document.pages)
        assert arabic and all("Arabic" in char["fontname"] or "Naskh" in char["fontname"] for char in arabic)
        # "Page X of Y" counts the real pages: the last page says it is the last.
        with app.test_request_context(), force_locale(language):
            last = gettext("Page %(page)s of %(pages)s", page=pages, pages=pages)
        if language == "it":
            assert last in text
        else:  # pdftotext reorders right-to-left lines: the two numbers are there, in a footer line of their own
            assert any(line.count(str(pages)) >= 2 for line in text.splitlines() if len(line) < 40)
        fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # every font embedded
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert re.search(r"^Tagged:\s+yes$", info, flags=re.MULTILINE)
        # WeasyPrint had nothing to complain about: no unsupported CSS, no missing language or text alternative.
        assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
        with pdfplumber.open(BytesIO(pdf)) as document:
            assert document.doc.catalog["Lang"].decode() == language


def test_markup_tricks_never_reach_the_fetcher(app, make, login):
    from toolkit import documents as documents_module
    from toolkit.recommendations import documents

    load_demo()
    db.session.commit()
    process = db.session.scalar(db.select(Process))
    recommendation = db.session.scalars(db.select(Recommendation)).first()
    recommendation.problem = (
        '<img src="file:///etc/passwd"> <link rel=attachment href="file:///etc/passwd"> '
        "![x](http://127.0.0.1:9/x.png) [y](http://127.0.0.1:9/) <style>@import url(http://127.0.0.1:9/)</style>"
    )
    db.session.commit()
    asked = []
    original = documents_module.StaticFilesFetcher.fetch

    def spying(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    documents_module.StaticFilesFetcher.fetch = spying
    try:
        with app.test_request_context():
            from flask import g

            g.scope = None
            pdf = documents_module.render_document(
                "documents/report.html", language="it", **documents.report_context(process, "it")
            )
    finally:
        documents_module.StaticFilesFetcher.fetch = original
    assert asked and all("/static/" in url for url in asked), asked
    text = _pdf_text(pdf)
    assert '<img src="file:///etc/passwd">' in text.replace("\n", " ")


def test_a_recommendation_without_evidence_still_has_its_place(app, make, login):
    from ..factories import recommendation

    territory = make.territory()
    process = make.process(territory)
    recommendation(process, [], title="Uno sportello unico per le famiglie")
    client = login(_coordinator(make, territory), PASSWORD)
    response = client.get(f"/t/{territory.slug}/processes/{process.id}/recommendations/report.pdf")
    text = _pdf_text(response.data)
    assert text.count("Uno sportello unico per le famiglie") == 3  # in the contents, the summary and in full
