"""The audit log: who changed what, when. Participants never appear in it."""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context
from flask_login import UserMixin, current_user
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.local import LocalProxy

from .extensions import db

#: Who made a change, when it was not a logged-in person: values of :attr:`AuditEntry.actor`.
PERSON = "person"
PARTICIPANT = "participant"
COMMAND_LINE = "command_line"
BACKGROUND = "background"


class AuditEntry(db.Model):
    """One change made by a person with an account, by a participant (never named), by the command line, or by
    work the application did in the background."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        # The audit page: one territory's entries, newest first; and every territory's, for administrators.
        Index("ix_audit_entries_territory_at", "territory_id", "at"),
        Index("ix_audit_entries_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The territory concerned, if any.
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), index=True
    )
    #: Who did it; empty for the command line.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What kind of actor: PERSON, PARTICIPANT, COMMAND_LINE or BACKGROUND (empty in entries older than it:
    #: a person when ``user_id`` is set, else the command line).
    actor: Mapped[str | None] = mapped_column(String(20))
    #: What was done, e.g. ``service.archived``.
    action: Mapped[str] = mapped_column(String(60))
    #: Kind of record changed, e.g. ``Service``.
    target_type: Mapped[str] = mapped_column(String(60))
    #: Its id.
    target_id: Mapped[int | None]
    #: A few facts worth keeping (never personal data of participants).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    #: When.
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def record(action: str, target, territory_id: int | None = None, **details) -> None:
    """Add an audit entry for ``target`` to the current transaction."""
    if isinstance(target, LocalProxy):  # e.g. ``current_user``: the entry names the record, not the proxy
        target = target._get_current_object()
    db.session.flush()
    actor, user_id = _actor(target)
    db.session.add(
        AuditEntry(
            territory_id=territory_id if territory_id is not None else getattr(target, "territory_id", None),
            user_id=user_id,
            actor=actor,
            action=action,
            target_type=type(target).__name__,
            target_id=target.id,
            details=details,
        )
    )


def _actor(target) -> tuple[str, int | None]:
    """Who is changing ``target`` now, and their account if they have one."""
    from .background import in_job

    if has_request_context():
        if current_user.is_authenticated:
            return PERSON, current_user.id
        if isinstance(target, UserMixin):  # an account
            # Not logged in yet, acting on their own account: a link from an e-mail, a step of the login.
            return PERSON, target.id
        return PARTICIPANT, None  # nobody else changes anything without logging in
    return (BACKGROUND if in_job() else COMMAND_LINE), None
