"""What facilitators give participants to read: the steps of a workshop's agenda, written in the territory's
language (and in the others the coordinator filled in), translated into the languages they lack."""

from __future__ import annotations

from markupsafe import escape

from toolkit.extensions import db
from toolkit.processes.models import StepKind, StepTemplate
from toolkit.translating import operations as translating
from toolkit.translating.models import SourceKind
from toolkit.workshops import operations

from ..workshops.helpers import join
from .helpers import form_state, said, stored

TITLE = "Giro di ascolto"
INSTRUCTIONS = "Ognuno racconta in due minuti cosa gli è successo all'ultimo appuntamento."
ARABIC_TITLE = "جولة استماع"
ARABIC_INSTRUCTIONS = "يروي كل شخص في دقيقتين ما حدث له في آخر موعد."


def _room_on_a_step_written_in_italian_only(make):
    """An open workshop whose room is on a step the coordinator wrote in Italian alone."""
    territory = make.territory()
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    template = StepTemplate(
        territory_id=territory.id,
        kind=StepKind.OTHER,
        title={"it": TITLE},
        instructions={"it": INSTRUCTIONS},
        minutes=10,
    )
    db.session.add(template)
    db.session.flush()
    operations.build_agenda(workshop, [template])
    db.session.flush()
    while workshop.current_step.kind is not StepKind.OTHER:
        operations.go_to_step(workshop, 1)
    db.session.commit()
    return territory, workshop, workshop.current_step


def test_a_step_written_in_italian_reaches_the_arabic_phone_translated(app, make, login):
    from toolkit.access import Role

    territory, workshop, step = _room_on_a_step_written_in_italian_only(make)
    translator = make.user(Role.TRANSLATOR, territory)
    client = login(translator)
    queue = client.get(f"/t/{territory.slug}/translations/", query_string={"language": "ar"}).get_data(
        as_text=True
    )
    assert str(escape(TITLE)) in queue
    # The default steps come written in every language: they are not in the list.
    assert queue.count("/translations/step/") == 1

    url = f"/t/{territory.slug}/translations/step/{step.id}/ar"
    page = client.get(url).get_data(as_text=True)
    assert f'lang="it" dir="ltr">{escape(INSTRUCTIONS)}' in page
    response = client.post(
        url,
        data={
            **form_state(page),
            "original_title": ARABIC_TITLE,
            "original_instructions": ARABIC_INSTRUCTIONS,
            "save_reviewed": "1",
        },
    )
    assert response.status_code == 302
    translation = stored(step, "ar")
    assert translation.source_kind is SourceKind.STEP and translation.source_language == "it"
    assert step.title == {"it": TITLE}  # the step itself is untouched

    arabic = join(app.test_client(), workshop, language="ar").get(f"/w/{workshop.join_code}/now")
    text = arabic.get_data(as_text=True)
    assert f'<h1><bdi lang="ar" dir="rtl">{ARABIC_TITLE}</bdi></h1>' in text
    assert f'lang="ar" dir="rtl">{ARABIC_INSTRUCTIONS}</div>' in text
    fold = text[text.index("<details") :]
    assert str(escape(INSTRUCTIONS)) in fold
    assert said(app, "Translated from %(language)s", "ar", language="الإيطالية") in text
    # Steps are for the room, not evidence for documents: the process page does not count them.
    assert {c.language: c.to_translate for c in translating.counts(workshop.process)}["ar"] == 0
    italian = join(app.test_client(), workshop, language="it").get(f"/w/{workshop.join_code}/now")
    assert ARABIC_TITLE not in italian.get_data(as_text=True)
    # A language the coordinator never wrote nor anybody translated shows the Italian, marked as Italian.
    chinese = join(app.test_client(), workshop, language="zh").get(f"/w/{workshop.join_code}/now")
    assert f'<span lang="it" dir="ltr">{TITLE}</span>' in chinese.get_data(as_text=True)


def test_changing_a_steps_words_makes_its_translations_outdated(app, make, login):
    from toolkit.access import Role

    territory, workshop, step = _room_on_a_step_written_in_italian_only(make)
    client = login(make.user(Role.TRANSLATOR, territory))
    url = f"/t/{territory.slug}/translations/step/{step.id}/ar"
    page = client.get(url).get_data(as_text=True)
    client.post(
        url,
        data={
            **form_state(page),
            "original_title": ARABIC_TITLE,
            "original_instructions": ARABIC_INSTRUCTIONS,
            "save_reviewed": "1",
        },
    )
    step.minutes = 20  # not a word changed
    db.session.commit()
    assert not stored(step, "ar").outdated
    step.instructions = {"it": INSTRUCTIONS + " Poi scriviamo insieme."}
    db.session.commit()
    assert stored(step, "ar").outdated
    arabic = join(app.test_client(), workshop, language="ar").get(f"/w/{workshop.join_code}/now")
    assert ARABIC_INSTRUCTIONS not in arabic.get_data(as_text=True)
