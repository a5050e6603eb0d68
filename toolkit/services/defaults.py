"""The default Italian services catalogue and barrier taxonomy that every new territory starts with.

The text is Italian because these are the names residents and offices use; coordinators edit them freely.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..territories.models import OrganisationKind
from .models import AccessDimension, GovernmentLevel, Sector


@dataclass(frozen=True)
class DefaultOwner:
    key: str
    name: str
    kind: OrganisationKind


@dataclass(frozen=True)
class DefaultService:
    name: str
    description: str
    sector: Sector
    level: GovernmentLevel
    owner: str
    documents_needed: str = ""


@dataclass(frozen=True)
class DefaultCategory:
    name: str
    description: str
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

SERVICES = (
    DefaultService(
        "Anagrafe (residenza e certificati)",
        "Iscrizione anagrafica, cambio di residenza, carta d'identità e certificati.",
        Sector.CIVIL_REGISTRY,
        GovernmentLevel.MUNICIPALITY,
        "comune",
        "Documento d'identità o passaporto, permesso di soggiorno o ricevuta, titolo dell'abitazione.",
    ),
    DefaultService(
        "Servizi sociali comunali",
        "Colloqui con l'assistente sociale, contributi economici, sostegno alle famiglie.",
        Sector.SOCIAL_SERVICES,
        GovernmentLevel.MUNICIPALITY,
        "sociale",
        "Documento d'identità, ISEE se richiesto.",
    ),
    DefaultService(
        "Iscrizione scolastica",
        "Iscrizione dei figli alla scuola dell'infanzia, primaria e secondaria, anche durante l'anno.",
        Sector.EDUCATION,
        GovernmentLevel.SCHOOL,
        "istruzione",
        "Documento del genitore, codice fiscale del figlio, certificato delle vaccinazioni.",
    ),
    DefaultService(
        "Corsi di italiano e istruzione per adulti (CPIA)",
        "Corsi di lingua italiana, test A2, licenza media per adulti.",
        Sector.EDUCATION,
        GovernmentLevel.STATE_OFFICE,
        "cpia",
        "Documento d'identità, permesso di soggiorno o ricevuta.",
    ),
    DefaultService(
        "Medico di famiglia e prenotazioni (ASL/CUP)",
        "Iscrizione al Servizio sanitario nazionale, scelta del medico, prenotazione di visite ed esami.",
        Sector.HEALTH,
        GovernmentLevel.HEALTH_AUTHORITY,
        "asl",
        "Codice fiscale, permesso di soggiorno o ricevuta, autocertificazione di residenza o domicilio.",
    ),
    DefaultService(
        "Consultorio familiare",
        "Salute della donna, gravidanza, contraccezione, sostegno ai genitori e ai ragazzi.",
        Sector.HEALTH,
        GovernmentLevel.HEALTH_AUTHORITY,
        "asl",
        "Tessera sanitaria o codice STP/ENI; si può andare anche senza documenti.",
    ),
    DefaultService(
        "Centro per l'impiego",
        "Iscrizione come disoccupati, Patto di servizio, offerte di lavoro e tirocini.",
        Sector.EMPLOYMENT,
        GovernmentLevel.REGION,
        "cpi",
        "Documento d'identità, codice fiscale, permesso di soggiorno valido per lavoro.",
    ),
    DefaultService(
        "Questura - Ufficio immigrazione",
        "Rilascio e rinnovo del permesso di soggiorno, appuntamenti per le impronte.",
        Sector.IMMIGRATION,
        GovernmentLevel.STATE_OFFICE,
        "questura",
        "Passaporto, ricevuta del kit postale, fotografie, marca da bollo.",
    ),
    DefaultService(
        "Prefettura - Sportello unico per l'immigrazione",
        "Ricongiungimento familiare, nulla osta al lavoro, accordo di integrazione.",
        Sector.IMMIGRATION,
        GovernmentLevel.STATE_OFFICE,
        "prefettura",
        "Passaporto, permesso di soggiorno, documenti richiesti per la pratica.",
    ),
    DefaultService(
        "INPS - previdenza e assegni",
        "Assegno unico per i figli, disoccupazione (NASpI), pensioni e certificazioni.",
        Sector.SOCIAL_SECURITY,
        GovernmentLevel.STATE_OFFICE,
        "inps",
        "SPID o CIE per i servizi online, codice fiscale, IBAN.",
    ),
    DefaultService(
        "Edilizia residenziale pubblica (case popolari)",
        "Bandi per l'assegnazione di alloggi popolari e contributi per l'affitto.",
        Sector.HOUSING,
        GovernmentLevel.MUNICIPALITY,
        "casa",
        "ISEE, documento d'identità, permesso di soggiorno di lunga durata o biennale con lavoro.",
    ),
)

CATEGORIES = (
    DefaultCategory(
        "Lingua e mancanza di mediazione culturale",
        "Nessuno parla la mia lingua, non c'è un mediatore, moduli solo in italiano.",
        AccessDimension.APPROACHABILITY,
    ),
    DefaultCategory(
        "Informazione e trasparenza su come accedere",
        "Non si sa dove andare, cosa portare, quali sono i passaggi.",
        AccessDimension.APPROACHABILITY,
    ),
    DefaultCategory(
        "Documenti e burocrazia",
        "Traduzioni giurate, procedure complicate, richieste che cambiano da uno sportello all'altro.",
        AccessDimension.APPROPRIATENESS,
    ),
    DefaultCategory(
        "Status giuridico e diritto al servizio",
        "Il servizio è negato o incerto per chi ha un certo permesso o è in attesa di rinnovo.",
        AccessDimension.AVAILABILITY,
    ),
    DefaultCategory(
        "Costi",
        "Ticket, marche da bollo, viaggi, giorni di lavoro persi.",
        AccessDimension.AFFORDABILITY,
    ),
    DefaultCategory(
        "Accesso digitale e servizi online",
        "SPID, prenotazioni solo online, siti difficili da usare dal telefono.",
        AccessDimension.APPROPRIATENESS,
    ),
    DefaultCategory(
        "Discriminazione e atteggiamento del personale",
        "Risposte scortesi, trattamento diverso, pregiudizi.",
        AccessDimension.ACCEPTABILITY,
    ),
    DefaultCategory(
        "Orari, luogo e accessibilità fisica",
        "Orari incompatibili con il lavoro, uffici lontani o difficili da raggiungere.",
        AccessDimension.AVAILABILITY,
    ),
    DefaultCategory(
        "Accettabilità culturale e relazioni",
        "Rapporto scuola-famiglia, abitudini e valori non considerati.",
        AccessDimension.ACCEPTABILITY,
    ),
    DefaultCategory(
        "Coordinamento tra servizi",
        "Un ufficio rimanda all'altro, informazioni diverse tra enti.",
        AccessDimension.APPROPRIATENESS,
    ),
    DefaultCategory(
        "Fiducia",
        "Paura di conseguenze sul permesso, sfiducia nelle istituzioni.",
        AccessDimension.ACCEPTABILITY,
    ),
)
