"""Factories that build realistic rows through the same operations the application uses."""

from __future__ import annotations

import itertools

from toolkit.access import Role
from toolkit.accounts import operations as accounts
from toolkit.extensions import db
from toolkit.services.models import BarrierCategory, Service
from toolkit.territories import operations as territories
from toolkit.territories.models import Organisation, OrganisationKind

PASSWORD = "a long test password"
_sequence = itertools.count(1)


def territory(slug: str | None = None, name: str | None = None, locale: str = "it"):
    number = next(_sequence)
    created = territories.create_territory(
        slug or f"territory-{number}", name or f"Comune {number}", "", locale
    )
    db.session.commit()
    return created


def network(*members, slug: str | None = None):
    created = territories.create_network(slug or f"network-{next(_sequence)}", "Rete di prova", "", members)
    db.session.commit()
    return created


def user(
    role: Role | None = None,
    territory=None,
    network=None,
    *,
    admin: bool = False,
    email: str | None = None,
    name: str = "Persona di prova",
    locale: str = "",
):
    created = accounts.create_user(
        email or f"person{next(_sequence)}@example.org", name, PASSWORD, is_admin=admin, locale=locale
    )
    if role is Role.NETWORK_COORDINATOR:
        accounts.grant_role(created, role, network=network)
    elif role is not None:
        accounts.grant_role(created, role, territory=territory)
    db.session.commit()
    return created


def coordinator(territory, **kwargs):
    return user(Role.COORDINATOR, territory, **kwargs)


def organisation(territory, name: str = "Associazione di prova", kind=OrganisationKind.ASSOCIATION):
    created = Organisation(territory_id=territory.id, name=name, kind=kind)
    db.session.add(created)
    db.session.commit()
    return created


def membership(user, organisation):
    """``user`` works for ``organisation`` (or the organisation with this id) in its territory."""
    if isinstance(organisation, int):
        organisation = db.session.get(Organisation, organisation)
    accounts.set_organisation(user, organisation.territory, organisation)
    db.session.commit()
    return organisation


def services_of(territory) -> list[Service]:
    return list(
        db.session.scalars(
            db.select(Service).where(Service.territory_id == territory.id).order_by(Service.id)
        )
    )


def categories_of(territory) -> list[BarrierCategory]:
    return list(
        db.session.scalars(
            db.select(BarrierCategory)
            .where(BarrierCategory.territory_id == territory.id)
            .order_by(BarrierCategory.id)
        )
    )


def process(territory, title: str = "Percorso di prova"):
    from toolkit.processes.models import Phase, Process
    from toolkit.workshops.models import Workshop

    created = Process(
        territory_id=territory.id, title=title, phase=Phase.BARRIERS, services=services_of(territory)[:2]
    )
    created.workshops.append(Workshop(territory_id=territory.id, title="Laboratorio", phase=Phase.BARRIERS))
    db.session.add(created)
    db.session.commit()
    return created


def live_workshop(territory, kind=None, *, title: str = "Laboratorio sui servizi", services: int = 2):
    """An open workshop whose agenda is the territory's default steps, with the room on the first step of
    ``kind`` (a :class:`~toolkit.processes.models.StepKind`)."""
    from toolkit.processes.models import Phase, Process, StepTemplate
    from toolkit.workshops import operations
    from toolkit.workshops.models import Workshop

    process = Process(
        territory_id=territory.id,
        title="Percorso " + title,
        phase=Phase.BARRIERS,
        services=services_of(territory)[:services],
    )
    workshop = Workshop(territory_id=territory.id, title=title, phase=Phase.BARRIERS, process=process)
    db.session.add(process)
    db.session.flush()
    templates = db.session.scalars(
        db.select(StepTemplate)
        .where(StepTemplate.territory_id == territory.id)
        .order_by(StepTemplate.position)
    ).all()
    operations.build_agenda(workshop, list(templates))
    db.session.flush()
    operations.open_workshop(workshop)
    while kind is not None and workshop.current_step.kind is not kind:
        operations.go_to_step(workshop, 1)
    db.session.commit()
    return workshop


