"""Helpers for tests of the live workshop: a phone that joins, and the fields of the barrier form."""

from __future__ import annotations

import re

SUBMISSION_KEY = re.compile(r'name="submission_key"[^>]*value="([^"]+)"')


def join(client, workshop, *, language: str = "it", pseudonym: str = "", role: str = "resident"):
    """Join ``workshop`` as a phone does: open the link, choose a language, agree, take part."""
    code = workshop.join_code
    assert client.get(f"/w/{code}").status_code == 200
    client.post("/language", data={"language": language, "next": f"/w/{code}/consent"})
    response = client.post(f"/w/{code}/consent", data={"pseudonym": pseudonym, "role": role, "consent": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/w/{code}/now")
    return client


def barrier_fields(client, workshop, service, form_page: str | None = None, **changes) -> dict:
    """What the barrier form sends, with the submission key of a fresh form, as a browser would."""
    page = client.get(form_page or f"/w/{workshop.join_code}/now").get_data(as_text=True)
    key = SUBMISSION_KEY.search(page).group(1)
    data = {
        "submission_key": key,
        "service": str(service.id),
        "text": "Allo sportello nessuno parla arabo e non c'è un mediatore.",
        "language": "it",
        "frequency": "often",
        "severity": "serious",
        "groups_affected": "Donne appena arrivate",
        "testimony": "",
        "may_quote": "y",
    }
    data.update(changes)
    return data
