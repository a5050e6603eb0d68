"""A process of any size for the report's tests: participants of several roles and languages, barriers spread over
services, and recommendations answering them that quote their testimonies."""

from __future__ import annotations

from datetime import date

from toolkit.barriers.models import Barrier, BarrierSupport, Frequency, Severity, Testimony
from toolkit.extensions import db
from toolkit.recommendations import operations
from toolkit.territories.models import OrganisationKind
from toolkit.workshops.models import Participant, ParticipantRole

from .. import factories

#: The languages participants speak first and write their barriers in, in turn.
LANGUAGES = ("it", "ar", "uk", "zh")
#: How many barriers each recommendation answers.
PER_RECOMMENDATION = 5


def process_with_barriers(barriers: int, *, services: int = 3):
    """A process with ``barriers`` barriers, written in turn in each of :data:`LANGUAGES`, about each of the
    first ``services`` services of the territory and in each of two categories; every fourth one (from the
    fourth) supported by another participant, every tenth one (from the tenth) with its words purged. Each has a
    testimony that may be quoted. Every :data:`PER_RECOMMENDATION` barriers are the evidence of a recommendation
    quoting all their testimonies, addressed in turn to one of two organisations, with an answer date, and
    co-designed by an association."""
    territory = factories.territory()
    process = factories.process(territory)
    workshop = process.workshops[0]
    chosen = factories.services_of(territory)[:services]
    categories = factories.categories_of(territory)[:2]
    people = _participants(workshop)
    written = [_barrier(workshop, number, chosen, categories, people) for number in range(barriers)]
    db.session.commit()
    addressees = [
        factories.organisation(territory, "Ufficio anagrafe", OrganisationKind.MUNICIPAL_OFFICE),
        factories.organisation(territory, "Azienda sanitaria", OrganisationKind.SERVICE_OWNER),
    ]
    association = factories.organisation(territory, "Associazione Mondo Insieme")
    for index, start in enumerate(range(0, barriers - PER_RECOMMENDATION + 1, PER_RECOMMENDATION)):
        answered = written[start : start + PER_RECOMMENDATION]
        proposal = factories.proposal_for(workshop, answered, change=f"Proposta {index + 1}")
        recommendation = factories.recommendation(process, [proposal], title=f"Raccomandazione {index + 1}")
        recommendation.addressee = addressees[index % len(addressees)]
        recommendation.respond_by = date(2030, 1, 1 + index % 28)
        recommendation.organisations = [association]
        for barrier in answered:
            for testimony in barrier.testimonies:
                operations.add_quote(recommendation, testimony, testimony.text)
        db.session.commit()
    return process


def _participants(workshop) -> list[Participant]:
    """One participant per language of :data:`LANGUAGES`, of each role in turn."""
    roles = list(ParticipantRole)
    people = [
        Participant(
            territory_id=workshop.territory_id,
            workshop_id=workshop.id,
            role=roles[number % len(roles)],
            languages=[language],
            consent_version="test",
        )
        for number, language in enumerate(LANGUAGES)
    ]
    db.session.add_all(people)
    db.session.flush()
    return people


def _barrier(workshop, number: int, services, categories, people) -> Barrier:
    """The barrier ``number`` of the process, with its testimony (and a support, one time in three)."""
    language = LANGUAGES[number % len(LANGUAGES)]
    barrier = Barrier(
        territory_id=workshop.territory_id,
        process_id=workshop.process_id,
        workshop_id=workshop.id,
        service_id=services[number % len(services)].id,
        text="" if number % 10 == 9 else f"Ostacolo numero {number}",
        language=language,
        frequency=list(Frequency)[number % len(Frequency)],
        severity=list(Severity)[number % len(Severity)],
        participant_id=people[number % len(people)].id,
        categories=[categories[number % len(categories)]],
    )
    if number % 4 == 3:
        barrier.supports.append(
            BarrierSupport(
                territory_id=workshop.territory_id, participant_id=people[(number + 1) % len(people)].id
            )
        )
    barrier.testimonies.append(
        Testimony(
            territory_id=workshop.territory_id,
            process_id=workshop.process_id,
            text=f"Testimonianza numero {number}",
            language=language,
            participant_id=barrier.participant_id,
        )
    )
    db.session.add(barrier)
    db.session.flush()
    return barrier