def contributions(workshop) -> dict[str, int]:
    """A participant of ``workshop`` with a barrier and a proposed service; their ids, as URL values."""
    from toolkit.workshops.models import Participant, ParticipantRole

    participant = Participant(
        territory_id=workshop.territory_id,
        workshop_id=workshop.id,
        role=ParticipantRole.RESIDENT,
        languages=["it"],
        consent_version="test",
    )
    db.session.add(participant)
    db.session.flush()
    service = workshop.process.services[0]
    written = barrier(workshop, service, participant=participant)
    from toolkit.workshops import service_choice

    proposal = service_choice.propose_service(
        workshop.process,
        service=service,
        name="",
        reason="Code lunghissime",
        language="it",
        submission_key=None,
        workshop=workshop,
        participant=participant,
    )
    db.session.flush()
    change = proposal_for(workshop, [written], participant=participant)
    db.session.commit()
    return {
        "barrier_id": written.id,
        "candidate_id": proposal.candidate_id,
        "participant_id": participant.id,
        "proposal_id": change.id,
    }


def barrier(
    where,
    service=None,
    *,
    text: str = "Nessuno spiega quali documenti servono",
    language: str = "it",
    frequency=None,
    severity=None,
    groups_affected: str = "",
    testimony: str = "",
    may_quote: bool = True,
    categories=(),
    participant=None,
    organisation=None,
):
    """A barrier written in ``where`` (a workshop, by ``participant`` if given) or, when ``where`` is a process,
    outside any workshop (sent by ``organisation`` if given), about ``service`` (the process's first one by
    default), stored through the same operation as the application. Often and serious unless told otherwise."""
    from toolkit.barriers import operations as barrier_operations
    from toolkit.barriers.models import Frequency, Severity
    from toolkit.workshops.models import Workshop

    workshop = where if isinstance(where, Workshop) else None
    process = workshop.process if workshop is not None else where
    created = barrier_operations.create_barrier(
        process=process,
        workshop=workshop,
        participant=participant,
        organisation_id=organisation.id if organisation is not None else None,
        service=service or process.services[0],
        categories=list(categories),
        text=text,
        language=language,
        frequency=frequency or Frequency.OFTEN,
        severity=severity or Severity.SERIOUS,
        groups_affected=groups_affected,
        testimony=testimony,
        may_quote=may_quote,
    )
    db.session.commit()
    return created


def proposal_for(workshop, barriers, *, change: str = "Un mediatore culturale allo sportello", **author):
    """A proposal of ``workshop``'s process answering ``barriers`` (written by ``participant=`` or
    ``author_id=``), stored through the same operation as the application."""
    from toolkit.codesign import operations as codesign
    from toolkit.codesign.models import Proposal

    proposal = Proposal(
        territory_id=workshop.territory_id,
        process_id=workshop.process_id,
        workshop_id=workshop.id,
        participant_id=author["participant"].id if author.get("participant") else None,
        author_id=author.get("author_id"),
    )
    codesign.save_proposal(
        proposal,
        barriers=list(barriers),
        change=change,
        who_acts=author.get("who_acts", "Ufficio anagrafe"),
        resources="",
        timeline="",
        expected_effect="",
        language=author.get("language", "it"),
    )
    db.session.commit()
    return proposal


def recommendation(process, proposals=(), *, title: str = "Un mediatore culturale all'anagrafe"):
    """A recommendation of ``process`` bringing ``proposals`` together, stored as the application stores it."""
    from toolkit.recommendations import operations as recommendations
    from toolkit.recommendations.models import Priority, Recommendation

    created = Recommendation(
        territory_id=process.territory_id, process_id=process.id, language=process.territory.default_locale
    )
    recommendations.save_recommendation(
        created,
        title=title,
        problem="Allo sportello nessuno parla **arabo**.",
        proposed_change="Un mediatore due mattine a settimana.",
        addressee=None,
        proposals=list(proposals),
        barriers=[],
        organisations=[],
        priority=Priority.HIGH,
        feasibility="",
        principles=[6],
        respond_by=None,
        editor_id=None,
    )
    db.session.commit()
    return created


def issued_document(process):
    """A version 1 of ``process`` holding one small stored report, without rendering it (for access checks)."""
    import hashlib
    from datetime import UTC, datetime

    from toolkit.recommendations.models import DocumentIssue, DocumentKind, IssuedDocument

    pdf = b"%PDF-1.7 stored"
    document = IssuedDocument(
        territory_id=process.territory_id,
        kind=DocumentKind.REPORT,
        language="it",
        filename=f"recommendations-{process.id}-v1-it.pdf",
        pages=1,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        pdf=pdf,
    )
    issue = DocumentIssue(
        territory_id=process.territory_id,
        process_id=process.id,
        number=1,
        issued_at=datetime.now(UTC),
        languages=["it"],
        content={"recommendations": []},
        documents=[document],
    )
    db.session.add(issue)
    db.session.commit()
    return document
