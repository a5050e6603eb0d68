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
from pdfminer.pdftypes import resolve1

from toolkit.demo.seed import load_demo
from toolkit.extensions import db
from toolkit.processes.models import Process
from toolkit.recommendations.models import Recommendation

from ..factories import PASSWORD
from ..test_documents import shows


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
            assert shows(text, recommendation.addressee.name)
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


TRICKS = (
    '<img src="file:///etc/passwd"> <link rel=attachment href="file:///etc/passwd"> '
    '<object data="file:///etc/passwd"></object> <iframe src="http://127.0.0.1:9/"></iframe> '
    "</style><style>@import url(http://127.0.0.1:9/a.css); body { background: url(file:///etc/passwd) }</style> "
    '<div style="background-image: url(http://127.0.0.1:9/b.png)">x</div> <script>alert(1)</script> '
    "![image](http://127.0.0.1:9/c.png) ![local](file:///etc/passwd) [javascript](javascript:alert(1)) "
    "<http://127.0.0.1:9/autolink> &lt;img src=x&gt;\n\n![ref][r]\n\n[r]: file:///etc/hostname"
)


def test_tricks_in_what_people_wrote_are_printed_as_text_and_fetch_nothing(app, make, login, tmp_path):
    """Barrier, quote and recommendation texts full of HTML, CSS and Markdown tricks: the fetcher is asked for the
    project's static files only, nothing is embedded in the PDF, and the tricks are printed as the words typed."""
    from toolkit import documents as documents_module
    from toolkit.barriers.models import Barrier
    from toolkit.recommendations import documents
    from toolkit.recommendations.models import Quote

    from ..test_documents import pdf_text

    load_demo()
    db.session.commit()
    process = db.session.scalar(db.select(Process))
    recommendation = db.session.scalars(db.select(Recommendation).order_by(Recommendation.position)).first()
    recommendation.problem = TRICKS
    recommendation.title = '<img src="file:///etc/passwd"> Titolo'
    # A quote written left to right, so that pdftotext gives its characters back in order.
    quote = db.session.scalars(
        db.select(Quote).where(Quote.recommendation_id == recommendation.id, Quote.language == "zh")
    ).one()
    quote.text = TRICKS
    barrier = next(b for b in recommendation.barriers if b.language != "ar")
    barrier.text = TRICKS
    db.session.commit()
    assert db.session.get(Barrier, barrier.id).is_visible

    made = []

    class RecordingFetcher(documents_module.StaticFilesFetcher):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    original = documents_module.StaticFilesFetcher
    documents_module.StaticFilesFetcher = RecordingFetcher
    try:
        rendered = documents_module.render_pdf(
            "documents/report.html", language="it", **documents.report_context(process, "it")
        )
    finally:
        documents_module.StaticFilesFetcher = original
    asked = [url for fetcher in made for url in fetcher.requested]
    assert asked and all(url.startswith("https://documents.invalid/static/") for url in asked), asked
    assert [url for fetcher in made for url in fetcher.refused] == []

    path = tmp_path / "report.pdf"
    path.write_bytes(rendered.pdf)
    with pdfplumber.open(path) as pdf:
        names = resolve1(pdf.doc.catalog.get("Names")) or {}
        assert "EmbeddedFiles" not in names  # no attachment
        # No picture fetched: the only images are the colour emoji of the Chinese quote (Noto Color Emoji's
        # 136 by 128 bitmaps).
        assert {image["srcsize"] for page in pdf.pages for image in page.images} <= {(136, 128)}
        links = [a.get("uri") for page in pdf.pages for a in page.annots if a.get("uri")]
    assert not any(uri.startswith(("file:", "javascript:")) for uri in links), links
    # The tags and rules are printed as typed, in the recommendation, the quote and the barrier (compared without
    # spaces: a line may break anywhere in them).
    text = "".join(pdf_text(path).split())
    assert text.count("<scr" + "ipt>alert(1)</script>") == 3
    assert text.count("@importurl(http://127.0.0.1:9/a.css);body{background:url(file:///etc/passwd)}") == 3
    assert text.count('<imgsrc="file:///etc/passwd"><linkrel=attachmenthref="file:///etc/passwd">') == 3
    assert text.count('<imgsrc="file:///etc/passwd">Titolo') == 3  # in the contents, the summary and in full


def test_a_recommendation_without_evidence_still_has_its_place(app, make, login):
    from ..factories import recommendation

    territory = make.territory()
    process = make.process(territory)
    recommendation(process, [], title="Uno sportello unico per le famiglie")
    client = login(_coordinator(make, territory), PASSWORD)
    response = client.get(f"/t/{territory.slug}/processes/{process.id}/recommendations/report.pdf")
    text = _pdf_text(response.data)
    assert text.count("Uno sportello unico per le famiglie") == 3  # in the contents, the summary and in full


def test_draft_previews_are_limited_per_person(app, make, login):
    from ..factories import recommendation

    app.config["PREVIEW_LIMIT"] = "2 per minute"
    territory = make.territory()
    process = make.process(territory)
    recommendation(process, [], title="Uno sportello unico per le famiglie")
    url = f"/t/{territory.slug}/processes/{process.id}/recommendations/report.pdf"
    first = login(_coordinator(make, territory), PASSWORD)
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 429]
    # Someone else is not held back by it.
    other = login(make.coordinator(territory, email="altra.coordinatrice@example.org"), PASSWORD)
    assert other.get(url).status_code == 200
