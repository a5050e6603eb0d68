"""Names of answer statuses and of where a recommendation stands, in the interface language."""

from flask_babel import lazy_gettext as _l

from .models import AnswerStatus
from .threads import Standing

#: What a body says of a recommendation addressed to it.
ANSWER_STATUSES = {
    AnswerStatus.RECEIVED: _l("Received"),
    AnswerStatus.ACCEPTED: _l("Accepted"),
    AnswerStatus.PARTLY_ACCEPTED: _l("Partly accepted"),
    AnswerStatus.REJECTED: _l("Rejected"),
    AnswerStatus.NOT_OUR_COMPETENCE: _l("Not our competence"),
    AnswerStatus.IN_PROGRESS: _l("In progress"),
    AnswerStatus.IMPLEMENTED: _l("Implemented"),
}

#: Where a recommendation stands for one body against the date an answer was asked by.
STANDINGS = {
    Standing.ANSWERED: _l("Answered"),
    Standing.FORWARDED: _l("Forwarded to another body"),
    Standing.NOT_DUE: _l("No answer yet"),
    Standing.DUE_SOON: _l("Answer due soon"),
    Standing.DUE: _l("Answer due today"),
    Standing.OVERDUE: _l("Answer overdue"),
}

#: A thread without any answer yet.
NO_ANSWER_YET = _l("No answer yet")
