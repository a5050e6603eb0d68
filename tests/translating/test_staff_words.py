"""What facilitators write for participants besides the agenda: why a contribution was hidden, and the
workshop's name and place, written in the territory's language and translated into the participants'."""

from __future__ import annotations

from markupsafe import escape

from toolkit.access import Role
from toolkit.barriers.models import Barrier
from toolkit.extensions import db
from toolkit.processes.models import StepKind
from toolkit.translating.models import SourceKind, TextTranslation

from ..workshops.helpers import barrier_fields, join
from .helpers import form_state, said, stored

REASON = "Contiene il nome di un impiegato: riscrivila senza nomi."
ARABIC_REASON = "يحتوي على اسم موظف: أعد كتابته بدون أسماء."


def test_the_reason_for_hiding_reaches_the_author_in_their_language(app, make, login):
    territory = make.territory()
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    phone = join(app.test_client(), workshop, language="ar")
    data = barrier_fields(
        phone, workshop, workshop.process.services[0], text="الموظف أحمد كان وقحا", language="ar"
    )
    assert phone.post(f"/w/{workshop.join_code}/barriers", data=data).status_code == 302
    barrier = db.session.scalars(db.select(Barrier)).one()

    facilitator = login(make.user(Role.FACILITATOR, territory))
    facilitator.post(
        f"/t/{territory.slug}/workshops/{workshop.id}/barriers/{barrier.id}/hide", data={"reason": REASON}
    )
    assert db.session.get(Barrier, barrier.id).hidden_reason == REASON

    translator = login(make.user(Role.TRANSLATOR, territory))
    queue = translator.get(f"/t/{territory.slug}/translations/", query_string={"language": "ar"}).get_data(
        as_text=True
    )
    assert str(escape(REASON)) in queue
    assert said(app, "Reason for hiding a barrier") in queue
    url = f"/t/{territory.slug}/translations/barrier_hidden/{barrier.id}/ar"
    page = translator.get(url).get_data(as_text=True)
    assert (
        translator.post(
            url, data={**form_state(page), "hidden_reason": ARABIC_REASON, "save_reviewed": "1"}
        ).status_code
        == 302
    )
    assert stored(barrier, "ar") is None  # the barrier's own words are another translation
    kinds = db.session.scalars(db.select(TextTranslation.source_kind)).all()
    assert kinds == [SourceKind.BARRIER_HIDDEN]

    mine = phone.get(f"/w/{workshop.join_code}/mine").get_data(as_text=True)
    assert f'lang="ar" dir="rtl">{ARABIC_REASON}</bdi>' in mine
    assert str(escape(REASON)) in mine[mine.index("<details") :]

    # A new reason (the facilitator rewrites it) outdates the translation: the author reads the new Italian.
    barrier = db.session.get(Barrier, barrier.id)
    barrier.hidden_reason = "Contiene un nome."
    db.session.commit()
    mine = phone.get(f"/w/{workshop.join_code}/mine").get_data(as_text=True)
    assert ARABIC_REASON not in mine and "Contiene un nome." in mine


def test_the_workshops_name_on_the_phones(app, make, login):
    territory = make.territory()
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND, title="Laboratorio sui servizi")
    translator = login(make.user(Role.TRANSLATOR, territory))
    url = f"/t/{territory.slug}/translations/workshop/{workshop.id}/uk"
    page = translator.get(url).get_data(as_text=True)
    assert (
        translator.post(
            url, data={**form_state(page), "title": "Майстерня про послуги", "save_reviewed": "1"}
        ).status_code
        == 302
    )
    ukrainian = join(app.test_client(), workshop, language="uk").get(f"/w/{workshop.join_code}/now")
    assert (
        '<p class="workshop-name"><bdi lang="uk" dir="ltr">Майстерня про послуги</bdi>'
        in ukrainian.get_data(as_text=True)
    )
    italian = join(app.test_client(), workshop, language="it").get(f"/w/{workshop.join_code}/now")
    assert "Laboratorio sui servizi" in italian.get_data(as_text=True)
