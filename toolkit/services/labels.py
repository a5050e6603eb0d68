"""Names of sectors, levels of government and access dimensions, in the interface language."""

from flask_babel import lazy_gettext as _l

from .models import AccessDimension, GovernmentLevel, Sector

SECTORS = {
    Sector.CIVIL_REGISTRY: _l("Civil registry"),
    Sector.SOCIAL_SERVICES: _l("Social services"),
    Sector.EDUCATION: _l("Education"),
    Sector.HEALTH: _l("Health"),
    Sector.EMPLOYMENT: _l("Employment"),
    Sector.IMMIGRATION: _l("Immigration"),
    Sector.SOCIAL_SECURITY: _l("Social security"),
    Sector.HOUSING: _l("Housing"),
    Sector.OTHER: _l("Other"),
}

LEVELS = {
    GovernmentLevel.MUNICIPALITY: _l("Municipality"),
    GovernmentLevel.HEALTH_AUTHORITY: _l("Health authority"),
    GovernmentLevel.STATE_OFFICE: _l("State office"),
    GovernmentLevel.SCHOOL: _l("School"),
    GovernmentLevel.REGION: _l("Region"),
    GovernmentLevel.OTHER: _l("Other"),
}

DIMENSIONS = {
    AccessDimension.APPROACHABILITY: _l("Approachability: knowing the service exists and how to reach it"),
    AccessDimension.ACCEPTABILITY: _l(
        "Acceptability: being treated with respect, in a way that fits one's culture"
    ),
    AccessDimension.AVAILABILITY: _l("Availability: being able to get there, at times one can come"),
    AccessDimension.AFFORDABILITY: _l("Affordability: being able to pay, in money and in time"),
    AccessDimension.APPROPRIATENESS: _l("Appropriateness: procedures that fit people's situation"),
}
