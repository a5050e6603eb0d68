"""Translations as records beside the original: writing and reviewing them, what shows where, outdated ones."""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import escape

from toolkit.access import Role
from toolkit.barriers import models as barriers
from toolkit.barriers.models import Barrier
from toolkit.codesign.models import Proposal
from toolkit.extensions import db
from toolkit.processes.models import StepKind
from toolkit.translating import operations
from toolkit.translating.models import (
    MachineRequest,
    MachineRequestState,
    SourceKind,
    TextTranslation,
    TranslationKind,
    TranslationStatus,
)
from toolkit.translating.sources import SOURCES_BY_MODEL

from ..codesign.helpers import words
from ..workshops.helpers import barrier_fields, join
from .helpers import (
    ARABIC_BARRIER,
    ARABIC_OF_PROPOSAL,
    ARABIC_TESTIMONY,
    ITALIAN_OF_BARRIER,
    ITALIAN_PROPOSAL,
    form_state,
    machine_draft,
    said,
    stored,
    translate_url,
    translation_room,
)


def _e(text: str) -> str:
    return str(escape(text))


def _review(client, room, record, language, texts: dict[str, str], button="save_reviewed", **query):
    url = translate_url(room, record, language)
    page = client.get(url, query_string=query).get_data(as_text=True)
    return client.post(url, query_string=query, data={**form_state(page), **texts, button: "1"})


def test_a_translator_reviews_a_translation_kept_beside_the_original(app, make, login):
    room = translation_room(make)
    client = login(room["translator"])
    queue = client.get(f"/t/{room['territory'].slug}/translations/").get_data(as_text=True)
    # The queue lists the Arabic texts to bring into Italian, the territory's language, with their language.
    assert _e(ARABIC_BARRIER) in queue
    assert _e(ARABIC_TESTIMONY) in queue
    assert _e(ITALIAN_PROPOSAL) not in queue

    page = client.get(translate_url(room, room["barrier"], "it")).get_data(as_text=True)
    # The original beside the translation, each side in its own language and direction.
    assert f'lang="ar" dir="rtl">{_e(ARABIC_BARRIER)}</p>' in page
    assert 'lang="it" dir="ltr"' in page

    response = _review(
        client,
        room,
        room["barrier"],
        "it",
        {"text": ITALIAN_OF_BARRIER, "groups_affected": "Donne appena arrivate"},
    )
    assert response.status_code == 302
    # Saving opens the next text of the list that still needs work: the testimony.
    assert f"/translations/testimony/{room['testimony'].id}/it" in response.headers["Location"]

    translation = stored(room["barrier"], "it")
    assert translation.texts == {"text": ITALIAN_OF_BARRIER, "groups_affected": "Donne appena arrivate"}
    assert (translation.kind, translation.status) == (TranslationKind.HUMAN, TranslationStatus.REVIEWED)
    assert translation.translated_by_id == translation.reviewed_by_id == room["translator"].id
    assert translation.reviewed_at is not None and translation.source_language == "ar"
    barrier = db.session.get(Barrier, room["barrier"].id)
    assert (barrier.text, barrier.language) == (ARABIC_BARRIER, "ar")  # the original is untouched


def test_the_facilitator_reads_the_translation_with_the_original_one_click_away(app, make, login):
    room = translation_room(make)
    _review(
        login(room["translator"]),
        room,
        room["barrier"],
        "it",
        {"text": ITALIAN_OF_BARRIER, "groups_affected": "Donne"},
    )
    facilitator = login(room["facilitator"])
    slug = room["territory"].slug
    for url in (
        f"/t/{slug}/processes/{room['process'].id}",
        f"/t/{slug}/proposals/{room['proposal'].id}",
        f"/t/{slug}/workshops/{room['workshop'].id}/moderation",
    ):
        page = facilitator.get(url).get_data(as_text=True)
        assert _e(ITALIAN_OF_BARRIER) in page, url
        # The original is in a fold right under it, marked as Arabic, and the translation says what it is.
        fold = page[page.index(_e(ITALIAN_OF_BARRIER)) :]
        assert fold.index("<details") < fold.index(_e(ARABIC_BARRIER)), url
        assert f'lang="ar" dir="rtl">{_e(ARABIC_BARRIER)}' in fold, url
        assert said(app, "Translated from %(language)s", language="arabo") in page, url
    # The export for the steering group carries the reviewed translation beside the original.
    export = facilitator.get(f"/t/{slug}/processes/{room['process'].id}/synthesis.csv").get_data(as_text=True)
    row = next(line for line in export.splitlines() if ARABIC_BARRIER in line)
    assert ITALIAN_OF_BARRIER in row


