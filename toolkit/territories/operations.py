"""State changes of territories, networks and organisations."""

from __future__ import annotations

from blinker import Namespace

from .. import archivable, audit
from ..extensions import db
from . import defaults
from .models import Network, Organisation, Territory

signals = Namespace()
#: Sent as ``territory_created.send(territory)`` when a territory is created (and flushed, so that it has its
#: id): each feature that keeps a list per territory gives it what every territory starts with.
territory_created = signals.signal("territory-created")


def create_territory(slug: str, name: str, region: str = "", default_locale: str = "it") -> Territory:
    """Create a territory with the default consent text; through :data:`territory_created`, the features that
    keep lists per territory give it theirs (the services catalogue with its owners, the barrier taxonomy, the
    agenda's steps)."""
    territory = Territory(
        slug=slug,
        name=name,
        region=region,
        default_locale=default_locale,
        consent_text=dict(defaults.CONSENT_TEXT),
    )
    db.session.add(territory)
    db.session.flush()
    territory_created.send(territory)
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
    created = archivable.save(organisation, fields)
    audit.record("organisation.created" if created else "organisation.updated", organisation)
    return organisation


def set_organisation_archived(organisation: Organisation, archived: bool) -> None:
    """Archive an organisation that no longer takes part, or bring it back."""
    archivable.set_archived(organisation, archived)
    audit.record("organisation.archived" if archived else "organisation.restored", organisation)
