"""Names of roles and kinds as people read them, in the interface language."""

from flask_babel import lazy_gettext as _l

from ..access import Role
from .models import OrganisationKind

ROLE_NAMES = {
    Role.COORDINATOR: _l("Coordinator"),
    Role.FACILITATOR: _l("Facilitator"),
    Role.ASSOCIATION_MEMBER: _l("Association member"),
    Role.OPERATOR: _l("Service operator"),
    Role.TRANSLATOR: _l("Translator"),
    Role.ADDRESSEE: _l("Addressee of recommendations"),
    Role.NETWORK_COORDINATOR: _l("Network coordinator"),
}

ORGANISATION_KINDS = {
    OrganisationKind.ASSOCIATION: _l("Association"),
    OrganisationKind.SERVICE_OWNER: _l("Service owner"),
    OrganisationKind.MUNICIPAL_OFFICE: _l("Municipal office"),
    OrganisationKind.THIRD_SECTOR: _l("Third-sector organisation"),
}
