"""The default services catalogue and barrier taxonomy that every new territory starts with.

Names are those residents and offices use in Italy; each text comes in the ten interface languages
(``default_catalogue.json``), and coordinators edit them freely.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..territories.models import OrganisationKind
from .models import AccessDimension, GovernmentLevel, Sector

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
    return services, categories, data["consent_text"], steps


#: Services, barrier categories, the participants' consent text and the agenda steps of a new territory.
SERVICES, CATEGORIES, CONSENT_TEXT, AGENDA_STEPS = _load()
