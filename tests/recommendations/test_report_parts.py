"""The parts of the council report, each on its own: the barriers by service, which service each recommendation is
printed under, a recommendation as printed, the letters, and who took part, as the plain data the templates get."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from markupsafe import Markup

from toolkit.barriers.models import Barrier, BarrierStatus
from toolkit.extensions import db
from toolkit.recommendations.models import Recommendation
from toolkit.recommendations.report.grouping import group_recommendations, main_service
from toolkit.recommendations.report.items import recommendation_item
from toolkit.recommendations.report.letters import letters
from toolkit.recommendations.report.participation import participation
from toolkit.recommendations.report.services import barriers_by_service, service_section
from toolkit.recommendations.report.sources import read_sources
from toolkit.translating.models import SourceKind
from toolkit.translating.operations import save_translation
from toolkit.translating.sources import SOURCES
from toolkit.workshops.models import Participant, ParticipantRole, Workshop

from .report_data import process_with_barriers


def _barriers(process) -> list[Barrier]:
    return list(
        db.session.scalars(db.select(Barrier).where(Barrier.process_id == process.id).order_by(Barrier.id))
    )


def _recommendations(process) -> list[Recommendation]:
    return list(
        db.session.scalars(
            db.select(Recommendation)
            .where(Recommendation.process_id == process.id)
            .order_by(Recommendation.position)
        )
    )


def _services(process, count: int):
    return sorted({barrier.service for barrier in _barriers(process)}, key=lambda service: service.id)[:count]


# --- barriers by service ---------------------------------------------------------------------------------------


def test_barriers_are_counted_and_described_by_service_most_supported_first(app, make):
    process = process_with_barriers(10, services=3)
    barriers = _barriers(process)
    first, second, third = _services(process, 3)
    first_category, second_category = make.categories_of(process.territory)[:2]
    translator = make.user()
    # A reviewed translation is printed in place of the Chinese words; a draft of the Ukrainian ones is not.
    save_translation(
        SOURCES[SourceKind.BARRIER],
        barriers[3],
        "it",
        {"text": "Ogni volta mi mandano via"},
        reviewed=True,
        user=translator,
    )
    save_translation(
        SOURCES[SourceKind.BARRIER],
        barriers[6],
        "it",
        {"text": "Bozza da rivedere"},
        reviewed=False,
        user=translator,
    )
    db.session.commit()

    with force_locale("it"):
        by_service = barriers_by_service(read_sources(process, "it"))
        section = service_section(by_service[first.id], 1, [{"number": 1}])

    assert list(by_service) == [first.id, second.id, third.id]
    assert [entry.barriers for entry in by_service.values()] == [4, 3, 3]
    # The tenth barrier's words were purged: counted under the first service, not described.
    assert [b["text"] for b in by_service[first.id].described] == [
        "Ostacolo numero 0",
        "Ogni volta mi mandano via",
        "Ostacolo numero 6",
    ]
    assert section == {
        "name": first.name["it"],
        "lang": "it",
        "dir": "ltr",
        "barriers": 4,
        "described": [
            # Someone said the fourth barrier happens to them too: it comes first.
            {
                "text": "Ogni volta mi mandano via",
                "lang": "it",
                "dir": "ltr",
                "frequency": "Ogni volta",
                "severity": "Impedisce l'accesso",
                "supports": 1,
            },
            {
                "text": "Ostacolo numero 0",
                "lang": "it",
                "dir": "ltr",
                "frequency": "Raramente",
                "severity": "Lieve",
                "supports": 0,
            },
            {
                "text": "Ostacolo numero 6",
                "lang": "uk",
                "dir": "ltr",
                "frequency": "Spesso",
                "severity": "Molto grave",
                "supports": 0,
            },
        ],
        "categories": [
            {"name": first_category.name["it"], "lang": "it", "dir": "ltr", "count": 2},
            {"name": second_category.name["it"], "lang": "it", "dir": "ltr", "count": 2},
        ],
        "recommendations": [{"number": 1}],
        "anchor": "service-1",
    }


def test_barriers_hidden_merged_or_withdrawn_are_left_out_of_their_service(app):
    process = process_with_barriers(10, services=3)
    barriers = _barriers(process)
    barriers[0].status = BarrierStatus.HIDDEN
    barriers[3].status = BarrierStatus.MERGED
    barriers[1].status = BarrierStatus.WITHDRAWN
    db.session.commit()
    first, second, _third = _services(process, 3)

    with force_locale("it"):
        by_service = barriers_by_service(read_sources(process, "it"))

    assert (by_service[first.id].barriers, [b["text"] for b in by_service[first.id].described]) == (
        2,
        ["Ostacolo numero 6"],
    )
    assert [b["text"] for b in by_service[second.id].described] == ["Ostacolo numero 4", "Ostacolo numero 7"]


# --- which service each recommendation is printed under ---------------------------------------------------------


def _grouped(make, barriers_by_position):
    """A process of 10 barriers over 4 services, with a recommendation without evidence after the two with; and
    its recommendations grouped given how many barriers each service has (by its position among the 4)."""
    process = process_with_barriers(10, services=4)
    make.recommendation(process, [], title="Senza prove")
    services = _services(process, 4)
    counts = {services[position].id: count for position, count in barriers_by_position.items()}
    recommendations = read_sources(process, "it").recommendations
    return services, recommendations, group_recommendations(recommendations, counts)


def test_a_recommendation_goes_under_the_service_most_of_its_evidence_is_about(app, make):
    # The first answers barriers 0 to 4 (two about the first service), the second 5 to 9 (two about the second).
    services, (first, second, without), grouping = _grouped(make, {0: 3, 1: 3, 2: 1, 3: 5})

    assert [main_service(r) for r in (first, second, without)] == [services[0].id, services[1].id, None]
    # Services with a recommendation first, in the order of their first one; then the others, most barriers first.
    assert grouping.order == [services[0].id, services[1].id, services[3].id, services[2].id]
    assert grouping.groups == {services[0].id: [first], services[1].id: [second], None: [without]}
    assert grouping.in_print_order() == [(services[0].id, first), (services[1].id, second), (None, without)]


def test_a_recommendation_about_a_service_the_report_does_not_describe_is_printed_at_the_end(app, make):
    services, (first, second, without), grouping = _grouped(make, {0: 3, 2: 2, 3: 1})

    assert grouping.order == [services[0].id, services[2].id, services[3].id]
    assert grouping.in_print_order() == [(services[0].id, first), (None, second), (None, without)]


def test_on_a_tie_a_recommendation_goes_under_the_service_of_its_earliest_barrier(app):
    process = process_with_barriers(5, services=4)
    _barriers(process)[0].status = BarrierStatus.HIDDEN  # one barrier about each service is left
    db.session.commit()
    services = _services(process, 4)

    (recommendation,) = read_sources(process, "it").recommendations

    assert main_service(recommendation) == services[1].id


# --- a recommendation as printed --------------------------------------------------------------------------------


def test_a_recommendation_is_printed_with_its_quotes_in_their_own_language(app):
    process = process_with_barriers(5)
    (recommendation,) = _recommendations(process)
    # Its third testimony's author took the permission to quote back: that quote is not printed.
    recommendation.quotes[2].testimony.may_quote = False
    db.session.commit()

    with force_locale("it"):
        item = recommendation_item(recommendation, 3, read_sources(process, "it"))

    principles = item.pop("principles")
    assert len(principles) == 1 and principles[0].startswith("CBP 6")
    assert item == {
        "number": 3,
        "anchor": "recommendation-3",
        "title": "Raccomandazione 1",
        "problem": Markup("<p>Allo sportello nessuno parla <strong>arabo</strong>.</p>\n"),
        "proposed_change": Markup("<p>Un mediatore due mattine a settimana.</p>\n"),
        "feasibility": "",
        "lang": "it",
        "dir": "ltr",
        "translated_from": None,
        "addressee": "Ufficio anagrafe",
        "priority": "Priorità alta",
        "respond_by": "1 gennaio 2030",
        "evidence": 5,
        "organisations": Markup('<bdi lang="it" dir="ltr">Associazione Mondo Insieme</bdi>'),
        "quotes": [
            {"text": "Testimonianza numero 0", "lang": "it", "dir": "ltr", "translation": None},
            {"text": "Testimonianza numero 1", "lang": "ar", "dir": "rtl", "translation": None},
            {"text": "Testimonianza numero 3", "lang": "zh-Hans", "dir": "ltr", "translation": None},
            {"text": "Testimonianza numero 4", "lang": "it", "dir": "ltr", "translation": None},
        ],
    }


# --- the letters ------------------------------------------------------------------------------------------------


def test_one_letter_per_addressee_with_its_recommendations_and_earliest_answer_date(app, make):
    # Four recommendations, addressed in turn to the registry office and to the health authority.
    process = process_with_barriers(20)
    make.recommendation(process, [], title="Senza destinatario")
    recommendations = _recommendations(process)
    recommendations[0].respond_by = date(2030, 2, 1)  # the registry office answers the third one first
    recommendations[1].respond_by = recommendations[3].respond_by = None  # the health authority has no date
    db.session.commit()
    sender = make.user(name="Chi firma", email="chi.firma@example.org")
    registry, health = recommendations[0].addressee, recommendations[1].addressee
    assert recommendations[4].addressee is None

    with force_locale("it"):
        sources = read_sources(process, "it")
        items = [recommendation_item(r, n, sources) for n, r in enumerate(sources.recommendations, start=1)]
        written = letters(list(zip(sources.recommendations, items, strict=True)), {"version": 2}, sender)

    assert written == [
        {
            "version": 2,
            "title": "Raccomandazioni a Ufficio anagrafe",
            "addressee_id": registry.id,
            "addressee": "Ufficio anagrafe",
            "recommendations": [items[0], items[2]],
            "respond_by": "3 gennaio 2030",
            "all_recommendations": 5,
            "sender": {"name": "Chi firma", "email": "chi.firma@example.org"},
        },
        {
            "version": 2,
            "title": "Raccomandazioni a Azienda sanitaria",
            "addressee_id": health.id,
            "addressee": "Azienda sanitaria",
            "recommendations": [items[1], items[3]],
            "respond_by": "",
            "all_recommendations": 5,
            "sender": {"name": "Chi firma", "email": "chi.firma@example.org"},
        },
    ]


def test_letters_without_a_sender_name_nobody(app):
    process = process_with_barriers(5)

    with force_locale("it"):
        sources = read_sources(process, "it")
        (recommendation,) = sources.recommendations
        (letter,) = letters([(recommendation, recommendation_item(recommendation, 1, sources))], {}, None)

    assert letter["sender"] is None and letter["addressee"] == "Ufficio anagrafe"


# --- who took part ----------------------------------------------------------------------------------------------


def test_participation_counts_workshops_people_by_role_and_languages(app, make):
    process = process_with_barriers(10)
    _barriers(process)[0].status = BarrierStatus.HIDDEN  # an Italian barrier that no longer counts
    second = Workshop(territory_id=process.territory_id, title="Secondo laboratorio", phase=process.phase)
    process.workshops.append(second)
    db.session.flush()
    # Someone who said no language: counted, in no language.
    db.session.add(
        Participant(
            territory_id=process.territory_id,
            workshop_id=second.id,
            role=ParticipantRole.OPERATOR,
            languages=[],
            consent_version="test",
        )
    )
    # Another process's participants and barriers are not this one's.
    process_with_barriers(5)
    db.session.commit()

    with force_locale("it"):
        taken_part = participation(read_sources(process, "it"))

    assert taken_part == {
        "workshops": 2,
        "participants": 5,
        "by_role": [
            ("Residente", 2),
            ("Personale di un servizio pubblico", 2),
            ("Membro di un'associazione", 1),
        ],
        "languages": "arabo, italiano, ucraino e cinese",
        # Most used first (speakers and barriers together), then by code.
        "by_language": [
            {"name": "arabo", "lang": "ar", "participants": 1, "barriers": 3},
            {"name": "italiano", "lang": "it", "participants": 1, "barriers": 2},
            {"name": "ucraino", "lang": "uk", "participants": 1, "barriers": 2},
            {"name": "cinese", "lang": "zh-Hans", "participants": 1, "barriers": 2},
        ],
        "barriers": 9,
    }
