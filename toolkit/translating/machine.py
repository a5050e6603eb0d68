"""Optional machine translation: drafts from a LibreTranslate-compatible service, for people to review.

Off unless ``MACHINE_TRANSLATION_URL`` is set. Pages never wait for the machine: they record a
:class:`~toolkit.translating.models.MachineRequest`, and a background job asks the service with a timeout and
stores its answer as a labelled draft (or why there is none). A machine draft is shown nowhere but in the
translators' queue until a person reviews it.
"""

from __future__ import annotations

import json
import time
import unicodedata
import urllib.error
import urllib.request
from typing import Protocol
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import background
from ..extensions import db
from .models import (
    MachineFailure,
    MachineRequest,
    MachineRequestState,
    TranslationKind,
    TranslationStatus,
)
from .operations import QueueItem, now, store_machine_draft
from .sources import SOURCES

#: The most a service's answer may weigh; anything larger is not a translation of one contribution.
MAX_ANSWER_BYTES = 256 * 1024


class MachineTranslationError(Exception):
    def __init__(self, failure: MachineFailure):
        super().__init__(failure.value)
        self.failure = failure


class MachineTranslator(Protocol):
    """What the toolkit needs of a machine translation service."""

    def translate(self, text: str, source: str, target: str) -> str:
        """``text`` in language ``source`` translated into ``target``; raises MachineTranslationError."""


class LibreTranslate:
    """A LibreTranslate-compatible HTTP service: ``POST {url}/translate`` with JSON, answering ``translatedText``."""

    def __init__(
        self, url: str, *, api_key: str = "", timeout: float = 10, codes: dict[str, str] | None = None
    ):
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("MACHINE_TRANSLATION_URL must be an http or https address")
        self.endpoint = url.rstrip("/") + "/translate"
        self.api_key = api_key
        self.timeout = timeout
        self.codes = codes or {}

    def translate(self, text: str, source: str, target: str) -> str:
        body = {
            "q": text,
            "source": self.codes.get(source, source),
            "target": self.codes.get(target, target),
            "format": "text",
        }
        if self.api_key:
            body["api_key"] = self.api_key
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.endpoint,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = _read_within(response, time.monotonic() + self.timeout)
        except urllib.error.HTTPError as error:
            failure = MachineFailure.LANGUAGE if error.code == 400 else MachineFailure.UNAVAILABLE
            raise MachineTranslationError(failure) from error
        except TimeoutError as error:
            raise MachineTranslationError(MachineFailure.TIMEOUT) from error
        except urllib.error.URLError as error:
            failure = (
                MachineFailure.TIMEOUT
                if isinstance(error.reason, TimeoutError)
                else MachineFailure.UNAVAILABLE
            )
            raise MachineTranslationError(failure) from error
        except OSError as error:
            raise MachineTranslationError(MachineFailure.UNAVAILABLE) from error
        return _checked_answer(raw, text)


