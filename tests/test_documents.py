"""Printed documents: only the toolkit's static files are read, the PDFs are tagged and in the right language,
every letter is drawn with a font of its script, text written by people stays text, and the live workshop's
poster and paper form each fit their page. The PDFs are kept in test-artifacts/ to look at."""

from __future__ import annotations

import logging
import re
import socket
import subprocess
import unicodedata
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest
import segno
from flask_babel import force_locale
from flask_babel import gettext as _

from toolkit import documents
from toolkit.barriers.labels import FREQUENCIES, SEVERITIES
from toolkit.documents import DOCUMENT_BASE_URL, RefusedURL, StaticFilesFetcher, render_document
from toolkit.i18n import LANGUAGES, html_language

JOIN_URL = "http://127.0.0.1:5000/w/K7MQ3P"
ENTER_URL = "http://127.0.0.1:5000/join"
INTERFACE_LANGUAGES = ["it", "ar", "zh", "bn"]
#: Text in four scripts and emoji, next to digits that must not be drawn as emoji keycaps.
MIXED_TITLE = "Incontro 2025 🙂 لقاء الخدمات 服务会议 পরিষেবা সভা"
MIXED_PLACE = "Biblioteca Salaborsa 🏛️ مكتبة 图书馆 গ্রন্থাগার"

#: The questions of the barrier form (toolkit/workshops/forms.py), which the paper form asks too.
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


# --- documents to render ------------------------------------------------------------------------------------


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
        "enter_url": ENTER_URL,
        "qr_svg": segno.make(JOIN_URL, error="m").svg_data_uri(scale=10, border=2),
        "languages": [(code, language["name"]) for code, language in LANGUAGES.items()],
    }
    return context | changes


def paper_form_context(make, language: str) -> dict:
    """Plain data, as a view passes it: names in the document language, never database objects."""
    territory = make.territory()
    with force_locale(language):
        return {
            "process_title": "Accesso ai servizi 2025",
            "territory_name": territory.name,
            "territory_lang": territory.default_locale,
            "services": [s.name.get(language) or s.name["it"] for s in make.services_of(territory)],
            "categories": [c.name.get(language) or c.name["it"] for c in make.categories_of(territory)],
            "frequencies": [str(label) for label in FREQUENCIES.values()],
            "severities": [str(label) for label in SEVERITIES.values()],
        }


def render_to(folder: Path, name: str, template: str, language: str, **context) -> Path:
    path = folder / name
    path.write_bytes(render_document(template, language=language, **context))
    return path


# --- reading the PDFs ---------------------------------------------------------------------------------------


def poppler(tool: str, path: Path, *options: str) -> str:
    """The output of a poppler-utils tool (pdfinfo, pdffonts, pdftotext) on ``path``."""
    command = [tool, *options, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    lines = poppler("pdfinfo", path).splitlines()
    return {key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in lines)}


def pdf_language(pdf: Path | bytes) -> str:
    with pdfplumber.open(BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as document:
        return document.doc.catalog["Lang"].decode()


def unembedded_fonts(path: Path) -> list[str]:
    """The fonts that pdffonts does not list as embedded."""
    _header, _rule, *rows = poppler("pdffonts", path).splitlines()
    # Columns: name, type (one or more words), encoding, emb, sub, uni, object number, generation.
    return [row.split()[0] for row in rows if row.split()[-5] != "yes"]


def pdf_text(path: Path) -> str:
    """The text of the PDF with bidi marks removed and Arabic presentation forms folded."""
    text = unicodedata.normalize("NFKC", poppler("pdftotext", path, "-enc", "UTF-8"))
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)


