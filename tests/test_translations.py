"""Every language is complete and well formed, and no template hides text from the translators."""

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment

from toolkit.i18n import LANGUAGES
from toolkit.po_files import catalogue_path, check_catalogue

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_catalogue_is_complete_and_well_formed(language):
    assert check_catalogue(catalogue_path(TRANSLATIONS, language), language) == []


def test_the_shipped_languages_are_the_catalogues_on_disk():
    on_disk = {path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}
    assert on_disk == set(LANGUAGES)
    assert {"it", "en", "fr", "es", "ar", "sq", "ro", "uk", "zh", "bn"} <= set(LANGUAGES)


BAD_CATALOGUE = r"""
msgid ""
msgstr ""
"Language: ar\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Save"
msgstr ""

#, fuzzy
msgid "Search"
msgstr "بحث"

msgid "Hello %(name)s"
msgstr "مرحبا %(nom)s"

msgid "Services"
msgstr "Services"

msgid "Log in"
msgstr "Вхід"

msgid "%(num)d workshop"
msgid_plural "%(num)d workshops"
msgstr[0] "ورشة واحدة"
msgstr[1] "%(num)d ورش"

msgid "%(num)d hour"
msgid_plural "%(num)d hours"
msgstr[0] "%(num)d hour"
msgstr[1] "%(num)d hours"
"""


def test_the_check_finds_each_kind_of_problem(tmp_path):
    path = tmp_path / "messages.po"
    path.write_text(BAD_CATALOGUE, encoding="utf-8")
    problems = check_catalogue(path, "ar")
    assert problems == [
        "untranslated: 'Save'",
        "fuzzy: 'Search'",
        "placeholders differ from the source in 'مرحبا %(nom)s' (source 'Hello %(name)s')",
        "identical to the English source: 'Services'",
        "not written mainly in the ar script: 'Services'",
        "not written mainly in the ar script: 'Вхід'",
        "identical to the English source: '%(num)d hour'",
        "not written mainly in the ar script: '%(num)d hour'",
        "not written mainly in the ar script: '%(num)d hours'",
    ]


def test_every_marked_string_is_in_the_catalogues(tmp_path):
    """A string marked in the code but missing from the catalogues means `flask translate update` was not run."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            *(sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"),
            *("-k", "_l", "-k", "lazy_ngettext:1,2", "--no-location", "-o", str(pot), "."),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        marked = {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(handle)}
    for language in LANGUAGES:
        with catalogue_path(TRANSLATIONS, language).open("rb") as handle:
            catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
        assert marked - {""} <= catalogue, f"{language} lacks {sorted(marked - catalogue - {''})[:5]}"


# --- templates ----------------------------------------------------------------------------------------------------

#: Attributes that people read or hear.
READ_ATTRIBUTES = {"aria-label", "aria-description", "title", "alt", "placeholder", "value", "content"}
WORD = re.compile(r"[^\W\d_]{2,}")


class _LiteralText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and WORD.search(value) and not _is_code(tag, name, value):
                self.found.append(f"{name}={value!r}")

    def handle_data(self, data):
        if WORD.search(data):
            self.found.append(data.strip())


def _is_code(tag, name, value):
    # <meta name="viewport" content="width=device-width..."> and similar machine-read values.
    return tag == "meta" or (name == "value" and tag in {"input", "button", "option"} and value.isascii())


def unmarked_text(source: str) -> list[str]:
    """Literal words of a template outside Jinja tags: text that `_()` would not translate."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    literal = "".join(value if kind == "data" else "\0" for _line, kind, value in env.lex(source))
    parser = _LiteralText()
    parser.feed(literal.replace("\0", " "))
    return parser.found


def test_templates_have_no_text_outside_translation_markers():
    found = {
        str(path.relative_to(ROOT)): words
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if (words := unmarked_text(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_template_check_finds_unmarked_text():
    source = '<p>Hello {{ name }}</p><a title="Open it" href="#">{{ _("Fine") }}</a>{# A note #} · 2026'
    assert unmarked_text(source) == ["Hello", "title='Open it'"]
