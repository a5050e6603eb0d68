"""Load the fictional demo territory. Every name here is invented."""

from __future__ import annotations

from ..access import Role
from ..accounts import operations as accounts
from ..extensions import db
from ..territories import operations as territories
from ..territories.models import Organisation, OrganisationKind

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (published demo logins)

ACCOUNTS = (
    ("admin@example.org", "Amministratrice del sito", None, "site administrator"),
    ("coordinatrice@example.org", "Giulia Ferraresi", Role.COORDINATOR, "coordinator"),
    ("facilitatore@example.org", "Marco Bellandi", Role.FACILITATOR, "facilitator"),
    ("associazione@example.org", "Amina Diallo", Role.ASSOCIATION_MEMBER, "association member"),
    ("operatrice@example.org", "Laura Nencini", Role.OPERATOR, "service operator"),
    ("traduttore@example.org", "Yusuf Haddad", Role.TRANSLATOR, "translator"),
    ("ufficio@example.org", "Paolo Guidi", Role.ADDRESSEE, "addressee"),
    ("rete@example.org", "Elena Rossetti", Role.NETWORK_COORDINATOR, "network coordinator"),
    ("coordinatore.lagoverde@example.org", "Stefano Barbieri", Role.COORDINATOR, "coordinator of Lagoverde"),
)

#: The body the demo's addressee works for: one demo recommendation is addressed to it.
DEMO_ADDRESSEE = "Azienda sanitaria locale (ASL)"

#: The code of the demo's open workshop, to try joining from a phone.
DEMO_JOIN_CODE = "K7P4QX"
#: The code of the demo workshop still to come (given when it was planned, so its poster can be printed).
DEMO_PLANNED_CODE = "M4RZ9Q"

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
        organisation = Organisation(
            territory_id=main.id, name=name, kind=kind, description={"it": description}
        )
        db.session.add(organisation)
        organisations[name] = organisation
    db.session.flush()
    association = organisations["Associazione Donne del Mondo Valdera"]
    load_demo_process(main, organisations)
    for email, name, role, label in ACCOUNTS:
        user = accounts.create_user(email, name, DEMO_PASSWORD, is_admin=role is None)
        if role is Role.NETWORK_COORDINATOR:
            accounts.grant_role(user, role, network=network)
        elif role is not None:
            accounts.grant_role(user, role, territory=other if "Lagoverde" in label else main)
        if role is Role.ASSOCIATION_MEMBER:
            accounts.set_organisation(user, main, association)
        if role is Role.OPERATOR:
            # The operator works at the registry office: she assesses proposals for the services it runs.
            accounts.set_organisation(user, main, _organisation_named(main, "Comune - Servizi demografici"))
        if role is Role.ADDRESSEE:
            # He works at the health authority, to which the demo's second recommendation is addressed.
            accounts.set_organisation(user, main, _organisation_named(main, DEMO_ADDRESSEE))
    db.session.flush()
    _translations(main)
    _recommendations(main)


def _organisation_named(territory, name: str) -> Organisation:
    return db.session.scalar(
        db.select(Organisation).where(Organisation.territory_id == territory.id, Organisation.name == name)
    )


def issue_demo_version() -> None:
    """Issue the demo process's recommendations as version 1, in Italian, as its facilitator would: the
    addressee then finds the recommendation and the letter addressed to the health authority."""
    from ..accounts.models import User
    from ..processes.models import Process
    from ..recommendations import issuing
    from ..territories.models import Territory

    process = db.session.scalar(
        db.select(Process).join(Territory).where(Territory.slug == "borgo-san-vitale").order_by(Process.id)
    )
    facilitator = db.session.scalar(db.select(User).where(User.email == "facilitatore@example.org"))
    job = issuing.request_issue(process, [process.territory.default_locale], "", facilitator.id)
    db.session.commit()
    issuing.run(job.id)  # here and now: the command ends with the version stored