def test_an_unreviewed_machine_draft_is_used_nowhere_a_reviewed_translation_is_required(app, make, login):
    room = translation_room(make, StepKind.SYNTHESIS)
    draft_text = "Bozza automatica: all'anagrafe nessuno parla arabo"
    machine_draft(room["barrier"], "it", {"text": draft_text})
    assert operations.reviewed_translation(room["barrier"], "it") is None

    facilitator = login(room["facilitator"])
    slug = room["territory"].slug
    pages = (
        f"/t/{slug}/processes/{room['process'].id}",
        f"/t/{slug}/processes/{room['process'].id}/synthesis",
        f"/t/{slug}/proposals/{room['proposal'].id}",
        f"/t/{slug}/workshops/{room['workshop'].id}/board",
        f"/t/{slug}/processes/{room['process'].id}/synthesis.csv",
    )
    for url in pages:
        page = facilitator.get(url).get_data(as_text=True)
        assert "Bozza automatica" not in page, url
    phone = join(app.test_client(), room["workshop"], language="it")
    assert "Bozza automatica" not in phone.get(f"/w/{room['workshop'].join_code}/now").get_data(as_text=True)

    # In the queue it waits, labelled, for a person; reviewed unchanged, it is a machine translation, reviewed.
    translator = login(room["translator"])
    queue = translator.get(f"/t/{slug}/translations/").get_data(as_text=True)
    assert words(app, "Machine draft to review") in queue
    form = translator.get(translate_url(room, room["barrier"], "it")).get_data(as_text=True)
    assert _e(draft_text) in form
    assert (
        words(
            app,
            "This is a machine draft. Check every word against the original before you save it as reviewed: nobody else sees it until then.",
        )
        in form
    )
    _review(translator, room, room["barrier"], "it", {"text": draft_text, "groups_affected": "Donne"})
    translation = stored(room["barrier"], "it")
    assert (translation.kind, translation.status) == (TranslationKind.HUMAN, TranslationStatus.REVIEWED)
    page = facilitator.get(f"/t/{slug}/processes/{room['process'].id}").get_data(as_text=True)
    assert "Bozza automatica" in page


def test_a_machine_draft_reviewed_unchanged_is_labelled_as_machine_translation(app, make, login):
    room = translation_room(make)
    machine_draft(room["testimony"], "it", {"text": "Sono andata tre volte"})
    _review(login(room["translator"]), room, room["testimony"], "it", {"text": "Sono andata tre volte"})
    translation = stored(room["testimony"], "it")
    assert (translation.kind, translation.status) == (TranslationKind.MACHINE, TranslationStatus.REVIEWED)
    assert translation.translated_by_id is None and translation.reviewed_by_id == room["translator"].id
    page = login(room["facilitator"]).get(f"/t/{room['territory'].slug}/processes/{room['process'].id}")
    assert said(
        app, "Machine translation from %(language)s, reviewed by a person", language="arabo"
    ) in page.get_data(as_text=True)


