"""The public results page: only once the coordinator published the process, only what publishing made public,
and nothing that names or could identify a participant."""

from __future__ import annotations

from datetime import UTC, date, datetime

from markupsafe import escape

from toolkit.access import Role
from toolkit.answers import publishing
from toolkit.answers.models import AnswerStatus, Publication
from toolkit.answers.operations import CommitmentData, record_answer
from toolkit.answers.threads import thread_of
from toolkit.audit import AuditEntry
from toolkit.barriers.models import BarrierStatus
from toolkit.extensions import db
from toolkit.workshops.models import Participant, ParticipantRole, WorkshopState

from .helpers import issue
from .test_addressed import addressed_world

ENGLISH = {"Accept-Language": "en"}
#: What a public page must never show: planted in the world, searched for in every answer.
SECRETS = (
    "Gelsomino77",  # a participant's pseudonym
    "Nascosto dalla moderazione",  # a barrier hidden by moderation
    "Motivo riservato",  # why it was hidden
    "Ritirato dal suo autore",  # a barrier its author withdrew
    "ufficio.asl@example.org",  # the addressee's e-mail address
    "coordinatrice@example.org",  # the coordinator's
    "Dottoressa Firmataria",  # who signed the answer
)


def public_world(make) -> dict:
    """``addressed_world`` with a workshop held, two participants (one with a pseudonym), barriers (one hidden, one
    withdrawn), the version issued in Italian and Arabic and two answers of the health authority."""
    world = addressed_world(make)
    process, territory = world["process"], world["territory"]
    workshop = process.workshops[0]
    workshop.state, workshop.opened_at = WorkshopState.CLOSED, datetime.now(UTC)
    resident = Participant(
        territory_id=territory.id,
        workshop_id=workshop.id,
        pseudonym="Gelsomino77",
        role=ParticipantRole.RESIDENT,
        languages=["ar", "it"],
        consent_version="test",
    )
    operator = Participant(
        territory_id=territory.id,
        workshop_id=workshop.id,
        role=ParticipantRole.OPERATOR,
        languages=["it"],
        consent_version="test",
    )
    db.session.add_all([resident, operator])
    db.session.commit()
    categories = make.categories_of(territory)
    make.barrier(workshop, participant=resident, text="Al CUP nessuno parla arabo", categories=categories[:1])
    make.barrier(workshop, participant=resident, text="لا أحد يتكلم العربية", language="ar")
    hidden = make.barrier(workshop, participant=operator, text="Nascosto dalla moderazione")
    hidden.status, hidden.hidden_reason = BarrierStatus.HIDDEN, "Motivo riservato"
    withdrawn = make.barrier(process, text="Ritirato dal suo autore", organisation=world["health"])
    withdrawn.status = BarrierStatus.WITHDRAWN
    db.session.commit()
    world["version"] = issue(process, ["it", "ar"])
    thread = thread_of(process, world["health"], world["to_health"].id)
    record_answer(
        thread,
        status=AnswerStatus.IN_PROGRESS,
        text="Stiamo cercando un mediatore per il CUP",
        language="it",
        signed_by="Dottoressa Firmataria",
        commitments=[CommitmentData("Un mediatore il martedì", "Ufficio relazioni", date(2031, 3, 1))],
        user=world["addressee"],
    )
    record_answer(
        thread,
        status=AnswerStatus.ACCEPTED,
        text="Dal primo marzo c'è un mediatore <b>al CUP</b>",
        language="it",
        signed_by="Dottoressa Firmataria",
        user=world["addressee"],
    )
    db.session.commit()
    world["coordinator"] = make.coordinator(territory, email="coordinatrice@example.org")
    world["url"] = f"/results/borgo/{process.id}/"
    return world


def publish(login, world):
    response = login(world["coordinator"]).post(
        f"/t/borgo/processes/{world['process'].id}/publish", data={"confirm": "yes"}
    )
    assert response.status_code == 302
    return response


