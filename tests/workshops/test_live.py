"""The participant's side of a live workshop, through the same requests a phone sends."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from toolkit.barriers import models as barrier_models
from toolkit.barriers.models import Barrier, BarrierStatus
from toolkit.extensions import db
from toolkit.processes.models import StepKind
from toolkit.workshops import codes, operations, service_choice
from toolkit.workshops.models import DotVote, Participant, ServiceCandidate

from .helpers import barrier_fields, join


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_joining_keeps_only_what_the_person_chose_to_say(app, client, make):
    territory = make.territory()
    workshop = make.live_workshop(territory)
    join(client, workshop, language="ar", pseudonym="Nour", role="association_member")

    participant = db.session.scalar(select(Participant))
    assert participant.workshop_id == workshop.id
    assert participant.pseudonym == "Nour"
    assert participant.role.value == "association_member"
    assert participant.languages == ["ar"]
    assert participant.consent_version == operations.consent_version(territory)
    page = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page


def test_joining_needs_consent_and_keeps_what_was_typed(app, client, make):
    workshop = make.live_workshop(make.territory())
    client.get(f"/w/{workshop.join_code}")
    response = client.post(
        f"/w/{workshop.join_code}/consent", data={"pseudonym": "Volpe 🦊", "role": "resident"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="consent-error"' in page
    assert 'value="Volpe 🦊"' in page
    assert _count(Participant) == 0


def test_a_code_typed_with_spaces_and_lower_case_finds_the_workshop(app, client, make):
    workshop = make.live_workshop(make.territory())
    typed = " " + workshop.join_code[:3].lower() + " - " + workshop.join_code[3:].lower()
    response = client.post("/join", data={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/w/{workshop.join_code}")


def test_a_wrong_code_gets_a_clear_page_and_failures_are_limited(app, client, make):
    make.live_workshop(make.territory())
    response = client.post("/join", data={"code": "ZZZ-ZZZ"})
    assert response.status_code == 404
    assert "ZZZ-ZZZ" in response.get_data(as_text=True)
    assert client.get("/w/ZZZZZZ").status_code == 404
    statuses = [client.post("/join", data={"code": "ZZZ-ZZZ"}).status_code for _ in range(18)]
    assert statuses == [404] * 18
    refused = client.post("/join", data={"code": "ZZZ-ZZZ"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.get_data(as_text=True)
    # Another network is not affected.
    other = client.post("/join", data={"code": "ZZZ-ZZZ"}, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 404


def test_a_room_of_sixty_behind_one_address_joins_at_once(app, make):
    workshop = make.live_workshop(make.territory())
    for _ in range(60):
        join(app.test_client(), workshop)
    assert _count(Participant) == 60


def test_a_closed_workshop_says_so(app, client, make):
    workshop = make.live_workshop(make.territory())
    operations.close_workshop(workshop)
    db.session.commit()
    response = client.get(f"/w/{workshop.join_code}", headers={"Accept-Language": "en"})
    assert response.status_code == 410
    assert "This workshop is closed" in response.get_data(as_text=True)


def test_a_barrier_is_stored_with_its_language_and_testimony(app, client, make):
    territory = make.territory()
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    join(client, workshop, language="ar")
    service = workshop.process.services[0]
    category = make.categories_of(territory)[0]
    text = "لا أحد يتكلم العربية في المكتب 😞\u200f" + "ا" * 4900
    data = barrier_fields(
        client, workshop, service, text=text, language="ar", categories=str(category.id), testimony="قصة"
    )
    response = client.post(f"/w/{workshop.join_code}/barriers", data=data)
    assert response.status_code == 302
    barrier = db.session.scalar(select(Barrier))
    assert barrier.text == text
    assert barrier.language == "ar"
    assert barrier.categories == [category]
    assert barrier.participant.languages == ["ar"]
    assert [t.text for t in barrier.testimonies] == ["قصة"]
    board = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    assert text in board


def test_the_same_form_sent_twice_stores_one_barrier(app, client, make):
    workshop = make.live_workshop(make.territory(), StepKind.BARRIER_ROUND)
    join(client, workshop)
    data = barrier_fields(client, workshop, workshop.process.services[0])
    first = client.post(f"/w/{workshop.join_code}/barriers", data=data)
    second = client.post(f"/w/{workshop.join_code}/barriers", data=data)
    assert first.status_code == second.status_code == 302
    assert _count(Barrier) == 1


def test_an_expired_token_gives_the_form_back_with_every_word(app, client, make):
    workshop = make.live_workshop(make.territory(), StepKind.BARRIER_ROUND)
    join(client, workshop, language="uk")
    text = "Немає перекладача <script>alert(1)</script> — 🙏"
    data = barrier_fields(client, workshop, workshop.process.services[0], text=text, language="uk")
    data["csrf_token"] = "expired-or-forged"
    response = client.post(f"/w/{workshop.join_code}/barriers", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Немає перекладача &lt;script&gt;alert(1)&lt;/script&gt; — 🙏" in page
    assert "<script>alert(1)" not in page
    assert 'lang="uk"' in page
    assert _count(Barrier) == 0
    data.pop("csrf_token")
    assert client.post(f"/w/{workshop.join_code}/barriers", data=data).status_code == 302
    assert db.session.scalar(select(Barrier.text)) == text


def test_a_lost_session_shows_the_text_back(app, client, make):
    workshop = make.live_workshop(make.territory(), StepKind.BARRIER_ROUND)
    join(client, workshop)
    data = barrier_fields(
        client, workshop, workshop.process.services[0], text="Testo da non perdere", testimony="La mia storia"
    )
    stranger = app.test_client()
    stranger.get("/")
    response = stranger.post(f"/w/{workshop.join_code}/barriers", data=data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    # Each text comes back in its own field, each with a label of its own.
    labels = re.findall(r'<label for="typed-(\d)">([^<]+)</label>', page)
    assert [number for number, _label in labels] == ["1", "2", "3"] and len(
        {label for _n, label in labels}
    ) == 3
    assert "Testo da non perdere" in page and "La mia storia" in page and "Donne appena arrivate" in page
    assert _count(Barrier) == 0


def test_validation_errors_keep_the_text(app, client, make):
    workshop = make.live_workshop(make.territory(), StepKind.BARRIER_ROUND)
    join(client, workshop)
    data = barrier_fields(client, workshop, workshop.process.services[0], text="Resta qui", frequency="")
    response = client.post(f"/w/{workshop.join_code}/barriers", data=data)
    assert response.status_code == 422
    assert "Resta qui" in response.get_data(as_text=True)
    too_long = barrier_fields(client, workshop, workshop.process.services[0], text="x" * 5001)
    assert client.post(f"/w/{workshop.join_code}/barriers", data=too_long).status_code == 422
    assert _count(Barrier) == 0


def test_authors_edit_and_withdraw_their_own_barriers_only(app, client, make):
    workshop = make.live_workshop(make.territory(), StepKind.BARRIER_ROUND)
    join(client, workshop)
    service = workshop.process.services[0]
    client.post(f"/w/{workshop.join_code}/barriers", data=barrier_fields(client, workshop, service))
    barrier = db.session.scalar(select(Barrier))
    other = join(app.test_client(), workshop, language="en")
    refused = other.get(f"/w/{workshop.join_code}/barriers/{barrier.id}/edit")
    assert refused.status_code == 403
    assert "This is not your contribution" in refused.get_data(as_text=True)
    assert other.post(f"/w/{workshop.join_code}/barriers/{barrier.id}/withdraw").status_code == 403

    data = barrier_fields(client, workshop, service, text="Testo corretto", testimony="Mi è successo ieri")
    response = client.post(f"/w/{workshop.join_code}/barriers/{barrier.id}/edit", data=data)
    assert response.status_code == 302
    assert barrier.text == "Testo corretto"
    assert [t.text for t in barrier.testimonies] == ["Mi è successo ieri"]
    assert client.post(f"/w/{workshop.join_code}/barriers/{barrier.id}/withdraw").status_code == 302
    assert barrier.status is BarrierStatus.WITHDRAWN
    assert "Testo corretto" not in other.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)


def test_proposals_gather_on_one_candidate_and_dots_respect_the_limits(app, client, make):
    territory = make.territory()
    workshop = make.live_workshop(territory, StepKind.SERVICE_PROPOSALS)
    services = make.services_of(territory)
    join(client, workshop)
    for service_id, name in ((services[0].id, ""), (services[0].id, ""), (-1, "Mensa scolastica")):
        page = client.get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
        key = page.split('name="submission_key"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
        response = client.post(
            f"/w/{workshop.join_code}/services",
            data={
                "service": str(service_id),
                "new_name": name,
                "reason": "Troppo difficile",
                "language": "it",
                "submission_key": key,
            },
        )
        assert response.status_code == 302
    candidates = db.session.scalars(select(ServiceCandidate).order_by(ServiceCandidate.id)).all()
    assert [(c.service_id, c.name, len(c.reasons)) for c in candidates] == [
        (services[0].id, "", 2),
        (None, "Mensa scolastica", 1),
    ]

    operations.go_to_step(workshop, 1)
    db.session.commit()
    first, second = candidates
    url = f"/w/{workshop.join_code}/votes"
    too_many_on_one = client.post(url, data={f"dots-{first.id}": "4"})
    assert too_many_on_one.status_code == 422
    assert 'value="4"' in too_many_on_one.get_data(as_text=True)
    assert client.post(url, data={f"dots-{first.id}": "3", f"dots-{second.id}": "3"}).status_code == 422
    assert client.post(url, data={f"dots-{first.id}": "3", f"dots-{second.id}": "2"}).status_code == 302
    assert client.post(url, data={f"dots-{first.id}": "1", f"dots-{second.id}": "2"}).status_code == 302
    assert {v.candidate_id: v.dots for v in db.session.scalars(select(DotVote))} == {
        first.id: 1,
        second.id: 2,
    }

    other = join(app.test_client(), workshop)
    other.post(url, data={f"dots-{first.id}": "1"})
    ranking = service_choice.ranking(workshop.process)
    assert [(r.rank, r.candidate.id, r.dots, r.tied) for r in ranking] == [
        (1, first.id, 2, True),
        (1, second.id, 2, True),
    ]


def test_phones_poll_with_etags(app, client, make):
    workshop = make.live_workshop(make.territory())
    join(client, workshop)
    url = f"/w/{workshop.join_code}/live"
    first = client.get(url)
    assert first.status_code == 200
    assert first.json["step"] == workshop.current_step_id
    # A poll never writes the cookie back: answered while the phone sends a form, it would overwrite the newer
    # cookie and its "saved" message.
    assert "Set-Cookie" not in first.headers
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    operations.go_to_step(workshop, 1)
    db.session.commit()
    moved = client.get(url, headers={"If-None-Match": etag})
    assert moved.status_code == 200
    assert moved.json["step"] == workshop.current_step_id


def test_a_poll_answered_while_the_room_moves_on_never_keeps_the_phone_behind(app, client, make, monkeypatch):
    """The room moves to the next step while a phone's poll is being answered: what the phone is sent, and the
    entity tag it keeps, must agree, or its next polls would be told "nothing changed" on the old step."""
    from flask import g

    from toolkit.access import ALL_TERRITORIES
    from toolkit.workshops import phones

    workshop = make.live_workshop(make.territory())
    join(client, workshop)
    url = f"/w/{workshop.join_code}/live"
    etag = client.get(url).headers["ETag"]
    workshop_id = workshop.id
    real = phones.current_participant

    def meanwhile(polled):
        participant = real(polled)
        with app.app_context():  # the facilitator's request, on its own connection
            g.scope = ALL_TERRITORIES
            moving = db.session.get(type(polled), workshop_id)
            operations.go_to_step(moving, 1)
            db.session.commit()
        return participant

    monkeypatch.setattr(phones, "current_participant", meanwhile)
    answer = client.get(url, headers={"If-None-Match": etag})
    monkeypatch.setattr(phones, "current_participant", real)
    db.session.expire_all()
    moved_to = db.session.get(type(workshop), workshop_id).current_step_id
    if answer.status_code == 200 and answer.json["step"] != moved_to:
        # Sent the old step: then its tag must be the old one, so that the next poll brings the new step.
        again = client.get(url, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 200 and again.json["step"] == moved_to
    else:
        assert answer.status_code == 200 and answer.json["step"] == moved_to


def test_the_return_code_brings_back_ones_own_contributions(app, client, make):
    workshop = make.live_workshop(make.territory(), StepKind.BARRIER_ROUND)
    join(client, workshop)
    data = barrier_fields(client, workshop, workshop.process.services[0], text="Il mio racconto")
    client.post(f"/w/{workshop.join_code}/barriers", data=data)
    page = client.post(f"/w/{workshop.join_code}/return-code").get_data(as_text=True)
    code = page.split('class="return-code" dir="ltr"><strong>', 1)[1].split("<", 1)[0]
    assert len(codes.normalise_code(code)) == codes.RETURN_CODE_LENGTH
    assert codes.normalise_code(code) not in str(db.session.scalar(select(Participant.return_code_digest)))
    operations.close_workshop(workshop)
    db.session.commit()

    later = app.test_client()
    assert later.post("/return", data={"code": "AAAA-BBBB-CCCC"}).status_code == 404
    response = later.post("/return", data={"code": code.lower()})
    assert response.status_code == 302
    mine = later.get(response.headers["Location"]).get_data(as_text=True)
    assert "Il mio racconto" in mine
    barrier = db.session.scalar(select(Barrier))
    edit_url = f"/w/{workshop.join_code}/barriers/{barrier.id}/edit"
    edit = barrier_fields(
        later, workshop, workshop.process.services[0], form_page=edit_url, text="Il mio racconto, corretto"
    )
    assert later.post(edit_url, data=edit).status_code == 302
    assert barrier.text == "Il mio racconto, corretto"
    assert _count(barrier_models.Testimony) == 0


def test_a_busy_database_gives_the_barrier_back_whole(tmp_path, make, monkeypatch):
    """While another writer holds SQLite's lock, the phone gets its text back with a clear message, and the
    same form sent again once the database is free is stored once."""
    from toolkit import create_app, database

    from ..conftest import CsrfClient, _config

    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 50)
    app = create_app(_config(f"sqlite:///{tmp_path / 'busy.sqlite'}"))
    app.test_client_class = CsrfClient
    with app.app_context():
        db.create_all()
        workshop = make.live_workshop(make.territory("busy"), StepKind.BARRIER_ROUND)
        phone = join(app.test_client(), workshop, language="en")
        data = barrier_fields(
            phone, workshop, workshop.process.services[0], text="Scritto mentre era occupato"
        )
        with db.engine.connect() as blocker:
            blocker.exec_driver_sql("BEGIN IMMEDIATE")
            response = phone.post(
                f"/w/{workshop.join_code}/barriers", data=data, headers={"Accept-Language": "en"}
            )
            blocker.exec_driver_sql("ROLLBACK")
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "The database is busy for a moment" in page
        assert "Scritto mentre era occupato</textarea>" in page
        assert phone.post(f"/w/{workshop.join_code}/barriers", data=data).status_code == 302
        assert phone.post(f"/w/{workshop.join_code}/barriers", data=data).status_code == 302
        assert _count(Barrier) == 1
        db.session.remove()
        db.engine.dispose()


def test_a_forged_submission_key_is_refused_with_the_words_kept(app, client, make):
    workshop = make.live_workshop(make.territory(), StepKind.BARRIER_ROUND)
    join(client, workshop)
    data = barrier_fields(client, workshop, workshop.process.services[0], text="Il mio testo resta")
    data["submission_key"] = "k" * 500  # longer than any key the form gives: the database column holds 64
    response = client.post(f"/w/{workshop.join_code}/barriers", data=data)
    assert response.status_code == 422
    assert "Il mio testo resta" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Barrier)) == 0