def load_demo_process(territory, associations) -> None:
    """A process in the barrier-mapping phase, with workshops in different phases and multilingual evidence."""
    from datetime import UTC, date, datetime

    from ..barriers.models import Barrier, BarrierStatus, Testimony
    from ..processes.models import Phase, Process
    from ..services.models import BarrierCategory, Service
    from ..workshops.models import Participant, ParticipantRole, Workshop, WorkshopState
    from .workshop_input import BARRIERS, PARTICIPANTS, TESTIMONIES

    services = db.session.scalars(db.select(Service).where(Service.territory_id == territory.id)).all()
    categories = {
        c.position: c
        for c in db.session.scalars(
            db.select(BarrierCategory).where(BarrierCategory.territory_id == territory.id)
        )
    }

    def service(prefix: str) -> Service:
        return next(s for s in services if s.name["it"].startswith(prefix))

    process = Process(
        territory_id=territory.id,
        title="Servizi più vicini: le famiglie straniere di Borgo San Vitale",
        description=(
            "Associazioni, residenti stranieri e operatori dei servizi scelgono insieme i servizi più difficili "
            "da usare, descrivono gli ostacoli e propongono soluzioni al Comune."
        ),
        phase=Phase.BARRIERS,
        starts_on=date(2026, 9, 15),
        ends_on=date(2027, 3, 31),
        services=[
            service(p) for p in ("Anagrafe", "Medico di famiglia", "Iscrizione scolastica", "Questura")
        ],
    )
    db.session.add(process)
    workshops = [
        Workshop(
            territory_id=territory.id,
            title="Quali servizi sono più difficili da usare?",
            phase=Phase.SERVICES,
            starts_at=datetime(2026, 10, 10, 15, 0, tzinfo=UTC),
            place="Biblioteca comunale, sala grande",
            state=WorkshopState.CLOSED,
        ),
        Workshop(
            territory_id=territory.id,
            title="Cosa ci ferma: anagrafe, medico, scuola, questura",
            phase=Phase.BARRIERS,
            starts_at=datetime(2026, 11, 14, 17, 30, tzinfo=UTC),
            place="Centro interculturale, via dei Tigli 4",
            state=WorkshopState.OPEN,
            join_code=DEMO_JOIN_CODE,
        ),
        Workshop(
            territory_id=territory.id,
            title="Co-progettiamo con gli operatori dei servizi",
            phase=Phase.CODESIGN,
            starts_at=datetime(2026, 12, 12, 9, 30, tzinfo=UTC),
            place="Sala consiliare del Comune",
            state=WorkshopState.PLANNED,
            join_code=DEMO_PLANNED_CODE,
        ),
    ]
    process.workshops.extend(workshops)
    db.session.flush()
    _agendas(territory, workshops)
    participants = [
        Participant(
            territory_id=territory.id,
            workshop_id=workshops[1].id,
            pseudonym=pseudonym,
            role=ParticipantRole(role),
            languages=languages,
            consent_version="2026-1",
        )
        for pseudonym, role, languages in PARTICIPANTS
    ]
    db.session.add_all(participants)
    db.session.flush()
    _service_choices(process, workshops[1], participants, service)
    barriers = []
    for number, (prefix, language, text, positions, frequency, severity, groups, author) in enumerate(
        BARRIERS
    ):
        barrier = Barrier(
            territory_id=territory.id,
            process_id=process.id,
            workshop_id=workshops[1].id,
            service_id=service(prefix).id,
            text=text,
            language=language,
            frequency=frequency,
            severity=severity,
            groups_affected=groups,
            categories=[categories[p] for p in positions],
            status=BarrierStatus.KEPT if number % 3 else BarrierStatus.NEW,
        )
        if author == "organisation":
            barrier.organisation_id = associations["Associazione Donne del Mondo Valdera"].id
        else:
            barrier.participant_id = participants[number % len(participants)].id
        barriers.append(barrier)
    db.session.add_all(barriers)
    for index, kind, language, text, source in TESTIMONIES:
        db.session.add(
            Testimony(
                territory_id=territory.id,
                process_id=process.id,
                kind=kind,
                language=language,
                text=text,
                source=source,
                barriers=[barriers[index]],
            )
        )
    db.session.flush()
    _proposals(process, workshops[2], barriers, associations, service)


