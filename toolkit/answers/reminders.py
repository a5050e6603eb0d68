"""Reminders by e-mail (``flask --app toolkit send-reminders``, run once a day by cron).

An answer the letter (or the forwarding) asked for, and the commitments of a body's latest answer, are reminded at
three stages: *due soon* (within :data:`~toolkit.answers.threads.DUE_SOON_DAYS` days), *due* and *overdue*; an
answer until the body answers ("received" is not an answer) or it is forwarded on, commitments until the latest
answer says "implemented". Each body gets one e-mail per run (its addressee accounts in their languages, else its
contact address); facilitators and coordinators a digest per process and day; coordinators are told once of each
item ``REMINDER_ESCALATION_DAYS`` days overdue. No e-mail carries a letter's token or link (README: "Reminders").

Each e-mail is recorded (a :class:`~toolkit.answers.models.Reminder` per recipient and item and stage, or per digest
and day) *before* it is sent, and taken back when the server refuses it: a run that dies between the two loses that
e-mail rather than sending it on every run. A body with nobody to write to is named in the command's output.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import click
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..access import Role
from ..accounts.models import RoleAssignment, User
from ..extensions import db
from ..i18n import LANGUAGES, html_language
from ..mail import mail_configured, send_mail
from ..processes.models import Process
from ..recommendations.models import DocumentIssue
from ..territories.models import Membership, Organisation, Territory
from . import threads as threads_module
from .models import AnswerStatus, Commitment, Reminder
from .threads import Standing, Thread, date_standing, threads_of

ADDRESSEE, DIGEST, ESCALATION = "addressee", "digest", "escalation"
KINDS = (ADDRESSEE, DIGEST, ESCALATION)

#: The stages at which something is reminded.
REMINDED = (Standing.DUE_SOON, Standing.DUE, Standing.OVERDUE)


@dataclass(frozen=True)
class Item:
    """Something a body owes at one stage: its answer to a recommendation, or its commitments of one date."""

    process: Process
    thread: Thread
    stage: Standing
    due: date
    commitments: tuple[Commitment, ...] = ()

    @property
    def key(self) -> str:
        recommendation_id, organisation_id = self.thread.key
        if self.commitments:
            return f"commitment:{recommendation_id}:{organisation_id}:{self.due.isoformat()}"
        return f"answer:{recommendation_id}:{organisation_id}"

    @property
    def about(self) -> str:
        """What a reminder of it is about: the item and its stage (each stage of an item is reminded once)."""
        return f"{self.key}:{self.stage.value}"

    @property
    def title(self) -> str:
        """The recommendation's title as issued."""
        return self.thread.issued["title"]

    def days_overdue(self, on: date) -> int:
        return (on - self.due).days


@dataclass
class Message:
    """One e-mail to one recipient, with what it records: the territory, process and ``about`` of each row."""

    kind: str
    recipient: str
    language: str
    subject: str
    body: str
    records: list[tuple[int, int, str]]
    organisation_id: int | None = None


@dataclass
class Outcome:
    sent: list[Message] = field(default_factory=list)
    failed: list[tuple[Message, str]] = field(default_factory=list)


def items_of(process: Process, threads: list[Thread], on: date) -> Iterator[Item]:
    """What is due soon, due or overdue in ``process`` on the day ``on``."""
    for thread in threads:
        standing = thread.standing(on)
        if standing in REMINDED and thread.respond_by is not None:
            yield Item(process, thread, standing, thread.respond_by)
        if standing is Standing.FORWARDED or thread.status is AnswerStatus.IMPLEMENTED:
            continue
        by_date: dict[date, list[Commitment]] = defaultdict(list)
        for commitment in thread.commitments:
            if commitment.due_on is not None:
                by_date[commitment.due_on].append(commitment)
        for due, commitments in sorted(by_date.items()):
            stage = date_standing(due, on)
            if stage in REMINDED:
                yield Item(process, thread, stage, due, tuple(commitments))


def _language(locale: str, territory: Territory) -> str:
    """The person's own language, else the territory's (an unknown code falls back the same way)."""
    for candidate in (locale, territory.default_locale, current_app.config["DEFAULT_LOCALE"]):
        if candidate in LANGUAGES:
            return candidate
    return "it"


def _accounts(query) -> list[User]:
    return list(db.session.scalars(query.where(User.active.is_(True)).order_by(User.email).distinct()))


