"""Showing a contribution to a reader: in their language when a reviewed translation exists, with the original
one click away; otherwise the original, marked with its own language.

Pages look translations up in bulk: the first contribution of a kind shown on a page loads the reviewed
translations of every contribution of that kind the page has loaded, in one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g

from ..content import page_language
from ..extensions import db
from .models import SourceKind, TextTranslation
from .operations import may_stand_in
from .sources import SOURCES, SOURCES_BY_MODEL


@dataclass(frozen=True)
class Reading:
    """A contribution as one reader sees it."""

    record: object
    #: The reviewed translation into the reader's language, when there is one.
    translation: TextTranslation | None
    #: The language the original is written in.
    original_language: str

    @property
    def language(self) -> str:
        return self.translation.language if self.translation else self.original_language

    def text(self, field: str = "text") -> str:
        if self.translation is not None:
            return self.translation.texts.get(field, "")
        return getattr(self.record, field) or ""

    def original(self, field: str = "text") -> str:
        return getattr(self.record, field) or ""


def reading(record, kind: str | None = None) -> Reading:
    """``record`` for the reader of this page: as what it is shown as, or as ``kind`` (e.g. the reason a
    facilitator gave for hiding it)."""
    source = SOURCES[SourceKind(kind)] if kind else SOURCES_BY_MODEL.get(type(record))
    if source is None:
        return Reading(record, None, record.language)
    language = page_language()
    if not source.needs(record, language):
        return Reading(record, None, source.language(record))
    translation = _reviewed(source, language, record.id).get(record.id)
    if translation is not None and translation.source_texts != source.texts(record):
        translation = None  # made from other words than the original's now: never shown for these
    return Reading(record, translation, source.language(record))


def _reviewed(source, language: str, record_id: int) -> dict[int, TextTranslation]:
    """Reviewed, current translations into ``language`` of every loaded record of the source's kind."""
    cache = g.setdefault("reviewed_translations", {})
    found, looked_up = cache.setdefault((source.kind, language), ({}, set()))
    if record_id in looked_up:
        return found
    loaded = {key[1][0] for key in list(db.session.identity_map.keys()) if key[0] is source.model}
    wanted = (loaded | {record_id}) - looked_up
    if wanted:
        looked_up.update(wanted)
        for translation in db.session.scalars(may_stand_in(source.kind, sorted(wanted), language)):
            found[translation.source_id] = translation
    return found
