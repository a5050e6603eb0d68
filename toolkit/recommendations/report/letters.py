"""The letters of a process: one per addressee, holding the recommendations addressed to it as the report prints
them, with the earliest date an answer is asked by."""

from __future__ import annotations

from flask_babel import format_date, gettext

from ...accounts.models import User
from ..models import Recommendation


def letters(printed: list[tuple[Recommendation, dict]], common: dict, sender: User | None) -> list[dict]:
    """A letter's context per addressee of the ``printed`` recommendations (each with its item as the report
    prints it, in the report's order), in the order of their first recommendation. ``common`` is what every
    document of the set shows (dates, version, page style); the letters name ``sender`` as the person to answer
    to. Called in the document's locale."""
    addressed: dict[int, list[tuple[Recommendation, dict]]] = {}
    for recommendation, item in printed:
        if recommendation.addressee is not None:
            addressed.setdefault(recommendation.addressee_id, []).append((recommendation, item))
    return [
        letter(addressee_id, entries, common, sender, total=len(printed))
        for addressee_id, entries in addressed.items()
    ]


def letter(
    addressee_id: int,
    entries: list[tuple[Recommendation, dict]],
    common: dict,
    sender: User | None,
    *,
    total: int,
) -> dict:
    """The letter to one addressee, with its recommendations ``entries`` and the ``total`` number the report
    makes."""
    addressee = entries[0][1]["addressee"]
    dates = [
        recommendation.respond_by
        for recommendation, _item in entries
        if recommendation.respond_by is not None
    ]
    return {
        **common,
        "title": gettext("Recommendations to %(addressee)s", addressee=addressee),
        "addressee_id": addressee_id,
        "addressee": addressee,
        "recommendations": [item for _recommendation, item in entries],
        "respond_by": format_date(min(dates), "long") if dates else "",
        "all_recommendations": total,
        "sender": {"name": sender.name, "email": sender.email} if sender is not None else None,
    }