def _proposals(process, workshop, barriers, associations, service) -> None:
    """Proposals written before the co-design workshop, some with what the services said of them; the
    school barriers have none yet, so the synthesis flags them."""
    from ..codesign import operations as codesign
    from ..codesign.models import Feasibility, Proposal

    def about(prefix):
        return [b for b in barriers if b.service_id == service(prefix).id]

    owners = {
        o.name: o
        for o in db.session.scalars(
            db.select(Organisation).where(Organisation.territory_id == process.territory_id)
        )
    }
    written = (
        (
            about("Anagrafe"),
            "it",
            "Associazione Donne del Mondo Valdera",
            {
                "change": "Un elenco chiaro dei documenti per la residenza, in dieci lingue, sul sito e allo sportello.",
                "who_acts": "Servizi demografici del Comune, con le associazioni",
                "resources": "Mediatrici per le traduzioni, mezza giornata di lavoro dell'ufficio",
                "timeline": "Entro gennaio",
                "expected_effect": "Le famiglie appena arrivate non dovranno tornare tre volte allo sportello.",
            },
        ),
        (
            about("Medico di famiglia")[:1] + about("Anagrafe")[:1],
            "uk",
            "Rete Ucraina Valdarno",
            {
                "change": "Дозволити запис до сімейного лікаря з тимчасовим договором оренди.",
                "who_acts": "ASL і муніципалітет",
                "resources": "",
                "timeline": "Протягом шести місяців",
                "expected_effect": "Сім'ї з тимчасовим захистом матимуть лікаря.",
            },
        ),
        (
            about("Questura")[:2],
            "it",
            None,
            {
                "change": "Un mediatore culturale in Questura il martedì mattina e appuntamenti su prenotazione.",
                "who_acts": "Questura, con la Prefettura",
                "resources": "Un mediatore per quattro ore a settimana",
                "timeline": "Dalla primavera",
                "expected_effect": "Meno ore di coda per chi lavora; meno lettere non capite.",
            },
        ),
    )
    proposals = []
    for chosen, language, organisation, texts in written:
        proposal = Proposal(
            territory_id=process.territory_id,
            process_id=process.id,
            organisation_id=associations[organisation].id if organisation else None,
            entered_by_facilitator=organisation is None,
            workshop_id=workshop.id if organisation is None else None,
        )
        codesign.save_proposal(proposal, barriers=chosen, language=language, **texts)
        proposals.append(proposal)
    registry = service("Anagrafe")
    doctor = service("Medico di famiglia")
    for proposal, assessed, verdict, details in (
        (proposals[0], registry, Feasibility.FEASIBLE_NOW, {"comment": "Lo prepariamo con le mediatrici."}),
        (proposals[1], registry, Feasibility.NOT_OUR_COMPETENCE, {"competent_service": doctor}),
        (
            proposals[1],
            doctor,
            Feasibility.NEEDS_RESOURCES,
            {"resources_needed": "Una delibera regionale e un operatore formato al CUP"},
        ),
    ):
        codesign.record_feasibility(
            proposal,
            service=assessed,
            verdict=verdict,
            resources_needed=details.get("resources_needed", ""),
            competent_service=details.get("competent_service"),
            competent_body="",
            comment=details.get("comment", ""),
            organisation=owners.get(assessed.owner.name) if assessed.owner else None,
            recorded_by_id=None,
            on_behalf=assessed is doctor,
        )