def test_the_published_page_shows_the_version_its_answers_history_and_figures(make, login, client):
    world = public_world(make)
    publish(login, world)
    page = client.get(world["url"], headers=ENGLISH).get_data(as_text=True)
    assert "Servizi più vicini" in page
    assert "Un mediatore al CUP" in page and "Moduli di iscrizione tradotti" in page
    # Both answers, oldest first, the history kept; the text escaped, marked with its language.
    first, second = page.index("Stiamo cercando un mediatore"), page.index("Dal primo marzo")
    assert first < second
    assert str(escape("Dal primo marzo c'è un mediatore <b>al CUP</b>")) in page
    assert 'lang="it" dir="ltr">Stiamo cercando' in page
    assert "In progress" in page and "Accepted" in page and "Un mediatore il martedì" in page
    # The school office said nothing: no answer yet, never "rejected".
    assert "No answer yet" in page and "Rejected" not in page
    # Participation in numbers: one workshop held, two participants by role, languages, barriers counted.
    assert "1 workshop held" in page and "2 participants" in page
    assert "Resident: 1" in page and "Staff of a public service: 1" in page
    assert "2 barriers described" in page  # the hidden and the withdrawn ones are not counted
    assert "Arabic" in page and "Italian" in page
    assert "Download the data" in page
    for name in ("open-data.json", "recommendations.csv", "answers.csv", "barriers.csv"):
        assert f'href="http://localhost{world["url"]}{name}"' in page
        assert client.get(world["url"] + name).status_code == 200
    assert f'href="http://localhost{world["url"]}feed.atom"' in page


def test_nothing_that_names_a_participant_or_was_hidden_is_public(make, login, client):
    world = public_world(make)
    publish(login, world)
    responses = [
        client.get(world["url"], headers={"Accept-Language": language}) for language in ("en", "it", "ar")
    ]
    responses.append(client.get(world["url"] + "feed.atom"))
    publication = db.session.scalars(db.select(Publication)).one()
    for response in responses:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in text
        assert "/t/borgo/" not in text  # no way into the territory's own pages
    for secret in SECRETS:
        assert secret not in str(publication.figures)


def test_the_page_in_arabic_is_right_to_left_with_peoples_words_in_their_language(make, login, client):
    world = public_world(make)
    publish(login, world)
    page = client.get(world["url"], headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert 'lang="it" dir="ltr">Un mediatore al CUP</h3>' in page


def test_unpublished_withdrawn_or_unknown_answer_not_found(make, login, client):
    world = public_world(make)
    process_id = world["process"].id
    feed = world["url"] + "feed.atom"
    assert client.get(world["url"]).status_code == 404  # never published
    assert client.get(feed).status_code == 404
    publish(login, world)
    assert client.get(world["url"]).status_code == 200 and client.get(feed).status_code == 200
    for unknown in (f"/results/borgo/{process_id + 1000}/", f"/results/nessuno/{process_id}/"):
        assert client.get(unknown).status_code == 404
        assert client.get(unknown + "feed.atom").status_code == 404
    make.territory("lago")  # the right process, in another territory
    assert client.get(f"/results/lago/{process_id}/").status_code == 404
    coordinator = login(world["coordinator"])
    unconfirmed = coordinator.post(f"/t/borgo/processes/{process_id}/unpublish")
    assert unconfirmed.status_code == 302 and client.get(world["url"]).status_code == 200
    coordinator.post(f"/t/borgo/processes/{process_id}/unpublish", data={"confirm": "yes"})
    assert client.get(world["url"]).status_code == 404 and client.get(feed).status_code == 404
    actions = db.session.scalars(
        db.select(AuditEntry.action)
        .where(AuditEntry.action.in_(["answers.published", "answers.unpublished"]))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["answers.published", "answers.unpublished"]


def test_publishing_needs_a_confirmation_and_an_issued_version(make, login):
    world = addressed_world(make)
    coordinator = login(make.coordinator(world["territory"], locale="en"))
    url = f"/t/borgo/processes/{world['process'].id}/publish"
    versions = f"/t/borgo/processes/{world['process'].id}/versions"
    coordinator.post(url, data={"confirm": "yes"})
    assert "no version has been issued yet" in coordinator.get(versions).get_data(as_text=True)
    issue(world["process"])
    assert coordinator.post(url).headers["Location"].endswith(f"{versions}#public-results")
    assert "tick the box to confirm" in coordinator.get(versions).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Publication)) == 0
    page = coordinator.get(versions).get_data(as_text=True)
    assert "I confirm that anyone may read version 1" in page
    coordinator.post(url, data={"confirm": "yes"})
    assert "Version 1 and its answers are public" in coordinator.get(versions).get_data(as_text=True)
    process_page = coordinator.get(f"/t/borgo/processes/{world['process'].id}").get_data(as_text=True)
    assert f'href="/results/borgo/{world["process"].id}/"' in process_page
    # Facilitators read the link, and may not publish.
    facilitator = login(make.user(Role.FACILITATOR, world["territory"], locale="en"))
    assert "See the public results page" in facilitator.get(versions).get_data(as_text=True)
    assert facilitator.post(url, data={"confirm": "yes"}).status_code == 403


