"""The follow-up report of a process: where each recommendation of its latest issued version stands, the answers
of the bodies over time, and a chart of the statuses by addressee, as plain data for
``documents/follow_up.html``; and the view that lays it out as a PDF, in the reader's language, on request.

Nothing is stored: the PDF is rendered from the answers as they are when it is asked for. Like every statistic of
the follow-up, the counts never take a recommendation without an answer for a rejected one.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from datetime import date

from flask import Blueprint, abort, current_app, g, make_response, request
from flask_babel import force_locale, format_date, format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ..access import Permission, access
from ..extensions import db, limiter
from ..i18n import LANGUAGES, html_language, text_direction
from ..markup import render_markdown
from ..processes.models import Process
from ..recommendations.documents import page_numbers_css
from .labels import ANSWER_STATUSES, NO_ANSWER_YET, STANDINGS
from .models import AnswerStatus, ForwardingDecision
from .summary import ACKNOWLEDGED, UNANSWERED, counted, counted_status
from .threads import Standing, Thread, latest_issue, threads_of, today

bp = Blueprint("follow_up_report", __name__, url_prefix="/t/<territory_slug>")

#: The chart's categories, in the order of its bars and legend: what the statistics count a thread as (see
#: :func:`toolkit.answers.summary.counted_status`). Each
#: has a colour (at least 5:1 against white) and a pattern of its own, so that colour is never the only carrier.
CATEGORIES = (
    (AnswerStatus.IMPLEMENTED.value, "#1b5e20", "solid"),
    (AnswerStatus.IN_PROGRESS.value, "#1565c0", "horizontal"),
    (AnswerStatus.ACCEPTED.value, "#2e7d32", "diagonal"),
    (AnswerStatus.PARTLY_ACCEPTED.value, "#00695c", "dots"),
    (ACKNOWLEDGED, "#546e7a", "vertical"),
    (AnswerStatus.NOT_OUR_COMPETENCE.value, "#8d5b00", "back-diagonal"),
    (AnswerStatus.REJECTED.value, "#b71c1c", "crosshatch"),
    (UNANSWERED, "#ffffff", "empty"),
)

# The chart's geometry, in millimetres: the names of the addressees are printed beside the drawing, in the
# document's own text (the drawing's letters are laid out one by one, which Arabic script does not survive).
CHART_WIDTH = 122.0
BAR_START = 2.0
BAR_END = 112.0
BAR_HEIGHT = 6.0
ROW_MIN = 10.0
NAME_LINE = 4.2
#: Fewer letters than fit a line of the names' column: a row is never shorter than its name.
NAME_CHARACTERS = 24
AXIS_HEIGHT = 9.0


def report_context(process: Process, language: str, on: date | None = None) -> dict | None:
    """Everything the follow-up report of ``process`` shows, in ``language``, counted ``on`` a day (today by
    default); None when no version was issued."""
    issue = latest_issue(process)
    if issue is None:
        return None
    on = on or today()
    threads = threads_of(process, issue=issue)
    territory = process.territory
    with force_locale(language):
        direction = text_direction(language)
        return {
            "page_style": page_numbers_style(),
            "title": process.title,
            "territory_name": territory.name,
            "territory_lang": territory.default_locale,
            "process_title": process.title,
            "date": format_date(on, "long"),
            "version": issue.number,
            "version_date": format_date(issue.issued_at, "long"),
            "summary": summary(issue.content.get("recommendations", []), threads, on),
            "chart": status_chart(threads, direction),
            "recommendations": recommendation_items(threads, territory.default_locale, on),
        }


def page_numbers_style() -> Markup:
    """The footer's "page X of Y", in the document's language."""
    return Markup("<style>@page { @bottom-center { content: %s; } }</style>") % page_numbers_css()


# --- the summary -----------------------------------------------------------------------------------------------


def summary(issued: list[dict], threads: list[Thread], on: date) -> dict:
    """How many recommendations are answered, acknowledged, without an answer yet, overdue and forwarded, each
    counted once, at the body it is addressed to now (as the follow-up overview counts them)."""
    kept = counted(threads)
    statuses = Counter(counted_status(thread) for thread in kept)
    unanswered, acknowledged = statuses.pop(UNANSWERED, 0), statuses.pop(ACKNOWLEDGED, 0)
    addressed = {thread.recommendation_id for thread in threads}
    return {
        "recommendations": len(kept),
        "unaddressed": sum(1 for entry in issued if entry["id"] not in addressed),
        "answered": sum(statuses.values()),
        "acknowledged": acknowledged,
        "unanswered": unanswered,
        "overdue": sum(1 for thread in kept if thread.standing(on) is Standing.OVERDUE),
        "forwarded": len({t.recommendation_id for t in threads if t.forwarded_from is not None}),
    }


# --- the chart -------------------------------------------------------------------------------------------------


#: A thread whose entries only say "received" (the follow-up overview's words).
ACKNOWLEDGED_LABEL = _l("Acknowledged (received)")


def category_label(key: str) -> str:
    if key == UNANSWERED:
        return str(NO_ANSWER_YET)
    if key == ACKNOWLEDGED:
        return str(ACKNOWLEDGED_LABEL)
    return str(ANSWER_STATUSES[AnswerStatus(key)])


def name_lines(name: str) -> int:
    """How many lines a name takes in the names' column, at most (words wrapped as they come, a word longer
    than a line broken)."""
    lines, length = 0, NAME_CHARACTERS  # the first word starts a line
    for word in name.split():
        if length + 1 + len(word) <= NAME_CHARACTERS:
            length += 1 + len(word)
        else:
            taken = math.ceil(len(word) / NAME_CHARACTERS)
            lines += taken
            length = len(word) - (taken - 1) * NAME_CHARACTERS
    return max(lines, 1)


def axis_step(most: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50...) for at most six marks up to ``most``."""
    step, factors = 1, itertools.cycle((2, 2.5, 2))
    while most / step > 6:
        step = int(step * next(factors))
    return step


