"""Helpers for the translation catalogues."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po


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
