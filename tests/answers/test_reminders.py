"""send-reminders against a real SMTP server on loopback: who is told what, in which language, once."""

from __future__ import annotations

import email
import socket
from datetime import date, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from babel.dates import format_date
from flask_babel import force_locale, gettext

from toolkit.access import Role
from toolkit.answers import links
from toolkit.answers.models import AnswerStatus, Reminder
from toolkit.answers.operations import CommitmentData, record_answer
from toolkit.answers.threads import thread_of
from toolkit.extensions import db
from toolkit.territories.models import OrganisationKind

from .helpers import issue

RESPOND_BY = date(2025, 3, 14)
SITE = "toolkit.example.org"


class Inbox:
    """What the SMTP server received: (envelope recipients, parsed message)."""

    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for recipients, message in self.received if address in recipients]

    def clear(self) -> None:
        self.received.clear()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on loopback, and the application configured to send through it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False, SERVER_NAME=SITE
    )
    yield inbox
    controller.stop()


def body(message) -> str:
    return message.get_content()


def reminders_world(make):
    """A process issued to the health authority (two addressee accounts, one reading Arabic) and the school
    office (no account, a contact address), both asked to answer by RESPOND_BY; a facilitator reading English
    and a coordinator reading the territory's Italian."""
    territory = make.territory("borgo", name="Comune di Borgo")
    health = make.organisation(territory, "Azienda sanitaria di Borgo", OrganisationKind.SERVICE_OWNER)
    school = make.organisation(territory, "Ufficio scuola di Borgo", OrganisationKind.MUNICIPAL_OFFICE)
    school.contact_email = "Scuola@Example.org"
    process = make.process(territory, title="Servizi più vicini")
    to_health = make.recommendation(process, title="Un mediatore al CUP")
    to_health.addressee, to_health.respond_by = health, RESPOND_BY
    to_school = make.recommendation(process, title="Moduli di iscrizione tradotti")
    to_school.addressee, to_school.respond_by = school, RESPOND_BY
    db.session.commit()
    arabic = make.user(Role.ADDRESSEE, territory, email="mediazione.asl@example.org", locale="ar")
    make.membership(arabic, health)
    italian = make.user(Role.ADDRESSEE, territory, email="urp.asl@example.org")
    make.membership(italian, health)
    # Works for the health authority but is not its addressee: gets nothing.
    colleague = make.user(Role.OPERATOR, territory, email="operatore.asl@example.org")
    make.membership(colleague, health)
    facilitator = make.user(Role.FACILITATOR, territory, email="facilitatrice@example.org", locale="en")
    coordinator = make.coordinator(territory, email="coordinatore@example.org")
    version = issue(process)
    tokens = [links.new_link(process, organisation, version)[1] for organisation in (health, school)]
    db.session.commit()
    return {
        "territory": territory,
        "health": health,
        "school": school,
        "process": process,
        "to_health": to_health,
        "to_school": to_school,
        "facilitator": facilitator,
        "coordinator": coordinator,
        "tokens": tokens,
    }


def said(language: str, message: str, **values) -> str:
    """``message`` as the reader of ``language`` reads it."""
    with force_locale(language):
        return gettext(message, **values)


def run(runner, on: date, *args: str):
    """The command as cron runs it: in an application context of its own, built with the settings of now."""
    with runner.app.app_context():
        result = runner.invoke(args=["send-reminders", "--today", on.isoformat(), *args])
    db.session.expire_all()
    return result


