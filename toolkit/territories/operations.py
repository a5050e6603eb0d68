"""State changes of territories, networks and organisations."""

from __future__ import annotations

from datetime import UTC, datetime

from .. import audit
from ..extensions import db
from ..processes.models import StepKind, StepTemplate
from ..services import defaults
from ..services.models import BarrierCategory, Service
from .models import Network, Organisation, Territory


def create_territory(slug: str, name: str, region: str = "", default_locale: str = "it") -> Territory:
    """Create a territory with the default services catalogue, its owners and the barrier taxonomy."""
    territory = Territory(
        slug=slug,
        name=name,
        region=region,
        default_locale=default_locale,
        consent_text=dict(defaults.CONSENT_TEXT),
    )
    db.session.add(territory)
    db.session.flush()
    owners = {}
    for owner in defaults.OWNERS:
        organisation = Organisation(territory_id=territory.id, name=owner.name, kind=owner.kind)
        db.session.add(organisation)
        owners[owner.key] = organisation
    db.session.flush()
    for item in defaults.SERVICES:
        db.session.add(
            Service(
                territory_id=territory.id,
                name=dict(item.name),
                description=dict(item.description),
                sector=item.sector,
                level=item.level,
                owner_id=owners[item.owner].id,
                languages=["it"],
                documents_needed=dict(item.documents_needed),
            )
        )
    for position, category in enumerate(defaults.CATEGORIES, start=1):
        db.session.add(
            BarrierCategory(
                territory_id=territory.id,
                position=position,
                name=dict(category.name),
                description=dict(category.description),
                dimension=category.dimension,
            )
        )
    for position, step in enumerate(defaults.AGENDA_STEPS, start=1):
        db.session.add(
            StepTemplate(
                territory_id=territory.id,
                position=position,
                kind=StepKind(step.kind),
                title=dict(step.title),
                instructions=dict(step.instructions),
                minutes=step.minutes,
            )
        )
    audit.record("territory.created", territory, territory_id=territory.id)
    return territory


def create_network(slug: str, name: str, description: str = "", territories=()) -> Network:
    """Create a network of territories."""
    network = Network(slug=slug, name=name, description=description, territories=list(territories))
    db.session.add(network)
    audit.record("network.created", network)
    return network


def set_network_territories(network: Network, territories) -> None:
    """Replace the member territories of a network."""
    network.territories = list(territories)
    audit.record("network.members_changed", network, territories=[t.slug for t in network.territories])


def set_consent_text(territory: Territory, texts: dict[str, str]) -> None:
    """Change what participants agree to before taking part."""
    territory.consent_text = dict(texts)
    audit.record("territory.consent_text_changed", territory, territory_id=territory.id)


def save_organisation(organisation: Organisation, **fields) -> Organisation:
    """Create or update an organisation of a territory."""
    is_new = organisation.id is None
    for key, value in fields.items():
        setattr(organisation, key, value)
    db.session.add(organisation)
    audit.record("organisation.created" if is_new else "organisation.updated", organisation)
    return organisation


def set_organisation_archived(organisation: Organisation, archived: bool) -> None:
    """Archive an organisation that no longer takes part, or bring it back."""
    organisation.archived_at = datetime.now(UTC) if archived else None
    audit.record("organisation.archived" if archived else "organisation.restored", organisation)