def without_spaces(text: str) -> str:
    """A line may break anywhere in a URL or a Chinese title: compare texts without their spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def words_only(text: str) -> str:
    """Letters, marks and digits: an English sentence's full stop moves to its other end in a right-to-left page.
    Arabic vowel marks are left out too: pdftotext does not always give them back."""
    return "".join(
        c
        for c in unicodedata.normalize("NFKC", text)
        if unicodedata.category(c)[0] in "LMN" and not ("\u064b" <= c <= "\u065f" or c == "\u0670")
    )


def shows(text: str, label: str) -> bool:
    """Whether the PDF text holds ``label``. pdftotext gives right-to-left text in an order of its own (a line
    mixing Arabic and Latin runs, the lines of a wrapped sentence), so such a label is looked for word by word."""
    directions = {unicodedata.bidirectional(c) for c in label}
    if {"R", "AL"} & directions:
        return all(words_only(word) in words_only(text) for word in label.split())
    return words_only(label) in words_only(text)


def expected_fonts(character: str) -> tuple[str, ...] | None:
    """What the name of the font drawing ``character`` must contain; None when any Noto font but emoji will do."""
    name = unicodedata.name(character, "")
    if ord(character) >= 0x1F000:
        return ("Emoji",)
    if name.startswith("VARIATION SELECTOR") or character == "\u200d":
        return ("Noto-",)  # part of an emoji sequence, or of a text one
    if name.startswith("ARABIC"):
        return ("Arabic", "Naskh")
    if name.startswith(("CJK", "FULLWIDTH", "IDEOGRAPHIC")):
        return ("CJK",)
    if name.startswith("BENGALI"):
        return ("Bengali",)
    if name.startswith(("LATIN", "CYRILLIC", "GREEK")):
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
                    elif expected is None:
                        if "Emoji" in font:  # digits drawn as emoji keycaps
                            wrong.append((character, font))
                    elif expected == ("Noto-Sans",):
                        if not re.fullmatch(r"Noto-Sans(-Bold)?(-Italic)?", font):
                            wrong.append((character, font))
                    elif not any(part in font for part in expected):
                        wrong.append((character, font))
    return wrong


# --- fixtures -----------------------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch) -> list:
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
    """The fetchers that render_document makes, to see what each document asked for."""
    made = []

    class RecordingFetcher(StaticFilesFetcher):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(documents, "StaticFilesFetcher", RecordingFetcher)
    return made


@pytest.fixture
def weasyprint_says(caplog):
    """WeasyPrint's warnings and errors (unsupported CSS, missing alt text or language, refused files)."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    return lambda: [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")]


# --- the URL fetcher ----------------------------------------------------------------------------------------


def test_fetcher_serves_static_files_and_data_uris(app):
    fetcher = StaticFilesFetcher(app.static_folder)
    stylesheet = Path(app.static_folder, "css", "print.css")
    for url in ("/static/css/print.css", f"{DOCUMENT_BASE_URL}static/css/print.css", stylesheet.as_uri()):
        response = fetcher.fetch(url)
        assert response.read() == stylesheet.read_bytes()
        assert response.content_type == "text/css"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.css",
        "https://example.org/static/css/print.css",
        "//example.org/static/css/print.css",
        "ftp://example.org/x.css",
        "file:///etc/passwd",
        "/static/../toolkit/__init__.py",
        f"{DOCUMENT_BASE_URL}static/%2e%2e/toolkit/__init__.py",
        f"{DOCUMENT_BASE_URL}static/css/..%2f..%2ftoolkit/__init__.py",
        f"{DOCUMENT_BASE_URL}toolkit/__init__.py",
        f"{DOCUMENT_BASE_URL}static/css/",
        f"{DOCUMENT_BASE_URL}static/css/missing.css",
    ],
)
def test_fetcher_refuses_everything_else_without_going_online(app, no_network, url):
    fetcher = StaticFilesFetcher(app.static_folder)
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert no_network == []


def test_fetcher_refuses_file_urls_outside_static(app):
    fetcher = StaticFilesFetcher(app.static_folder)
    for outside in (Path(app.root_path, "__init__.py"), Path(app.static_folder, "..", "pyproject.toml")):
        with pytest.raises(RefusedURL):
            fetcher.fetch(outside.as_uri())