def addressee_recipients(organisation: Organisation) -> list[tuple[str, str, bool]]:
    """(address, language, has an account) of whom a body's reminders go to."""
    users = _accounts(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            Membership.organisation_id == organisation.id,
            Membership.territory_id == organisation.territory_id,
            RoleAssignment.role == Role.ADDRESSEE,
            RoleAssignment.territory_id == organisation.territory_id,
        )
    )
    territory = organisation.territory
    if users:
        return [(user.email.lower(), _language(user.locale, territory), True) for user in users]
    if organisation.contact_email.strip():
        return [(organisation.contact_email.strip().lower(), _language("", territory), False)]
    return []


def staff_recipients(territory: Territory, roles: tuple[Role, ...]) -> list[tuple[str, str]]:
    """(address, language) of the territory's people holding one of ``roles``."""
    users = _accounts(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.territory_id == territory.id, RoleAssignment.role.in_(roles))
    )
    return [(user.email.lower(), _language(user.locale, territory)) for user in users]


def _grouped(items: list[Item]) -> list[tuple[Process, list[Item]]]:
    """Items by process, in the order they came."""
    groups: dict[int, tuple[Process, list[Item]]] = {}
    for item in items:
        groups.setdefault(item.process.id, (item.process, []))[1].append(item)
    return list(groups.values())


def _where(process: Process) -> tuple[int, int]:
    return process.territory_id, process.id


def _compose(template: str, language: str, subject: LazyString, **context) -> tuple[str, str]:
    """Subject (its placeholders filled from ``context``) and body, in ``language``."""
    with force_locale(language):
        return str(subject) % context, render_template(template, **context)


class Planner:
    """Works out the e-mails of one run on the day ``on``, leaving out what was recorded already."""

    def __init__(self, on: date):
        self.on = on
        self.escalation_days = int(current_app.config["REMINDER_ESCALATION_DAYS"])
        self.recorded: set[tuple[str, str]] = set()
        self.messages: list[Message] = []
        #: Bodies that owe something but have neither an addressee account nor a contact e-mail.
        self.unreachable: list[Organisation] = []

    def plan(self) -> list[Message]:
        processes = db.session.scalars(
            select(Process)
            .where(Process.id.in_(select(DocumentIssue.process_id)))
            .order_by(Process.territory_id, Process.id)
        ).all()
        self.recorded = set(
            db.session.execute(
                select(Reminder.recipient, Reminder.about).where(
                    Reminder.process_id.in_([p.id for p in processes])
                )
            ).all()
        )
        by_organisation: dict[int, tuple[Organisation, list[Item]]] = {}
        for process in processes:
            threads = threads_of(process)
            items = list(items_of(process, threads, self.on))
            for item in items:
                organisation = item.thread.organisation
                by_organisation.setdefault(organisation.id, (organisation, []))[1].append(item)
            self.digest(process, items, [t for t in threads if t.awaiting_forwarding])
            self.escalation(process, items)
        for organisation, items in by_organisation.values():
            self.addressee(organisation, items)
        return self.messages

    def addressee(self, organisation: Organisation, items: list[Item]) -> None:
        territory = organisation.territory
        recipients = addressee_recipients(organisation)
        if not recipients:
            self.unreachable.append(organisation)
        for recipient, language, has_account in recipients:
            fresh = [item for item in items if (recipient, item.about) not in self.recorded]
            if not fresh:
                continue
            page = url_for("answers.recommendations", territory_slug=territory.slug, _external=True)
            subject, body = _compose(
                "mail/reminder.txt",
                language,
                _l("Recommendations addressed to %(organisation)s: answers and commitments due"),
                organisation=organisation.name,
                territory=territory,
                groups=_grouped(fresh),
                page=page if has_account else None,
                on=self.on,
            )
            records = [(*_where(item.process), item.about) for item in fresh]
            self.messages.append(
                Message(ADDRESSEE, recipient, language, subject, body, records, organisation.id)
            )

    def digest(self, process: Process, items: list[Item], awaiting: list[Thread]) -> None:
        if not items and not awaiting:
            return
        about = f"digest:{process.id}:{self.on.isoformat()}"
        page = url_for(
            "follow_up.overview", territory_slug=process.territory.slug, process_id=process.id, _external=True
        )
        for recipient, language in staff_recipients(process.territory, (Role.FACILITATOR, Role.COORDINATOR)):
            if (recipient, about) in self.recorded:
                continue
            subject, body = _compose(
                "mail/digest.txt",
                language,
                _l("Answers to follow up in “%(process)s”"),
                process=process.title,
                items=items,
                awaiting=awaiting,
                page=page,
                on=self.on,
            )
            self.messages.append(
                Message(DIGEST, recipient, language, subject, body, [(*_where(process), about)])
            )

    def escalation(self, process: Process, items: list[Item]) -> None:
        late = [
            item
            for item in items
            if item.stage is Standing.OVERDUE and item.days_overdue(self.on) >= self.escalation_days
        ]
        if not late:
            return
        page = url_for(
            "follow_up.overview", territory_slug=process.territory.slug, process_id=process.id, _external=True
        )
        for recipient, language in staff_recipients(process.territory, (Role.COORDINATOR,)):
            fresh = [item for item in late if (recipient, f"escalation:{item.key}") not in self.recorded]
            if not fresh:
                continue
            subject, body = _compose(
                "mail/escalation.txt",
                language,
                _l("Overdue for %(days)s days or more in “%(process)s”"),
                days=self.escalation_days,
                process=process.title,
                items=fresh,
                page=page,
                on=self.on,
            )
            records = [(*_where(item.process), f"escalation:{item.key}") for item in fresh]
            self.messages.append(Message(ESCALATION, recipient, language, subject, body, records))