def test_editing_the_original_marks_its_translations_outdated(app, make, login):
    room = translation_room(make)
    translator = login(room["translator"])
    _review(translator, room, room["barrier"], "it", {"text": ITALIAN_OF_BARRIER, "groups_affected": "Donne"})
    _review(
        translator, room, room["proposal"], "ar", {"change": ARABIC_OF_PROPOSAL, "who_acts": "مكتب السجل"}
    )

    # Saving the same words again changes nothing.
    barrier = db.session.get(Barrier, room["barrier"].id)
    barrier.text = ARABIC_BARRIER
    db.session.commit()
    assert not stored(barrier, "it").outdated

    # The author edits the barrier from the phone: its Italian translation is outdated, and no longer shown.
    barrier.text = ARABIC_BARRIER + " وعندما سألت لم يجبني أحد."
    db.session.commit()
    assert stored(barrier, "it").outdated
    assert operations.reviewed_translation(barrier, "it") is None
    page = login(room["facilitator"]).get(f"/t/{room['territory'].slug}/processes/{room['process'].id}")
    assert _e(ITALIAN_OF_BARRIER) not in page.get_data(as_text=True)

    # A facilitator edits the proposal through its form: its Arabic translation is outdated too.
    facilitator = login(room["facilitator"])
    edit_url = f"/t/{room['territory'].slug}/proposals/{room['proposal'].id}/edit"
    form = facilitator.get(edit_url).get_data(as_text=True)
    from ..codesign.helpers import VERSION

    response = facilitator.post(
        edit_url,
        data={
            "version": VERSION.search(form).group(1),
            "barriers": [str(barrier.id)],
            "change": ITALIAN_PROPOSAL + ", anche il sabato",
            "who_acts": "Ufficio anagrafe",
            "language": "it",
        },
    )
    assert response.status_code == 302
    assert stored(db.session.get(Proposal, room["proposal"].id), "ar").outdated

    # The queue lists it as outdated, and the form shows what the original said before.
    translator_page = translator.get(
        f"/t/{room['territory'].slug}/translations/", query_string={"language": "it", "show": "outdated"}
    ).get_data(as_text=True)
    assert words(app, "Outdated: the original changed") in translator_page
    form = translator.get(translate_url(room, barrier, "it")).get_data(as_text=True)
    assert words(app, "What the original said before") in form
    assert _e(ARABIC_BARRIER) in form
    # Updating it makes it current again.
    _review(
        translator,
        room,
        barrier,
        "it",
        {"text": ITALIAN_OF_BARRIER + " Nessuno mi ha risposto.", "groups_affected": "Donne"},
    )
    assert not stored(barrier, "it").outdated
    assert operations.reviewed_translation(barrier, "it") is not None


def test_an_italian_proposal_reaches_the_arabic_phone_in_arabic(app, make, login):
    room = translation_room(make, StepKind.PROPOSAL_ROUND)
    _review(
        login(room["translator"]),
        room,
        room["proposal"],
        "ar",
        {"change": ARABIC_OF_PROPOSAL, "who_acts": "مكتب السجل المدني"},
    )
    phone = join(app.test_client(), room["workshop"], language="ar")
    page = phone.get(f"/w/{room['workshop'].join_code}/now").get_data(as_text=True)
    assert f'lang="ar" dir="rtl">{_e(ARABIC_OF_PROPOSAL)}' in page
    assert _e(ITALIAN_PROPOSAL) in page[page.index("<details") :]  # one click away
    italian_phone = join(app.test_client(), room["workshop"], language="it")
    assert ARABIC_OF_PROPOSAL not in italian_phone.get(f"/w/{room['workshop'].join_code}/now").get_data(
        as_text=True
    )


