"""Text that coordinators write once per language: service names, categories, the consent text...

Such a text is stored as one JSON object, ``{"it": "Anagrafe", "ar": "مكتب السجل المدني"}``, the way Decidim and
CONSUL keep translatable fields. A page shows the text of its own language, or else a fallback (the territory's
language first) marked with the fallback's ``lang`` and ``dir`` so that browsers, screen readers and people can
tell it apart.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app, g, has_request_context
from markupsafe import Markup, escape
from sqlalchemy import JSON, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.mutable import MutableDict
from wtforms import Field
from wtforms.widgets import TextArea, TextInput

from .i18n import LANGUAGES, html_language, page_locale, text_direction

#: How many stored texts :class:`_TextsJSON` keeps decoded (the catalogue, steps and consent texts of a few
#: territories).
DECODED_TEXTS_KEPT = 2048


class _TextsJSON(TypeDecorator):
    """JSON of a translatable text, decoding each stored value once: the phones of a room read the same service
    and category names at every page, and decoding them cost more than the rest of loading their rows. Each read
    still gets its own dict."""

    impl = JSON
    cache_ok = True
    hashable = False  # as JSON
    should_evaluate_none = True  # as JSON: None is stored as JSON null

    def result_processor(self, dialect, coltype):
        decode = self.impl_instance.result_processor(dialect, coltype)
        if decode is None:
            return None

        def process(value):
            if not isinstance(value, str):
                return decode(value)
            texts = _decoded(decode, value)
            return dict(texts) if isinstance(texts, dict) else decode(value)

        return process


@functools.lru_cache(maxsize=DECODED_TEXTS_KEPT)
def _decoded(decode, value: str):
    """A stored text decoded once (never handed out itself: readers get copies)."""
    return decode(value)


#: Column type of a translatable text: language code -> text.
TranslatedText = MutableDict.as_mutable(_TextsJSON().with_variant(JSONB(), "postgresql"))


def clean(texts: Mapping[str, str] | None) -> dict[str, str]:
    """Keep the shipped languages with some text, trimmed, in the order of LANGUAGES."""
    texts = texts or {}
    return {code: texts[code].strip() for code in LANGUAGES if (texts.get(code) or "").strip()}


@dataclass(frozen=True)
class Localized:
    """One text chosen for a page: the words and their language (``None`` when unknown)."""

    text: str
    language: str | None

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> str:
        if not self.language or self.language == page_language():
            return str(escape(self.text))
        return Markup('<span lang="{}" dir="{}">{}</span>').format(
            html_language(self.language), text_direction(self.language), self.text
        )


def page_language() -> str:
    return page_locale().code if has_request_context() else current_app.config["DEFAULT_LOCALE"]


def territory_language() -> str:
    """The language of the territory of this request (the site's default outside a territory)."""
    territory = g.get("territory") if has_request_context() else None
    if territory is not None and territory.default_locale in LANGUAGES:
        return territory.default_locale
    return current_app.config["DEFAULT_LOCALE"]


def fallback_languages(default: str | None = None, language: str | None = None) -> list[str]:
    """Where to look, in order: the reader's language (the page's by default), the territory's, the site's,
    then every other."""
    order = [
        language or page_language(),
        default or territory_language(),
        current_app.config["DEFAULT_LOCALE"],
        *LANGUAGES,
    ]
    return [code for code in dict.fromkeys(order) if code]


def localize(
    texts: Mapping[str, str] | str | None, default: str | None = None, language: str | None = None
) -> Localized:
    """The text to show on this page (or to a reader of ``language``), falling back visibly when that language
    has none."""
    if texts is None:
        return Localized("", None)
    if isinstance(texts, str):
        return Localized(texts, None)
    reader = language or page_language()
    if reader and (texts.get(reader) or "").strip():
        return Localized(texts[reader], reader)  # the usual case, without working out the fallbacks
    wanted = fallback_languages(default, language)
    for code in [*wanted, *texts]:
        if (texts.get(code) or "").strip():
            return Localized(texts[code], code)
    return Localized("", None)


def matches(search: str, *texts: Mapping[str, str] | None) -> bool:
    """True when ``search`` occurs, ignoring case, in any language of any of the texts."""
    needle = search.casefold()
    return any(needle in value.casefold() for text in texts for value in (text or {}).values())


def territory_text(text: str | None) -> Localized:
    """A text written in one language only (a place, a process title): taken to be the territory's language."""
    return Localized(text or "", territory_language() if text else None)


def missing_languages(texts: Mapping[str, str] | None) -> list[str]:
    """Shipped languages without a text, for the coordinator's overview."""
    return [code for code in LANGUAGES if not (texts or {}).get(code)]


class TranslationsField(Field):
    """One input per language, posted as ``<name>-<code>``; ``data`` is a dict of the languages with text.

    When ``required``, the territory's language must have a text: it is the fallback everybody else sees. The
    inputs come in that order: the territory's language, the page's language, then the others.
    """

    def __init__(
        self, label=None, validators=None, *, required=False, max_length: int, multiline=False, **kwargs
    ):
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.max_length = max_length
        self.multiline = multiline

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        if formdata is not None and any(f"{self.name}-{code}" in formdata for code in LANGUAGES):
            self.data = clean({code: formdata.get(f"{self.name}-{code}", "") for code in LANGUAGES})
            self.raw_data = [self.data]
        else:
            default = self.default() if callable(self.default) else self.default
            self.data = clean(data if isinstance(data, Mapping) else default)
            self.raw_data = None

    @property
    def main_language(self) -> str:
        """The territory's language: required when the field is, and the fallback of every other."""
        return territory_language()

    def pre_validate(self, form):
        from flask_babel import gettext as _

        if self.required and not self.data.get(self.main_language):
            self.errors.append(_("Write it in %(language)s.", language=LANGUAGES[self.main_language]["name"]))
        for code, text in self.data.items():
            if len(text) > self.max_length:
                self.errors.append(
                    _(
                        "%(language)s: write at most %(max)d characters.",
                        language=LANGUAGES[code]["name"],
                        max=self.max_length,
                    )
                )

    def ordered_languages(self) -> list[str]:
        return list(dict.fromkeys([self.main_language, page_language(), *LANGUAGES]))

    def input(self, code: str, **attributes) -> Markup:
        """The input of one language, with its own ``lang`` and ``dir``."""
        widget = TextArea() if self.multiline else TextInput()
        if not self.multiline:
            attributes.setdefault("maxlength", self.max_length)
        return widget(
            _LanguageInput(self, code), lang=html_language(code), dir=text_direction(code), **attributes
        )

    def input_id(self, code: str) -> str:
        return f"{self.id}-{code}"


class _LanguageInput:
    """What a WTForms widget needs to draw the input of one language of a TranslationsField."""

    def __init__(self, field: TranslationsField, code: str):
        self.id = field.input_id(code)
        self.name = f"{field.name}-{code}"
        self.data = field.data.get(code, "")
        self.flags = field.flags if code == field.main_language else type(field.flags)()
        self.type = "TextAreaField" if field.multiline else "StringField"

    def _value(self) -> str:
        return self.data


def named_choices(items: Iterable, empty_label) -> list[tuple[int, str, dict[str, str]]]:
    """Select choices of named things of the territory (organisations), each name tagged with its language."""
    language = territory_language()
    tag = {"lang": html_language(language), "dir": text_direction(language)}
    return [(0, empty_label, {}), *((item.id, item.name, tag) for item in items)]
