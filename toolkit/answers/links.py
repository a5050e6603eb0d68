"""The answer links printed on letters: made with a fresh token, found by the token's SHA-256, revoked by the
facilitator. The token itself is never stored and never put in an e-mail."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import select

from .. import audit
from ..accounts.models import User
from ..extensions import db
from ..processes.models import Process
from ..recommendations.models import DocumentIssue
from ..territories.models import Organisation
from .models import AnswerLink

#: Characters of a token: 32 random bytes, URL-safe (43 characters).
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh token for a link (printed on its letter, never stored)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_link(
    process: Process,
    organisation: Organisation,
    issue: DocumentIssue | None = None,
    *,
    token: str | None = None,
) -> tuple[AnswerLink, str]:
    """A new link for ``organisation`` to answer ``process``'s recommendations addressed to it, and its token
    (to print; it cannot be read back later). ``token``: one made with :func:`new_token` and printed already (a
    version's letters are rendered before the version, and its links, are written). The caller commits."""
    token = token or new_token()
    link = AnswerLink(
        territory_id=process.territory_id,
        process_id=process.id,
        organisation_id=organisation.id,
        issue_id=issue.id if issue is not None else None,
        token_hash=token_hash(token),
    )
    db.session.add(link)
    db.session.flush()
    return link, token


def link_for(token: str) -> AnswerLink | None:
    """The link whose token is ``token``, still valid; None for an unknown, tampered or revoked token.

    The lookup reads every territory (the token is the only credential); it compares SHA-256 digests, so the time
    it takes tells nothing of the token.
    """
    if not token or len(token) > 100:
        return None
    digest = token_hash(token)
    link = db.session.scalars(
        select(AnswerLink).where(AnswerLink.token_hash == digest).execution_options(all_territories=True)
    ).first()
    if link is None or link.revoked_at is not None:
        return None
    return link


def revoke(link: AnswerLink, by: User | None) -> None:
    """Stop ``link`` from working (the caller commits); revoking twice changes nothing."""
    if link.revoked_at is not None:
        return
    link.revoked_at = datetime.now(UTC)
    link.revoked_by_id = by.id if by is not None else None
    audit.record("answers.link_revoked", link, organisation=link.organisation_id, process=link.process_id)
