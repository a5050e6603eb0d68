"""The answer link on every letter of an issued version: a fresh token per addressee, printed with its QR code.

The letters are rendered before the version is written, so the tokens are made first and printed, and the links
(their SHA-256 only) are written with the version, in its transaction: a version that fails to be issued leaves
no link. The token is never part of the letter's fingerprint, so a new link does not read as a changed letter.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for

from ..extensions import db
from ..processes.models import Process
from ..qr import qr_data_uri
from ..recommendations import issuing
from ..recommendations.models import DocumentIssue
from ..territories.models import Organisation
from . import links

#: Size of a module of the printed QR code (about 4 cm across for a link of the site).
QR_SCALE = 3


def answer_url(token: str) -> str:
    """The absolute address of the page a letter's token opens, built from the site's address (``SERVER_NAME``),
    in a request or outside one (the background worker that renders the letters)."""
    if has_request_context():
        return url_for("answering.link", token=token, _external=True)
    with current_app.test_request_context():
        return url_for("answering.link", token=token, _external=True)


def printed_link(token: str) -> dict:
    """What a letter prints of its link: the address and its QR code."""
    url = answer_url(token)
    return {"url": url, "qr": qr_data_uri(url, scale=QR_SCALE)}


class VersionLinks:
    """The answer links of one version being issued: one per addressee, the same in each language."""

    def __init__(self, process: Process):
        self.process = process
        #: Addressee id -> the token printed on its letters.
        self.tokens: dict[int, str] = {}

    def context(self, letter: dict) -> dict:
        token = self.tokens.setdefault(letter["addressee_id"], links.new_token())
        return {"answer_link": printed_link(token)}

    def store(self, issue: DocumentIssue) -> None:
        for addressee_id, token in self.tokens.items():
            organisation = db.session.get(Organisation, addressee_id)
            if organisation is not None:
                links.new_link(self.process, organisation, issue, token=token)


if VersionLinks not in issuing.letter_extras:
    issuing.letter_extras.append(VersionLinks)
