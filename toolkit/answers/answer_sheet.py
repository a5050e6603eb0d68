"""The sheet an office fills in to answer many recommendations at once: its columns, the CSV downloaded, and the
upload read back row by row (the pages are in :mod:`toolkit.answers.spreadsheet`).

Every cell is read back as it was written: the apostrophe that kept a formula from running is removed, so the
answers stored read exactly as typed, and the open data's answers file gives back the same cells.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date

from babel.numbers import get_decimal_symbol
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..forms import database_int
from ..i18n import LANGUAGES
from ..recommendations.models import Recommendation
from .labels import ANSWER_STATUSES
from .models import AnswerStatus, ForwardingDecision
from .open_data import commitment_header, unguard, write_csv
from .operations import COMMITMENT_MAX, NAME_MAX, TEXT_MAX, CommitmentData, record_answer
from .threads import Thread

#: What the file says of each recommendation (read back, never stored).
ABOUT_COLUMNS = ("recommendation_id", "title", "respond_by", "current_status")
#: What the office fills in.
ANSWER_COLUMNS = ("status", "text", "language", "competent_body")
COMMITMENTS = 3
COLUMNS = (*ABOUT_COLUMNS, *ANSWER_COLUMNS, *commitment_header(COMMITMENTS))
#: The columns an upload cannot do without (the commitments' may be left out).
REQUIRED_COLUMNS = ("recommendation_id", *ANSWER_COLUMNS)
#: The largest file taken, and the most rows (far more than any office is addressed).
UPLOAD_MAX_BYTES = 1024 * 1024
ROWS_MAX = 2000

#: Dates as people type them, or as a spreadsheet rewrites them: 2026-05-31, or 31/05/2026 (also 31.05.2026).
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


@dataclass
class RowAnswer:
    """One filled row of an upload, checked: what :func:`record_answer` stores."""

    thread: Thread
    status: AnswerStatus
    text: str
    language: str
    competent_body: str
    commitments: list[CommitmentData]


class Refused(Exception):
    """The file cannot be read at all (its messages say why); nothing of it is stored."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


def delimiter() -> str:
    """The separator a spreadsheet in the reader's language expects: a semicolon where the decimal mark is a
    comma (as Italian Excel does), a comma elsewhere. Uploads may use either."""
    return ";" if get_decimal_symbol(str(get_locale() or "en")) == "," else ","


def download(threads: list[Thread]) -> str:
    """The recommendations of one body as a CSV to fill in (with a BOM, so that spreadsheets read UTF-8)."""
    rows = [list(COLUMNS)]
    for thread in threads:
        about = [
            thread.recommendation_id,
            thread.issued.get("title", ""),
            thread.respond_by.isoformat() if thread.respond_by else "",
            thread.status.value if thread.status else "",
        ]
        rows.append(about + [""] * (len(COLUMNS) - len(about)))
    return write_csv(rows, delimiter=delimiter(), bom=True)


