"""Showing a contribution to a reader: in their language when a reviewed translation exists, with the original
one click away; otherwise the original, marked with its own language.

Pages look translations up in bulk: the first contribution shown on a page loads the reviewed translations of
every contribution the page has loaded, of every kind, in one query.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from flask import g
from sqlalchemy import bindparam, or_, select

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
    translation = _reviewed(source, language, record.id)
    if translation is not None and translation.source_texts != source.texts(record):
        translation = None  # made from other words than the original's now: never shown for these
    return Reading(record, translation, source.language(record))


def _reviewed(source, language: str, record_id: int) -> TextTranslation | None:
    """The reviewed, current translation into ``language`` of one record of the source's kind, if any.

    The first record a page shows without a translation in hand looks up those of every record of every kind the
    page has loaded so far, in one query: a phone's page shows the workshop, its step and the room's barriers.
    """
    found, looked_up = g.setdefault("reviewed_translations", {}).setdefault(language, ({}, set()))
    key = (source.kind, record_id)
    if key not in looked_up:
        loaded: dict[type, set] = defaultdict(set)
        for identity in list(db.session.identity_map.keys()):
            loaded[identity[0]].add(identity[1][0])
        wanted = {key, *((other.kind, i) for other in SOURCES.values() for i in loaded[other.model])}
        wanted -= looked_up
        looked_up.update(wanted)
        ids_by_kind: dict[SourceKind, list[int]] = defaultdict(list)
        for kind, record_id in sorted(wanted):
            ids_by_kind[kind].append(record_id)
        kinds = tuple(ids_by_kind)
        parameters = {f"ids_{number}": ids for number, ids in enumerate(ids_by_kind.values())}
        for translation in db.session.scalars(_may_stand_in_any(kinds), {"language": language, **parameters}):
            found[(translation.source_kind, translation.source_id)] = translation
    return found.get(key)


@functools.lru_cache(maxsize=64)
def _may_stand_in_any(kinds: tuple[SourceKind, ...]):
    """:func:`~toolkit.translating.operations.may_stand_in` for records of several kinds at once (their ids in
    ``ids_0``, ``ids_1``... in the order of ``kinds``, the language in ``language``), built once for each set
    of kinds: a page builds it for every phone of the room, and building it cost more than running it."""
    language = bindparam("language")
    return select(TextTranslation).where(
        or_(
            *(
                may_stand_in(kind, bindparam(f"ids_{number}", expanding=True), language).whereclause
                for number, kind in enumerate(kinds)
            )
        )
    )
