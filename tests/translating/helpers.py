"""A process whose people write in Arabic and Italian, a translator and a facilitator."""

from __future__ import annotations

import re

from toolkit.access import Role
from toolkit.extensions import db
from toolkit.processes.models import StepKind
from toolkit.translating.models import TextTranslation
from toolkit.translating.operations import store_machine_draft
from toolkit.translating.sources import SOURCES_BY_MODEL
from toolkit.workshops.models import Participant, ParticipantRole

from ..factories import proposal_for

ARABIC_BARRIER = "في مكتب السجل المدني لا أحد يتكلم العربية ولا يوجد وسيط ثقافي."
ITALIAN_OF_BARRIER = "All'anagrafe nessuno parla arabo e non c'è un mediatore culturale."
ARABIC_TESTIMONY = "ذهبت ثلاث مرات ولم أفهم ما هي الأوراق المطلوبة."
ITALIAN_PROPOSAL = "Un mediatore culturale all'anagrafe due mattine a settimana"
ARABIC_OF_PROPOSAL = "وسيط ثقافي في مكتب السجل المدني صباحين في الأسبوع"

VERSION = re.compile(r'name="version"[^>]*value="([^"]*)"')
DIGEST = re.compile(r'name="source_digest"[^>]*value="([^"]*)"')


def translation_room(make, kind=StepKind.BARRIER_ROUND):
    """An open workshop with an Arabic barrier (and its testimony) and an Italian proposal answering it."""
    territory = make.territory()
    workshop = make.live_workshop(territory, kind)
    participant = Participant(
        territory_id=territory.id,
        workshop_id=workshop.id,
        role=ParticipantRole.RESIDENT,
        languages=["ar"],
        consent_version="test",
    )
    db.session.add(participant)
    db.session.flush()
    barrier = make.barrier(
        workshop,
        text=ARABIC_BARRIER,
        language="ar",
        groups_affected="النساء القادمات حديثا",
        testimony=ARABIC_TESTIMONY,
        participant=participant,
    )
    testimony = barrier.testimonies[0]
    proposal = proposal_for(workshop, [barrier], change=ITALIAN_PROPOSAL)
    return {
        "territory": territory,
        "workshop": workshop,
        "process": workshop.process,
        "barrier": barrier,
        "testimony": testimony,
        "proposal": proposal,
        "translator": make.user(Role.TRANSLATOR, territory, email=f"traduttore{territory.id}@example.org"),
        "facilitator": make.user(Role.FACILITATOR, territory),
    }


def translate_url(room, record, language: str) -> str:
    kind = SOURCES_BY_MODEL[type(record)].kind.value
    return f"/t/{room['territory'].slug}/translations/{kind}/{record.id}/{language}"


def stored(record, language: str) -> TextTranslation | None:
    kind = SOURCES_BY_MODEL[type(record)].kind
    return db.session.scalar(
        db.select(TextTranslation).where(
            TextTranslation.source_kind == kind,
            TextTranslation.source_id == record.id,
            TextTranslation.language == language,
        )
    )


def machine_draft(record, language: str, texts: dict[str, str]) -> TextTranslation:
    """A machine draft, stored as the background job stores it."""
    source = SOURCES_BY_MODEL[type(record)]
    draft = store_machine_draft(source, record, language, texts, source.texts(record), record.language)
    db.session.commit()
    return draft


def form_state(page: str) -> dict[str, str]:
    """The hidden fields a translation form carries: the version and the original it was opened on."""
    return {"version": VERSION.search(page).group(1), "source_digest": DIGEST.search(page).group(1)}


def said(app, message: str, page_language: str = "it", **values) -> str:
    """``message`` as a page in ``page_language`` shows it (translated, then HTML-escaped)."""
    from flask_babel import force_locale, gettext
    from markupsafe import escape

    with app.test_request_context(), force_locale(page_language):
        return str(escape(gettext(message, **values)))
