"""Co-design in real browsers: a facilitator (cockpit and projector), an operator with an account and three
phones (one 360 px wide, one in Arabic) turn the barriers of the previous phase into two proposals; the operator
says what is feasible; the room votes with dots and places both proposals on the impact/effort grid; the
projector's charts follow without a reload; the frozen ranking is the one the votes imply."""

from __future__ import annotations

from fractions import Fraction

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from toolkit.access import Role
from toolkit.barriers.models import Barrier
from toolkit.codesign.models import Feasibility, FeasibilityAssessment, GridPlacement, Proposal, ProposalVote
from toolkit.extensions import db
from toolkit.processes.models import Phase, Process, StepKind, StepTemplate
from toolkit.workshops import operations
from toolkit.workshops.models import Workshop, WorkshopStep

from .conftest import LIVE_UPDATE_TIMEOUT, assert_accessible
from .test_workshop import _follow, _join, _localized, _phone, plural, words

pytestmark = pytest.mark.browser

BARRIERS = (
    "All'anagrafe nessuno parla arabo e non c'è un mediatore.",
    "Per l'iscrizione anagrafica chiedono un contratto che non abbiamo.",
    "Il medico di base vuole la residenza, l'anagrafe vuole il medico.",
)


@pytest.fixture
def table(make):
    """A process whose barriers were mapped in the previous phase, and a co-design workshop for it."""
    territory = make.territory("alpha", name="Comune di Alpha")
    services = make.services_of(territory)
    registry, health = services[0], next(s for s in services if s.owner_id != services[0].owner_id)
    process = Process(
        territory_id=territory.id,
        title="Servizi per tutti",
        phase=Phase.CODESIGN,
        services=[registry, health],
    )
    db.session.add(process)
    db.session.flush()
    for text, service in zip(BARRIERS, (registry, registry, health), strict=True):
        make.barrier(process, service, text=text)
    workshop = Workshop(
        territory_id=territory.id, title="Co-progettiamo", phase=Phase.CODESIGN, process=process
    )
    db.session.add(workshop)
    db.session.flush()
    templates = db.session.scalars(
        select(StepTemplate)
        .where(StepTemplate.kind.in_([k for k in StepKind if k.codesign]))
        .order_by(StepTemplate.position)
    ).all()
    operations.build_agenda(workshop, list(templates))
    db.session.commit()
    operator = make.user(Role.OPERATOR, territory, email="operatrice@example.org")
    make.membership(operator, registry.owner_id)
    return {
        "workshop": workshop,
        "registry": registry,
        "health": health,
        "facilitator": make.user(Role.FACILITATOR, territory, email="facilitatrice@example.org"),
        "operator": operator,
    }


def _login(page, live_server, user, password):
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def _step_title(app, table, kind, language):
    step = next(s for s in table["workshop"].steps if s.kind is kind)
    return _localized(app, step.title, language)


def _propose(app, page, language, barriers, change, who):
    form = page.locator("form.keeps-draft")
    for text in barriers:
        form.get_by_label(text).check()
    form.get_by_label(words(app, language, "What should change?")).fill(change)
    form.get_by_label(words(app, language, "Who should do it? (optional)")).fill(who)
    form.get_by_role("button", name=words(app, language, "Send")).click()
    expect(page.get_by_role("status")).to_contain_text(
        words(app, language, "Thank you: your proposal is on the board.")
    )


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _place(app, page, language, proposal_text, impact, effort, keyboard=False):
    group = page.get_by_role("group", name=proposal_text)
    name = (
        f"{words(app, language, {3: 'Helps a lot', 2: 'Helps somewhat', 1: 'Helps a little'}[impact])}, "
        + words(app, language, {1: "Easy to do", 2: "Some effort", 3: "Hard to do"}[effort])
    )
    cell = group.get_by_role("radio", name=name, exact=True)
    if keyboard:
        # By keyboard: into the group on its first box, then the arrow keys, as with any group of radio buttons.
        group.get_by_role("radio").first.focus()
        page.keyboard.press("Space")
        for _ in range((3 - impact) * 3 + (effort - 1)):
            page.keyboard.press("ArrowRight" if language != "ar" else "ArrowLeft")
    else:
        cell.check()
    expect(cell).to_be_checked()