def _translations(territory) -> None:
    """What the demo's mediator translated: reviewed Italian of barriers written in Arabic, Chinese and
    Ukrainian, a machine draft still to review, and proposals brought into Arabic and Italian."""
    from ..accounts.models import User
    from ..barriers.models import Barrier
    from ..codesign.models import Proposal
    from ..translating import operations as translating
    from ..translating.models import SourceKind
    from ..translating.sources import SOURCES
    from .workshop_input import TRANSLATIONS

    mediator = db.session.scalar(db.select(User).where(User.email == "traduttore@example.org"))
    records = {
        "barrier": db.session.scalars(
            db.select(Barrier).where(Barrier.territory_id == territory.id).order_by(Barrier.id)
        ).all(),
        "proposal": db.session.scalars(
            db.select(Proposal).where(Proposal.territory_id == territory.id).order_by(Proposal.id)
        ).all(),
    }
    for kind, index, language, texts, how in TRANSLATIONS:
        record = records[kind][index]
        source = SOURCES[SourceKind(kind)]
        if how == "reviewed":
            translating.save_translation(source, record, language, texts, reviewed=True, user=mediator)
        else:
            translating.store_machine_draft(
                source, record, language, texts, source.texts(record), record.language
            )


def _recommendations(territory) -> None:
    """Two recommendations drafted from the demo's proposals, one quoting a testimony with a detail taken out."""
    from datetime import date

    from ..codesign.models import Proposal
    from ..processes.models import Process
    from ..recommendations import operations as recommendations
    from ..recommendations.models import Priority, Recommendation

    process = db.session.scalar(db.select(Process).where(Process.territory_id == territory.id))
    proposals = db.session.scalars(
        db.select(Proposal).where(Proposal.process_id == process.id).order_by(Proposal.id)
    ).all()
    drafts = (
        (
            "Documenti per la residenza chiari, in dieci lingue",
            "Le famiglie appena arrivate tornano **tre volte** allo sportello dell'anagrafe perché nessuno dice "
            "quali documenti servono, e il sito è solo in italiano.",
            "Un elenco dei documenti per la residenza:\n\n- in dieci lingue, sul sito e allo sportello\n"
            "- preparato con le mediatrici delle associazioni",
            [proposals[0]],
            Priority.HIGH,
            [6, 9],
        ),
        (
            "Il medico di famiglia anche con un contratto temporaneo",
            "Chi ha un contratto d'affitto temporaneo non riesce a iscriversi al medico di famiglia: famiglie con "
            "protezione temporanea restano **mesi senza medico**.",
            "Permettere l'iscrizione al medico di famiglia con un contratto d'affitto temporaneo.",
            [proposals[1]],
            Priority.HIGH,
            [6],
        ),
    )
    from ..barriers.models import Testimony
    from ..territories.models import Organisation

    def organisation(name: str) -> Organisation:
        return db.session.scalar(
            db.select(Organisation).where(
                Organisation.territory_id == territory.id, Organisation.name == name
            )
        )

    testimonies = {
        t.language: t
        for t in db.session.scalars(db.select(Testimony).where(Testimony.process_id == process.id))
    }
    addressees = (None, organisation(DEMO_ADDRESSEE))
    # The second one also rests on the barrier of the Bengali testimony (three days off work for nothing).
    extra_barriers = ([], list(testimonies["bn"].barriers))
    codesigners = (
        [organisation("Associazione Culturale Cinese Ponte")],
        [organisation("Rete Ucraina Valdarno"), organisation("Comunità Senegalese di Borgo San Vitale")],
    )
    saved = []
    for (title, problem, change, chosen, priority, principles), addressee, extra, orgs in zip(
        drafts, addressees, extra_barriers, codesigners, strict=True
    ):
        recommendation = Recommendation(
            territory_id=territory.id, process_id=process.id, language=territory.default_locale
        )
        barriers = [b for p in chosen for b in p.barriers] + extra if extra else []
        recommendations.save_recommendation(
            recommendation,
            title=title,
            problem=problem,
            proposed_change=change,
            addressee=addressee,
            proposals=chosen,
            barriers=barriers,
            organisations=orgs,
            priority=priority,
            feasibility="",
            principles=principles,
            respond_by=date(2027, 3, 31),
            editor_id=None,
        )
        saved.append(recommendation)
    _quotes(saved)