def test_each_body_is_reminded_in_its_language_and_a_second_run_sends_nothing_new(make, runner, smtp):
    world = reminders_world(make)
    result = run(runner, RESPOND_BY - timedelta(days=3))
    assert result.exit_code == 0, result.output
    assert sorted(address for recipients, _m in smtp.received for address in recipients) == [
        "coordinatore@example.org",
        "facilitatrice@example.org",
        "mediazione.asl@example.org",
        "scuola@example.org",
        "urp.asl@example.org",
    ]

    (arabic,) = smtp.to("mediazione.asl@example.org")
    assert arabic["Content-Language"] == "ar"
    assert "14 مارس 2025" in body(arabic)
    assert arabic["Subject"] == said(
        "ar",
        "Recommendations addressed to %(organisation)s: answers and commitments due",
        organisation="Azienda sanitaria di Borgo",
    )
    assert "Azienda sanitaria di Borgo" in arabic["Subject"]
    (italian,) = smtp.to("urp.asl@example.org")
    assert italian["Content-Language"] == "it"
    assert "14 marzo 2025" in body(italian)
    for message, language in ((arabic, "ar"), (italian, "it")):
        text = body(message)
        assert "Servizi più vicini" in text and "Un mediatore al CUP" in text
        assert "Moduli di iscrizione tradotti" not in text  # the school office's
        assert f"http://{SITE}/t/borgo/addressed/" in text
        assert said(language, "or use the link printed on your letter.") in text

    (school,) = smtp.to("scuola@example.org")
    text = body(school)
    assert "Ufficio scuola di Borgo" in school["Subject"] and school["Content-Language"] == "it"
    assert "Moduli di iscrizione tradotti" in text and "Un mediatore al CUP" not in text
    assert "/addressed/" not in text and said("it", "Answer with the link printed on your letter.") in text

    (digest,) = smtp.to("facilitatrice@example.org")
    assert digest["Content-Language"] == "en"
    assert digest["Subject"] == "Answers to follow up in “Servizi più vicini”"
    text = body(digest)
    assert "Un mediatore al CUP (Azienda sanitaria di Borgo)" in text
    assert "Moduli di iscrizione tradotti (Ufficio scuola di Borgo)" in text
    assert "March 14, 2025" in text
    assert f"http://{SITE}/t/borgo/processes/{world['process'].id}/follow-up" in text
    assert smtp.to("coordinatore@example.org")[0]["Content-Language"] == "it"

    for _recipients, message in smtp.received:
        for token in world["tokens"]:
            assert token not in message.as_string()
    assert "addressee: 3 e-mails" in result.output and "digest: 2 e-mails" in result.output
    recorded = db.session.scalars(db.select(Reminder).order_by(Reminder.id)).all()
    assert {(r.recipient, r.about) for r in recorded if r.kind == "addressee"} == {
        ("mediazione.asl@example.org", f"answer:{world['to_health'].id}:{world['health'].id}:due_soon"),
        ("urp.asl@example.org", f"answer:{world['to_health'].id}:{world['health'].id}:due_soon"),
        ("scuola@example.org", f"answer:{world['to_school'].id}:{world['school'].id}:due_soon"),
    }

    smtp.clear()
    again = run(runner, RESPOND_BY - timedelta(days=3))
    assert again.exit_code == 0, again.output
    assert smtp.received == []
    assert "nothing new to send" in again.output
    assert db.session.scalar(db.select(db.func.count(Reminder.id))) == len(recorded)

    # The next day, still "due soon": the bodies were told already, the facilitators get the day's digest.
    run(runner, RESPOND_BY - timedelta(days=2))
    assert sorted(r for recipients, _m in smtp.received for r in recipients) == [
        "coordinatore@example.org",
        "facilitatrice@example.org",
    ]


def test_each_stage_is_sent_once_and_the_coordinator_is_told_when_long_overdue(make, runner, smtp, app):
    world = reminders_world(make)
    app.config["REMINDER_ESCALATION_DAYS"] = 10
    thread = thread_of(world["process"], world["school"], world["to_school"].id)
    record_answer(thread, status=AnswerStatus.ACCEPTED, text="Li traduciamo.", language="it")
    db.session.commit()

    run(runner, RESPOND_BY)
    (due,) = smtp.to("urp.asl@example.org")
    assert said("it", "Answer asked by today, %(date)s.", date="14 marzo 2025") in body(due)
    assert smtp.to("scuola@example.org") == []  # answered
    smtp.clear()
    run(runner, RESPOND_BY + timedelta(days=1))
    (overdue,) = smtp.to("urp.asl@example.org")
    assert said("it", "Answer asked by %(date)s: overdue.", date="14 marzo 2025") in body(overdue)
    smtp.clear()
    run(runner, RESPOND_BY + timedelta(days=5))
    assert smtp.to("urp.asl@example.org") == []  # overdue was said already
    assert smtp.to("coordinatore@example.org")  # the day's digest only
    assert all("10" not in m["Subject"] for m in smtp.to("coordinatore@example.org"))
    smtp.clear()

    result = run(runner, RESPOND_BY + timedelta(days=10))
    assert "escalation: 1 e-mail to coordinatore@example.org" in result.output
    escalation = [m for m in smtp.to("coordinatore@example.org") if "10" in m["Subject"]]
    assert len(escalation) == 1 and escalation[0]["Content-Language"] == "it"
    assert "Un mediatore al CUP (Azienda sanitaria di Borgo)" in body(escalation[0])
    assert "Moduli di iscrizione tradotti" not in body(escalation[0])
    assert not [m for m in smtp.to("facilitatrice@example.org") if "10" in m["Subject"]]
    smtp.clear()
    result = run(runner, RESPOND_BY + timedelta(days=11))
    assert "escalation" not in result.output  # once per item
    assert db.session.scalar(db.select(Reminder.about).where(Reminder.kind == "escalation")) == (
        f"escalation:answer:{world['to_health'].id}:{world['health'].id}"
    )


