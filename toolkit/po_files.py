"""The interface's translation files (``translations/<language>/LC_MESSAGES/messages.po``, one catalogue per
language): the English source copy, and the checks every catalogue must pass."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from babel.messages.pofile import read_po, write_po

#: ``%(name)s`` and ``{name}`` placeholders, which a translation must keep exactly.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|\{\w*\}")

#: Languages whose translations must be written mainly in their own script, by Unicode character-name prefix.
SCRIPTS: dict[str, tuple[str, ...]] = {
    "ar": ("ARABIC",),
    "bn": ("BENGALI",),
    "uk": ("CYRILLIC",),
    "zh": ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"),
}

#: Source strings that may stay identical to English in another language: names, codes and international words.
ALLOWED_IDENTICAL: frozenset[str] = frozenset(
    {"%(num)d minute", "%(name)s:", "%(body)s: %(statuses)s.", "Association", "Password"}
)

SOURCE_LANGUAGE = "en"


def catalogue_path(translations_dir: Path, language: str) -> Path:
    """Where the catalogue of ``language`` lies in ``translations_dir``."""
    return translations_dir / language / "LC_MESSAGES" / "messages.po"


def fill_source_language(po_path: Path) -> None:
    """English is the source language: its catalogue repeats each source string."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = tuple(message.id[:1] + message.id[1:] * (len(message.string) - 1))
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with po_path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, sort_output=True, width=110)


def _letters(text: str) -> list[str]:
    text = PLACEHOLDER.sub("", re.sub(r"<[^>]+>", "", text))
    return [char for char in text if char.isalpha()]


def written_in_script(text: str, prefixes: tuple[str, ...]) -> bool:
    """True when most letters of ``text`` (placeholders and markup aside) belong to the script."""
    letters = _letters(text)
    if not letters:
        return True
    own = sum(1 for char in letters if unicodedata.name(char, "").startswith(prefixes))
    return own * 2 > len(letters)


def check_catalogue(po_path: Path, language: str) -> list[str]:
    """Every problem of one language's catalogue, as sentences; an empty list means the catalogue is fine."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    if catalog.fuzzy:
        problems.append("the catalogue header is marked fuzzy")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        source = ids[0]
        if not all(strings):
            problems.append(f"untranslated: {source!r}")
            continue
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {source!r}")
        # One plural form may coincide with an English word (Romanian "minute"); all of them may not.
        if (
            language != SOURCE_LANGUAGE
            and source not in ALLOWED_IDENTICAL
            and all(s.strip() in ids for s in strings)
        ):
            problems.append(f"identical to the English source: {source!r}")
        for index, string in enumerate(strings):
            reference = ids[min(index, len(ids) - 1)] if message.pluralizable else source
            expected = sorted(PLACEHOLDER.findall(reference))
            found = sorted(PLACEHOLDER.findall(string))
            # A plural form may leave out the count ("one file"): a %(...)d placeholder of the source.
            counts = [name for name in expected if name.endswith("d") and name not in found]
            if found != expected and not (message.pluralizable and sorted([*found, *counts[:1]]) == expected):
                problems.append(f"placeholders differ from the source in {string!r} (source {reference!r})")
            if language in SCRIPTS and not written_in_script(string, SCRIPTS[language]):
                problems.append(f"not written mainly in the {language} script: {string!r}")
    return problems