def test_publishing_again_shows_the_new_version_and_a_later_draft_never(make, login, client):
    world = public_world(make)
    publish(login, world)
    # A draft changed after publishing: the public page still shows the version as issued.
    world["to_health"].title = "Una bozza che nessuno ha emesso"
    db.session.commit()
    page = client.get(world["url"]).get_data(as_text=True)
    assert "Un mediatore al CUP" in page and "Una bozza che nessuno ha emesso" not in page
    issue(world["process"])  # version 2, with the new title
    assert "Una bozza che nessuno ha emesso" not in client.get(world["url"]).get_data(as_text=True)
    publish(login, world)
    page = client.get(world["url"], headers=ENGLISH).get_data(as_text=True)
    assert "Una bozza che nessuno ha emesso" in page and "version 2 of the recommendations" in page
    publications = db.session.scalars(db.select(Publication).order_by(Publication.id)).all()
    assert [p.withdrawn_at is not None for p in publications] == [True, False]
    assert [p.issue.number for p in publications] == [1, 2]


def test_the_figures_are_counted_when_publishing(make, login, client):
    world = public_world(make)
    publish(login, world)
    figures = db.session.scalars(db.select(Publication)).one().figures
    assert figures["method"] == publishing.METHOD
    assert figures["participation"]["by_role"] == {"resident": 1, "operator": 1}
    assert figures["participation"]["languages"][0] == {"code": "ar", "participants": 1, "barriers": 1}
    assert figures["barriers"]["total"] == 2 and figures["barriers"]["uncategorised"] == 1
    [service] = figures["barriers"]["by_service"]
    assert service["barriers"] == 2 and len(service["categories"]) == 1
    # A barrier written after publishing changes nothing public until the results are published again.
    make.barrier(world["process"].workshops[0], text="Scritto dopo la pubblicazione")
    page = client.get(world["url"], headers=ENGLISH).get_data(as_text=True)
    assert "2 barriers described" in page


def test_a_reviewed_translation_of_an_answer_is_shown_in_the_readers_language(make, login, client):
    from toolkit.translating import operations as translating
    from toolkit.translating.models import SourceKind
    from toolkit.translating.sources import SOURCES

    world = public_world(make)
    publish(login, world)
    answer = thread_of(world["process"], world["health"], world["to_health"].id).latest
    translator = make.user(Role.TRANSLATOR, world["territory"])
    translated = "منذ الأول من مارس يوجد وسيط"
    translating.save_translation(
        SOURCES[SourceKind.ANSWER], answer, "ar", {"text": translated}, reviewed=True, user=translator
    )
    db.session.commit()
    arabic = client.get(world["url"], headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert f'lang="ar" dir="rtl">{translated}</p>' in arabic
    assert "Dal primo marzo" in arabic  # the original, folded under it
    italian = client.get(world["url"], headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert translated not in italian
