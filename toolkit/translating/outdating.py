"""What follows the originals, whichever view changes them: an original whose words or language change makes its
translations outdated; an original deleted takes its translations and machine requests with it. The application
imports this module as it starts, so that every session follows them."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, event, update
from sqlalchemy.orm import Session, attributes

from .models import MachineRequest, SourceKind, TextTranslation
from .sources import ALL_SOURCES_OF_MODEL


@event.listens_for(Session, "before_flush")
def _follow_the_originals(session: Session, _context, _instances) -> None:
    """An original whose words or language change makes its translations outdated, whichever view changed it;
    an original deleted takes its translations and machine requests with it (nobody's words outlive them)."""
    changed, deleted = defaultdict(set), defaultdict(set)
    for record in session.dirty:
        if record.id is None:
            continue
        state = attributes.instance_state(record)
        for source in ALL_SOURCES_OF_MODEL.get(type(record), ()):
            if any(state.attrs[name].history.has_changes() for name in source.watched_attributes):
                changed[source.kind].add(record.id)
    for record in session.deleted:
        for source in ALL_SOURCES_OF_MODEL.get(type(record), ()):
            deleted[source.kind].add(record.id)
    translations, requests = TextTranslation.__table__, MachineRequest.__table__
    for kind, ids in changed.items():
        session.connection().execute(
            update(translations)
            .where(
                translations.c.source_kind == kind.value,
                translations.c.source_id.in_(ids),
                translations.c.outdated.is_(False),
            )
            .values(outdated=True, version=translations.c.version + 1)
        )
        _outdate_loaded(session, kind, ids)
    for kind, ids in deleted.items():
        for table in (translations, requests):
            session.connection().execute(
                delete(table).where(table.c.source_kind == kind.value, table.c.source_id.in_(ids))
            )


def _outdate_loaded(session: Session, kind: SourceKind, ids: set[int]) -> None:
    """Translations this session has loaded learn what the database now says of them."""
    for key, translation in list(session.identity_map.items()):
        if key[0] is not TextTranslation:
            continue
        loaded = attributes.instance_state(translation).dict  # read without loading what is expired
        if (
            loaded.get("source_kind") is kind
            and loaded.get("source_id") in ids
            and loaded.get("outdated") is False
        ):
            attributes.set_committed_value(translation, "outdated", True)
            attributes.set_committed_value(translation, "version", loaded["version"] + 1)
