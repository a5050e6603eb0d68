"""The demo's follow-up: more recommendations issued to the territory's bodies, and what the bodies answered.

Before issuing, :func:`add_follow_up_recommendations` drafts four recommendations to other bodies; after it,
:func:`answer_demo_version` has the bodies answer as they would (the health authority from its account, the others
through their letter's link): one in progress with a commitment, one partly accepted, one rejected, one "not our
competence" that the facilitator forwards to the body named, and one still unanswered past its date.
"""

from __future__ import annotations

from datetime import timedelta

from ..extensions import db
from ..territories.models import Organisation

#: The demo territory whose process is followed up.
TERRITORY = "borgo-san-vitale"

#: title, problem, change, addressee, days from today to the date an answer is asked by, co-designed by the
#: demo association's member.
RECOMMENDATIONS = (
    (
        "Un pomeriggio a settimana di apertura serale dell'anagrafe",
        "Chi lavora a turni non riesce mai ad arrivare allo sportello dell'anagrafe negli orari di apertura.",
        "Aprire lo sportello un pomeriggio a settimana fino alle 19, su appuntamento.",
        "Comune - Servizi demografici",
        -12,
        True,
    ),
    (
        "Iscrizione a scuola anche a metà anno, con un mediatore",
        "Le famiglie arrivate a anno scolastico iniziato aspettano settimane per iscrivere i figli.",
        "Una procedura per l'iscrizione a metà anno, con un mediatore culturale al primo colloquio.",
        "Comune - Ufficio scuola e istruzione",
        20,
        True,
    ),
    (
        "Corsi di italiano con uno spazio per i bambini",
        "Molte madri non possono frequentare i corsi di italiano perché non sanno a chi lasciare i figli.",
        "Uno spazio per i bambini durante le lezioni del mattino.",
        "CPIA - Centro provinciale per l'istruzione degli adulti",
        25,
        False,
    ),
    (
        "Appuntamenti per il permesso di soggiorno spiegati in più lingue",
        "La procedura di prenotazione per il rinnovo del permesso di soggiorno è spiegata solo in italiano.",
        "Istruzioni per la prenotazione in dieci lingue, allo sportello e in rete.",
        "Comune - Servizi sociali",
        15,
        False,
    ),
)


def _named(territory_id: int, name: str) -> Organisation:
    return db.session.scalar(
        db.select(Organisation).where(Organisation.territory_id == territory_id, Organisation.name == name)
    )


def _process():
    from ..processes.models import Process
    from ..territories.models import Territory

    return db.session.scalar(
        db.select(Process).join(Territory).where(Territory.slug == TERRITORY).order_by(Process.id)
    )


def add_follow_up_recommendations() -> None:
    """Draft the recommendations the demo's bodies will answer (before version 1 is issued)."""
    from ..answers.threads import today
    from ..barriers.models import Barrier
    from ..recommendations import operations as recommendations
    from ..recommendations.models import Priority, Recommendation
    from ..services.models import Service
    from .seed import ASSOCIATIONS

    process = _process()
    territory_id = process.territory_id
    association = _named(territory_id, ASSOCIATIONS[0][0])
    for title, problem, change, addressee_name, days, codesigned in RECOMMENDATIONS:
        addressee = _named(territory_id, addressee_name)
        barriers = db.session.scalars(
            db.select(Barrier)
            .join(Service, Service.id == Barrier.service_id)
            .where(Barrier.process_id == process.id, Service.owner_id == addressee.id)
            .order_by(Barrier.id)
            .limit(2)
        ).all()
        recommendation = Recommendation(
            territory_id=territory_id, process_id=process.id, language=process.territory.default_locale
        )
        recommendations.save_recommendation(
            recommendation,
            title=title,
            problem=problem,
            proposed_change=change,
            addressee=addressee,
            proposals=[],
            barriers=list(barriers),
            organisations=[association] if codesigned else [],
            priority=Priority.MEDIUM,
            feasibility="",
            principles=[6],
            respond_by=today() + timedelta(days=days),
            editor_id=None,
        )
    db.session.commit()


def answer_demo_version() -> None:
    """The bodies' answers to version 1, and the facilitator's forwarding of the one a body says is not its own."""
    from ..accounts.models import User
    from ..answers import forwarding
    from ..answers.models import AnswerLink, AnswerStatus
    from ..answers.operations import CommitmentData, record_answer
    from ..answers.threads import threads_of, today
    from .seed import DEMO_ADDRESSEE

    process = _process()
    threads = {thread.organisation.name: thread for thread in threads_of(process)}
    links = {
        link.organisation_id: link
        for link in db.session.scalars(db.select(AnswerLink).where(AnswerLink.process_id == process.id))
    }

    def answer(name, status, text, signed_by, commitments=(), competent_body="", account=None):
        thread = threads[name]
        return record_answer(
            thread,
            status=status,
            text=text,
            language="it",
            competent_body=competent_body,
            signed_by=signed_by,
            commitments=list(commitments),
            user=account,
            link=None if account is not None else links.get(thread.organisation.id),
        )

    on = today()
    addressee = db.session.scalar(db.select(User).where(User.email == "ufficio@example.org"))
    answer(
        DEMO_ADDRESSEE,
        AnswerStatus.RECEIVED,
        "Ricevuta, la stiamo esaminando.",
        "Paolo Guidi",
        account=addressee,
    )
    answer(
        DEMO_ADDRESSEE,
        AnswerStatus.IN_PROGRESS,
        "Stiamo preparando con la Regione una circolare che ammetta il contratto temporaneo per l'iscrizione.",
        "Paolo Guidi, Ufficio scelta e revoca",
        [
            CommitmentData(
                "Circolare agli sportelli di scelta e revoca", "Direzione sanitaria", on + timedelta(20)
            )
        ],
        account=addressee,
    )
    answer(
        "Comune - Ufficio scuola e istruzione",
        AnswerStatus.PARTLY_ACCEPTED,
        "La procedura per l'iscrizione a metà anno c'è già; il mediatore al primo colloquio è possibile due "
        "giorni a settimana.",
        "Ufficio scuola",
        [
            CommitmentData(
                "Mediatore al primo colloquio il lunedì e il giovedì", "Ufficio scuola", on + timedelta(45)
            )
        ],
    )
    answer(
        "CPIA - Centro provinciale per l'istruzione degli adulti",
        AnswerStatus.REJECTED,
        "Non abbiamo locali né personale per uno spazio bambini durante le lezioni.",
        "Segreteria del CPIA",
    )
    not_ours = answer(
        "Comune - Servizi sociali",
        AnswerStatus.NOT_OUR_COMPETENCE,
        "Le prenotazioni per il permesso di soggiorno sono gestite dalla Questura.",
        "Servizi sociali",
        competent_body="Questura - Ufficio immigrazione",
    )
    db.session.commit()
    facilitator = db.session.scalar(db.select(User).where(User.email == "facilitatore@example.org"))
    questura = _named(process.territory_id, "Questura - Ufficio immigrazione")
    forwarding.forward(
        threads["Comune - Servizi sociali"],
        not_ours,
        questura,
        respond_by=forwarding.default_respond_by(),
        note="Le prenotazioni sono della Questura: le inoltriamo la raccomandazione.",
        language=process.territory.default_locale,
        by=facilitator,
    )
    db.session.commit()
    # The coordinator publishes the results: the demo has a public page, its feed and open data to look at.
    from ..answers.publishing import publish

    coordinator = db.session.scalar(db.select(User).where(User.email == "coordinatrice@example.org"))
    publish(process, coordinator)
    db.session.commit()