def status_chart(threads: list[Thread], direction: str) -> dict:
    """A stacked bar per addressee of its recommendations by their status (a forwarded one at the body it was
    forwarded to): the shapes the template draws, in millimetres, mirrored in a right-to-left document, and the
    same numbers in words for its text alternative."""
    counts: dict[int, Counter] = {}
    names: dict[int, str] = {}
    for thread in counted(threads):
        names[thread.organisation.id] = thread.organisation.name
        counts.setdefault(thread.organisation.id, Counter())[counted_status(thread)] += 1
    used = [c for c in CATEGORIES if any(counter[c[0]] for counter in counts.values())]
    most = max((sum(counter.values()) for counter in counts.values()), default=0)
    step = axis_step(most)
    top = max(step, math.ceil(most / step) * step)
    unit = (BAR_END - BAR_START) / top

    def x(start: float, width: float = 0) -> float:
        """The left edge of a shape from ``start`` mm along the reading direction."""
        return round(CHART_WIDTH - start - width if direction == "rtl" else start, 2)

    rows, y, sentences = [], 0.0, []
    for organisation_id, counter in counts.items():
        height = max(ROW_MIN, name_lines(names[organisation_id]) * NAME_LINE + 2)
        bar_y = round(y + (height - BAR_HEIGHT) / 2, 2)
        segments, start = [], BAR_START
        for key, colour, pattern in used:
            if counter[key]:
                width = counter[key] * unit
                number = format_number(counter[key])
                box = 1.9 * len(number) + 1.6
                segments.append(
                    {
                        "key": key,
                        "colour": colour,
                        "pattern": pattern,
                        "x": x(start, width),
                        "width": round(width, 2),
                        "number": number,
                        "box": round(box, 2) if width >= box + 1 else None,
                        "box_x": round(x(start + width / 2) - box / 2, 2),
                        "middle": x(start + width / 2),
                    }
                )
                start += width
        total = sum(counter.values())
        rows.append(
            {
                "name": names[organisation_id],
                "height": round(height, 2),
                "bar_y": bar_y,
                "segments": segments,
                "total": format_number(total),
                "total_x": x(start + 1.2),
            }
        )
        parts = ", ".join(
            gettext(
                "%(count)s %(status)s", count=format_number(counter[key]), status=category_label(key).lower()
            )
            for key, _colour, _pattern in used
            if counter[key]
        )
        sentences.append(gettext("%(body)s: %(statuses)s.", body=names[organisation_id], statuses=parts))
        y += height
    ticks = [
        {"value": format_number(value), "x": x(BAR_START + value * unit)} for value in range(0, top + 1, step)
    ]
    return {
        "width": CHART_WIDTH,
        "height": round(y + AXIS_HEIGHT, 2),
        "rows_height": round(y, 2),
        "axis_from": x(BAR_START),
        "axis_to": x(BAR_END),
        "anchor": "end" if direction == "rtl" else "start",
        "rows": rows,
        "ticks": ticks,
        "legend": [{"key": k, "colour": c, "pattern": p, "label": category_label(k)} for k, c, p in used],
        "alt": " ".join(
            [gettext("Recommendations by addressee and by the status of its latest answer."), *sentences]
        ),
    }


