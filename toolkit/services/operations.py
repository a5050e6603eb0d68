"""State changes of the services catalogue and barrier taxonomy."""

from __future__ import annotations

from .. import archivable, audit
from .models import BarrierCategory, Service


def save_service(service: Service, **fields) -> Service:
    """Create or update a service of the catalogue."""
    created = archivable.save(service, fields)
    audit.record("service.created" if created else "service.updated", service)
    return service


def set_service_archived(service: Service, archived: bool) -> None:
    """Take a service out of the catalogue (keeping its history), or bring it back."""
    archivable.set_archived(service, archived)
    audit.record("service.archived" if archived else "service.restored", service)


def save_category(category: BarrierCategory, **fields) -> BarrierCategory:
    """Create or update a barrier category; a new one goes to the end of the list."""
    created = archivable.save(category, fields)
    audit.record("category.created" if created else "category.updated", category)
    return category


def set_category_archived(category: BarrierCategory, archived: bool) -> None:
    """Withdraw a barrier category (barriers keep it), or bring it back."""
    archivable.set_archived(category, archived)
    audit.record("category.archived" if archived else "category.restored", category)
