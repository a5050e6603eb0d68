"""Printed documents: only the toolkit's static files are read, the PDFs are tagged and in the right language,
every letter is drawn with a font of its script, text written by people stays text, and the live workshop's
poster and paper form each fit their page."""

from __future__ import annotations

import logging
import re
import socket
import subprocess
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
import segno
from flask_babel import force_locale
from flask_babel import gettext as _

from toolkit import documents
from toolkit.documents import DOCUMENT_BASE_URL, RefusedURL, StaticFilesFetcher, render_document
from toolkit.i18n import LANGUAGES, html_language
from toolkit.processes.labels import FREQUENCIES, SEVERITIES

JOIN_URL = "http://127.0.0.1:5000/w/K7MQ3P"
INTERFACE_LANGUAGES = ["it", "ar", "zh", "bn"]
#: A title in four scripts and an emoji, next to digits that must not be drawn as emoji.
MIXED_TITLE = "Incontro 2025 🙂 لقاء الخدمات 服务会议 পরিষেবা সভা"


# --- helpers --------------------------------------------------------------------------------------------------


def poster_context(**changes) -> dict:
    context = {
        "title": "Servizi sanitari: incontro con le famiglie",
        "process_title": "Accesso ai servizi 2025",
        "territory_name": "Comune di Bologna",
        "territory_lang": "it",
        "when": "12 marzo 2025, 17:30",
        "place": "Biblioteca Salaborsa, Piazza Nettuno 3",
        "code": "K7M-Q3P",
        "join_url": JOIN_URL,
        "enter_url": "http://127.0.0.1:5000/join",
        "qr_svg": segno.make(JOIN_URL, error="m").svg_data_uri(scale=10, border=2),
        "languages": [(code, language["name"]) for code, language in LANGUAGES.items()],
    }
    return context | changes


def paper_form_context(make, language: str, services: int | None = None) -> dict:
    """Plain data, as a view would pass it: names in the document language, never database objects."""
    territory = make.territory()
    with force_locale(language):
        return {
            "process_title": "Accesso ai servizi 2025",
            "territory_name": territory.name,
            "territory_lang": territory.default_locale,
            "services": [s.name.get(language) or s.name["it"] for s in make.services_of(territory)][
                :services
            ],
            "categories": [c.name.get(language) or c.name["it"] for c in make.categories_of(territory)],
            "frequencies": [str(label) for label in FREQUENCIES.values()],
            "severities": [str(label) for label in SEVERITIES.values()],
        }


