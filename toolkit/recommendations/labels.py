"""Names of priorities and of the Common Basic Principles, in the interface language."""

from flask_babel import lazy_gettext as _l

from .models import Priority

PRIORITIES = {
    Priority.HIGH: _l("High priority"),
    Priority.MEDIUM: _l("Medium priority"),
    Priority.LOW: _l("Low priority"),
}

#: The EU Common Basic Principles for integration, as recommendations cite them.
PRINCIPLES = {
    6: _l("CBP 6: access to institutions and to public and private services on a basis equal to nationals"),
    9: _l("CBP 9: participation of immigrants in the democratic process and in shaping integration policies"),
    11: _l("CBP 11: clear goals, indicators and evaluation to measure progress"),
}
