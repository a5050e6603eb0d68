"""State changes of the services catalogue and barrier taxonomy."""

from __future__ import annotations

from datetime import UTC, datetime

from .. import audit
from ..database import next_position
from ..extensions import db
from .models import BarrierCategory, Service


def save_service(service: Service, **fields) -> Service:
    """Create or update a service of the catalogue."""
    is_new = service.id is None
    for key, value in fields.items():
        setattr(service, key, value)
    db.session.add(service)
    audit.record("service.created" if is_new else "service.updated", service)
    return service


def set_service_archived(service: Service, archived: bool) -> None:
    """Take a service out of the catalogue (keeping its history), or bring it back."""
    service.archived_at = datetime.now(UTC) if archived else None
    audit.record("service.archived" if archived else "service.restored", service)


def save_category(category: BarrierCategory, **fields) -> BarrierCategory:
    """Create or update a barrier category; a new one goes to the end of the list."""
    is_new = category.id is None
    if is_new and category.position is None:
        category.position = next_position(db.session, BarrierCategory, category.territory_id)
    for key, value in fields.items():
        setattr(category, key, value)
    db.session.add(category)
    audit.record("category.created" if is_new else "category.updated", category)
    return category


def set_category_archived(category: BarrierCategory, archived: bool) -> None:
    """Withdraw a barrier category (barriers keep it), or bring it back."""
    category.archived_at = datetime.now(UTC) if archived else None
    audit.record("category.archived" if archived else "category.restored", category)
