"""A co-design room: barriers mapped in the previous phase, an operator, a facilitator, an association."""

from __future__ import annotations

import re

from toolkit.access import Role
from toolkit.extensions import db
from toolkit.processes.models import StepKind
from toolkit.territories.models import Organisation, OrganisationKind
from toolkit.workshops import operations

SUBMISSION_KEY = re.compile(r'name="submission_key"[^>]*value="([^"]*)"')
VERSION = re.compile(r'name="version"[^>]*value="([^"]*)"')

BARRIER_TEXTS = (
    "All'anagrafe nessuno parla arabo e non c'è un mediatore.",
    "Il sito per prenotare è solo in italiano.",
    "Il medico di famiglia chiede documenti che non abbiamo.",
)


def codesign_room(make, kind=StepKind.PROPOSAL_ROUND, slug: str | None = None):
    """An open workshop on ``kind`` whose process already holds barriers for two services, with the people who
    co-design: a facilitator, an operator of the first service's owner, an association member."""
    territory = make.territory(slug)
    workshop = make.live_workshop(territory, kind)
    first, second = workshop.process.services[:2]
    barriers = [
        make.barrier(workshop.process, service, text=text)
        for text, service in zip(BARRIER_TEXTS, (first, first, second), strict=True)
    ]
    association = Organisation(
        territory_id=territory.id, name="Associazione Ponti", kind=OrganisationKind.ASSOCIATION
    )
    db.session.add(association)
    db.session.commit()
    operator = make.user(Role.OPERATOR, territory, email=f"operatore{territory.id}@example.org")
    make.membership(operator, first.owner_id)
    member = make.user(Role.ASSOCIATION_MEMBER, territory)
    make.membership(member, association)
    return {
        "territory": territory,
        "workshop": workshop,
        "services": (first, second),
        "barriers": barriers,
        "facilitator": make.user(Role.FACILITATOR, territory),
        "operator": operator,
        "member": member,
        "association": association,
    }


def go_to(workshop, kind) -> None:
    """Move the room forward to the next step of ``kind``."""
    operations.go_to_step(workshop, 1)
    while workshop.current_step.kind is not kind:
        operations.go_to_step(workshop, 1)
    db.session.commit()


def proposal_fields(page: str, barriers, **changes) -> dict:
    """What the proposal form sends, with the submission key of the form on ``page``."""
    data = {
        "submission_key": SUBMISSION_KEY.search(page).group(1),
        "barriers": [str(b.id) for b in barriers],
        "change": "Un mediatore culturale all'anagrafe due mattine a settimana",
        "who_acts": "Ufficio anagrafe",
        "resources": "Un mediatore, 10 ore a settimana",
        "timeline": "Entro settembre",
        "expected_effect": "Le famiglie arabe non dovranno tornare tre volte",
        "language": "it",
    }
    data.update(changes)
    return data


def words(app, message: str, language: str = "it", plural: str | None = None, num: int = 0, **values) -> str:
    """``message`` as a person reading ``language`` sees it in a page (translated, then HTML-escaped)."""
    from flask_babel import force_locale, gettext, ngettext
    from markupsafe import escape

    with app.test_request_context(), force_locale(language):
        text = ngettext(message, plural, num, **values) if plural else gettext(message, **values)
    return str(escape(text))
