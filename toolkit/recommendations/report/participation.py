"""Who took part in a process, as the report tells it: workshops, participants by role, and the languages they
spoke and wrote their barriers in."""

from __future__ import annotations

from collections import Counter

from ...barriers.models import Barrier
from ...i18n import html_language
from ...web import language_names
from ...workshops.labels import PARTICIPANT_ROLES
from ...workshops.models import Participant
from .sources import ReportSources


def participation(sources: ReportSources) -> dict:
    """How many workshops, participants (by role) and barriers the process had, and in which languages (called
    in the document's locale, which names the roles and languages)."""
    participants, barriers = sources.participants, sources.barriers
    return {
        "workshops": len(sources.process.workshops),
        "participants": len(participants),
        "by_role": [
            (str(PARTICIPANT_ROLES[role]), count)
            for role, count in Counter(p.role for p in participants).most_common()
        ],
        "languages": language_names(
            sorted({p.language for p in participants if p.language} | {b.language for b in barriers})
        ),
        "by_language": by_language(participants, barriers),
        "barriers": len(barriers),
    }


def by_language(participants: list[Participant], barriers: list[Barrier]) -> list[dict]:
    """Per language, the most used first: how many took part speaking it first, and how many barriers were
    written in it."""
    speakers = Counter(p.language for p in participants if p.language)
    written = Counter(b.language for b in barriers)
    codes = sorted(set(speakers) | set(written), key=lambda code: (-speakers[code] - written[code], code))
    return [
        {
            "name": language_names([code]),
            "lang": html_language(code),
            "participants": speakers[code],
            "barriers": written[code],
        }
        for code in codes
    ]
