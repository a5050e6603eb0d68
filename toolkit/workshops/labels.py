"""Names of workshop states and of the roles participants say they have, in the interface language."""

from flask_babel import lazy_gettext as _l

from .models import ParticipantRole, WorkshopState

WORKSHOP_STATES = {
    WorkshopState.PLANNED: _l("Planned"),
    WorkshopState.OPEN: _l("Open"),
    WorkshopState.CLOSED: _l("Closed"),
}

PARTICIPANT_ROLES = {
    ParticipantRole.RESIDENT: _l("Resident"),
    ParticipantRole.ASSOCIATION_MEMBER: _l("Member of an association"),
    ParticipantRole.OPERATOR: _l("Staff of a public service"),
}
