"""The answers reach the people who took part: a participant who comes back with their return code reads the
answers to the recommendations their barriers led to, in their language as far as translators have gone; an
association reads them on its process page, for the recommendations it took part in only; translators find the
answers in their queue."""

from __future__ import annotations

from datetime import date

from markupsafe import escape
from sqlalchemy import select

from toolkit.access import Role
from toolkit.answers import operations, threads
from toolkit.answers.models import AnswerStatus
from toolkit.barriers import models as barriers
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind
from toolkit.translating import operations as translating
from toolkit.translating.models import SourceKind, TextTranslation, TranslationStatus
from toolkit.translating.sources import SOURCES
from toolkit.workshops import codes
from toolkit.workshops import operations as workshops
from toolkit.workshops.models import ParticipantRole

from .helpers import issue

ANSWER = "Dal primo marzo un mediatore culturale sarà al CUP il martedì e il giovedì."
ANSWER_AR = "اعتبارًا من الأول من مارس سيكون هناك وسيط ثقافي في مكتب الحجز يومي الثلاثاء والخميس."
COMMITMENT = "Un mediatore culturale al CUP due mattine a settimana"
COMMITMENT_AR = "وسيط ثقافي في مكتب الحجز صباحين في الأسبوع"
TITLE = "Un mediatore al CUP"
TITLE_AR = "وسيط في مكتب الحجز"
OTHER_TITLE = "Moduli di iscrizione tradotti"
OTHER_ANSWER = "I moduli saranno tradotti entro l'estate."
OTHER_BARRIER = "I moduli della scuola sono solo in italiano"


def participants_world(make):
    """Two participants of one workshop: Nour's barrier led to the recommendation to the health authority (the
    association Ponti co-designed it), Volpe's to the one to the school office. Both are issued and answered."""
    territory = make.territory("borgo", name="Comune di Borgo")
    health = make.organisation(territory, "Azienda sanitaria di Borgo", OrganisationKind.SERVICE_OWNER)
    school = make.organisation(territory, "Ufficio scuola di Borgo", OrganisationKind.MUNICIPAL_OFFICE)
    ponti = make.organisation(territory, "Associazione Ponti")
    workshop = make.live_workshop(territory)
    process = workshop.process
    nour = workshops.join(workshop, language="ar", pseudonym="Nour", role=ParticipantRole.RESIDENT)
    volpe = workshops.join(workshop, language="it", pseudonym="Volpe", role=ParticipantRole.RESIDENT)
    db.session.flush()
    nour_code, volpe_code = codes.issue_return_code(nour), codes.issue_return_code(volpe)
    db.session.commit()
    cup = make.barrier(workshop, text="Al CUP nessuno parla arabo", participant=nour)
    forms = make.barrier(workshop, text=OTHER_BARRIER, participant=volpe)
    to_health = make.recommendation(process, title=TITLE)
    to_health.addressee, to_health.barriers, to_health.organisations = health, [cup], [ponti]
    to_school = make.recommendation(process, title=OTHER_TITLE)
    to_school.addressee, to_school.barriers = school, [forms]
    db.session.commit()
    issue(process, ["it", "ar"])
    answer = operations.record_answer(
        threads.thread_of(process, health, to_health.id),
        status=AnswerStatus.ACCEPTED,
        text=ANSWER,
        language="it",
        signed_by="Dott.ssa Rossi, Ufficio relazioni",
        commitments=[operations.CommitmentData(COMMITMENT, "Ufficio relazioni", date(2031, 3, 1))],
    )
    operations.record_answer(
        threads.thread_of(process, school, to_school.id),
        status=AnswerStatus.IN_PROGRESS,
        text=OTHER_ANSWER,
        language="it",
    )
    translator = make.user(Role.TRANSLATOR, territory, email="traduzioni@example.org", locale="en")
    db.session.commit()
    return {
        "territory": territory,
        "process": process,
        "health": health,
        "ponti": ponti,
        "to_health": to_health,
        "to_school": to_school,
        "answer": answer,
        "nour_code": codes.format_code(nour_code, 4),
        "volpe_code": codes.format_code(volpe_code, 4),
        "translator": translator,
    }