def _quotes(saved) -> None:
    """Every testimony that may be quoted is quoted once (the Arabic one without the clerk it names), each with the
    demo mediator's reviewed Italian translation; the recommendations have her reviewed Arabic translation."""
    from ..accounts.models import User
    from ..recommendations import operations as recommendations
    from ..translating import operations as translating
    from ..translating.models import SourceKind
    from ..translating.sources import SOURCES
    from .workshop_input import QUOTES, RECOMMENDATIONS_IN_ARABIC

    mediator = db.session.scalar(db.select(User).where(User.email == "traduttore@example.org"))
    for recommendation, arabic in zip(saved, RECOMMENDATIONS_IN_ARABIC, strict=True):
        translating.save_translation(
            SOURCES[SourceKind.RECOMMENDATION], recommendation, "ar", arabic, reviewed=True, user=mediator
        )
    quoted = set()
    for recommendation in saved:
        for testimony in recommendations.quotable(recommendation):
            if testimony.id in quoted:
                continue
            quoted.add(testimony.id)
            words, italian = QUOTES.get(testimony.language, (testimony.text, None))
            quote = recommendations.add_quote(recommendation, testimony, words)
            if italian:
                translating.save_translation(
                    SOURCES[SourceKind.QUOTE], quote, "it", {"text": italian}, reviewed=True, user=mediator
                )


def _agendas(territory, workshops) -> None:
    """Every workshop gets the default steps of its phase; the open one is on its barrier round."""
    from datetime import UTC, datetime

    from ..processes.models import Phase, StepKind, StepTemplate
    from ..workshops import operations as live
    from ..workshops.models import WorkshopState

    templates = db.session.scalars(
        db.select(StepTemplate)
        .where(StepTemplate.territory_id == territory.id)
        .order_by(StepTemplate.position)
    ).all()
    for workshop in workshops:
        if workshop.phase is Phase.CODESIGN:
            chosen = [t for t in templates if t.kind.codesign or t.kind in (StepKind.WELCOME, StepKind.BREAK)]
        else:
            chosen = [t for t in templates if not t.kind.codesign]
        live.build_agenda(workshop, chosen)
    db.session.flush()
    running = next(w for w in workshops if w.state is WorkshopState.OPEN)
    step = next(s for s in running.steps if s.kind is StepKind.BARRIER_ROUND)
    running.current_step = step
    step.started_at = datetime.now(UTC)
    running.opened_at = step.started_at


def _service_choices(process, workshop, participants, service) -> None:
    """Services the room proposed, with reasons in several languages, and the dots placed on them."""
    from ..workshops import service_choice as live
    from ..workshops.models import DotVote

    reasons = (
        ("Anagrafe", "it", "Per la residenza servono documenti che nessuno ti spiega."),
        ("Anagrafe", "ar", "لا أحد يشرح الأوراق المطلوبة للإقامة."),
        ("Medico di famiglia", "uk", "Важко записатися до лікаря без італійської."),
        ("Iscrizione scolastica", "zh", "网上报名只有意大利语。"),
        ("Questura", "bn", "অপেক্ষার সময় অনেক বেশি।"),
    )
    candidates = {}
    for index, (prefix, language, reason) in enumerate(reasons):
        proposal = live.propose_service(
            process,
            service=service(prefix),
            name="",
            reason=reason,
            language=language,
            submission_key=None,
            workshop=workshop,
            participant=participants[index % len(participants)],
        )
        db.session.flush()
        candidates[prefix] = proposal.candidate
    dots = {
        "Anagrafe": (3, 2, 2),
        "Medico di famiglia": (2, 1),
        "Iscrizione scolastica": (1, 2),
        "Questura": (2,),
    }
    for prefix, placed in dots.items():
        for number, count in enumerate(placed):
            db.session.add(
                DotVote(
                    territory_id=process.territory_id,
                    workshop_id=workshop.id,
                    participant_id=participants[number % len(participants)].id,
                    candidate_id=candidates[prefix].id,
                    dots=count,
                )
            )
