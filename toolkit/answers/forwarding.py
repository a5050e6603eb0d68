"""The facilitator's decision on a "not our competence" answer: forward the recommendation to the body named, with
a letter and a link of its own, or keep it where it is, saying why.

A decision is written once, complete: the new link, the forwarding letter as rendered then (PDF and SHA-256) and
the date asked are in the same row, which nothing changes afterwards (see :data:`toolkit.answers.models.APPEND_ONLY`).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from wtforms import DateField, RadioField, SelectField
from wtforms.validators import DataRequired, Optional

from .. import audit
from ..accounts.models import User
from ..documents import render_pdf
from ..extensions import db
from ..forms import BaseForm, coerce_id, optional_long_text
from ..i18n import html_language, language_choices, text_direction
from ..markup import render_markdown
from ..processes.models import Process
from ..recommendations.documents import page_numbers_css
from ..recommendations.issuing import slug
from ..recommendations.labels import PRINCIPLES, PRIORITIES
from ..recommendations.models import Priority
from ..territories.models import Organisation
from . import links
from .letters import printed_link
from .models import Answer, AnswerStatus, Forwarding, ForwardingDecision
from .threads import Thread, today

#: The date asked of the new body, by default: this many days from the decision.
RESPOND_WITHIN_DAYS = 30
NOTE_MAX = 2000

FORWARD = "forward"
DECLINE = "decline"


def _tagged(locale: str) -> dict[str, str]:
    return {"lang": html_language(locale), "dir": text_direction(locale)}


class AlreadyDecided(Exception):
    """The facilitator (or another one, at the same moment) decided on this answer already."""


class ForwardingForm(BaseForm):
    decision = RadioField(
        _l("Your decision"), validators=[DataRequired(message=_l("Choose whether to forward it."))]
    )
    organisation = SelectField(
        _l("Forward to"),
        coerce=coerce_id,
        validators=[Optional()],
        description=_l("An organisation of the territory. It gets its own letter, with a link to answer."),
    )
    respond_by = DateField(_l("Answer requested by"), validators=[Optional()])
    language = SelectField(_l("Language of the letter"), validators=[Optional()])
    note = optional_long_text(
        _l("Note"),
        max_length=NOTE_MAX,
        description=_l("Why: shown in the recommendation's history. Required when it is not forwarded."),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [
            (FORWARD, _l("Forward it to the body named")),
            (DECLINE, _l("Do not forward it: it stays with the body it was addressed to")),
        ]
        # Names are the territory's words, tagged with its language (an Arabic page reads them as Italian).
        self.organisation.choices = [(0, _l("Choose an organisation"), {})] + [
            (o.id, o.name, _tagged(o.territory.default_locale)) for o in organisations
        ]
        self.language.choices = language_choices()
        self.organisation_ids = {o.id for o in organisations}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data == FORWARD:
            if self.organisation.data not in self.organisation_ids:
                self.organisation.errors = [
                    *self.organisation.errors,
                    _l("Choose the body to forward it to."),
                ]
                valid = False
            if self.respond_by.data is None:
                self.respond_by.errors = [*self.respond_by.errors, _l("Give the date an answer is asked by.")]
                valid = False
            elif self.respond_by.data < today():
                self.respond_by.errors = [*self.respond_by.errors, _l("The date is in the past.")]
                valid = False
        elif self.decision.data == DECLINE and not self.note.data:
            self.note.errors = [*self.note.errors, _l("Say why it is not forwarded.")]
            valid = False
        return valid


def candidates(thread: Thread, addressed: list[Thread]) -> list[Organisation]:
    """The organisations of the territory it may go to: not the body that answered, nor one it is already
    addressed to, nor an archived one."""
    taken = {t.organisation.id for t in addressed if t.recommendation_id == thread.recommendation_id}
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.territory_id == thread.organisation.territory_id)
        .order_by(Organisation.name)
    ).all()
    return [o for o in organisations if o.id not in taken and o.archived_at is None]


def matching(organisations: list[Organisation], named: str) -> Organisation | None:
    """The organisation whose name is the body the answer named (the same words, or one within the other)."""
    wanted = " ".join(named.casefold().split())
    if not wanted:
        return None
    for organisation in organisations:
        if " ".join(organisation.name.casefold().split()) == wanted:
            return organisation
    for organisation in organisations:
        name = " ".join(organisation.name.casefold().split())
        if wanted in name or name in wanted:
            return organisation
    return None


def default_respond_by() -> date:
    return today() + timedelta(days=RESPOND_WITHIN_DAYS)


def decision_of(answer: Answer) -> Forwarding | None:
    return db.session.scalars(select(Forwarding).where(Forwarding.answer_id == answer.id)).first()


def forward(
    thread: Thread,
    answer: Answer,
    organisation: Organisation,
    *,
    respond_by: date,
    note: str,
    language: str,
    by: User | None,
) -> Forwarding:
    """Forward ``thread``'s recommendation to ``organisation``: a new link, the letter rendered now, the decision
    written once (the caller commits)."""
    if decision_of(answer) is not None:
        raise AlreadyDecided
    process = db.session.get(Process, thread.process_id)
    link, token = links.new_link(process, organisation)
    pdf = render_pdf(
        "documents/forwarding_letter.html",
        language=language,
        **letter_context(process, thread, answer, organisation, respond_by, token, language, by),
    ).pdf
    forwarding = Forwarding(
        territory_id=process.territory_id,
        process_id=process.id,
        answer_id=answer.id,
        recommendation_id=thread.recommendation_id,
        from_organisation_id=thread.organisation.id,
        to_organisation_id=organisation.id,
        decision=ForwardingDecision.FORWARDED,
        note=note.strip(),
        respond_by=respond_by,
        decided_at=datetime.now(UTC),
        decided_by_id=by.id if by is not None else None,
        link_id=link.id,
        letter_language=language,
        letter_sha256=hashlib.sha256(pdf).hexdigest(),
        letter_pdf=pdf,
    )
    db.session.add(forwarding)
    db.session.flush()
    audit.record(
        "answers.forwarded",
        forwarding,
        recommendation=thread.recommendation_id,
        organisation=thread.organisation.id,
        to=organisation.id,
    )
    return forwarding


def decline(thread: Thread, answer: Answer, *, note: str, by: User | None) -> Forwarding:
    """Keep ``thread``'s recommendation with its body, saying why (the caller commits)."""
    if decision_of(answer) is not None:
        raise AlreadyDecided
    forwarding = Forwarding(
        territory_id=thread.organisation.territory_id,
        process_id=thread.process_id,
        answer_id=answer.id,
        recommendation_id=thread.recommendation_id,
        from_organisation_id=thread.organisation.id,
        decision=ForwardingDecision.DECLINED,
        note=note.strip(),
        decided_at=datetime.now(UTC),
        decided_by_id=by.id if by is not None else None,
    )
    db.session.add(forwarding)
    db.session.flush()
    audit.record(
        "answers.not_forwarded",
        forwarding,
        recommendation=thread.recommendation_id,
        organisation=thread.organisation.id,
    )
    return forwarding


