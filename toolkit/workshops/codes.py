"""The codes people type: a workshop's join code, shown in the room, and a participant's personal return code."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from .models import Participant, Workshop

#: Letters and digits that cannot be mistaken for one another on a projector or a poster (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
RETURN_CODE_LENGTH = 12


def normalise_code(text: str) -> str:
    """What a person typed as a code, without spaces, dashes or case: ``" k7m-q3p "`` -> ``"K7MQ3P"``."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:40]


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def format_code(code: str, group: int = 3) -> str:
    """A code in groups for reading aloud: ``"K7MQ3P"`` -> ``"K7M-Q3P"``."""
    return "-".join(code[i : i + group] for i in range(0, len(code), group))


def new_join_code() -> str:
    """A join code no workshop of any territory has."""
    while True:
        code = random_code(JOIN_CODE_LENGTH)
        taken = db.session.scalar(
            select(Workshop.id).where(Workshop.join_code == code).execution_options(all_territories=True)
        )
        if taken is None:
            return code


def _digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def issue_return_code(participant: Participant) -> str:
    """A new personal return code for ``participant``; only its digest is stored, so it is shown once."""
    code = random_code(RETURN_CODE_LENGTH)
    participant.return_code_digest = _digest(code)
    return code


def participant_with_return_code(code: str) -> Participant | None:
    code = normalise_code(code)
    if len(code) != RETURN_CODE_LENGTH:
        return None
    return db.session.scalar(
        select(Participant)
        .where(Participant.return_code_digest == _digest(code))
        .execution_options(all_territories=True)
    )