def _read_within(response, deadline: float) -> bytes:
    """The body of an answer, read in pieces so that a service trickling bytes cannot hold a worker past the
    deadline (the socket's own timeout bounds each wait, not the whole answer)."""
    chunks, size = [], 0
    while chunk := response.read1(16 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            break
        if time.monotonic() > deadline:
            raise TimeoutError("the answer took too long")
    return b"".join(chunks)


def _checked_answer(raw: bytes, original: str) -> str:
    """The translated text of an answer, or BAD_ANSWER for anything that is not a plausible translation."""
    if len(raw) > MAX_ANSWER_BYTES:
        raise MachineTranslationError(MachineFailure.BAD_ANSWER)
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MachineTranslationError(MachineFailure.BAD_ANSWER) from error
    translated = answer.get("translatedText") if isinstance(answer, dict) else None
    if isinstance(translated, list) and len(translated) == 1:
        translated = translated[0]
    if not isinstance(translated, str):
        raise MachineTranslationError(MachineFailure.BAD_ANSWER)
    # Control characters other than line breaks and tabs have no place in a translation.
    translated = "".join(
        char for char in translated if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cs")
    ).strip()
    if not translated or len(translated) > 10 * len(original) + 200:
        raise MachineTranslationError(MachineFailure.BAD_ANSWER)
    return translated


def translator(app: Flask | None = None) -> MachineTranslator | None:
    """The configured machine translator, or None when machine translation is off."""
    config = (app or current_app).config
    if not config.get("MACHINE_TRANSLATION_URL"):
        return None
    return LibreTranslate(
        config["MACHINE_TRANSLATION_URL"],
        api_key=config.get("MACHINE_TRANSLATION_API_KEY", ""),
        timeout=config["MACHINE_TRANSLATION_TIMEOUT"],
        codes=config.get("MACHINE_TRANSLATION_CODES"),
    )


def enabled() -> bool:
    return bool(current_app.config.get("MACHINE_TRANSLATION_URL"))


def may_ask(item: QueueItem) -> bool:
    """A machine draft is asked only where no person has written anything yet."""
    if item.machine_waiting:
        return False
    translation = item.translation
    return translation is None or (
        translation.kind is TranslationKind.MACHINE
        and translation.status is TranslationStatus.DRAFT
        and translation.outdated
    )


def ask(items: list[QueueItem], language: str) -> list[int]:
    """Record a machine request for each item that may have one; returns their ids, to :func:`send` after the
    commit."""
    asked = []
    moment = now()
    for item in items:
        if not may_ask(item):
            continue
        request = item.machine
        if request is None:
            request = MachineRequest(
                territory_id=item.record.territory_id,
                source_kind=item.kind,
                source_id=item.record.id,
                process_id=item.record.process_id,
                language=language,
            )
            db.session.add(request)
        request.state = MachineRequestState.PENDING
        request.failure = None
        request.requested_at = moment
        request.started_at = None
        request.finished_at = None
        db.session.flush()
        asked.append(request.id)
    return asked


def send(request_ids: list[int]) -> None:
    """Hand the recorded requests to the background worker (call after the commit)."""
    if request_ids:
        background.submit(run_requests, list(request_ids))


def run_requests(request_ids: list[int]) -> None:
    """Ask the machine for each request, one after the other, storing each outcome as it comes."""
    for request_id in request_ids:
        run_request(request_id)


def run_request(request_id: int) -> None:
    """Ask the machine for one request and store its draft, or why there is none."""
    request = db.session.get(MachineRequest, request_id)
    if request is None or request.state is not MachineRequestState.PENDING:
        return  # answered already, or asked again meanwhile by someone else's job
    source = SOURCES[request.source_kind]
    record = source.load(request.source_id)
    if record is None:
        db.session.delete(request)
        db.session.commit()
        return
    request.started_at = now()
    db.session.commit()
    original, language = source.texts(record), source.language(record)
    service = translator()
    try:
        if service is None:
            raise MachineTranslationError(MachineFailure.UNAVAILABLE)
        if language == request.language:
            raise MachineTranslationError(MachineFailure.LANGUAGE)
        texts = {name: service.translate(text, language, request.language) for name, text in original.items()}
    except MachineTranslationError as error:
        _finish(request_id, MachineRequestState.FAILED, error.failure)
        return
    db.session.rollback()  # read the original afresh: it may have changed while the machine worked
    record = source.load(request.source_id)
    if record is not None:
        try:
            store_machine_draft(source, record, request.language, texts, original, language)
            db.session.commit()
        except (IntegrityError, StaleDataError):
            db.session.rollback()  # a person saved a translation at the same moment: theirs stays
    _finish(request_id, MachineRequestState.DONE, None)


def _finish(request_id: int, state: MachineRequestState, failure: MachineFailure | None) -> None:
    db.session.rollback()
    request = db.session.get(MachineRequest, request_id)
    if request is None:
        return
    request.state = state
    request.failure = failure
    request.finished_at = now()
    db.session.commit()
