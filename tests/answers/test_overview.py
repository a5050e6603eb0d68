"""The follow-up overview of a process: what each reader sees, how it is counted, what is due and overdue."""

from __future__ import annotations

from datetime import timedelta

from markupsafe import escape

from toolkit.access import Role
from toolkit.answers import summary
from toolkit.answers.models import AnswerStatus
from toolkit.answers.operations import CommitmentData, record_answer
from toolkit.answers.threads import thread_of, threads_of, today
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind

from .helpers import issue


def answer(process, organisation, recommendation, status, **kwargs):
    thread = thread_of(process, organisation, recommendation.id)
    text, language = kwargs.pop("text", ""), kwargs.pop("language", "it")
    created = record_answer(thread, status=status, text=text, language=language, **kwargs)
    db.session.commit()
    return created


def follow_up_world(make):
    """Five recommendations issued to three bodies; an association co-designed one and described the barrier
    behind another. Answers: accepted with a commitment, none (overdue), received only (due soon), not our
    competence, rejected."""
    territory = make.territory("borgo", name="Comune di Borgo")
    health = make.organisation(territory, "Azienda sanitaria di Borgo", OrganisationKind.SERVICE_OWNER)
    school = make.organisation(territory, "Ufficio scuola di Borgo", OrganisationKind.MUNICIPAL_OFFICE)
    registry = make.organisation(territory, "Servizi demografici di Borgo", OrganisationKind.MUNICIPAL_OFFICE)
    region = make.organisation(territory, "Regione - Ufficio immigrazione", OrganisationKind.SERVICE_OWNER)
    association = make.organisation(territory, "Associazione Donne del Mondo", OrganisationKind.ASSOCIATION)
    process = make.process(territory, title="Servizi più vicini")
    on = today()
    plan = (
        ("Un mediatore al CUP", health, 20),
        ("Moduli di iscrizione tradotti", school, -5),
        ("Orari serali all'anagrafe", registry, 3),
        ("Residenza con un contratto temporaneo", registry, 40),
        ("Sportello unico il sabato", health, 40),
    )
    made = []
    for title, addressee, days in plan:
        recommendation = make.recommendation(process, title=title)
        recommendation.addressee = addressee
        recommendation.respond_by = on + timedelta(days=days)
        made.append(recommendation)
    mediator, forms, evenings, residence, saturday = made
    mediator.organisations = [association]
    sent = make.barrier(process, text="Il modulo è solo in italiano", organisation=association)
    forms.barriers = [sent]
    db.session.commit()
    version = issue(process, days_ago=10)
    answer(
        process,
        health,
        mediator,
        AnswerStatus.ACCEPTED,
        text="Dal mese prossimo un mediatore il martedì.",
        commitments=[CommitmentData("Un mediatore il martedì", "Ufficio CUP", on + timedelta(days=10))],
    )
    answer(process, registry, evenings, AnswerStatus.RECEIVED)
    answer(
        process,
        registry,
        residence,
        AnswerStatus.NOT_OUR_COMPETENCE,
        text="La residenza dipende dalle regole regionali.",
        competent_body="Regione - Ufficio immigrazione",
    )
    answer(process, health, saturday, AnswerStatus.REJECTED, text="Non abbiamo personale il sabato.")
    people = {
        "facilitator": make.user(Role.FACILITATOR, territory, locale="en"),
        "coordinator": make.coordinator(territory, locale="en"),
        "member": make.user(Role.ASSOCIATION_MEMBER, territory, locale="en"),
        "operator": make.user(Role.OPERATOR, territory, locale="en"),
    }
    make.membership(people["member"], association)
    return {
        "territory": territory,
        "process": process,
        "version": version,
        "health": health,
        "school": school,
        "registry": registry,
        "region": region,
        "association": association,
        "recommendations": made,
        "people": people,
        "url": f"/t/borgo/processes/{process.id}/follow-up",
    }


def test_facilitators_and_coordinators_see_every_recommendation(make, login):
    world = follow_up_world(make)
    for who in ("facilitator", "coordinator"):
        page = login(world["people"][who]).get(world["url"]).get_data(as_text=True)
        for recommendation in world["recommendations"]:
            assert str(escape(recommendation.title)) in page, (who, recommendation.title)
        assert "You see every recommendation of this version" in page
        assert "Links of the letters" in page
        assert f'href="{world["url"]}/report.pdf"' in page  # the follow-up report


def test_an_association_member_sees_what_their_organisation_took_part_in(make, login):
    world = follow_up_world(make)
    client = login(world["people"]["member"])
    page = client.get(world["url"]).get_data(as_text=True)
    mediator, forms, evenings, residence, saturday = world["recommendations"]
    assert mediator.title in page  # co-designed by the association
    assert forms.title in page  # rests on the barrier the association described
    for other in (evenings, residence, saturday):
        assert str(escape(other.title)) not in page
    assert "You see the recommendations" in page and "Associazione Donne del Mondo" in page
    assert "Links of the letters" not in page and "Decide whether to forward it" not in page
    base = f"/t/borgo/processes/{world['process'].id}/follow-up/recommendations"
    assert client.get(f"{base}/{mediator.id}").status_code == 200
    assert client.get(f"{base}/{saturday.id}").status_code == 404
    # Operators read the processes without an association's restriction.
    operator_page = login(world["people"]["operator"]).get(world["url"]).get_data(as_text=True)
    assert str(escape(saturday.title)) in operator_page


def test_a_member_without_an_organisation_is_told_so(make, login):
    world = follow_up_world(make)
    loner = make.user(Role.ASSOCIATION_MEMBER, world["territory"], locale="en")
    page = login(loner).get(world["url"]).get_data(as_text=True)
    assert "not linked to an organisation of this territory" in page
    assert world["recommendations"][0].title not in page