def plan(on: date | None = None) -> tuple[list[Message], list[Organisation]]:
    """The e-mails a run would send on the day ``on`` (today by default), and the bodies nobody can be told."""
    planner = Planner(on or threads_module.today())
    return planner.plan(), planner.unreachable


def _record(message: Message, on: date) -> list[int] | None:
    """Write the message's Reminder rows; None when another run recorded one of them first."""
    now = datetime.now(UTC)
    rows = [
        Reminder(
            territory_id=territory_id,
            process_id=process_id,
            kind=message.kind,
            recipient=message.recipient,
            about=about,
            organisation_id=message.organisation_id,
            language=message.language,
            sent_on=on,
            sent_at=now,
        )
        for territory_id, process_id, about in message.records
    ]
    db.session.add_all(rows)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return [row.id for row in rows]


def send(messages: list[Message], on: date) -> Outcome:
    """Record, then send, each message; a message the server refuses is no longer recorded (sent next run)."""
    outcome = Outcome()
    for message in messages:
        ids = _record(message, on)
        if ids is None:
            continue
        try:
            send_mail(
                message.recipient, message.subject, message.body, language=html_language(message.language)
            )
        except OSError as error:  # smtplib's errors are OSErrors, as are refused connections
            db.session.execute(delete(Reminder).where(Reminder.id.in_(ids)))
            db.session.commit()
            outcome.failed.append((message, str(error) or type(error).__name__))
        else:
            outcome.sent.append(message)
    return outcome


def summary(messages: list[Message]) -> list[str]:
    """How many e-mails, by kind, and to whom."""
    lines = []
    for kind in KINDS:
        recipients: Counter[str] = Counter(m.recipient for m in messages if m.kind == kind)
        if recipients:
            total = sum(recipients.values())
            whom = ", ".join(f"{r} ({n})" if n > 1 else r for r, n in recipients.items())
            lines.append(f"{kind}: {total} e-mail{'s' if total != 1 else ''} to {whom}")
    return lines


@click.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; send and record nothing.")
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Run as on this day (YYYY-MM-DD) instead of today.",
)
def send_reminders(dry_run: bool, on: datetime | None) -> None:
    """E-mail the bodies what they owe soon, today or late; the facilitators a digest; the coordinators what is
    long overdue. Meant to run once a day: what was sent is recorded and never sent again."""
    day = on.date() if on is not None else threads_module.today()
    if not dry_run and not mail_configured():
        click.echo("No mail server is configured (MAIL_SERVER): no reminder sent, none recorded.")
        return
    if not current_app.config.get("SERVER_NAME"):
        raise click.ClickException("SERVER_NAME is not set: the e-mails could not say where to answer.")
    messages, unreachable = plan(day)
    for body in unreachable:
        click.echo(f"Nobody to write to at {body.name}: give it an addressee account or a contact e-mail.")
    if dry_run:
        click.echo(f"Dry run for {day.isoformat()}: nothing sent, nothing recorded.")
        for message in messages:
            click.echo(f"  {message.kind} to {message.recipient} ({message.language}): {message.subject}")
            for _territory, _process, about in message.records:
                click.echo(f"    {about}")
        lines = summary(messages)
        click.echo("Would send " + ("; ".join(lines) if lines else "no e-mail") + ".")
        return
    outcome = send(messages, day)
    lines = summary(outcome.sent)
    click.echo(
        f"Reminders of {day.isoformat()}: " + ("; ".join(lines) if lines else "nothing new to send") + "."
    )
    for message, error in outcome.failed:
        click.echo(
            f"Not sent to {message.recipient} ({message.kind}): {error}; it will be tried again.", err=True
        )
    if outcome.failed:
        raise SystemExit(1)
