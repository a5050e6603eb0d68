"""Load the fictional demo territory. Every name here is invented."""

from __future__ import annotations

from ..access import Role
from ..accounts import operations as accounts
from ..extensions import db
from ..territories import operations as territories
from ..territories.models import Organisation, OrganisationKind

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (published demo logins)

ACCOUNTS = (
    ("admin@demo.invalid", "Amministratrice del sito", None, "site administrator"),
    ("coordinatrice@demo.invalid", "Giulia Ferraresi", Role.COORDINATOR, "coordinator"),
    ("facilitatore@demo.invalid", "Marco Bellandi", Role.FACILITATOR, "facilitator"),
    ("associazione@demo.invalid", "Amina Diallo", Role.ASSOCIATION_MEMBER, "association member"),
    ("operatrice@demo.invalid", "Laura Nencini", Role.OPERATOR, "service operator"),
    ("traduttore@demo.invalid", "Yusuf Haddad", Role.TRANSLATOR, "translator"),
    ("ufficio@demo.invalid", "Paolo Guidi", Role.ADDRESSEE, "addressee"),
    ("rete@demo.invalid", "Elena Rossetti", Role.NETWORK_COORDINATOR, "network coordinator"),
    ("coordinatore.lagoverde@demo.invalid", "Stefano Barbieri", Role.COORDINATOR, "coordinator of Lagoverde"),
)

DEMO_LOGINS = {
    "password": DEMO_PASSWORD,
    "accounts": [(email, label) for email, _name, _role, label in ACCOUNTS],
}

ASSOCIATIONS = (
    (
        "Associazione Donne del Mondo Valdera",
        OrganisationKind.ASSOCIATION,
        "Donne migranti di molte comunità.",
    ),
    (
        "Comunità Senegalese di Borgo San Vitale",
        OrganisationKind.ASSOCIATION,
        "Associazione della comunità senegalese.",
    ),
    ("Associazione Culturale Cinese Ponte", OrganisationKind.ASSOCIATION, "Famiglie cinesi e mediatrici."),
    ("Rete Ucraina Valdarno", OrganisationKind.ASSOCIATION, "Famiglie ucraine arrivate dal 2022."),
    (
        "CSV Toscana - delegazione di zona",
        OrganisationKind.THIRD_SECTOR,
        "Centro servizi per il volontariato.",
    ),
)


def load_demo() -> None:
    """Create two fictional territories in one network, with organisations and a person for every role."""
    main = territories.create_territory("borgo-san-vitale", "Comune di Borgo San Vitale", "Toscana", "it")
    other = territories.create_territory("lagoverde", "Comune di Lagoverde", "Emilia-Romagna", "it")
    network = territories.create_network(
        "citta-accoglienti",
        "Rete Città Accoglienti",
        "Rete di comuni che lavorano sull'accesso ai servizi per i cittadini stranieri.",
        [main, other],
    )
    db.session.flush()
    organisations = {}
    for name, kind, description in ASSOCIATIONS:
        organisation = Organisation(territory_id=main.id, name=name, kind=kind, description=description)
        db.session.add(organisation)
        organisations[name] = organisation
    db.session.flush()
    association = organisations["Associazione Donne del Mondo Valdera"]
    for email, name, role, label in ACCOUNTS:
        user = accounts.create_user(email, name, DEMO_PASSWORD, is_admin=role is None)
        if role is Role.NETWORK_COORDINATOR:
            accounts.grant_role(user, role, network=network)
        elif role is not None:
            accounts.grant_role(user, role, territory=other if "Lagoverde" in label else main)
        if role is Role.ASSOCIATION_MEMBER:
            user.organisation_id = association.id