# --- the poster ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_poster_is_one_tagged_a4_page_with_the_ways_to_join(app, artifacts_dir, weasyprint_says, language):
    path = render_to(
        artifacts_dir, f"poster-{language}.pdf", "documents/poster.html", language, **poster_context()
    )

    info = pdf_info(path)
    assert info["Pages"] == "1"
    assert info["Tagged"] == "yes"
    assert info["Page size"].endswith("(A4)")
    assert info["Title"] == "Servizi sanitari: incontro con le famiglie"
    assert 'pdfuaid:part="1"' in poppler("pdfinfo", path, "-meta")
    assert pdf_language(path) == html_language(language)
    assert unembedded_fonts(path) == []

    text = without_spaces(pdf_text(path))
    assert "K7M-Q3P" in text
    assert JOIN_URL in text
    assert ENTER_URL in text
    for name in ("Italiano", "العربية", "Українська", "中文"):
        assert name in text
    if language != "bn":  # pdftotext cannot give Bengali clusters back as they were typed
        with force_locale(language):
            assert shows(text, _("Workshop code"))
    assert weasyprint_says() == []


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_poster_draws_each_script_with_its_own_font(app, artifacts_dir, language):
    context = poster_context(title=MIXED_TITLE, place=MIXED_PLACE)
    path = render_to(
        artifacts_dir, f"poster-scripts-{language}.pdf", "documents/poster.html", language, **context
    )

    assert pdf_info(path)["Pages"] == "1"
    assert wrong_fonts(path) == []
    with pdfplumber.open(path) as pdf:
        drawn = {char["fontname"].split("+")[-1] for char in pdf.pages[0].chars}
    for family in ("Noto-Sans", "Arabic", "CJK-SC", "Bengali", "Emoji"):
        assert any(family in font for font in drawn), f"nothing drawn with {family}: {drawn}"
    assert "服务会议" in without_spaces(pdf_text(path))


def test_poster_keeps_what_people_typed_as_text_and_fetches_nothing_else(
    app, artifacts_dir, no_network, fetchers, weasyprint_says
):
    title = "<b>x</b><img src=http://example.org/a.png>"
    place = '<link rel="stylesheet" href="http://example.org/x.css">'
    context = poster_context(title=title, place=place)
    path = render_to(artifacts_dir, "poster-escaped.pdf", "documents/poster.html", "it", **context)

    text = without_spaces(pdf_text(path))
    assert without_spaces(title) in text
    assert without_spaces(place) in text
    assert pdf_info(path)["Title"] == title
    assert no_network == []
    [fetcher] = fetchers
    assert fetcher.refused == []
    assert [url for url in fetcher.requested if not url.startswith("data:image/svg+xml")] == [
        f"{DOCUMENT_BASE_URL}static/css/print.css"
    ]
    assert weasyprint_says() == []


def test_render_document_in_a_request_uses_the_language_asked_for(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        pdf = render_document("documents/poster.html", language="ar", **poster_context())
    assert pdf.startswith(b"%PDF-1.7")
    assert pdf_language(pdf) == "ar"


# --- the paper form -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["it", "ar"])
def test_paper_form_asks_every_question_on_one_page(app, make, artifacts_dir, weasyprint_says, language):
    context = paper_form_context(make, language)
    path = render_to(
        artifacts_dir, f"paper-form-{language}.pdf", "documents/paper_form.html", language, **context
    )

    info = pdf_info(path)
    assert info["Pages"] == "1", "the whole default catalogue and taxonomy fit one page"
    assert info["Tagged"] == "yes"
    assert pdf_language(path) == language
    assert unembedded_fonts(path) == []
    assert wrong_fonts(path) == []

    text = pdf_text(path)
    with force_locale(language):
        for question in QUESTIONS:
            assert shows(text, _(question)), question
    for label in (
        *context["services"],
        *context["categories"],
        *context["frequencies"],
        *context["severities"],
    ):
        assert shows(text, label), label
    assert weasyprint_says() == []


@pytest.mark.parametrize("language", ["zh", "bn", "uk", "fr"])
def test_paper_form_takes_at_most_two_pages_in_other_languages(app, make, artifacts_dir, language):
    context = paper_form_context(make, language)
    path = render_to(
        artifacts_dir, f"paper-form-{language}.pdf", "documents/paper_form.html", language, **context
    )

    assert int(pdf_info(path)["Pages"]) <= 2
    assert wrong_fonts(path) == []
