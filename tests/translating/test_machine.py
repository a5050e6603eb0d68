"""Machine drafts from LibreTranslate-compatible services running on loopback: one that answers, one that stalls
past the timeout, one that fails with 500, one that answers garbage, and one that is not there at all."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask_babel import force_locale, ngettext
from markupsafe import escape

from toolkit.background import wait_for_jobs
from toolkit.extensions import db
from toolkit.translating.models import (
    MachineFailure,
    MachineRequest,
    MachineRequestState,
    TranslationKind,
    TranslationStatus,
)

from .helpers import (
    ARABIC_BARRIER,
    ARABIC_TESTIMONY,
    form_state,
    said,
    stored,
    translate_url,
    translation_room,
)


class Service:
    """A translation service on a free loopback port; ``behaviour`` decides how it answers."""

    def __init__(self, behaviour: str):
        self.behaviour = behaviour
        self.requests: list[dict] = []
        self.arrived = threading.Event()
        self.release = threading.Event()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                service.requests.append({"path": self.path, **body})
                service.arrived.set()
                if service.behaviour in ("stall", "slow"):
                    service.release.wait(30)
                if service.behaviour == "stall":
                    return  # never answers within the client's patience
                if service.behaviour == "trickle":
                    # Each byte comes quickly enough for the socket, the whole answer never does.
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "4000")
                    self.end_headers()
                    for _ in range(4000):
                        if service.release.is_set():
                            return
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        service.release.wait(0.05)
                    return
                if service.behaviour == "error":
                    self._answer(500, b'{"error": "internal"}')
                elif service.behaviour == "garbage":
                    self._answer(200, b"<html><body>Gateway says hello</body></html>")
                else:
                    text = f"[{body['target']}] {body['q']}"
                    self._answer(200, json.dumps({"translatedText": text}).encode())

            def _answer(self, status: int, payload: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service(app):
    started = []

    def start(behaviour: str, timeout: float = 0.5) -> Service:
        running = Service(behaviour)
        started.append(running)
        app.config.update(MACHINE_TRANSLATION_URL=running.url, MACHINE_TRANSLATION_TIMEOUT=timeout)
        return running

    yield start
    for running in started:
        running.release.set()
    wait_for_jobs(app, timeout=30)
    for running in started:
        running.close()


def _ask_all(client, room, language="it"):
    return client.post(
        f"/t/{room['territory'].slug}/translations/machine",
        data={"process": room["process"].id, "language": language, "show": "to_do"},
    )


def _queue(client, room, **query) -> str:
    response = client.get(f"/t/{room['territory'].slug}/translations/", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_machine_drafts_arrive_labelled_and_wait_for_review(app, make, login, service):
    room = translation_room(make)
    running = service("ok")
    translator = login(room["translator"])
    page = _queue(translator, room)
    with app.test_request_context(), force_locale("it"):
        button = ngettext(
            "Ask the machine for a draft of %(num)d text", "Ask the machine for drafts of %(num)d texts", 2
        )
    assert str(escape(button)) in page
    response = _ask_all(translator, room)
    assert response.status_code == 302
    assert wait_for_jobs(app, timeout=30)

    asked = {(r["source"], r["target"], r["q"]) for r in running.requests}
    assert ("ar", "it", ARABIC_BARRIER) in asked and ("ar", "it", ARABIC_TESTIMONY) in asked
    assert all(r["path"] == "/translate" and r["format"] == "text" for r in running.requests)
    draft = stored(room["barrier"], "it")
    assert (draft.kind, draft.status) == (TranslationKind.MACHINE, TranslationStatus.DRAFT)
    assert draft.texts["text"] == f"[it] {ARABIC_BARRIER}"
    assert draft.texts["groups_affected"].startswith("[it] ")

    page = _queue(translator, room)
    assert said(app, "Machine draft to review") in page
    form = translator.get(translate_url(room, room["barrier"], "it")).get_data(as_text=True)
    assert str(escape(draft.texts["text"])) in form
    # Not shown anywhere else until a person reviews it.
    process_page = login(room["facilitator"]).get(
        f"/t/{room['territory'].slug}/processes/{room['process'].id}"
    )
    assert "[it]" not in process_page.get_data(as_text=True)


def test_chinese_is_asked_with_the_services_own_code(app, make, login, service):
    room = translation_room(make)
    running = service("ok")
    translator = login(room["translator"])
    _ask_all(translator, room, language="zh")
    assert wait_for_jobs(app, timeout=30)
    assert {r["target"] for r in running.requests} == {"zh-Hans"}
    assert stored(room["proposal"], "zh").texts["change"].startswith("[zh-Hans] ")


def test_a_stalled_service_never_holds_a_page_and_the_queue_says_so(app, make, login, service):
    room = translation_room(make)
    running = service("stall", timeout=0.5)
    translator = login(room["translator"])
    assert _ask_all(translator, room).status_code == 302
    # The service holds the request open; pages answer meanwhile, and the queue says drafts are coming.
    assert running.arrived.wait(10)
    assert not running.release.is_set()
    page = _queue(translator, room)
    assert said(app, "Machine draft on its way") in page
    assert (
        login(room["facilitator"])
        .get(f"/t/{room['territory'].slug}/processes/{room['process'].id}")
        .status_code
        == 200
    )
    assert wait_for_jobs(app, timeout=30)
    page = _queue(translator, room)
    assert said(app, "The machine translation service did not answer in time.") in page
    assert said(app, "You can translate these texts by hand, or ask the machine again later.") in page
    failed = db.session.scalars(db.select(MachineRequest)).all()
    assert {(r.state, r.failure) for r in failed} == {(MachineRequestState.FAILED, MachineFailure.TIMEOUT)}
    assert stored(room["barrier"], "it") is None
    # Asked again, the requests are sent anew.
    running.behaviour = "ok"
    running.release.set()
    _ask_all(translator, room)
    assert wait_for_jobs(app, timeout=30)
    assert stored(room["barrier"], "it").kind is TranslationKind.MACHINE


@pytest.mark.parametrize(
    ("behaviour", "failure", "message"),
    [
        (
            "error",
            MachineFailure.UNAVAILABLE,
            "The machine translation service could not be reached or answered with an error.",
        ),
        (
            "garbage",
            MachineFailure.BAD_ANSWER,
            "The machine translation service answered with something that is not a translation.",
        ),
    ],
)
def test_a_failing_service_leaves_the_pages_working_with_a_clear_notice(
    app, make, login, service, behaviour, failure, message
):
    room = translation_room(make)
    service(behaviour)
    translator = login(room["translator"])
    _ask_all(translator, room)
    assert wait_for_jobs(app, timeout=30)
    page = _queue(translator, room)
    assert said(app, message) in page
    assert {r.failure for r in db.session.scalars(db.select(MachineRequest))} == {failure}
    # The translation form still works by hand.
    form = translator.get(translate_url(room, room["testimony"], "it"))
    assert form.status_code == 200
    response = translator.post(
        translate_url(room, room["testimony"], "it"),
        data={
            **form_state(form.get_data(as_text=True)),
            "text": "Sono andata tre volte",
            "save_reviewed": "1",
        },
    )
    assert response.status_code == 302


def test_a_service_that_is_not_there(app, make, login):
    room = translation_room(make)
    app.config.update(MACHINE_TRANSLATION_URL="http://127.0.0.1:9", MACHINE_TRANSLATION_TIMEOUT=0.5)
    translator = login(room["translator"])
    _ask_all(translator, room)
    assert wait_for_jobs(app, timeout=30)
    assert said(
        app, "The machine translation service could not be reached or answered with an error."
    ) in _queue(translator, room)


def test_a_person_who_translates_while_the_machine_works_keeps_their_words(app, make, login, service):
    room = translation_room(make)
    running = service("slow", timeout=10)
    translator = login(room["translator"])
    url = translate_url(room, room["testimony"], "it")
    opened = form_state(translator.get(url).get_data(as_text=True))
    _ask_all(translator, room)
    assert running.arrived.wait(10)
    assert (
        translator.post(
            url, data={**opened, "text": "Sono andata tre volte", "save_reviewed": "1"}
        ).status_code
        == 302
    )
    running.release.set()
    assert wait_for_jobs(app, timeout=30)
    translation = stored(room["testimony"], "it")
    assert (translation.kind, translation.texts) == (TranslationKind.HUMAN, {"text": "Sono andata tre volte"})


def test_machine_translation_is_off_unless_configured(app, make, login):
    room = translation_room(make)
    translator = login(room["translator"])
    page = _queue(translator, room)
    assert "/translations/machine" not in page
    assert _ask_all(translator, room).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(MachineRequest)) == 0


def test_a_service_that_trickles_its_answer_is_given_up_at_the_deadline(app, make, login, service):
    room = translation_room(make)
    service("trickle", timeout=0.5)
    translator = login(room["translator"])
    _ask_all(translator, room)
    assert wait_for_jobs(app, timeout=30)
    assert said(app, "The machine translation service did not answer in time.") in _queue(translator, room)


def test_a_request_that_waited_long_for_a_worker_is_still_sent(app, make, login, service):
    from datetime import timedelta

    from toolkit.translating import machine
    from toolkit.translating.operations import now

    room = translation_room(make)
    running = service("ok")
    translator = login(room["translator"])
    from toolkit.translating import operations

    items = operations.queue(room["process"], "it")
    asked = machine.ask(items, "it")
    for request in db.session.scalars(db.select(MachineRequest)):
        request.requested_at = now() - timedelta(minutes=5)  # a long batch before it
    db.session.commit()
    machine.run_requests(asked)
    assert len(running.requests) >= 2
    assert stored(room["barrier"], "it").kind is TranslationKind.MACHINE
    assert said(app, "Machine draft to review") in _queue(translator, room)