def _table(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows (as a spreadsheet numbers them: the header is row 1) of an upload."""
    if not data:
        raise Refused(_("The file is empty. Choose the file you filled in."))
    if len(data) > UPLOAD_MAX_BYTES:
        raise Refused(
            _(
                "The file is larger than %(size)s kB: upload one file per process.",
                size=UPLOAD_MAX_BYTES // 1024,
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(
            _("The file is not in UTF-8. In your spreadsheet, save it as “CSV UTF-8” and upload it again.")
        ) from None
    first_line = text.split("\n", 1)[0]
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error:
        raise Refused(
            _("The file cannot be read as CSV. Upload the file downloaded from this page.")
        ) from None
    if not rows:
        raise Refused(_("The file is empty. Choose the file you filled in."))
    header = [unguard(cell.strip().lstrip("\ufeff")).strip().lower() for cell in rows[0]]
    numbered = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]
    if len(numbered) > ROWS_MAX:
        raise Refused(_("The file has more than %(rows)s rows.", rows=ROWS_MAX))
    return header, numbered


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    messages = []
    if missing:
        messages.append(_("The first row lacks the columns: %(columns)s.", columns=", ".join(missing)))
    if unknown:
        messages.append(
            _("The first row has columns this page does not know: %(columns)s.", columns=", ".join(unknown))
        )
    if repeated:
        messages.append(_("The first row repeats the columns: %(columns)s.", columns=", ".join(repeated)))
    if messages:
        messages.append(_("Keep the first row of the downloaded file as it is, and upload it again."))
        raise Refused(*messages)


def _day(value: str) -> date | None:
    """A date typed in a cell; ValueError when it is not one."""
    if not value:
        return None
    matched = _DAY_FIRST.fullmatch(value)
    if matched:
        day, month, year = (int(part) for part in matched.groups())
        return date(year, month, day)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    raise ValueError(value)


def _too_long(number: int, column: str, value: str, limit: int) -> str | None:
    if len(value) <= limit:
        return None
    return _(
        "Row %(row)s, %(column)s: %(length)s characters, at most %(max)s are taken.",
        row=number,
        column=column,
        length=len(value),
        max=limit,
    )


def _commitments(number: int, cells: dict[str, str], errors: list[str]) -> list[CommitmentData]:
    commitments = []
    for position in range(1, COMMITMENTS + 1):
        what, who, due = (cells.get(f"commitment_{position}_{part}", "") for part in ("what", "who", "due"))
        prefix = f"commitment_{position}"
        if (who or due) and not what:
            errors.append(
                _("Row %(row)s, %(column)s: say what is committed to.", row=number, column=f"{prefix}_what")
            )
        for column, value, limit in (
            (f"{prefix}_what", what, COMMITMENT_MAX),
            (f"{prefix}_who", who, NAME_MAX),
        ):
            message = _too_long(number, column, value, limit)
            if message:
                errors.append(message)
        try:
            due_on = _day(due)
        except ValueError:
            errors.append(
                _(
                    "Row %(row)s, %(column)s: “%(value)s” is not a date; write it as 2026-05-31 or 31/05/2026.",
                    row=number,
                    column=f"{prefix}_due",
                    value=due,
                )
            )
            due_on = None
        if what:
            commitments.append(CommitmentData(what, who, due_on))
    return commitments


def _status(number: int, value: str, errors: list[str]) -> AnswerStatus | None:
    """The status a cell names: its code (``partly_accepted``, or with spaces) or its label in the page's language
    (an office types what it reads on screen: "Accettata", "مقبولة")."""
    wanted = " ".join(value.split()).casefold()
    for status, label in ANSWER_STATUSES.items():
        if wanted in (status.value, status.value.replace("_", " "), " ".join(str(label).split()).casefold()):
            return status
    errors.append(
        _(
            "Row %(row)s, status: “%(value)s” is not a status; write one of %(statuses)s.",
            row=number,
            value=value,
            statuses=", ".join(status.value for status in AnswerStatus),
        )
    )
    return None


def _row(
    number: int, cells: dict[str, str], threads: dict[int, Thread], existing, default_language: str, errors
):
    """The answer a filled row gives, or None (its errors appended to ``errors``)."""
    found = len(errors)
    recommendation_id = database_int(cells.get("recommendation_id", ""))
    thread = threads.get(recommendation_id) if recommendation_id is not None else None
    if thread is None:
        errors.append(
            _(
                "Row %(row)s, recommendation_id: “%(value)s” is not a recommendation addressed to you in this "
                "process.",
                row=number,
                value=cells.get("recommendation_id", ""),
            )
        )
    elif thread.forwarded_to is not None and thread.forwarded_to.decision is ForwardingDecision.FORWARDED:
        errors.append(
            _(
                "Row %(row)s: recommendation %(id)s was forwarded to another body: it is no longer yours to answer.",
                row=number,
                id=recommendation_id,
            )
        )
    elif thread.recommendation_id not in existing:
        errors.append(
            _(
                "Row %(row)s: recommendation %(id)s was withdrawn since it was issued: it needs no answer.",
                row=number,
                id=recommendation_id,
            )
        )
    status = _status(number, cells["status"], errors)
    text, language = cells.get("text", ""), cells.get("language", "").lower() or default_language
    competent_body = cells.get("competent_body", "")
    for column, value, limit in (("text", text, TEXT_MAX), ("competent_body", competent_body, NAME_MAX)):
        message = _too_long(number, column, value, limit)
        if message:
            errors.append(message)
    if language not in LANGUAGES:
        errors.append(
            _(
                "Row %(row)s, language: “%(value)s” is not a language of the toolkit; write one of %(codes)s.",
                row=number,
                value=language,
                codes=", ".join(LANGUAGES),
            )
        )
    if status is AnswerStatus.NOT_OUR_COMPETENCE and not competent_body:
        errors.append(_("Row %(row)s, competent_body: name the body that is competent for it.", row=number))
    commitments = _commitments(number, cells, errors)
    if len(errors) > found:
        return None
    return RowAnswer(thread, status, text, language, competent_body, commitments)


def read_upload(
    data: bytes, threads: list[Thread], default_language: str
) -> tuple[list[RowAnswer], list[str]]:
    """The answers of an uploaded file for the body whose ``threads`` these are, and the errors of its rows
    (any error: store none of it). Raises :class:`Refused` when the file cannot be read at all."""
    header, numbered = _table(data)
    _check_header(header)
    by_id = {thread.recommendation_id: thread for thread in threads}
    existing = set(db.session.scalars(select(Recommendation.id).where(Recommendation.id.in_(by_id))))
    answers: list[RowAnswer] = []
    errors: list[str] = []
    seen: dict[int, int] = {}
    for number, row in numbered:
        unnamed = [cell for name, cell in zip(header, row, strict=False) if not name] + row[len(header) :]
        if any(cell.strip() for cell in unnamed):
            errors.append(_("Row %(row)s has a cell in a column the first row does not name.", row=number))
            continue
        cells = {name: unguard(cell.strip()).strip() for name, cell in zip(header, row, strict=False)}
        cells.setdefault("status", "")
        answered = [cells.get(name) for name in COLUMNS[len(ABOUT_COLUMNS) :] if name != "language"]
        if not cells["status"]:
            if any(answered):
                errors.append(
                    _(
                        "Row %(row)s: it has an answer but no status. Write its status, or empty the row to "
                        "leave it unanswered this time.",
                        row=number,
                    )
                )
            continue
        recommendation_id = database_int(cells.get("recommendation_id", ""))
        earlier = seen.setdefault(recommendation_id, number) if recommendation_id is not None else number
        if earlier != number:
            errors.append(
                _(
                    "Row %(row)s: recommendation %(id)s is answered in row %(earlier)s already.",
                    row=number,
                    id=recommendation_id,
                    earlier=earlier,
                )
            )
            continue
        answer = _row(number, cells, by_id, existing, default_language, errors)
        if answer is None:
            continue
        answers.append(answer)
    return answers, errors


def row_key(form_key: str, recommendation_id: int) -> str:
    """The submission key of one row's answer: the same file sent twice from one page is stored once."""
    return hashlib.sha256(f"{form_key}:{recommendation_id}".encode()).hexdigest()


def store(answers: list[RowAnswer], form_key: str, *, user=None, link=None) -> None:
    """Record one answer per row (the caller commits them together)."""
    for row in answers:
        record_answer(
            row.thread,
            status=row.status,
            text=row.text,
            language=row.language,
            competent_body=row.competent_body,
            commitments=row.commitments,
            user=user,
            link=link,
            submission_key=row_key(form_key, row.thread.recommendation_id) if form_key else None,
        )
