"""The public results of a process, once its coordinator published them: a page anyone can read and print, in
every interface language, and an Atom feed of the answers for those who follow without an account.

Both read only what publishing made public: the version named by the publication (as issued), the figures counted
when publishing, and the answers to that version's recommendations with their history. Never a draft, a
participant's pseudonym, an e-mail address, a text hidden by moderation or the token of a letter's link. Every URL
of a process that is not published (never, or no longer) answers 404, like an unknown process or territory.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, current_app, g, make_response, render_template, url_for
from flask_babel import lazy_gettext as _l

from ..access import Rule, access, admit_holder_of
from .labels import ANSWER_STATUSES
from .models import Publication
from .published import publication_or_404
from .threads import Thread, threads_of

bp = Blueprint("results", __name__, url_prefix="/results/<territory_slug>/<int:process_id>")

#: How the results came about, by the key a publication's figures name.
METHODS = {
    "codesign_workshops": _l(
        "Residents with a migrant background, the associations that work with them and the staff of public "
        "services met in workshops, in their own languages. They described the barriers they meet when using "
        "public services, and co-designed changes with the facilitators. The coordinator of the process issued "
        "the recommendations below to the bodies that can act on them, and each body is asked to answer each "
        "recommendation. Every answer is kept: a later answer is added to the history, never written over it."
    ),
}

#: How the figures of the page are counted.
STATISTICS_METHOD = _l(
    "Participants are counted, never named: by the role they chose when joining a workshop, and by the first "
    "language they read. Barriers are counted when they are kept as evidence: barriers hidden by moderation, "
    "merged into others or withdrawn by their authors are not. A recommendation without an answer is counted as "
    "unanswered, never as rejected."
)

#: The open data downloads (see :mod:`toolkit.answers.open_data`): their name under the page's address, their
#: endpoint and its values, what they hold.
DOWNLOADS = (
    ("open-data.json", "open_data.json_export", {}, _l("Everything, as JSON")),
    (
        "recommendations.csv",
        "open_data.csv_export",
        {"table": "recommendations"},
        _l("Recommendations, as CSV"),
    ),
    ("answers.csv", "open_data.csv_export", {"table": "answers"}, _l("Answers and their history, as CSV")),
    (
        "barriers.csv",
        "open_data.csv_export",
        {"table": "barriers"},
        _l("Barriers counted by service and category, as CSV"),
    ),
)

#: Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class PublishedRecommendation:
    """A recommendation as issued in the published version, with the threads of the bodies asked to answer it."""

    issued: dict
    threads: list[Thread]


def _published(process_id: int) -> Publication:
    """The publication in force of the process in the URL (404 otherwise); the request may then read its
    territory, and nothing else."""
    publication = publication_or_404(g.territory.slug, process_id)
    admit_holder_of(publication)
    return publication


def _recommendations(publication: Publication, threads: list[Thread]) -> list[PublishedRecommendation]:
    by_recommendation: dict[int, list[Thread]] = {}
    for thread in threads:
        by_recommendation.setdefault(thread.recommendation_id, []).append(thread)
    return [
        PublishedRecommendation(entry, by_recommendation.get(entry["id"], []))
        for entry in publication.issue.content.get("recommendations", [])
    ]


def _standing(threads: list[Thread]) -> list[tuple[str, int]]:
    """How many threads stand at each status of their latest answer; those without one, apart."""
    counted = Counter(thread.status.value if thread.status else "" for thread in threads)
    order = ["", *(status.value for status in ANSWER_STATUSES)]
    return [(status, counted[status]) for status in order if counted[status]]


def _download_url(process_id: int, page_url: str, name: str, endpoint: str, values: dict) -> str:
    if endpoint in current_app.view_functions:
        return url_for(endpoint, process_id=process_id, _external=True, **values)
    return page_url + name


@bp.get("/")
@access(Rule.PUBLIC)
def page(process_id: int):
    """The results page: the method, participation in numbers, the recommendations as issued, the answers and
    their history, and the open data to download."""
    publication = _published(process_id)
    threads = threads_of(publication.process, issue=publication.issue)
    figures = publication.figures or {}
    page_url = url_for("results.page", process_id=process_id, _external=True)
    return render_template(
        "results/page.html",
        publication=publication,
        process=publication.process,
        figures=figures,
        category_names={c["id"]: c["name"] for c in figures.get("barriers", {}).get("by_category", [])},
        method=METHODS.get(figures.get("method", "")),
        statistics_method=STATISTICS_METHOD,
        recommendations=_recommendations(publication, threads),
        standing=_standing(threads),
        page_url=page_url,
        feed_url=url_for("results.feed", process_id=process_id, _external=True),
        downloads=[
            (_download_url(process_id, page_url, *download[:3]), download[3]) for download in DOWNLOADS
        ],
    )


def atom_date(moment: datetime) -> str:
    """``moment`` as RFC 3339 in UTC (a database that keeps no time zone keeps UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def xml_text(text: str | None) -> str:
    """``text`` without the characters XML cannot hold (escaping is the template's)."""
    return _NOT_XML.sub("", text or "")


@bp.get("/feed.atom")
@access(Rule.PUBLIC)
def feed(process_id: int):
    """An Atom feed of the answers to the published version, the newest first."""
    publication = _published(process_id)
    threads = threads_of(publication.process, issue=publication.issue)
    entries = sorted(
        ((answer, thread) for thread in threads for answer in thread.answers),
        key=lambda pair: (pair[0].answered_at, pair[0].id),
        reverse=True,
    )
    updated = max(
        atom_date(moment) for moment in [publication.published_at, *(a.answered_at for a, _t in entries)]
    )
    body = render_template(
        "results/feed.atom",
        publication=publication,
        process=publication.process,
        entries=entries,
        updated=updated,
        page_url=url_for("results.page", process_id=process_id, _external=True),
        feed_url=url_for("results.feed", process_id=process_id, _external=True),
        xml_text=xml_text,
        atom_date=atom_date,
    )
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response
