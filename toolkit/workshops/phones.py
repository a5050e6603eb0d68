"""The participant's phone: the workshop in the URL and the participant in the session.

Participants have no account. The workshop comes from the code in the URL; the participant from the signed
session cookie, which holds only the ids of the participants this phone joined as. Nothing about the person, the
phone or the network is stored.

Views of the phone take their workshop and participant from :func:`participant_required`, which answers itself
when the phone is not (or no longer) in the workshop.
"""

from __future__ import annotations

import functools
import hashlib
from functools import wraps

from flask import abort, current_app, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import validate_csrf
from limits import parse_many
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from wtforms.validators import ValidationError

from ..extensions import db, limiter
from ..territories.models import Territory
from .codes import JOIN_CODE_LENGTH, normalise_code
from .models import Participant, Workshop

SESSION_KEY = "participants"

#: The fields of the phone's forms whose words come back on the "join again" page, so that nothing is lost.
TYPED_FIELDS = (
    "text",
    "testimony",
    "reason",
    "new_name",
    "groups_affected",
    "change",
    "who_acts",
    "resources",
    "timeline",
    "expected_effect",
)


def load_workshop(code: str) -> None:
    """Turn the code in the URL into ``g.workshop`` (``None`` when no workshop has it), with its process, its
    territory, its current step and the participant this phone joined it as, in one query: a room of phones
    opens the same pages at once."""
    code = normalise_code(code)
    g.workshop = None
    g.workshop_code = code
    if len(code) != JOIN_CODE_LENGTH:
        return
    joined = _joined_ids()
    if len(joined) == 1:  # the usual phone: one participant, compared without an IN list rewritten every time
        row = db.session.execute(_workshop_query(True), {"code": code, "participants": joined[0]}).first()
    else:
        row = db.session.execute(_workshop_query(False), {"code": code, "participants": joined}).first()
    if row is not None:
        g.workshop, g.territory, participant = row
        g.phone = (g.workshop, participant)


@functools.cache
def _workshop_query(one_participant: bool):
    """:func:`load_workshop`'s query, built once (building it costs about as much as running it), for a phone
    that joined as one participant or as several (or none). It runs before the request's scope is set:
    everything it reads belongs to the workshop's territory."""
    if one_participant:
        joined = Participant.id == bindparam("participants")
    else:
        joined = Participant.id.in_(bindparam("participants", expanding=True))
    return (
        select(Workshop, Territory, Participant)
        .join(Territory, Territory.id == Workshop.territory_id)
        .outerjoin(Participant, (Participant.workshop_id == Workshop.id) & joined)
        .where(Workshop.join_code == bindparam("code"))
        .options(joinedload(Workshop.process), joinedload(Workshop.current_step))
        .limit(1)
        .execution_options(all_territories=True)
    )


def _joined_ids() -> list[int]:
    """The participants this phone joined as (ids from the signed session cookie)."""
    return [pid for pid in session.get(SESSION_KEY, []) if isinstance(pid, int)]


def current_workshop() -> Workshop:
    """The workshop of the code in the URL; 404 when no workshop has it."""
    workshop = g.get("workshop")
    if workshop is None:
        abort(404)
    return workshop


def current_participant(workshop: Workshop) -> Participant | None:
    """The participant this phone joined the workshop as, if any (read with the workshop of the URL)."""
    loaded_with, participant = g.get("phone", (None, None))
    if loaded_with is workshop:
        return participant
    ids = _joined_ids()
    if not ids:
        return None
    return db.session.scalar(
        select(Participant).where(Participant.id.in_(ids), Participant.workshop_id == workshop.id)
    )


def remember(participant: Participant) -> None:
    """This phone is now ``participant`` in their workshop (a phone remembers its last twenty workshops)."""
    ids = [pid for pid in session.get(SESSION_KEY, []) if isinstance(pid, int) and pid != participant.id]
    session[SESSION_KEY] = [*ids[-19:], participant.id]
    session.permanent = True
    g.pop("phone", None)


def forget(participant: Participant) -> None:
    """This phone is no longer ``participant``."""
    session[SESSION_KEY] = [pid for pid in session.get(SESSION_KEY, []) if pid != participant.id]
    g.pop("phone", None)


def participant_required(view=None, *, polled: bool = False):
    """Give the view the ``workshop`` and the ``participant`` of this phone as keyword arguments.

    A phone that is not in the workshop is sent to join it (GET), or shown what it typed with a "join again"
    link (POST: usually its session expired with its token; nothing is lost). Endpoints that phones poll
    (``polled=True``) answer 403 instead.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            workshop = current_workshop()
            participant = current_participant(workshop)
            if participant is None:
                if polled:
                    return make_response("", 403)  # a phone still polling after its session ended: no page
                return join_again(workshop)
            return view(*args, workshop=workshop, participant=participant, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def join_again(workshop: Workshop):
    """The answer for a phone that is not in the workshop: join (GET), or "join again" with its words (POST)."""
    if request.method == "GET":
        return redirect(url_for("live.join"))
    status = 409 if _token_valid() else 400
    return render_template("live/rejoin.html", workshop=workshop, typed=typed_texts()), status


def _token_valid() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token", ""))
    except ValidationError:
        return False
    return True


def typed_texts() -> list[str]:
    """What a person typed in a form that could not be stored: shown back so nothing is lost."""
    return [request.form[name] for name in TYPED_FIELDS if request.form.get(name, "").strip()]


def closed_page(workshop: Workshop):
    return render_template("live/closed.html", workshop=workshop), 410


def anonymous_address_key() -> str:
    """Rate-limit key for a network address, kept only as a keyed digest (and only in the limiter's counters)."""
    address = request.remote_addr or ""
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{secret}|{address}".encode()).hexdigest()[:24]


def wrong_code_limited() -> bool:
    """Count a wrong code (workshop or return code) from this network address; True once the address has sent
    more than ``JOIN_FAILURE_LIMIT`` of them. Right codes are never counted nor refused: a whole room behind one
    Wi-Fi joins whatever the typos of a few."""
    if not limiter.enabled:
        return False
    key = anonymous_address_key()
    allowed = True
    for limit in parse_many(current_app.config["JOIN_FAILURE_LIMIT"]):
        allowed = limiter.limiter.hit(limit, "codes", key) and allowed
    return not allowed


def too_many_codes(form, template: str):
    """The page of a code form refused because this network sent too many wrong codes (429)."""
    form.form_errors = [
        *form.form_errors,
        _("Too many wrong codes from this network. Please wait a minute and try again."),
    ]
    return make_response(render_template(template, form=form), 429)
