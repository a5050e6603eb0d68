"""The default services catalogue (with the organisations that own the services) and barrier taxonomy that every
new territory starts with, and the steps of its agenda (given by :mod:`toolkit.processes.defaults`).

Names are those residents and offices use in Italy; each text comes in the ten interface languages
(``default_catalogue.json``), and coordinators edit them freely.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..extensions import db
from ..territories.models import Organisation, OrganisationKind, Territory
from ..territories.operations import territory_created
from .models import AccessDimension, BarrierCategory, GovernmentLevel, Sector, Service

CATALOGUE_FILE = Path(__file__).with_name("default_catalogue.json")


@dataclass(frozen=True)
class DefaultOwner:
    key: str
    name: str
    kind: OrganisationKind


@dataclass(frozen=True)
class DefaultService:
    name: dict[str, str]
    description: dict[str, str]
    sector: Sector
    level: GovernmentLevel
    owner: str
    documents_needed: dict[str, str]


@dataclass(frozen=True)
class DefaultCategory:
    name: dict[str, str]
    description: dict[str, str]
    dimension: AccessDimension


OWNERS = (
    DefaultOwner("comune", "Comune - Servizi demografici", OrganisationKind.MUNICIPAL_OFFICE),
    DefaultOwner("sociale", "Comune - Servizi sociali", OrganisationKind.MUNICIPAL_OFFICE),
    DefaultOwner("istruzione", "Comune - Ufficio scuola e istruzione", OrganisationKind.MUNICIPAL_OFFICE),
    DefaultOwner("casa", "Comune - Ufficio casa", OrganisationKind.MUNICIPAL_OFFICE),
    DefaultOwner(
        "cpia", "CPIA - Centro provinciale per l'istruzione degli adulti", OrganisationKind.SERVICE_OWNER
    ),
    DefaultOwner("asl", "Azienda sanitaria locale (ASL)", OrganisationKind.SERVICE_OWNER),
    DefaultOwner("cpi", "Centro per l'impiego", OrganisationKind.SERVICE_OWNER),
    DefaultOwner("questura", "Questura - Ufficio immigrazione", OrganisationKind.SERVICE_OWNER),
    DefaultOwner(
        "prefettura", "Prefettura - Sportello unico per l'immigrazione", OrganisationKind.SERVICE_OWNER
    ),
    DefaultOwner("inps", "INPS - sede territoriale", OrganisationKind.SERVICE_OWNER),
)


@dataclass(frozen=True)
class DefaultStep:
    kind: str
    minutes: int
    title: dict[str, str]
    instructions: dict[str, str]


def _load():
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    services = tuple(
        DefaultService(
            name=item["name"],
            description=item["description"],
            sector=Sector(item["sector"]),
            level=GovernmentLevel(item["level"]),
            owner=item["owner"],
            documents_needed=item["documents_needed"],
        )
        for item in data["services"]
    )
    categories = tuple(
        DefaultCategory(
            name=item["name"], description=item["description"], dimension=AccessDimension(item["dimension"])
        )
        for item in data["categories"]
    )
    steps = tuple(DefaultStep(**item) for item in data["agenda_steps"])
    return services, categories, steps


#: Services, barrier categories and the agenda steps of a new territory.
SERVICES, CATEGORIES, AGENDA_STEPS = _load()


@territory_created.connect
def give_default_catalogue(territory: Territory) -> None:
    """A new territory's services, the organisations that own them, and its barrier categories."""
    owners = {}
    for owner in OWNERS:
        organisation = Organisation(territory_id=territory.id, name=owner.name, kind=owner.kind)
        db.session.add(organisation)
        owners[owner.key] = organisation
    db.session.flush()
    for item in SERVICES:
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
    for position, category in enumerate(CATEGORIES, start=1):
        db.session.add(
            BarrierCategory(
                territory_id=territory.id,
                position=position,
                name=dict(category.name),
                description=dict(category.description),
                dimension=category.dimension,
            )
        )
