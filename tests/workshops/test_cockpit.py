"""The facilitator's side: creating processes and workshops, running the room, moderating, typing in."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from toolkit.access import Role
from toolkit.barriers import operations as barrier_operations
from toolkit.barriers.models import Barrier, BarrierStatus
from toolkit.extensions import db
from toolkit.processes.models import Phase, Process, StepKind
from toolkit.workshops import codes, operations, service_choice
from toolkit.workshops.models import ServiceCandidate, Workshop, WorkshopState

from .helpers import barrier_fields, join


def test_a_facilitator_creates_a_process_and_a_workshop_with_an_agenda(app, make, login):
    territory = make.territory("alpha")
    client = login(make.user(Role.FACILITATOR, territory))
    response = client.post(
        "/t/alpha/processes/new",
        data={"title": "Servizi più accessibili 2026", "phase": "services", "starts_on": "2026-03-01"},
    )
    assert response.status_code == 302
    process = db.session.scalar(select(Process))
    assert process.phase.value == "services"
    form = client.get(f"/t/alpha/processes/{process.id}/workshops/new").get_data(as_text=True)
    assert "Benvenuto" in form or "Welcome" in form
    templates = [t.id for t in db.session.scalars(select(operations.StepTemplate).order_by("position"))]
    response = client.post(
        f"/t/alpha/processes/{process.id}/workshops/new",
        data={
            "title": "Quali servizi sono più difficili?",
            "phase": "services",
            "day": "2026-03-14",
            "time": "15:30",
            "place": "Casa delle culture",
            "dots_per_participant": "4",
            "dots_per_service": "2",
            "steps": [str(templates[0]), str(templates[1]), str(templates[2])],
        },
    )
    assert response.status_code == 302
    workshop = db.session.scalar(select(Workshop))
    assert [s.kind for s in workshop.steps] == [
        StepKind.WELCOME,
        StepKind.SERVICE_PROPOSALS,
        StepKind.SERVICE_VOTING,
    ]
    assert (workshop.dots_per_participant, workshop.dots_per_service) == (4, 2)
    assert workshop.starts_at.hour == 15


def test_a_planned_workshop_has_its_code_and_printing_its_poster_changes_nothing(app, make, login):
    """The code is given when the workshop is planned, so the poster can be printed the day before; a GET never
    writes (an older workshop without a code has no poster until it opens)."""
    territory = make.territory("alpha")
    client = login(make.user(Role.FACILITATOR, territory))
    process = make.process(territory)
    response = client.post(
        f"/t/alpha/processes/{process.id}/workshops/new",
        data={
            "title": "Quali servizi?",
            "phase": "services",
            "dots_per_participant": "5",
            "dots_per_service": "3",
        },
    )
    assert response.status_code == 302
    workshop = db.session.scalar(select(Workshop).where(Workshop.title == "Quali servizi?"))
    assert workshop.state is WorkshopState.PLANNED
    assert len(workshop.join_code) == codes.JOIN_CODE_LENGTH
    cockpit = client.get(f"/t/alpha/workshops/{workshop.id}").get_data(as_text=True)
    assert codes.format_code(workshop.join_code) in cockpit

    workshop.join_code = None  # planned before codes were given at planning
    db.session.commit()
    revision = workshop.revision
    assert client.get(f"/t/alpha/workshops/{workshop.id}/poster.pdf").status_code == 404
    db.session.expire_all()
    workshop = db.session.get(Workshop, workshop.id)
    assert workshop.join_code is None and workshop.revision == revision
    client.post(f"/t/alpha/workshops/{workshop.id}/open")
    db.session.expire_all()
    assert len(db.session.get(Workshop, workshop.id).join_code) == codes.JOIN_CODE_LENGTH


def test_a_new_workshop_starts_with_the_steps_of_its_phase_ticked(app, make, login):
    territory = make.territory("alpha")
    client = login(make.user(Role.FACILITATOR, territory))
    process = make.process(territory)
    process.phase = Phase.CODESIGN
    db.session.commit()
    form = client.get(f"/t/alpha/processes/{process.id}/workshops/new").get_data(as_text=True)
    ticked = {
        t.kind
        for t in db.session.scalars(select(operations.StepTemplate))
        if re.search(rf'value="{t.id}"[^>]*checked|checked[^>]*value="{t.id}"', form)
    }
    assert ticked == {
        StepKind.WELCOME,
        StepKind.PROPOSAL_ROUND,
        StepKind.PROPOSAL_VOTING,
        StepKind.PROPOSAL_GRID,
        StepKind.BREAK,
    }


def test_a_new_workshop_form_offers_the_usual_dots_and_saves_as_shown(app, make, login):
    """Sent as it comes, with only a title, the form of a new workshop saves 5 dots, at most 3 on one service."""
    territory = make.territory("alpha")
    client = login(make.user(Role.FACILITATOR, territory))
    process = make.process(territory)
    form = client.get(f"/t/alpha/processes/{process.id}/workshops/new").get_data(as_text=True)
    shown = dict(re.findall(r'name="(dots_per_\w+)"[^>]*value="(\d+)"', form))
    assert shown == {"dots_per_participant": "5", "dots_per_service": "3"}
    client.post(
        f"/t/alpha/processes/{process.id}/workshops/new",
        data={"title": "Come sempre", "phase": "services", **shown},
    )
    workshop = db.session.scalar(select(Workshop).where(Workshop.title == "Come sempre"))
    assert (workshop.dots_per_participant, workshop.dots_per_service) == (5, 3)


def test_more_dots_on_one_service_than_in_total_is_refused(app, make, login):
    territory = make.territory("alpha")
    process = make.process(territory)
    client = login(make.coordinator(territory))
    response = client.post(
        f"/t/alpha/processes/{process.id}/workshops/new",
        data={"title": "Voto", "phase": "services", "dots_per_participant": "2", "dots_per_service": "3"},
    )
    assert response.status_code == 422
    assert 'value="Voto"' in response.get_data(as_text=True)


def test_the_cockpit_runs_the_room(app, make, login):
    territory = make.territory("alpha")
    workshop = make.live_workshop(territory)
    operations.close_workshop(workshop)
    workshop.state = WorkshopState.PLANNED
    workshop.current_step = None
    db.session.commit()
    client = login(make.user(Role.FACILITATOR, territory))
    base = f"/t/alpha/workshops/{workshop.id}"
    assert client.post(f"{base}/open").status_code == 302
    assert workshop.state is WorkshopState.OPEN
    first = workshop.current_step
    assert first == workshop.steps[0]
    page = client.get(base).get_data(as_text=True)
    assert codes.format_code(workshop.join_code) in page
    client.post(f"{base}/next")
    assert workshop.current_step == workshop.steps[1]
    minutes_before = workshop.current_step.ends_at
    client.post(f"{base}/extend")
    assert (workshop.current_step.ends_at - minutes_before).total_seconds() == 5 * 60
    client.post(f"{base}/previous")
    assert workshop.current_step == first
    client.post(f"{base}/steps/{workshop.steps[2].id}/up")
    assert [s.kind for s in workshop.steps][:2] == [StepKind.WELCOME, StepKind.SERVICE_VOTING]
    assert client.post(f"{base}/close").status_code == 302
    assert workshop.state is WorkshopState.CLOSED


def test_moderation_keeps_hides_merges_and_recategorises(app, make, login):
    territory = make.territory("alpha")
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    service = workshop.process.services[0]
    phones = [join(app.test_client(), workshop) for _ in range(3)]
    texts = [
        "Non capisco i moduli",
        "I moduli sono solo in italiano",
        "Il funzionario mi ha insultato, si chiama Mario",
    ]
    for phone, text in zip(phones, texts, strict=True):
        phone.post(
            f"/w/{workshop.join_code}/barriers", data=barrier_fields(phone, workshop, service, text=text)
        )
    first, duplicate, named = db.session.scalars(select(Barrier).order_by(Barrier.id)).all()
    categories = make.categories_of(territory)
    client = login(make.user(Role.FACILITATOR, territory))
    base = f"/t/alpha/workshops/{workshop.id}/barriers"

    assert client.post(f"{base}/{first.id}/keep").status_code == 302
    assert first.status is BarrierStatus.KEPT
    refused = client.post(f"{base}/{named.id}/hide", data={"reason": ""})
    assert refused.status_code == 302 and named.status is BarrierStatus.NEW
    client.post(f"{base}/{named.id}/hide", data={"reason": "Contiene il nome di una persona"})
    assert named.status is BarrierStatus.HIDDEN
    assert named.hidden_reason == "Contiene il nome di una persona"
    client.post(f"{base}/{duplicate.id}/merge", data={"into": str(first.id)})
    assert duplicate.status is BarrierStatus.MERGED and duplicate.merged_into_id == first.id
    assert {s.participant_id for s in first.supports} == {duplicate.participant_id}
    assert barrier_operations.evidence_count(first) == 2
    client.post(
        f"{base}/{first.id}/categories", data={"categories": [str(categories[2].id), str(categories[5].id)]}
    )
    assert [c.id for c in first.categories] == [categories[2].id, categories[5].id]

    author_page = phones[2].get(f"/w/{workshop.join_code}/mine").get_data(as_text=True)
    assert "Contiene il nome di una persona" in author_page
    board = phones[0].get(f"/w/{workshop.join_code}/now").get_data(as_text=True)
    assert "Non capisco i moduli" in board
    assert "si chiama Mario" not in board and "solo in italiano" not in board


def test_merging_candidates_moves_reasons_and_dots(app, make, login):
    territory = make.territory("alpha")
    workshop = make.live_workshop(territory, StepKind.SERVICE_PROPOSALS)
    services = make.services_of(territory)
    phone = join(app.test_client(), workshop)
    for name in ("Anagrafe", "anagrafe comunale"):
        service_choice.propose_service(
            workshop.process,
            service=None,
            name=name,
            reason="Attese lunghe",
            language="it",
            submission_key=None,
            workshop=workshop,
        )
    service_choice.propose_service(
        workshop.process,
        service=services[3],
        name="",
        reason="Non rispondono",
        language="it",
        submission_key=None,
        workshop=workshop,
    )
    db.session.commit()
    first, second, third = db.session.scalars(select(ServiceCandidate).order_by(ServiceCandidate.id)).all()
    operations.go_to_step(workshop, 1)
    db.session.commit()
    phone.post(f"/w/{workshop.join_code}/votes", data={f"dots-{first.id}": "2", f"dots-{second.id}": "2"})
    client = login(make.coordinator(territory))
    response = client.post(
        f"/t/alpha/workshops/{workshop.id}/candidates/{second.id}/merge", data={"into": str(first.id)}
    )
    assert response.status_code == 302
    assert second.merged_into_id == first.id
    assert len(first.reasons) == 2
    ranking = service_choice.ranking(workshop.process)
    assert [(r.candidate.id, r.dots) for r in ranking] == [(first.id, 4), (third.id, 0)]
    client.post(f"/t/alpha/workshops/{workshop.id}/candidates/{first.id}/catalogue")
    assert first.service is not None and first.service.name == {"it": "Anagrafe"}
    client.post(
        f"/t/alpha/workshops/{workshop.id}/services",
        data={"services": [str(first.service_id), str(services[3].id)]},
    )
    assert {s.id for s in workshop.process.services} == {first.service_id, services[3].id}


def test_the_facilitator_types_in_for_the_room(app, make, login):
    territory = make.territory("alpha")
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    client = login(make.user(Role.FACILITATOR, territory))
    url = f"/t/alpha/workshops/{workshop.id}/barriers/new"
    data = barrier_fields(
        client, workshop, workshop.process.services[0], form_page=url, text="Dal foglio n. 3"
    )
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302
    barrier = db.session.scalar(select(Barrier))
    assert barrier.entered_by_facilitator and barrier.participant_id is None
    assert db.session.scalar(select(func.count(Barrier.id))) == 1


def test_the_projector_board_answers_304_until_something_arrives(app, make, login):
    territory = make.territory("alpha")
    workshop = make.live_workshop(territory, StepKind.BARRIER_ROUND)
    client = login(make.user(Role.FACILITATOR, territory))
    url = f"/t/alpha/workshops/{workshop.id}/board"
    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    phone = join(app.test_client(), workshop)
    phone.post(
        f"/w/{workshop.join_code}/barriers",
        data=barrier_fields(phone, workshop, workshop.process.services[0], text="Arrivato adesso"),
    )
    fresh = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200
    assert "Arrivato adesso" in fresh.json["html"]


def test_an_association_sends_input_and_follows_its_status(app, make, login):
    territory = make.territory("alpha")
    workshop = make.live_workshop(territory)
    organisation = make.organisation(territory, name="Associazione Al Amal")
    member = make.user(Role.ASSOCIATION_MEMBER, territory)
    make.membership(member, organisation)
    client = login(member)
    url = f"/t/alpha/processes/{workshop.process_id}/our-input"
    data = barrier_fields(
        client, workshop, workshop.process.services[0], form_page=url, text="Mancano mediatori"
    )
    assert client.post(url, data=data).status_code == 302
    barrier = db.session.scalar(select(Barrier))
    assert barrier.organisation_id == organisation.id and barrier.workshop_id is None
    barrier_operations.moderate_barrier(barrier, BarrierStatus.HIDDEN, "Già segnalato")
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Mancano mediatori" in page and "Già segnalato" in page
    assert login(make.user(Role.OPERATOR, territory)).get(url).status_code == 403


def test_the_poster_and_the_paper_form_are_pdfs_to_print(app, make, login, tmp_path):
    import re
    import subprocess

    territory = make.territory("alpha")
    workshop = make.live_workshop(territory)
    client = login(make.user(Role.FACILITATOR, territory))
    poster = client.get(f"/t/alpha/workshops/{workshop.id}/poster.pdf")
    assert poster.status_code == 200 and poster.mimetype == "application/pdf"
    (tmp_path / "poster.pdf").write_bytes(poster.data)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "poster.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert codes.format_code(workshop.join_code) in text
    assert f"/w/{workshop.join_code}" in text
    paper = client.get(f"/t/alpha/processes/{workshop.process_id}/paper-form-uk.pdf")
    assert paper.status_code == 200 and paper.mimetype == "application/pdf"
    (tmp_path / "paper.pdf").write_bytes(paper.data)
    info = subprocess.run(["pdfinfo", str(tmp_path / "paper.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert client.get(f"/t/alpha/processes/{workshop.process_id}/paper-form-xx.pdf").status_code == 404
