"""The people of a territory: their roles and organisation here, and the invitations that bring them in."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..access import Permission, Role, access, form_page
from ..extensions import db
from ..forms import render_form, saving
from ..territories.models import Organisation, TerritoryInvitation
from . import operations as accounts
from .forms import InvitationForm, PersonRolesForm
from .models import RoleAssignment, User

bp = Blueprint("people", __name__, url_prefix="/t/<territory_slug>/people")


def hand_over(link: str, sent: bool, *, email: str) -> None:
    """Say that the invitation was e-mailed; when no mail server is set, hand its link to the inviter."""
    if sent:
        flash(_("An invitation was sent to %(email)s.", email=email), "success")
    else:
        flash(link, "invitation-link")


def _organisations() -> list[Organisation]:
    """The organisations a person may work for here: the territory's, not archived, by name."""
    return db.session.scalars(
        db.select(Organisation).where(Organisation.archived_at.is_(None)).order_by(Organisation.name)
    ).all()


def _person_or_404(user_id: int) -> User:
    """A person holding a role in this territory; anyone else is not found here."""
    user = db.session.scalar(
        db.select(User)
        .join(RoleAssignment)
        .where(User.id == user_id, RoleAssignment.territory_id == g.territory.id)
    )
    if user is None:
        abort(404)
    return user


@bp.get("/")
@access(Permission.MANAGE_PEOPLE)
def people():
    users = db.session.scalars(
        db.select(User)
        .join(RoleAssignment)
        .where(RoleAssignment.territory_id == g.territory.id)
        .distinct()
        .order_by(User.name)
    ).all()
    invitations = db.session.scalars(
        db.select(TerritoryInvitation)
        .where(
            TerritoryInvitation.accepted_at.is_(None),
            TerritoryInvitation.declined_at.is_(None),
            TerritoryInvitation.withdrawn_at.is_(None),
        )
        .options(selectinload(TerritoryInvitation.organisation))
        .order_by(TerritoryInvitation.created_at.desc(), TerritoryInvitation.id.desc())
    ).all()
    return render_template("people/list.html", people=users, invitations=invitations, now=datetime.now(UTC))


@bp.route("/invite", methods=["GET", "POST"])
@access(Permission.MANAGE_PEOPLE)
@form_page
def invite_person():
    """Invite a person by e-mail; the answer is the same whether or not the address has an account."""
    organisations = _organisations()
    form = InvitationForm(organisations=organisations)
    if not form.is_submitted():
        form.locale.data = g.territory.default_locale
    if form.validate_on_submit():
        with saving(form) as outcome:
            invitation = accounts.invite_to_territory(
                g.territory,
                email=form.email.data,
                name=form.name.data,
                roles=[Role(value) for value in form.roles.data],
                organisation=next((o for o in organisations if o.id == form.organisation.data), None),
                locale=form.locale.data,
                invited_by=current_user,
            )
        if outcome.saved:
            hand_over(*accounts.send_invitation(invitation), email=invitation.email)
            flash(_("The roles are given when the person accepts the invitation."), "info")
            return redirect(url_for("people.people"))
    return render_form("people/invite.html", form)


@bp.post("/invitations/<int:invitation_id>/send")
@access(Permission.MANAGE_PEOPLE)
def send_invitation_again(invitation_id: int):
    """Send an open invitation again, for another 14 days."""
    invitation = db.get_or_404(TerritoryInvitation, invitation_id)  # only this territory's are found
    if not invitation.is_open:
        flash(_("This invitation is already answered or withdrawn."), "info")
    else:
        accounts.renew_invitation(invitation)
        db.session.commit()
        hand_over(*accounts.send_invitation(invitation), email=invitation.email)
    return redirect(url_for("people.people"))


@bp.post("/invitations/<int:invitation_id>/withdraw")
@access(Permission.MANAGE_PEOPLE)
def withdraw_invitation(invitation_id: int):
    """Take back an open invitation: it can no longer be accepted, and its link stops working."""
    invitation = db.get_or_404(TerritoryInvitation, invitation_id)
    if not invitation.is_open:
        flash(_("This invitation is already answered or withdrawn."), "info")
    else:
        accounts.withdraw_invitation(invitation)
        db.session.commit()
        flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("people.people"))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@access(Permission.MANAGE_PEOPLE)
@form_page
def edit_person(user_id: int):
    """A person's roles in this territory and the organisation they work for here; nothing else of the
    account (name, e-mail, password, roles and organisations elsewhere) is this territory's to change."""
    person = _person_or_404(user_id)
    organisations = _organisations()
    form = PersonRolesForm(organisations=organisations)
    current = person.organisation_in(g.territory)
    if not form.is_submitted():
        form.roles.data = [role.value for role in person.roles_in(g.territory)]
        form.organisation.data = current.id if current is not None else 0
    if form.validate_on_submit():
        wanted = {Role(value) for value in form.roles.data}
        if person.id == current_user.id and Role.COORDINATOR not in wanted and not current_user.is_admin:
            form.roles.errors.append(_("You cannot remove your own coordinator role."))
        else:
            chosen = next((o for o in organisations if o.id == form.organisation.data), None)
            if chosen is None and form.organisation.data:
                chosen = current  # an archived organisation is not offered, and stays until changed
            with saving(form) as outcome:
                for role in set(person.roles_in(g.territory)) - wanted:
                    accounts.revoke_role(person, role, g.territory)
                for role in wanted:
                    accounts.grant_role(person, role, territory=g.territory)
                # Without a role here the person no longer works here for anyone.
                accounts.set_organisation(person, g.territory, chosen if wanted else None)
            if outcome.saved:
                flash(_("The roles of %(name)s are saved.", name=person.name), "success")
                return redirect(url_for("people.people"))
    return render_form("people/person_form.html", form, person=person)


@bp.post("/<int:user_id>/invitation")
@access(Permission.MANAGE_PEOPLE)
def resend_invitation(user_id: int):
    """The link that chooses a first password, again: only for an account this territory created that has
    never had a password."""
    person = _person_or_404(user_id)
    if person.has_password:
        flash(_("%(name)s has already chosen a password.", name=person.name), "info")
    elif person.created_by_territory_id != g.territory.id:
        flash(_("Only the territory that created this account can send its invitation link."), "error")
    else:
        hand_over(*accounts.send_link(person, accounts.INVITATION), email=person.email)
    return redirect(url_for("people.people"))
