"""The Atom feed of a published process's answers: valid Atom, one entry per answer, the newest first."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser

from toolkit.answers.models import AnswerStatus
from toolkit.answers.operations import record_answer
from toolkit.answers.threads import thread_of
from toolkit.extensions import db

from .test_public import SECRETS, public_world, publish

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_is_valid_atom_with_one_entry_per_answer_newest_first(make, login, client):
    world = public_world(make)
    publish(login, world)
    response = client.get(world["url"] + "feed.atom", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    body = response.get_data(as_text=True)
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    page_url = f"http://localhost{world['url']}"
    assert {(link.rel, link.href) for link in parsed.feed.links} == {
        ("self", page_url + "feed.atom"),
        ("alternate", page_url),
    }
    assert parsed.feed.id == page_url and "Servizi più vicini" in parsed.feed.title
    entries = parsed.entries
    assert len(entries) == 2
    assert [entry.title.split(" · ")[0] for entry in entries] == [
        "Azienda sanitaria di Borgo: Accepted",
        "Azienda sanitaria di Borgo: In progress",
    ]
    assert entries[0].updated_parsed >= entries[1].updated_parsed
    # The text as the body wrote it, escaped in the XML (never read as markup).
    assert entries[0].content[0].value == "Dal primo marzo c'è un mediatore <b>al CUP</b>"
    assert "&lt;b&gt;al CUP&lt;/b&gt;" in body
    assert entries[0].content[0].type == "text/plain" and entries[0].content[0].language == "it"
    assert "Un mediatore il martedì" in entries[1].content[0].value  # its commitment
    ids = [entry.id for entry in entries]
    assert len(set(ids)) == 2 and all(i.startswith(page_url + "#answer-") for i in ids)
    for secret in SECRETS:
        assert secret not in body


def test_the_feed_has_every_element_atom_requires(make, login, client):
    world = public_world(make)
    publish(login, world)
    root = ET.fromstring(client.get(world["url"] + "feed.atom").data)  # noqa: S314 (our own feed)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "content", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        assert entry.find(f"{ATOM}updated").text.endswith("Z")


def test_a_new_answer_is_the_first_entry_and_control_characters_do_not_break_the_feed(make, login, client):
    world = public_world(make)
    publish(login, world)
    thread = thread_of(world["process"], world["school"], world["to_school"].id)
    record_answer(thread, status=AnswerStatus.RECEIVED, text="Ricevuto\x0b grazie", language="it")
    db.session.commit()
    parsed = feedparser.parse(client.get(world["url"] + "feed.atom").data)
    assert not parsed.bozo
    assert len(parsed.entries) == 3
    assert parsed.entries[0].title.startswith("Ufficio scuola di Borgo")
    assert parsed.entries[0].content[0].value == "Ricevuto grazie"


def test_an_unpublished_process_has_no_feed(make, client):
    world = public_world(make)
    assert client.get(world["url"] + "feed.atom").status_code == 404