def letter_context(
    process: Process,
    thread: Thread,
    answer: Answer,
    organisation: Organisation,
    respond_by: date,
    token: str,
    language: str,
    sender: User | None,
) -> dict:
    """What the forwarding letter shows, as plain data: the recommendation as issued, addressed to
    ``organisation``, the date asked, and the link (with its QR code) to answer it."""
    entry = thread.issued
    territory = process.territory
    number = next(
        (
            i
            for i, r in enumerate(thread.issue.content.get("recommendations", []), 1)
            if r["id"] == entry["id"]
        ),
        1,
    )
    with force_locale(language):
        asked = format_date(respond_by, "long")
        written_in = entry.get("language") or territory.default_locale
        item = {
            "number": number,
            "anchor": f"recommendation-{number}",
            "title": entry.get("title", ""),
            "problem": render_markdown(entry.get("problem", "")),
            "proposed_change": render_markdown(entry.get("proposed_change", "")),
            "feasibility": entry.get("feasibility", ""),
            "lang": html_language(written_in),
            "dir": text_direction(written_in),
            "translated_from": None,
            "addressee": organisation.name,
            "priority": str(PRIORITIES[Priority(entry.get("priority", Priority.MEDIUM.value))]),
            "principles": [str(PRINCIPLES[p]) for p in entry.get("principles") or [] if p in PRINCIPLES],
            "respond_by": asked,
            "evidence": len(entry.get("evidence") or []),
            "organisations": ", ".join(entry.get("organisations") or []),
            "quotes": [
                {
                    "text": quote["text"],
                    "lang": html_language(quote["language"]),
                    "dir": text_direction(quote["language"]),
                    "translation": None,
                }
                for quote in entry.get("quotes") or []
            ],
        }
        return {
            "page_style": page_numbers_css_style(),
            "territory_name": territory.name,
            "territory_lang": territory.default_locale,
            "process_title": process.title,
            "date": format_date(today(), "long"),
            "version": thread.issue.number,
            "draft": False,
            "addressee": organisation.name,
            "first_addressee": thread.organisation.name,
            "competent_body": answer.competent_body,
            "recommendation": item,
            "respond_by": asked,
            "answer_link": printed_link(token),
            "sender": {"name": sender.name, "email": sender.email} if sender is not None else None,
        }


def page_numbers_css_style() -> Markup:
    return Markup("<style>@page { @bottom-center { content: %s; } }</style>") % page_numbers_css()


def letter_filename(forwarding: Forwarding) -> str:
    name = forwarding.to_organisation.name if forwarding.to_organisation is not None else ""
    return (
        f"forwarding-{forwarding.process_id}-{forwarding.recommendation_id}-{slug(name)}"
        f"-{forwarding.letter_language or 'it'}.pdf"
    )


def is_forwardable(answer: Answer) -> bool:
    return answer.status is AnswerStatus.NOT_OUR_COMPETENCE