def _come_back(app, code: str, language: str) -> str:
    """Another phone, later: type the return code, open "my contributions" in ``language``."""
    phone = app.test_client()
    headers = {"Accept-Language": language}
    page = phone.get("/return", headers=headers).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    opened = phone.post("/return", data={"code": code, "csrf_token": token}, headers=headers)
    assert opened.status_code == 302, opened.get_data(as_text=True)
    mine = phone.get(opened.headers["Location"], headers=headers)
    assert mine.status_code == 200
    return mine.get_data(as_text=True)


def _review_in_arabic(world) -> None:
    """A translator reviews the Arabic of the answer, its commitment and the recommendation's title."""
    translator, answer = world["translator"], world["answer"]
    for kind, record, texts in (
        (SourceKind.ANSWER, answer, {"text": ANSWER_AR}),
        (SourceKind.COMMITMENT, answer.commitments[0], {"what": COMMITMENT_AR}),
        (
            SourceKind.RECOMMENDATION,
            world["to_health"],
            {"title": TITLE_AR, "problem": "لا أحد يتحدث العربية", "proposed_change": "وسيط صباحين"},
        ),
    ):
        translating.save_translation(SOURCES[kind], record, "ar", texts, reviewed=True, user=translator)
    db.session.commit()


def test_a_participant_reads_the_answer_to_the_recommendation_their_barrier_led_to(app, make):
    world = participants_world(make)
    page = _come_back(app, world["volpe_code"], "it")
    assert "Cosa hanno risposto gli enti" in page or "What the bodies answered" in page
    assert OTHER_TITLE in page and escape(OTHER_ANSWER) in page
    # Only what Volpe's words led to: not Nour's recommendation, its answer or its commitment.
    assert TITLE not in page and escape(ANSWER) not in page and COMMITMENT not in page
    # Nobody's name: neither the other participant's nor the person who signed an answer.
    assert "Nour" not in page and "Rossi" not in page


def test_in_arabic_the_reviewed_translation_is_shown_marked_right_to_left(app, make):
    world = participants_world(make)
    _review_in_arabic(world)
    page = _come_back(app, world["nour_code"], "ar")
    assert f'<p class="user-text" lang="ar" dir="rtl">{ANSWER_AR}</p>' in page
    assert f'<p class="user-text" lang="ar" dir="rtl">{COMMITMENT_AR}</p>' in page
    assert f'<bdi lang="ar" dir="rtl">{TITLE_AR}</bdi>' in page
    # The original is one click away, marked with its own language.
    assert f'<p class="user-text" lang="it" dir="ltr">{escape(ANSWER)}</p>' in page
    assert "Azienda sanitaria di Borgo" in page
    assert "Rossi" not in page and "Volpe" not in page and OTHER_TITLE not in page


def test_before_review_a_machine_draft_is_labelled_and_otherwise_the_original_is_marked(app, make):
    world = participants_world(make)
    english = _come_back(app, world["nour_code"], "en")
    assert f'<p class="user-text" lang="it" dir="ltr">{escape(ANSWER)}</p>' in english
    assert "Not translated into English yet: shown as written, in Italian." in english
    assert f'<bdi lang="it" dir="ltr">{TITLE}</bdi>' in english

    answer = world["answer"]
    source = SOURCES[SourceKind.ANSWER]
    translating.store_machine_draft(
        source, answer, "en", {"text": "From March a mediator..."}, source.texts(answer), "it"
    )
    db.session.commit()
    english = _come_back(app, world["nour_code"], "en")
    assert '<p class="user-text" lang="en" dir="ltr">From March a mediator...</p>' in english
    assert "Machine translation from Italian, not checked by a person yet." in english
    # The commitment has no draft: its original, marked.
    assert f'<p class="user-text" lang="it" dir="ltr">{COMMITMENT}</p>' in english
    stored = db.session.scalar(
        select(TextTranslation).where(TextTranslation.source_kind == SourceKind.ANSWER)
    )
    assert stored.status is TranslationStatus.DRAFT  # the draft stays a draft; the answer itself is unchanged
    assert answer.text == ANSWER