def test_commitments_are_reminded_until_the_body_says_implemented(make, runner, smtp):
    world = reminders_world(make)
    thread = thread_of(world["process"], world["health"], world["to_health"].id)
    promised = RESPOND_BY + timedelta(days=60)
    record_answer(
        thread,
        status=AnswerStatus.IN_PROGRESS,
        text="Cerchiamo un mediatore.",
        language="it",
        commitments=[CommitmentData("Bando per due mediatori", "Ufficio personale", promised)],
    )
    db.session.commit()
    run(runner, promised)
    (message,) = smtp.to("urp.asl@example.org")
    text = body(message)
    when = format_date(promised, "long", locale="it")
    assert said("it", "Commitment due today, %(date)s:", date=when) in text
    assert "Bando per due mediatori (Ufficio personale)" in text
    assert said("it", "Answer asked by %(date)s: overdue.", date="")[:12] not in text  # answered
    smtp.clear()
    record_answer(thread, status=AnswerStatus.IMPLEMENTED, text="Il mediatore c'è.", language="it")
    db.session.commit()
    run(runner, promised + timedelta(days=1))
    assert smtp.to("urp.asl@example.org") == []


def test_without_a_mail_server_nothing_is_sent_nor_recorded(make, runner, smtp, app):
    reminders_world(make)
    app.config["MAIL_SERVER"] = ""
    result = run(runner, RESPOND_BY)
    assert result.exit_code == 0
    assert "No mail server is configured" in result.output
    assert smtp.received == []
    assert db.session.scalar(db.select(db.func.count(Reminder.id))) == 0


def test_a_dry_run_says_what_would_be_sent_and_sends_nothing(make, runner, smtp):
    reminders_world(make)
    result = run(runner, RESPOND_BY, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "addressee to mediazione.asl@example.org (ar)" in result.output
    assert "digest to facilitatrice@example.org (en)" in result.output
    assert "Would send addressee: 3 e-mails" in result.output
    assert smtp.received == []
    assert db.session.scalar(db.select(db.func.count(Reminder.id))) == 0


def test_a_message_the_server_refuses_is_not_recorded_and_goes_next_time(make, runner, smtp, app):
    reminders_world(make)
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _free_port()  # nobody listens there
    result = run(runner, RESPOND_BY)
    assert result.exit_code == 1
    assert "it will be tried again" in result.output
    assert db.session.scalar(db.select(db.func.count(Reminder.id))) == 0
    app.config["MAIL_PORT"] = port
    assert run(runner, RESPOND_BY).exit_code == 0
    assert len(smtp.received) == 5


def test_the_digest_lists_what_waits_for_a_decision_on_forwarding(make, runner, smtp):
    world = reminders_world(make)
    thread = thread_of(world["process"], world["school"], world["to_school"].id)
    record_answer(
        thread,
        status=AnswerStatus.NOT_OUR_COMPETENCE,
        text="Se ne occupa l'ufficio scolastico provinciale.",
        language="it",
        competent_body="Ufficio scolastico provinciale",
    )
    db.session.commit()
    run(runner, RESPOND_BY + timedelta(days=1))
    assert smtp.to("scuola@example.org") == []  # it answered
    (digest,) = smtp.to("facilitatrice@example.org")
    waiting = body(digest).split("waiting for your decision on forwarding:")[1]
    assert "Moduli di iscrizione tradotti (Ufficio scuola di Borgo)" in waiting
    assert "Competent body named: Ufficio scolastico provinciale" in waiting
    assert "Un mediatore al CUP" not in waiting


def test_a_body_nobody_can_be_told_is_named_in_the_output(make, runner, smtp):
    world = reminders_world(make)
    world["school"].contact_email = ""
    db.session.commit()
    result = run(runner, RESPOND_BY + timedelta(days=1))
    assert result.exit_code == 0, result.output
    assert "Nobody to write to at Ufficio scuola di Borgo" in result.output
    assert smtp.to("scuola@example.org") == []
    assert "Nobody to write to at Azienda sanitaria di Borgo" not in result.output  # its accounts were told
