"""Choosing the services, in the room and in the cockpit: phones propose services and place dots on them; the
facilitator tidies the list (hide, show, join duplicates, add to the catalogue) and confirms the services in
scope. The phones' routes sit on the blueprint of live.py, the facilitator's on that of cockpit.py."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..access import Permission, Rule, access, form_page
from ..extensions import db
from ..forms import database_int, form_status, saving
from ..processes.models import StepKind
from ..services.catalogue import catalogue
from . import service_choice, steps
from .ballots import open_or_refuse, send_dots
from .cockpit import bp as cockpit_bp
from .cockpit import loaded_workshop
from .forms import ConfirmServicesForm, HideForm, ServiceProposalForm
from .live import bp as live_bp
from .live import step_page
from .models import Participant, ServiceCandidate, ServiceProposal, Workshop, WorkshopStep
from .phones import participant_required
from .room import Refused, already_sent, bump

# --- what the room shows --------------------------------------------------------------------------------------


def _proposals_phone(workshop: Workshop, participant: Participant, step: WorkshopStep, forms: dict) -> dict:
    form = forms.get("proposal_form") or ServiceProposalForm(formdata=None, services=catalogue())
    return {"proposal_form": form, "ranking": service_choice.ranking(workshop.process)}


def _voting_phone(workshop: Workshop, participant: Participant, step: WorkshopStep, forms: dict) -> dict:
    return {
        "ranking": service_choice.ranking(workshop.process),
        "my_votes": forms.get("typed_votes") or service_choice.votes_of(participant),
        "vote_errors": forms.get("vote_errors", []),
    }


def _ranking_board(workshop: Workshop, step: WorkshopStep | None = None) -> dict:
    return {"ranking": service_choice.ranking(workshop.process)}


steps.register(
    steps.StepScreen(
        StepKind.SERVICE_PROPOSALS,
        phone_template="workshops/_phone_service_proposals.html",
        phone=_proposals_phone,
        board_template="workshops/_board_ranking.html",
        board=_ranking_board,
    ),
    steps.StepScreen(
        StepKind.SERVICE_VOTING,
        phone_template="workshops/_phone_service_voting.html",
        phone=_voting_phone,
        board_template="workshops/_board_ranking.html",
        board=_ranking_board,
    ),
)
steps.register_cockpit_panel("workshops/_cockpit_ranking.html", _ranking_board, order=20)


# --- phones ---------------------------------------------------------------------------------------------------


@live_bp.post("/w/<workshop_code>/services")
@access(Rule.PARTICIPANT)
@form_page
@participant_required
def propose_service(workshop: Workshop, participant: Participant):
    services = catalogue()
    form = ServiceProposalForm(services=services)
    if form.validate_on_submit() and open_or_refuse(workshop, form):
        service = next((s for s in services if s.id == form.service.data), None)
        try:
            with saving(form) as outcome:
                service_choice.propose_service(
                    workshop.process,
                    service=service,
                    name=form.new_name.data or "",
                    reason=form.reason.data,
                    language=form.language.data,
                    submission_key=form.submission_key.data or None,
                    workshop=workshop,
                    participant=participant,
                )
        except IntegrityError:
            db.session.rollback()
            outcome.saved = already_sent(ServiceProposal, form.submission_key.data) is not None
        if outcome.saved:
            flash(_("Thank you: your proposal is on the board."), "success")
            return redirect(url_for("live.step"))
    return step_page(workshop, participant, form_status(form), proposal_form=form)


@live_bp.post("/w/<workshop_code>/votes")
@access(Rule.PARTICIPANT)
@form_page
@participant_required
def vote(workshop: Workshop, participant: Participant):
    """Place dots: one number per service; the whole allocation replaces the previous one."""
    return send_dots(
        workshop,
        participant,
        service_choice.cast_votes,
        saved=_("Your dots are placed. You can change them until voting ends."),
        raced=_("Your dots changed on another screen at the same moment. Please check them."),
    )


# --- the facilitator ------------------------------------------------------------------------------------------


def _back(workshop: Workshop, anchor: str):
    return redirect(url_for("barriers.moderation", workshop_id=workshop.id) + anchor)


def _tidy(workshop: Workshop, candidate: ServiceCandidate, action: str):
    """Apply ``action`` to a candidate; an answer when it cannot be done, ``None`` when it is."""
    if action == "hide":
        form = HideForm()
        if not form.validate_on_submit():
            flash(_("Write the reason for hiding it: its author will see it."), "error")
            return _back(workshop, "#services")
        candidate.hidden, candidate.hidden_reason = True, form.reason.data
    elif action == "show":
        candidate.hidden, candidate.hidden_reason = False, ""
    elif action == "catalogue" and candidate.service_id is None:
        service_choice.add_candidate_to_catalogue(candidate, g.territory)
    elif action == "merge":
        survivor = db.session.get(ServiceCandidate, database_int(request.form.get("into")) or 0)
        try:
            if survivor is None or survivor.process_id != workshop.process_id:
                raise Refused("merge")
            service_choice.merge_candidates(candidate, survivor)
        except Refused:
            db.session.rollback()
            flash(_("Choose another service of the list to join it with."), "error")
            return _back(workshop, "#services")
    return None


@cockpit_bp.post(
    "/workshops/<int:workshop_id>/candidates/<int:candidate_id>/<any(hide, show, merge, catalogue):action>"
)
@access(Permission.RUN_WORKSHOPS)
def moderate_candidate(workshop_id: int, candidate_id: int, action: str):
    workshop = loaded_workshop(workshop_id)
    candidate = db.get_or_404(ServiceCandidate, candidate_id)
    if candidate.process_id != workshop.process_id:
        abort(404)
    refused = _tidy(workshop, candidate, action)
    if refused is not None:
        return refused
    bump(workshop)
    db.session.commit()
    flash(_("The list of services is updated."), "success")
    return _back(workshop, "#services")


def confirm_form(process) -> ConfirmServicesForm:
    """The form that confirms the services in scope, ticked as they are now."""
    from ..content import localize

    form = ConfirmServicesForm(formdata=None)
    form.services.choices = [(s.id, localize(s.name).text) for s in catalogue()]
    form.services.data = [s.id for s in process.services]
    return form


@cockpit_bp.post("/workshops/<int:workshop_id>/services")
@access(Permission.RUN_WORKSHOPS)
def confirm_services(workshop_id: int):
    """The facilitator confirms the services the process works on (usually the top of the ranking)."""
    workshop = loaded_workshop(workshop_id)
    form = ConfirmServicesForm()
    services = {s.id: s for s in catalogue()}
    form.services.choices = [(sid, str(sid)) for sid in services]
    if form.validate_on_submit():
        service_choice.confirm_services(workshop.process, [services[sid] for sid in form.services.data])
        bump(workshop)
        db.session.commit()
        flash(_("The services in scope are confirmed."), "success")
    return _back(workshop, "#scope")
