"""The review round: associations and the participants who took part support and comment on the drafts, in
their language, until the last day the facilitator set; the facilitator reads what they said."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import force_locale, format_date, gettext
from markupsafe import escape

from toolkit.extensions import db
from toolkit.recommendations.models import Comment, Endorsement
from toolkit.recommendations.operations import today

from ..codesign.helpers import codesign_room, words
from ..factories import proposal_for, recommendation
from ..translating.helpers import form_state
from ..workshops.helpers import join

KEY = re.compile(r'name="submission_key"[^>]*value="([^"]+)"')


def _room(make):
    room = codesign_room(make)
    proposal = proposal_for(room["workshop"], room["barriers"][:1])
    room["recommendation"] = recommendation(room["workshop"].process, [proposal])
    return room


def _open_until(client, room, day: date | None):
    return client.post(
        f"/t/{room['territory'].slug}/processes/{room['workshop'].process_id}/review-round",
        data={"until": day.isoformat() if day else ""},
    )


def test_supporting_and_commenting_until_the_last_day(app, make, login):
    room = _room(make)
    slug, rec = room["territory"].slug, room["recommendation"]
    facilitator = login(room["facilitator"])
    last_day = today() + timedelta(days=7)
    assert _open_until(facilitator, room, last_day).status_code == 302
    listing = facilitator.get(f"/t/{slug}/processes/{rec.process_id}/recommendations").get_data(as_text=True)
    with app.test_request_context(), force_locale("it"):
        notice = gettext("Open for review until %(date)s.", date=format_date(last_day, "long"))
    assert str(escape(notice)) in listing

    # An association supports it (and can take it back), and comments once however often the form is sent.
    member = login(room["member"])
    page = member.get(f"/t/{slug}/processes/{rec.process_id}/review").get_data(as_text=True)
    assert str(escape(rec.title)) in page
    endorse = f"/t/{slug}/recommendations/{rec.id}/endorse"
    for _ in range(3):  # a double tap, a resend: still one support
        member.post(endorse, data={"support": "1"})
    assert [e.organisation_id for e in db.session.scalars(db.select(Endorsement))] == [room["association"].id]
    member.post(endorse, data={"support": "0"})
    assert db.session.scalars(db.select(Endorsement)).all() == []
    member.post(endorse, data={"support": "1"})
    comment = {
        "text": "Serve anche il sabato mattina.",
        "language": "it",
        "submission_key": KEY.search(page).group(1),
    }
    for _ in range(2):
        assert member.post(f"/t/{slug}/recommendations/{rec.id}/comments", data=comment).status_code == 302
    stored = db.session.scalars(db.select(Comment)).all()
    assert [(c.text, c.organisation_id) for c in stored] == [
        ("Serve anche il sabato mattina.", room["association"].id)
    ]

    # A participant who took part does the same from the phone, in Arabic.
    phone = join(app.test_client(), room["workshop"], language="ar")
    review = phone.get(f"/w/{room['workshop'].join_code}/review")
    assert review.status_code == 200
    text = review.get_data(as_text=True)
    assert str(escape(rec.title)) in text and 'lang="it"' in text
    phone.post(f"/w/{room['workshop'].join_code}/recommendations/{rec.id}/endorse")
    phone.post(
        f"/w/{room['workshop'].join_code}/recommendations/{rec.id}/comments",
        data={
            "text": "نحتاج مترجما أيضا في المساء",
            "language": "ar",
            "submission_key": KEY.search(text).group(1),
        },
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(Endorsement)) == 2

    # The facilitator reads both, with who said it (the association by name, the participant anonymously).
    detail = facilitator.get(f"/t/{slug}/recommendations/{rec.id}").get_data(as_text=True)
    assert "Serve anche il sabato mattina." in detail and "نحتاج مترجما أيضا في المساء" in detail
    assert str(escape(room["association"].name)) in detail
    assert words(app, "A participant") in detail

    # After the last day nothing more is taken, and a comment sent late comes back whole.
    _open_until(facilitator, room, today() - timedelta(days=1))
    member.post(endorse)
    assert db.session.scalar(db.select(db.func.count()).select_from(Endorsement)) == 2
    late = member.post(
        f"/t/{slug}/recommendations/{rec.id}/comments",
        data={"text": "Un commento in ritardo", "language": "it", "submission_key": "late-key"},
    )
    assert late.status_code == 422
    assert "Un commento in ritardo" in late.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 2


def test_a_draft_reaches_the_phone_in_the_readers_language(app, make, login):
    room = _room(make)
    rec = room["recommendation"]
    facilitator = login(room["facilitator"])
    _open_until(facilitator, room, today())
    from toolkit.access import Role

    translator = login(make.user(Role.TRANSLATOR, room["territory"]))
    url = f"/t/{room['territory'].slug}/translations/recommendation/{rec.id}/ar"
    page = translator.get(url).get_data(as_text=True)
    response = translator.post(
        url,
        data={
            **form_state(page),
            "title": "وسيط ثقافي في مكتب السجل المدني",
            "problem": "لا أحد في المكتب يتكلم **العربية**.",
            "proposed_change": "وسيط صباحين في الأسبوع.",
            "save_reviewed": "1",
        },
    )
    assert response.status_code == 302
    phone = join(app.test_client(), room["workshop"], language="ar")
    text = phone.get(f"/w/{room['workshop'].join_code}/review").get_data(as_text=True)
    assert 'lang="ar" dir="rtl">وسيط ثقافي في مكتب السجل المدني</h2>' in text
    assert "<strong>العربية</strong>" in text
    assert str(escape(rec.title)) in text[text.index("<details") :]  # the original one click away


def test_only_the_process_the_participant_took_part_in(app, make, login):
    room = _room(make)
    other = codesign_room(make, slug=None)
    rec = room["recommendation"]
    login(room["facilitator"]).post(
        f"/t/{room['territory'].slug}/processes/{rec.process_id}/review-round",
        data={"until": today().isoformat()},
    )
    stranger = join(app.test_client(), other["workshop"], language="it")
    response = stranger.post(f"/w/{other['workshop'].join_code}/recommendations/{rec.id}/endorse")
    assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Endorsement)) == 0


def test_drafts_reach_phones_only_once_the_review_opens(app, make, login):
    room = _room(make)
    phone = join(app.test_client(), room["workshop"], language="it")
    assert phone.get(f"/w/{room['workshop'].join_code}/review").status_code == 404
    _open_until(login(room["facilitator"]), room, today())
    assert phone.get(f"/w/{room['workshop'].join_code}/review").status_code == 200


def test_members_speak_only_for_their_organisation(app, make, login):
    room = _room(make)
    from toolkit.access import Role

    loner = make.user(Role.ASSOCIATION_MEMBER, room["territory"])
    slug = room["territory"].slug
    assert login(loner).get(f"/t/{slug}/processes/{room['workshop'].process_id}/review").status_code == 403
    assert (
        login(loner).post(f"/t/{slug}/recommendations/{room['recommendation'].id}/endorse").status_code == 403
    )
    # A facilitator working for the office the recommendation is addressed to does not endorse in its name.
    office_facilitator = room["facilitator"]
    make.membership(office_facilitator, room["recommendation"].addressee_id)
    review_page = f"/t/{slug}/processes/{room['workshop'].process_id}/review"
    assert login(office_facilitator).get(review_page).status_code == 403
    assert (
        login(room["operator"])
        .post(
            f"/t/{room['territory'].slug}/processes/{room['workshop'].process_id}/review-round",
            data={"until": today().isoformat()},
        )
        .status_code
        == 403
    )