# --- each recommendation and its answers ------------------------------------------------------------------------


def recommendation_items(threads: list[Thread], territory_lang: str, on: date) -> list[dict]:
    """Each recommendation as issued, in the version's order, with each body's answers to it, oldest first."""
    items: dict[int, dict] = {}
    for thread in threads:
        entry = thread.issued
        item = items.get(thread.recommendation_id)
        if item is None:
            lang = entry.get("language") or territory_lang
            item = items[thread.recommendation_id] = {
                "anchor": f"recommendation-{thread.recommendation_id}",
                "title": entry["title"],
                "lang": html_language(lang),
                "dir": text_direction(lang),
                "addressee": entry.get("addressee", ""),
                "respond_by": _date(thread.respond_by) if not thread.forwarded_from else None,
                "proposed_change": render_markdown(entry.get("proposed_change", "")),
                "threads": [],
            }
        item["threads"].append(_thread_item(thread, on))
    return list(items.values())


def _date(day) -> str | None:
    return format_date(day, "long") if day is not None else None


def _thread_item(thread: Thread, on: date) -> dict:
    standing = thread.standing(on)
    forwarded_from = thread.forwarded_from
    forwarded_to = thread.forwarded_to
    return {
        "body": thread.organisation.name,
        # Answered or forwarded is said by the answers and the forwarding themselves; otherwise that there is no
        # answer yet, and how the date asked stands when it is near or past.
        "no_answer": standing not in (Standing.ANSWERED, Standing.FORWARDED),
        "due": str(STANDINGS[standing])
        if standing in (Standing.DUE_SOON, Standing.DUE, Standing.OVERDUE)
        else None,
        "overdue": standing is Standing.OVERDUE,
        "respond_by": _date(thread.respond_by),
        # The facilitator's note is printed once, with the body the recommendation was forwarded from.
        "forwarded_from": {
            "body": forwarded_from.from_organisation.name,
            "date": _date(forwarded_from.decided_at),
        }
        if forwarded_from is not None
        else None,
        "forwarded_to": {
            "forwarded": forwarded_to.decision is ForwardingDecision.FORWARDED,
            "body": forwarded_to.to_organisation.name if forwarded_to.to_organisation else "",
            "date": _date(forwarded_to.decided_at),
            "note": forwarded_to.note,
        }
        if forwarded_to is not None
        else None,
        "awaiting_forwarding": thread.awaiting_forwarding,
        "answers": [
            {
                "date": _date(answer.answered_at),
                "status": str(ANSWER_STATUSES[answer.status]),
                "status_key": answer.status.value,
                "text": answer.text,
                "lang": html_language(answer.language),
                "dir": text_direction(answer.language),
                "competent_body": answer.competent_body,
                "signed_by": answer.signed_by,
                "commitments": [
                    {"what": c.what, "who": c.who, "due_on": _date(c.due_on)} for c in answer.commitments
                ],
            }
            for answer in thread.answers
        ],
    }


# --- the PDF, on request ------------------------------------------------------------------------------------


def render(process: Process, language: str):
    """The follow-up report of ``process`` in ``language`` (a RenderedPDF), or None when no version was issued."""
    from ..documents import render_pdf

    context = report_context(process, language)
    if context is None:
        return None
    return render_pdf("documents/follow_up.html", language=language, **context)


@bp.get("/processes/<int:process_id>/follow-up/report.pdf")
@access(Permission.VIEW_PROCESSES)
@limiter.limit(
    lambda: current_app.config["PREVIEW_LIMIT"], key_func=lambda: f"follow-up:{current_user.get_id()}"
)
def follow_up_pdf(process_id: int):
    """The follow-up report as the answers stand now, in the language asked for (the territory's by default)."""
    process = db.get_or_404(Process, process_id)
    if process.territory_id != g.territory.id:
        abort(404)
    language = request.args.get("language", process.territory.default_locale)
    if language not in LANGUAGES:
        abort(404)
    rendered = render(process, language)
    if rendered is None:
        abort(404)
    response = make_response(rendered.pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="follow-up-{process.id}-{language}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
