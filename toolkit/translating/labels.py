"""Names of where a translation stands, in the interface language."""

from flask_babel import lazy_gettext as _l

from .operations import ItemState

ITEM_STATES = {
    ItemState.MISSING: _l("Not translated yet"),
    ItemState.MACHINE_DRAFT: _l("Machine draft to review"),
    ItemState.DRAFT: _l("Draft to review"),
    ItemState.OUTDATED: _l("Outdated: the original changed"),
    ItemState.REVIEWED: _l("Reviewed"),
}