def test_co_designing_two_proposals_and_prioritising_them(
    app, table, make, live_server, new_page, artifacts_dir
):
    workshop, registry, health = table["workshop"], table["registry"], table["health"]

    facilitator = new_page(locale="it", width=1280)
    _login(facilitator, live_server, table["facilitator"], make.PASSWORD)
    facilitator.goto(f"{live_server}/t/alpha/workshops/{workshop.id}")
    facilitator.get_by_role("button", name=words(app, "it", "Start the workshop")).click()
    code = facilitator.locator(".join-code").inner_text()
    projector = facilitator.context.new_page()
    projector.goto(f"{live_server}/t/alpha/workshops/{workshop.id}/projector")

    operator = new_page(locale="it", width=1280)
    _login(operator, live_server, table["operator"], make.PASSWORD)

    small = _phone(new_page, "it", 360)
    arabic = _phone(new_page, "ar", 412)
    third = _phone(new_page, "it", 412)
    _join(app, small, live_server, code, "it", axe=False)
    _join(app, arabic, live_server, code, "ar", choose="ar", axe=False)
    _join(app, third, live_server, code, "it", axe=False)

    # The proposal round: phones see the barriers of the previous phase and write proposals from them.
    round_title = {lang: _step_title(app, table, StepKind.PROPOSAL_ROUND, lang) for lang in ("it", "ar")}
    expect(small.get_by_role("heading", level=1)).to_have_text(round_title["it"])
    expect(arabic.get_by_role("heading", level=1)).to_have_text(round_title["ar"])
    assert_accessible(small)
    assert_accessible(arabic)
    _no_sideways_scroll(small)
    _propose(
        app,
        small,
        "it",
        BARRIERS[:1],
        "Un mediatore culturale all'anagrafe due mattine a settimana",
        "Anagrafe",
    )
    mediator_ar = "مترجم واحد للسجل المدني والطبيب معًا"
    _propose(app, arabic, "ar", BARRIERS[1:], mediator_ar, "البلدية")
    expect(projector.get_by_text(mediator_ar)).to_be_visible(timeout=LIVE_UPDATE_TIMEOUT)
    expect(projector.locator('[lang="ar"]', has_text=mediator_ar).first).to_have_attribute("dir", "rtl")
    assert_accessible(arabic)
    small.screenshot(path=artifacts_dir / "codesign-proposal-360.png", full_page=True)
    db.session.expire_all()
    first = db.session.scalar(select(Proposal).where(Proposal.language == "it"))
    second = db.session.scalar(select(Proposal).where(Proposal.language == "ar"))
    assert second.service_ids == sorted([registry.id, health.id])  # it crosses both services

    # The operator, logged in, says what the registry office can do about each.
    registry_name = _localized(app, registry.name, "it")
    health_name = _localized(app, health.name, "it")
    operator.goto(f"{live_server}/t/alpha/processes/{workshop.process_id}/proposals")
    assert_accessible(operator)
    operator.get_by_role("link", name="Un mediatore culturale all'anagrafe").click()
    expect(operator.get_by_role("heading", level=1)).to_contain_text("Un mediatore culturale")
    operator.get_by_label(words(app, "it", "Feasible now")).check()
    operator.get_by_label(words(app, "it", "Comment (optional)")).fill("Possiamo iniziare a ottobre")
    operator.get_by_role("button", name=words(app, "it", "Record")).click()
    expect(operator.get_by_role("status")).to_have_text(words(app, "it", "The feasibility is recorded."))
    assert_accessible(operator)
    operator.goto(f"{live_server}/t/alpha/proposals/{second.id}")
    service_choice = operator.get_by_label(words(app, "it", "For which service?"))
    expect(service_choice.locator("option")).to_have_count(1)  # only the service the operator's office runs
    expect(service_choice.locator("option")).to_have_text(registry_name)
    operator.get_by_label(words(app, "it", "Not our competence")).check()
    operator.get_by_label(words(app, "it", "Whose competence is it? Another service")).select_option(
        label=health_name
    )
    operator.get_by_role("button", name=words(app, "it", "Record")).click()
    expect(operator.locator("#feasibility")).to_contain_text(health_name)
    db.session.expire_all()
    verdicts = {a.proposal_id: a for a in db.session.scalars(select(FeasibilityAssessment))}
    assert verdicts[first.id].verdict is Feasibility.FEASIBLE_NOW
    assert verdicts[second.id].verdict is Feasibility.NOT_OUR_COMPETENCE
    assert verdicts[second.id].competent_service_id == health.id
    assert {a.organisation_id for a in verdicts.values()} == {registry.owner_id}

    # Dot voting: phones follow the room; the projector's chart grows without a reload.
    facilitator.get_by_role("button", name=words(app, "it", "Next step")).click()
    voting = {lang: _step_title(app, table, StepKind.PROPOSAL_VOTING, lang) for lang in ("it", "ar")}
    _follow(small, True, voting["it"])
    _follow(arabic, True, voting["ar"])
    _follow(third, True, voting["it"])
    assert_accessible(small)
    assert_accessible(arabic)
    first_label, second_label = "Un mediatore culturale all'anagrafe", mediator_ar
    for page, language, dots in (
        (small, "it", {first_label: 3, second_label: 2}),
        (arabic, "ar", {second_label: 3}),
        (third, "it", {first_label: 1, second_label: 1}),
    ):
        for label, count in dots.items():
            page.get_by_label(label).fill(str(count))
        page.get_by_role("button", name=words(app, language, "Place my dots")).click()
        expect(page.get_by_role("status")).to_have_text(
            words(app, language, "Your choices are saved. You can change them until the vote closes.")
        )
    six = plural(app, "it", "%(num)d dot", "%(num)d dots", 6) % {"num": 6}
    four = plural(app, "it", "%(num)d dot", "%(num)d dots", 4) % {"num": 4}
    bars = projector.locator(".chart-bars .chart-row")
    expect(bars.first).to_contain_text(mediator_ar, timeout=LIVE_UPDATE_TIMEOUT)
    expect(bars.first).to_contain_text(six)
    expect(bars.nth(1)).to_contain_text(four)
    # The phones' chart follows too, and reads as text (the bars are pictures of the same numbers).
    expect(arabic.locator(".results-chart .chart-row").first).to_contain_text(
        mediator_ar, timeout=LIVE_UPDATE_TIMEOUT
    )
    expect(small.locator(".results-chart svg.chart-bar").first).to_have_attribute("aria-hidden", "true")

    # The impact/effort grid: each phone places both proposals, one of them by keyboard only.
    facilitator.get_by_role("button", name=words(app, "it", "Next step")).click()
    grid = {lang: _step_title(app, table, StepKind.PROPOSAL_GRID, lang) for lang in ("it", "ar")}
    _follow(small, True, grid["it"])
    _follow(arabic, True, grid["ar"])
    _follow(third, True, grid["it"])
    assert_accessible(small)
    assert_accessible(arabic)
    _no_sideways_scroll(small)
    placements = (
        (small, "it", {first_label: (3, 1), second_label: (2, 3)}, True),
        (arabic, "ar", {first_label: (2, 2), second_label: (3, 3)}, True),
        (third, "it", {first_label: (3, 2)}, False),
    )
    for page, language, places, keyboard in placements:
        for label, (impact, effort) in places.items():
            _place(app, page, language, label, impact, effort, keyboard=keyboard and label == first_label)
        page.get_by_role("button", name=words(app, language, "Save my grid")).click()
        expect(page.get_by_role("status")).to_have_text(
            words(app, language, "Your choices are saved. You can change them until the vote closes.")
        )
    small.screenshot(path=artifacts_dir / "codesign-grid-360.png", full_page=True)
    arabic.screenshot(path=artifacts_dir / "codesign-grid-ar.png", full_page=True)
    chart = projector.locator(".grid-chart svg[role=img]")
    expect(chart.locator("circle.marker")).to_have_count(2, timeout=LIVE_UPDATE_TIMEOUT)
    expect(chart.locator("desc")).to_contain_text("2,67")  # mean impact of the first proposal, in Italian
    projector.screenshot(path=artifacts_dir / "codesign-projector-grid.png", full_page=True)

    # The facilitator closes the workshop: both votes are frozen, with the ranking the votes imply.
    facilitator.get_by_role("button", name=words(app, "it", "Close the workshop")).click()
    db.session.expire_all()
    steps = {
        s.kind: s
        for s in db.session.scalars(select(WorkshopStep).where(WorkshopStep.workshop_id == workshop.id))
    }
    voting_step, grid_step = steps[StepKind.PROPOSAL_VOTING], steps[StepKind.PROPOSAL_GRID]
    assert voting_step.frozen_at is not None and grid_step.frozen_at is not None
    dots = {first.id: 0, second.id: 0}
    for vote in db.session.scalars(select(ProposalVote).where(ProposalVote.step_id == voting_step.id)):
        dots[vote.proposal_id] += vote.dots
    implied = sorted(dots, key=lambda pid: -dots[pid])
    assert [(row["proposal"], row["dots"], row["rank"]) for row in voting_step.results] == [
        (implied[0], dots[implied[0]], 1),
        (implied[1], dots[implied[1]], 2),
    ]
    assert dots == {first.id: 4, second.id: 6}
    scores = {}
    for proposal_id in (first.id, second.id):
        places = db.session.scalars(
            select(GridPlacement).where(
                GridPlacement.step_id == grid_step.id, GridPlacement.proposal_id == proposal_id
            )
        ).all()
        scores[proposal_id] = Fraction(sum(p.impact - p.effort for p in places), len(places))
    assert scores == {first.id: Fraction(1), second.id: Fraction(-1, 2)}
    assert [row["proposal"] for row in grid_step.results] == sorted(scores, key=lambda pid: -scores[pid])
    assert [row["rank"] for row in grid_step.results] == [1, 2]

    # After the workshop, each author finds their proposal among their contributions and can change it.
    for page, language, text in ((small, "it", "Un mediatore culturale"), (arabic, "ar", mediator_ar)):
        # The phone follows the room to the end of the workshop by itself.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            words(app, language, "Thank you for taking part"), timeout=6000
        )
        page.get_by_role("navigation").get_by_role(
            "link", name=words(app, language, "My contributions")
        ).click()
        card = page.locator(".card", has_text=text)
        expect(card).to_have_count(1)
        assert_accessible(page)
        card.get_by_role("link", name=words(app, language, "Change")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            words(app, language, "Change your proposal")
        )
        expect(page.get_by_label(words(app, language, "What should change?"))).to_have_value(
            first.change if language == "it" else second.change
        )
        assert_accessible(page)

    # The synthesis reads the same, per service, in Italian and in Arabic.
    facilitator.goto(f"{live_server}/t/alpha/processes/{workshop.process_id}/synthesis")
    registry_section = facilitator.get_by_role("region", name=registry_name)
    row = registry_section.get_by_role("row").filter(has_text=mediator_ar)
    expect(row).to_contain_text(six)
    expect(row).to_contain_text(words(app, "it", "Not our competence"))
    assert_accessible(facilitator)
    facilitator.context.add_cookies([{"name": "lang", "value": "ar", "url": live_server}])
    facilitator.reload()
    expect(facilitator.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(facilitator)
    for url in (
        f"/t/alpha/proposals/{second.id}",
        f"/t/alpha/proposals/{second.id}/edit",
        f"/t/alpha/processes/{workshop.process_id}/proposals",
        f"/t/alpha/workshops/{workshop.id}",
    ):
        facilitator.goto(live_server + url)
        assert_accessible(facilitator)


def test_a_second_editor_sees_both_versions_in_the_browser(app, table, make, live_server, new_page):
    """Two people edit the same proposal; the second save is refused and shows both versions."""
    workshop = table["workshop"]
    barrier = db.session.scalar(select(Barrier).where(Barrier.text == BARRIERS[0]))
    proposal = make.proposal_for(workshop, [barrier], change="Sportello aperto il sabato")
    pages = {}
    for person, language in (("facilitator", "it"), ("operator", "ar")):
        page = new_page(locale=language, width=1280)
        _login(page, live_server, table[person], make.PASSWORD)
        page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page.goto(f"{live_server}/t/alpha/proposals/{proposal.id}/edit")
        pages[person] = page
    change_it = pages["facilitator"].get_by_label(words(app, "it", "What should change?"))
    change_it.fill("Sportello aperto il sabato mattina")
    pages["facilitator"].get_by_role("button", name=words(app, "it", "Save")).click()
    expect(pages["facilitator"].get_by_role("status")).to_have_text(
        words(app, "it", "The proposal is saved.")
    )

    second = pages["operator"]
    second.get_by_label(words(app, "ar", "What should change?")).fill(
        "Sportello aperto il sabato, con un mediatore"
    )
    second.get_by_role("button", name=words(app, "ar", "Save")).click()
    expect(second.get_by_role("alert")).to_contain_text(
        words(
            app, "ar", "Someone else saved this proposal while you were editing it. Nothing was overwritten."
        )
    )
    conflict = second.get_by_role("region", name=words(app, "ar", "The version saved meanwhile"))
    expect(conflict).to_contain_text("Sportello aperto il sabato mattina")
    expect(second.get_by_label(words(app, "ar", "What should change?"))).to_have_value(
        "Sportello aperto il sabato, con un mediatore"
    )
    assert_accessible(second)
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).change == "Sportello aperto il sabato mattina"
    second.get_by_role("button", name=words(app, "ar", "Save")).click()
    expect(second.get_by_role("status")).to_have_text(words(app, "ar", "The proposal is saved."))
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).change == "Sportello aperto il sabato, con un mediatore"
