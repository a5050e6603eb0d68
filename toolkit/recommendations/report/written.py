"""How the documents show words people wrote: in the document's language when a reviewed translation exists (never
a draft), otherwise as written, always with their language and direction so that the PDF marks them."""

from __future__ import annotations

from collections.abc import Mapping

from babel.lists import format_list
from markupsafe import Markup

from ...content import localize
from ...i18n import html_language, text_direction
from ...translating.models import TextTranslation


def written(record, fields: tuple[str, ...], translation: TextTranslation | None) -> dict:
    """The fields of ``record`` as the document shows them: translated when it may, else as written."""
    if translation is not None:
        texts, language = translation.texts, translation.language
    else:
        texts, language = {name: getattr(record, name) or "" for name in fields}, record.language
    return {
        "texts": {name: texts.get(name, "") for name in fields},
        "lang": html_language(language),
        "dir": text_direction(language),
        "translated_from": record.language if translation is not None else None,
    }


def in_language(texts: Mapping[str, str] | str | None, language: str, fallback: str) -> dict:
    """A text written per language, for a reader of ``language``, with the language it is in."""
    chosen = localize(texts, default=fallback, language=language)
    written_in = chosen.language or (fallback if chosen.text else "und")
    return {"name": chosen.text, "lang": html_language(written_in), "dir": text_direction(written_in)}


def names_list(names: list[str], language: str, written_in: str) -> Markup:
    """Names written in ``written_in`` as a list in ``language`` ("A, B and C"), each isolated in its own
    direction, so that a right-to-left document reads Latin names in the right order."""
    items = [
        str(
            Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(
                html_language(written_in), text_direction(written_in), n
            )
        )
        for n in names
    ]
    return Markup(format_list(items, locale=language)) if items else Markup("")  # noqa: S704 (escaped above)