def test_a_participant_whose_barriers_led_to_nothing_sees_no_answers(app, make):
    world = participants_world(make)
    workshop = world["process"].workshops[0]
    quiet = workshops.join(workshop, language="it", pseudonym="Lupo", role=ParticipantRole.RESIDENT)
    db.session.flush()
    code = codes.format_code(codes.issue_return_code(quiet), 4)
    make.barrier(workshop, text="Nessuno risponde al telefono", participant=quiet)
    page = _come_back(app, code, "en")
    assert "My contributions" in page and "Nessuno risponde al telefono" in page
    assert "What the bodies answered" not in page
    for words in (TITLE, OTHER_TITLE, escape(ANSWER), escape(OTHER_ANSWER), "Nour", "Volpe", OTHER_BARRIER):
        assert words not in page


def test_a_proposal_or_a_story_on_the_barrier_leads_to_the_answer_too(app, make):
    world = participants_world(make)
    workshop = world["process"].workshops[0]
    helper = workshops.join(workshop, language="it", pseudonym="Lupo", role=ParticipantRole.RESIDENT)
    db.session.flush()
    code = codes.format_code(codes.issue_return_code(helper), 4)
    make.proposal_for(
        workshop, world["to_health"].barriers, change="Un mediatore il martedì", participant=helper
    )
    page = _come_back(app, code, "it")
    assert TITLE in page and escape(ANSWER) in page
    assert OTHER_TITLE not in page

    # Someone who only added their story to Volpe's barrier ("me too") reads the school office's answer.
    witness = workshops.join(workshop, language="it", pseudonym="Gru", role=ParticipantRole.RESIDENT)
    db.session.flush()
    code = codes.format_code(codes.issue_return_code(witness), 4)
    db.session.add(
        barriers.Testimony(
            barriers=world["to_school"].barriers,
            territory_id=workshop.territory_id,
            process_id=workshop.process_id,
            participant_id=witness.id,
            text="Anche a me è successo",
            language="it",
        )
    )
    db.session.commit()
    page = _come_back(app, code, "it")
    assert OTHER_TITLE in page and escape(OTHER_ANSWER) in page
    assert TITLE not in page


def test_an_association_reads_the_answers_to_the_recommendations_it_took_part_in(make, login):
    world = participants_world(make)
    member = make.user(Role.ASSOCIATION_MEMBER, world["territory"], email="ponti@example.org", locale="en")
    make.membership(member, world["ponti"])
    page = login(member).get(f"/t/borgo/processes/{world['process'].id}").get_data(as_text=True)
    assert "What the bodies answered" in page
    assert TITLE in page and escape(ANSWER) in page and COMMITMENT in page and "Accepted" in page
    assert OTHER_TITLE not in page and escape(OTHER_ANSWER) not in page  # Ponti had no part in it
    assert "Rossi" not in page

    other = make.organisation(world["territory"], "Associazione Lontana")
    stranger = make.user(
        Role.ASSOCIATION_MEMBER, world["territory"], email="lontana@example.org", locale="en"
    )
    make.membership(stranger, other)
    client = login(stranger)
    page = client.get(f"/t/borgo/processes/{world['process'].id}").get_data(as_text=True)
    assert "What the bodies answered" not in page and escape(ANSWER) not in page

    # A barrier it sent becomes evidence of the recommendation to the school office in the next version.
    sent = make.barrier(world["process"], text="Le iscrizioni solo online", organisation=other)
    to_school = world["to_school"]
    to_school.barriers = [*to_school.barriers, sent]
    db.session.commit()
    issue(world["process"], ["it"])
    page = client.get(f"/t/borgo/processes/{world['process'].id}").get_data(as_text=True)
    assert OTHER_TITLE in page and escape(OTHER_ANSWER) in page and "In progress" in page
    assert TITLE not in page and escape(ANSWER) not in page


def test_translators_find_answers_and_commitments_in_their_queue(make, login):
    world = participants_world(make)
    client = login(world["translator"])
    queue = client.get(f"/t/borgo/translations/?process={world['process'].id}&language=ar").get_data(
        as_text=True
    )
    assert "Answer to a recommendation" in queue and "Commitment in an answer" in queue
    answer = world["answer"]
    form = client.get(f"/t/borgo/translations/answer/{answer.id}/ar?process={world['process'].id}")
    assert form.status_code == 200 and escape(ANSWER) in form.get_data(as_text=True)
    commitment = answer.commitments[0]
    assert client.get(f"/t/borgo/translations/commitment/{commitment.id}/ar").status_code == 200