def test_the_statistics_never_count_an_unanswered_recommendation_as_rejected(make, login):
    world = follow_up_world(make)
    counts = dict(summary.statistics(threads_of(world["process"])).rows)
    assert counts == {
        summary.UNANSWERED: 1,
        summary.ACKNOWLEDGED: 1,
        "accepted": 1,
        "partly_accepted": 0,
        "in_progress": 0,
        "implemented": 0,
        "rejected": 1,
        "not_our_competence": 1,
    }
    page = login(world["people"]["facilitator"]).get(world["url"]).get_data(as_text=True)
    assert "No answer yet</th><td>1</td>" in page
    assert "Acknowledged (received)</th><td>1</td>" in page
    assert "Rejected</th><td>1</td>" in page
    assert "How this is counted" in page and "never as rejected" in page


def test_received_after_an_answer_keeps_the_answer(make):
    world = follow_up_world(make)
    mediator = world["recommendations"][0]
    answer(world["process"], world["health"], mediator, AnswerStatus.RECEIVED)
    thread = thread_of(world["process"], world["health"], mediator.id)
    assert summary.counted_status(thread) == "accepted"


def test_due_soon_and_overdue_follow_the_dates(make, login):
    world = follow_up_world(make)
    page = login(world["people"]["facilitator"]).get(world["url"]).get_data(as_text=True)
    due = page[page.index('id="due-title"') : page.index('id="commitments-title"')]
    _mediator, forms, evenings, residence, saturday = world["recommendations"]
    assert forms.title in due and "Answer overdue" in due
    assert str(escape(evenings.title)) in due and "Answer due soon" in due  # only "received": not an answer
    assert residence.title not in due and saturday.title not in due
    commitments = page[page.index('id="commitments-title"') : page.index('id="addressees-title"')]
    assert "Un mediatore il martedì" in commitments and "Ufficio CUP" in commitments
    awaiting = page[page.index('id="awaiting-title"') : page.index('id="due-title"')]
    assert residence.title in awaiting and "Decide whether to forward it" in awaiting


def test_per_addressee_and_per_service(make, login):
    world = follow_up_world(make)
    page = login(world["people"]["facilitator"]).get(world["url"]).get_data(as_text=True)
    addressees = page[page.index('id="addressees-title"') : page.index('id="services-title"')]
    for body in ("Azienda sanitaria di Borgo", "Ufficio scuola di Borgo", "Servizi demografici di Borgo"):
        assert body in addressees
    services = page[page.index('id="services-title"') :]
    barrier_service = world["recommendations"][1].barriers[0].service
    assert str(escape(barrier_service.name["en"])) in services
    assert "No service named" in services


def test_the_process_page_links_to_the_follow_up(make, login):
    world = follow_up_world(make)
    page = (
        login(world["people"]["member"])
        .get(f"/t/borgo/processes/{world['process'].id}")
        .get_data(as_text=True)
    )
    assert f'href="{world["url"]}"' in page


def test_the_overview_queries_do_not_grow_with_recommendations_or_answers(make, login, count_queries):
    world = follow_up_world(make)
    client = login(world["people"]["facilitator"])
    client.get(world["url"])

    def counted() -> int:
        db.session.expire_all()
        with count_queries() as queries:
            assert client.get(world["url"]).status_code == 200
        return queries()

    before = counted()
    process = world["process"]
    for number in range(6):
        recommendation = make.recommendation(process, title=f"Altra raccomandazione {number}")
        recommendation.addressee = world["school"] if number % 2 else world["health"]
        recommendation.organisations = [world["association"]]
        recommendation.respond_by = today() + timedelta(days=number)
    db.session.commit()
    issue(process)
    for thread in threads_of(process):
        if thread.organisation.id == world["health"].id and not thread.answers:
            record_answer(
                thread,
                status=AnswerStatus.IN_PROGRESS,
                text="Ci stiamo lavorando.",
                language="it",
                commitments=[CommitmentData("Una prova", "Ufficio", today() + timedelta(days=5))],
            )
    db.session.commit()
    assert counted() == before


def test_nothing_issued_yet(make, login):
    territory = make.territory("borgo")
    process = make.process(territory)
    facilitator = make.user(Role.FACILITATOR, territory, locale="en")
    page = login(facilitator).get(f"/t/borgo/processes/{process.id}/follow-up").get_data(as_text=True)
    assert "No version of the recommendations has been issued yet" in page


def test_the_history_of_a_recommendation_in_time_order(make, login):
    world = follow_up_world(make)
    mediator = world["recommendations"][0]
    first = answer(
        world["process"],
        world["health"],
        mediator,
        AnswerStatus.IN_PROGRESS,
        text="سنبدأ قريبا",
        language="ar",
    )
    first_id = first.id
    mediator.title = "Un mediatore al CUP, anche il sabato"
    db.session.commit()
    issue(world["process"])
    page = (
        login(world["people"]["facilitator"])
        .get(f"/t/borgo/processes/{world['process'].id}/follow-up/recommendations/{mediator.id}")
        .get_data(as_text=True)
    )
    history = page[page.index('id="history-title"') :]
    order = [
        history.index("Issued in version 1"),
        history.index("Dal mese prossimo un mediatore il martedì."),
        history.index("سنبدأ قريبا"),
        history.index("Changed in version 2"),
    ]
    assert order == sorted(order)
    assert '<ol class="timeline' in history and "<time datetime=" in history
    assert 'lang="ar" dir="rtl">سنبدأ قريبا' in history  # the answer's words with their language
    assert "Un mediatore il martedì" in history and "Ufficio CUP" in history  # its commitment
    assert "title" in history[history.index("Changed in version 2") :]
    assert "In progress" in page and f"/answers/{first_id}/forward" not in page