def save(pdf: bytes, folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(pdf)
    return path


def poppler(tool: str, path: Path, *options: str) -> str:
    """The output of a poppler-utils tool (pdfinfo, pdffonts, pdftotext) on ``path``."""
    command = [tool, *options, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    lines = poppler("pdfinfo", path).splitlines()
    return {key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in lines)}


def pdf_text(path: Path) -> str:
    """The text as read aloud: bidi marks removed, Arabic presentation forms folded, spaces collapsed."""
    text = poppler("pdftotext", path, "-enc", "UTF-8")
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def unembedded_fonts(path: Path) -> list[str]:
    """Names of the fonts that pdffonts does not list as embedded."""
    _header, _rule, *rows = poppler("pdffonts", path).splitlines()
    # Columns: name, type (words), encoding, emb, sub, uni, object number, generation.
    return [row.split()[0] for row in rows if row.split()[-5] != "yes"]


def pdf_language(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return pdf.doc.catalog["Lang"].decode()


def expected_fonts(character: str) -> tuple[str, ...] | None:
    """What the font's name must contain for a character, or None when any Noto font will do."""
    name = unicodedata.name(character, "")
    if ord(character) >= 0x1F000:
        return ("Emoji",)
    if name.startswith("ARABIC"):
        return ("Arabic", "Naskh")
    if name.startswith(("CJK", "FULLWIDTH", "IDEOGRAPHIC")):
        return ("CJK",)
    if name.startswith("BENGALI"):
        return ("Bengali",)
    if name.startswith(("LATIN", "DIGIT", "CYRILLIC", "GREEK")):
        return ("Noto-Sans",)
    return None


def wrong_fonts(path: Path) -> list[tuple[str, str]]:
    """(character, font) pairs where the font does not fit the character's script."""
    wrong = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                font = char["fontname"].split("+")[-1]
                for character in char["text"]:
                    expected = expected_fonts(character)
                    if not font.startswith("Noto-"):
                        wrong.append((character, font))
                    elif expected == ("Noto-Sans",):
                        if not re.fullmatch(r"Noto-Sans(-Bold)?(-Italic)?", font):
                            wrong.append((character, font))
                    elif expected and not any(part in font for part in expected):
                        wrong.append((character, font))
    return wrong


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to resolve a name or open a connection is recorded and refused."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("no network while rendering documents")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.fixture
def fetchers(monkeypatch) -> list[StaticFilesFetcher]:
    """The fetchers render_document makes, to see what each document asked for."""
    made = []

    class RecordingFetcher(StaticFilesFetcher):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(documents, "StaticFilesFetcher", RecordingFetcher)
    return made


@pytest.fixture
def weasyprint_messages(caplog) -> list[str]:
    """WeasyPrint's warnings and errors: unsupported CSS, missing alt text or language, refused files."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    return caplog.records


def messages(records) -> list[str]:
    return [record.getMessage() for record in records if record.name.startswith("weasyprint")]


# --- the URL fetcher ------------------------------------------------------------------------------------------


def test_fetcher_serves_static_files_and_data_uris(app):
    fetcher = StaticFilesFetcher(app.static_folder)
    stylesheet = (Path(app.static_folder) / "css" / "print.css").read_bytes()
    for url in ("/static/css/print.css", f"{DOCUMENT_BASE_URL}static/css/print.css"):
        response = fetcher.fetch(url)
        assert response.read() == stylesheet
        assert response.content_type == "text/css"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.css",
        "https://example.org/static/css/print.css",
        "file:///etc/passwd",
        "ftp://example.org/x.css",
        "/static/../toolkit/__init__.py",
        f"{DOCUMENT_BASE_URL}static/%2e%2e/toolkit/__init__.py",
        f"{DOCUMENT_BASE_URL}static/css/..%2f..%2ftoolkit/__init__.py",
        f"{DOCUMENT_BASE_URL}toolkit/__init__.py",
        f"{DOCUMENT_BASE_URL}static/css/",
        f"{DOCUMENT_BASE_URL}static/css/missing.css",
        "//example.org/static/css/print.css",
    ],
)
def test_fetcher_refuses_everything_else(app, no_network, url):
    fetcher = StaticFilesFetcher(app.static_folder)
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert no_network == []


def test_fetcher_refuses_files_outside_static_even_as_file_urls(app):
    fetcher = StaticFilesFetcher(app.static_folder)
    inside = Path(app.static_folder, "css", "print.css").resolve()
    assert fetcher.fetch(inside.as_uri()).read() == inside.read_bytes()
    for outside in (Path(app.root_path, "__init__.py"), Path(app.static_folder, "..", "pyproject.toml")):
        with pytest.raises(RefusedURL):
            fetcher.fetch(outside.as_uri())


# --- the poster -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_poster_is_one_tagged_page_with_the_ways_to_join(app, artifacts_dir, weasyprint_messages, language):
    path = save(
        render_document("documents/poster.html", language=language, **poster_context()),
        artifacts_dir,
        f"poster-{language}.pdf",
    )

    info = pdf_info(path)
    assert info["Pages"] == "1"
    assert info["Tagged"] == "yes"
    assert info["Page size"].endswith("(A4)")
    assert info["Title"] == "Servizi sanitari: incontro con le famiglie"
    assert 'pdfuaid:part="1"' in poppler("pdfinfo", path, "-meta")
    assert pdf_language(path) == html_language(language)

    text = pdf_text(path)
    assert "K7M-Q3P" in text
    assert JOIN_URL in text
    assert "http://127.0.0.1:5000/join" in text
    with force_locale(language):
        assert _("Workshop code") in text
    assert all(name in text for name in ("Italiano", "العربية", "বাংলা", "Українська"))

    assert poppler("pdffonts", path).count("Noto") >= 2
    assert unembedded_fonts(path) == []
    assert messages(weasyprint_messages) == []


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_poster_draws_each_script_with_its_own_font(app, artifacts_dir, language):
    context = poster_context(title=MIXED_TITLE, place="Biblioteca Salaborsa 🏛️ مكتبة 图书馆 গ্রন্থাগার")
    path = save(
        render_document("documents/poster.html", language=language, **context),
        artifacts_dir,
        f"poster-scripts-{language}.pdf",
    )

    assert wrong_fonts(path) == []
    with pdfplumber.open(path) as pdf:
        drawn = {char["fontname"].split("+")[-1] for char in pdf.pages[0].chars}
    for family in ("Noto-Sans", "Arabic", "CJK-SC", "Bengali", "Emoji"):
        assert any(family in font for font in drawn), f"nothing drawn with {family}: {drawn}"
    assert "服务会议" in pdf_text(path)


def test_poster_escapes_what_people_typed_and_fetches_nothing_else(
    app, artifacts_dir, no_network, fetchers, weasyprint_messages
):
    title = "<b>x</b><img src=http://example.org/a.png>"
    context = poster_context(title=title, place='<link rel="stylesheet" href="http://example.org/x.css">')
    path = save(
        render_document("documents/poster.html", language="it", **context),
        artifacts_dir,
        "poster-escaped.pdf",
    )

    text = pdf_text(path)
    assert title in text
    assert '<link rel="stylesheet" href="http://example.org/x.css">' in text
    assert pdf_info(path)["Title"] == title
    assert no_network == []
    [fetcher] = fetchers
    assert fetcher.refused == []
    assert [url for url in fetcher.requested if not url.startswith("data:")] == [
        f"{DOCUMENT_BASE_URL}static/css/print.css"
    ]
    assert messages(weasyprint_messages) == []


def test_render_document_works_inside_a_request_too(app):
    with app.test_request_context("/anything", headers={"Accept-Language": "fr"}):
        pdf = render_document("documents/poster.html", language="ar", **poster_context())
    assert pdf.startswith(b"%PDF-1.7")
    assert b"/Lang (ar)" in pdf


# --- the paper form -------------------------------------------------------------------------------------------

QUESTIONS = [
    "Service",
    "What stops you, or people you know, from using this service?",
    "Language you write in",
    "What kind of problem is it? (you may choose several)",
    "How often does it happen?",
    "How serious is it?",
    "Who is affected most? (optional)",
    "A story or an example (optional)",
    "The recommendations may quote my story, without any name",
]


@pytest.mark.parametrize("language", ["it", "ar"])
def test_paper_form_fits_one_page_with_every_question(
    app, make, artifacts_dir, weasyprint_messages, language
):
    context = paper_form_context(make, language)
    path = save(
        render_document("documents/paper_form.html", language=language, **context),
        artifacts_dir,
        f"paper-form-{language}.pdf",
    )

    info = pdf_info(path)
    assert info["Pages"] == "1", "the whole default catalogue fits one page"
    assert info["Tagged"] == "yes"
    assert pdf_language(path) == language
    text = pdf_text(path)
    with force_locale(language):
        for question in QUESTIONS:
            assert " ".join(_(question).split()) in text
    for name in (
        *context["services"],
        *context["categories"],
        *context["frequencies"],
        *context["severities"],
    ):
        assert " ".join(unicodedata.normalize("NFKC", name).split()) in text
    assert unembedded_fonts(path) == []
    assert wrong_fonts(path) == []
    assert messages(weasyprint_messages) == []


@pytest.mark.parametrize("language", ["zh", "bn", "uk", "fr"])
def test_paper_form_takes_at_most_two_pages_in_other_languages(app, make, artifacts_dir, language):
    path = save(
        render_document("documents/paper_form.html", language=language, **paper_form_context(make, language)),
        artifacts_dir,
        f"paper-form-{language}.pdf",
    )
    assert int(pdf_info(path)["Pages"]) <= 2
    assert wrong_fonts(path) == []
