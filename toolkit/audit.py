"""The audit log: who changed what, when. Participants never appear in it."""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import JSON, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class AuditEntry(db.Model):
    """One change made by a person with an account (or by the command line)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The territory concerned, if any.
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), index=True
    )
    #: Who did it; empty for the command line.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
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
    db.session.flush()
    user_id = None
    if has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    db.session.add(
        AuditEntry(
            territory_id=territory_id if territory_id is not None else getattr(target, "territory_id", None),
            user_id=user_id,
            action=action,
            target_type=type(target).__name__,
            target_id=target.id,
            details=details,
        )
    )