def test_saving_as_reviewed_needs_every_part_and_gives_the_words_back(app, make, login):
    room = translation_room(make)
    translator = login(room["translator"])
    response = _review(
        translator, room, room["barrier"], "it", {"text": "Solo la prima parte", "groups_affected": ""}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert words(app, "Translate every part before saving it as reviewed.") in page
    assert "Solo la prima parte" in page
    assert stored(room["barrier"], "it") is None
    # As a draft it is kept, and counted as a draft to review.
    response = _review(
        translator,
        room,
        room["barrier"],
        "it",
        {"text": "Solo la prima parte", "groups_affected": ""},
        "save_draft",
    )
    assert response.status_code == 302
    assert stored(room["barrier"], "it").status is TranslationStatus.DRAFT
    counts = {c.language: c for c in operations.counts(room["process"])}
    assert (counts["it"].to_translate, counts["it"].drafts, counts["it"].reviewed) == (2, 1, 0)


def test_two_translators_at_once_nobody_is_overwritten(app, make, login):
    room = translation_room(make)
    first, second = login(room["translator"]), login(room["facilitator"])
    url = translate_url(room, room["testimony"], "it")
    first_form = form_state(first.get(url).get_data(as_text=True))
    second_form = form_state(second.get(url).get_data(as_text=True))
    assert (
        first.post(url, data={**first_form, "text": "Prima versione", "save_draft": "1"}).status_code == 302
    )
    response = second.post(url, data={**second_form, "text": "Seconda versione", "save_reviewed": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Prima versione" in page and "Seconda versione" in page
    assert stored(room["testimony"], "it").texts == {"text": "Prima versione"}
    # Sent again from the refreshed form, it replaces the first knowingly.
    again = second.post(url, data={**form_state(page), "text": "Seconda versione", "save_reviewed": "1"})
    assert again.status_code == 302
    assert stored(room["testimony"], "it").texts == {"text": "Seconda versione"}


def test_an_original_changed_while_translating_is_shown_before_saving(app, make, login):
    room = translation_room(make)
    translator = login(room["translator"])
    url = translate_url(room, room["testimony"], "it")
    opened = form_state(translator.get(url).get_data(as_text=True))
    testimony = room["testimony"]
    testimony.text = ARABIC_TESTIMONY + " ثم ذهبت مرة رابعة."
    db.session.commit()
    response = translator.post(url, data={**opened, "text": "Sono andata tre volte", "save_reviewed": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert (
        words(app, "The original changed while you were translating. Check your translation against it.")
        in page
    )
    assert "Sono andata tre volte" in page and _e("ثم ذهبت مرة رابعة") in page
    assert stored(testimony, "it") is None


def test_the_process_page_counts_what_is_translated_per_language(app, make, login):
    room = translation_room(make)
    translator = login(room["translator"])
    _review(translator, room, room["barrier"], "it", {"text": ITALIAN_OF_BARRIER, "groups_affected": "Donne"})
    counts = {c.language: c for c in operations.counts(room["process"])}
    # Italian (the territory's) and Arabic (a participant's and the barrier's language) are the process's.
    assert list(counts) == ["it", "ar"]
    assert (counts["it"].to_translate, counts["it"].reviewed, counts["it"].missing) == (2, 1, 1)
    assert (counts["ar"].to_translate, counts["ar"].reviewed, counts["ar"].missing) == (1, 0, 1)
    assert not counts["it"].ready
    _review(translator, room, room["testimony"], "it", {"text": "Sono andata tre volte"})
    page = login(room["facilitator"]).get(f"/t/{room['territory'].slug}/processes/{room['process'].id}")
    text = page.get_data(as_text=True)
    section = text[text.index('id="translations-title"') :]
    assert words(app, "ready") in section[: section.index("</tr>", section.index("<tbody>"))]


def test_the_queue_filters_by_process_workshop_language_and_state(app, make, login):
    room = translation_room(make)
    other = translation_room(make)  # another territory: never listed
    make.barrier(
        room["process"],
        room["barrier"].service,
        text="Скрізь потрібні документи, перекладені присяжним перекладачем.",
        language="uk",
    )
    translator = login(room["translator"])
    base = f"/t/{room['territory'].slug}/translations/"
    everything = translator.get(base).get_data(as_text=True)
    assert "присяжним" in everything and _e(ARABIC_BARRIER) in everything
    assert f"/translations/barrier/{other['barrier'].id}/" not in everything
    of_workshop = translator.get(base, query_string={"workshop": room["workshop"].id}).get_data(as_text=True)
    assert "присяжним" not in of_workshop and _e(ARABIC_BARRIER) in of_workshop
    into_arabic = translator.get(base, query_string={"language": "ar"}).get_data(as_text=True)
    assert _e(ITALIAN_PROPOSAL) in into_arabic and _e(ARABIC_BARRIER) not in into_arabic
    _review(translator, room, room["barrier"], "it", {"text": ITALIAN_OF_BARRIER, "groups_affected": "Donne"})
    to_do = translator.get(base).get_data(as_text=True)
    assert _e(ARABIC_BARRIER) not in to_do
    reviewed = translator.get(base, query_string={"show": "reviewed"}).get_data(as_text=True)
    assert _e(ARABIC_BARRIER) in reviewed and "присяжним" not in reviewed
    # Another territory's text cannot be opened from here.
    assert translator.get(translate_url(room, other["barrier"], "it")).status_code == 404


def test_who_may_translate(app, make, login):
    room = translation_room(make)
    from toolkit.access import Role

    url = f"/t/{room['territory'].slug}/translations/"
    for role in (Role.ASSOCIATION_MEMBER, Role.OPERATOR, Role.ADDRESSEE):
        person = make.user(role, room["territory"])
        assert login(person).get(url).status_code == 403, role
        assert login(person).get(translate_url(room, room["barrier"], "it")).status_code == 403, role
    for person in (room["translator"], room["facilitator"], make.coordinator(room["territory"])):
        assert login(person).get(url).status_code == 200
    # A hidden barrier is not offered for translation.
    room["barrier"].status = room["barrier"].status.HIDDEN
    db.session.commit()
    assert login(room["translator"]).get(translate_url(room, room["barrier"], "it")).status_code == 404


def test_translated_words_are_escaped_like_any_text(app, make, login):
    room = translation_room(make)
    sneaky = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    _review(
        login(room["translator"]), room, room["barrier"], "it", {"text": sneaky, "groups_affected": "Donne"}
    )
    page = login(room["facilitator"]).get(f"/t/{room['territory'].slug}/processes/{room['process'].id}")
    text = page.get_data(as_text=True)
    assert "<script>alert" not in text and "<img src=x" not in text
    assert str(escape(sneaky)) in text
    assert db.session.scalar(db.select(db.func.count()).select_from(TextTranslation)) == 1


def test_an_expired_form_gives_every_word_back(app, make, login):
    room = translation_room(make)
    translator = login(room["translator"])
    url = translate_url(room, room["testimony"], "it")
    opened = form_state(translator.get(url).get_data(as_text=True))
    response = translator.post(
        url,
        data={**opened, "text": "Sono andata tre volte, e nessuno mi ha aiutata", "save_reviewed": "1"},
        csrf=False,
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Sono andata tre volte, e nessuno mi ha aiutata" in page
    assert words(app, "This page was open for too long, so the form expired for your safety.") in page
    assert stored(room["testimony"], "it") is None
    # Sent again from the page that came back (with its fresh token), it is saved.
    again = translator.post(
        url, data={**form_state(page), "text": "Sono andata tre volte", "save_reviewed": "1"}
    )
    assert again.status_code == 302


def _of_original(model, kind: SourceKind, source_id: int) -> list:
    """The rows of ``model`` (translations or machine requests) standing for one original."""
    return db.session.scalars(
        db.select(model).where(model.source_kind == kind, model.source_id == source_id)
    ).all()


def test_a_translation_goes_with_its_original(app, make, login):
    """An author takes their story back from their barrier: the story is deleted, and its translation and
    machine request go with it; the barrier's own translation stays."""
    room = translation_room(make)
    workshop, service = room["workshop"], room["process"].services[0]
    phone = join(app.test_client(), workshop, language="ar")
    typed = {"text": ARABIC_BARRIER, "language": "ar", "groups_affected": "", "testimony": ARABIC_TESTIMONY}
    sent = phone.post(
        f"/w/{workshop.join_code}/barriers", data=barrier_fields(phone, workshop, service, **typed)
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    barrier = db.session.scalars(db.select(Barrier).order_by(Barrier.id.desc())).first()
    (testimony,) = barrier.testimonies
    translator = login(room["translator"])
    assert _review(translator, room, barrier, "it", {"text": ITALIAN_OF_BARRIER}).status_code == 302
    assert _review(translator, room, testimony, "it", {"text": "Sono andata tre volte"}).status_code == 302
    db.session.add(
        MachineRequest(
            territory_id=barrier.territory_id,
            source_kind=SourceKind.TESTIMONY,
            source_id=testimony.id,
            process_id=barrier.process_id,
            language="en",
            state=MachineRequestState.DONE,
            requested_at=datetime.now(UTC),
        )
    )
    db.session.commit()
    testimony_id = testimony.id
    assert len(_of_original(TextTranslation, SourceKind.TESTIMONY, testimony_id)) == 1

    edit_url = f"/w/{workshop.join_code}/barriers/{barrier.id}/edit"
    taken_back = barrier_fields(phone, workshop, service, form_page=edit_url, **{**typed, "testimony": ""})
    assert phone.post(edit_url, data=taken_back).status_code == 302
    db.session.expire_all()
    assert db.session.get(barriers.Testimony, testimony_id) is None
    assert _of_original(TextTranslation, SourceKind.TESTIMONY, testimony_id) == []
    assert _of_original(MachineRequest, SourceKind.TESTIMONY, testimony_id) == []
    assert stored(barrier, "it").texts["text"] == ITALIAN_OF_BARRIER


def test_two_first_translations_at_the_same_instant_one_is_a_conflict(app, make, login, monkeypatch):
    room = translation_room(make)
    translator = login(room["translator"])
    url = translate_url(room, room["testimony"], "it")
    opened = form_state(translator.get(url).get_data(as_text=True))
    # Someone else's first translation lands between this save's check and its write.
    other = make.user(room["translator"].role_assignments[0].role, room["territory"])
    operations.save_translation(
        SOURCES_BY_MODEL[barriers.Testimony],
        room["testimony"],
        "it",
        {"text": "Prima"},
        reviewed=False,
        user=other,
    )
    db.session.commit()
    monkeypatch.setattr(operations, "find", lambda *args: None)
    response = translator.post(url, data={**opened, "text": "Seconda", "save_reviewed": "1"})
    monkeypatch.undo()
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert (
        "Seconda" in page
        and words(app, "Someone else saved this translation while you were writing. Nothing was overwritten.")
        in page
    )
    assert stored(room["testimony"], "it").texts == {"text": "Prima"}


def test_a_reviewed_translation_tells_the_rooms_screens(app, make, login):
    room = translation_room(make)
    before = room["workshop"].revision
    _review(
        login(room["translator"]),
        room,
        room["proposal"],
        "ar",
        {"change": ARABIC_OF_PROPOSAL, "who_acts": "x"},
    )
    db.session.refresh(room["workshop"])
    assert room["workshop"].revision > before


def test_why_a_service_is_hard_to_use_is_translated_too(app, make, login):
    from toolkit.workshops import service_choice

    territory = make.territory()
    workshop = make.live_workshop(territory, StepKind.SERVICE_PROPOSALS)
    reason = service_choice.propose_service(
        workshop.process,
        service=workshop.process.services[0],
        name="",
        reason="لا أفهم الرسائل التي يرسلونها",
        language="ar",
        submission_key=None,
        workshop=workshop,
    )
    db.session.commit()
    translator = make.user(Role.TRANSLATOR, territory)
    client = login(translator)
    url = f"/t/{territory.slug}/translations/service_reason/{reason.id}/it"
    page = client.get(url).get_data(as_text=True)
    response = client.post(
        url, data={**form_state(page), "reason": "Non capisco le lettere che mandano", "save_reviewed": "1"}
    )
    assert response.status_code == 302
    phone = join(app.test_client(), workshop, language="it").get(f"/w/{workshop.join_code}/now")
    text = phone.get_data(as_text=True)
    assert "Non capisco le lettere che mandano" in text
    assert 'lang="ar" dir="rtl">لا أفهم الرسائل التي يرسلونها' in text[text.index("<details") :]
