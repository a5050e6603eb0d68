"""Open data of a published process: its recommendations as issued in the published version, every answer of the
bodies with its history, and the barriers counted by service and category when publishing.

Only what publishing made public is read: the published version's frozen content, the answers to its
recommendations, and the figures counted then. Nothing personal goes out: no pseudonym, e-mail address, account
or participant, no link token, no text of a contribution (so nothing that moderation hid), and not the signature
of the person who wrote an answer (the answer is the body's, and a name typed as a signature is still a person's).

The JSON export follows ``open_data.schema.json`` beside this file; the CSV export is three files with a header
row each, UTF-8, every cell safe to open in a spreadsheet (see :func:`guard`).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import click
from flask import Blueprint, Response, g
from flask.cli import with_appcontext

from ..access import Rule, access, admit_holder_of
from ..extensions import db
from ..processes.models import Process
from .published import current_publication, publication_or_404
from .threads import threads_of

#: Changes when the meaning of a field changes or a field is removed; adding a field adds a minor version.
SCHEMA_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).with_name("open_data.schema.json")

#: The fields of a recommendation as issued that the open data publishes (quotes and evidence stay out).
RECOMMENDATION_FIELDS = (
    "id",
    "title",
    "language",
    "addressee",
    "priority",
    "respond_by",
    "problem",
    "proposed_change",
)
#: How many commitment columns a CSV of answers has at least (more when an answer has more commitments).
COMMITMENT_COLUMNS = 3
CSV_FILES = ("recommendations", "answers", "barriers")

#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): such a cell gets an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value) -> str:
    """A cell as text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unguard(text: str) -> str:
    """A cell read back: the apostrophe :func:`guard` added is removed (any other apostrophe stays)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def iso_moment(moment: datetime) -> str:
    """ISO 8601 with its offset (UTC); a time read back without a zone (SQLite) was stored as UTC."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat()


def _iso_date(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _recommendation(entry: dict) -> dict:
    return {
        **{name: entry.get(name) for name in RECOMMENDATION_FIELDS},
        "principles": [int(number) for number in entry.get("principles") or []],
        "organisations": [str(name) for name in entry.get("organisations") or []],
    }


def _answer(thread, answer) -> dict:
    return {
        "recommendation_id": thread.recommendation_id,
        "body": thread.organisation.name,
        "status": answer.status.value,
        "text": answer.text,
        "language": answer.language,
        "competent_body": answer.competent_body,
        "commitments": [
            {"what": c.what, "who": c.who, "due_on": _iso_date(c.due_on)} for c in answer.commitments
        ],
        "answered_at": iso_moment(answer.answered_at),
    }


def _count(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _name(value, language: str) -> str:
    """A service's or category's name as the figures hold it: text per language (the territory's first)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for chosen in (value.get(language), *value.values()):
            if isinstance(chosen, str) and chosen:
                return chosen
    return ""


def _entries(value) -> list[dict]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def barrier_counts(figures, language: str = "it") -> list[dict]:
    """The barriers counted by service and category when publishing (see :mod:`toolkit.answers.publishing`):
    for each service a row with no category (all its barriers), then a row per category. A barrier may be in
    several categories, so a service's category rows need not add up to its own row.

    The figures are read as publishing wrote them; what is missing or not a whole number is left out, never
    guessed (a publication made before the figures were counted has none)."""
    barriers = figures.get("barriers") if isinstance(figures, dict) else None
    if not isinstance(barriers, dict):
        return []
    category_names = {
        entry.get("id"): _name(entry.get("name"), language) for entry in _entries(barriers.get("by_category"))
    }
    counts = []
    for service in _entries(barriers.get("by_service")):
        name, total = _name(service.get("name"), language), _count(service.get("barriers"))
        if total is None:
            continue
        counts.append({"service": name, "category": None, "count": total})
        for category in _entries(service.get("categories")):
            count = _count(category.get("barriers"))
            if count is not None:
                counts.append(
                    {"service": name, "category": category_names.get(category.get("id"), ""), "count": count}
                )
    return counts


def export(publication) -> dict:
    """The open data of a published process, as the JSON document the schema describes."""
    process, issue = publication.process, publication.issue
    threads = threads_of(process, issue=issue)
    return {
        "schema_version": SCHEMA_VERSION,
        "process": {
            "id": process.id,
            "title": process.title,
            "territory": {"slug": process.territory.slug, "name": process.territory.name},
        },
        "version": {
            "number": issue.number,
            "issued_at": iso_moment(issue.issued_at),
            "languages": list(issue.languages or []),
        },
        "published_at": iso_moment(publication.published_at),
        "recommendations": [_recommendation(entry) for entry in issue.content.get("recommendations", [])],
        "answers": [_answer(thread, answer) for thread in threads for answer in thread.answers],
        "barrier_counts": barrier_counts(publication.figures, process.territory.default_locale),
    }


def write_csv(rows: list[list], delimiter: str = ",", bom: bool = False) -> str:
    """Rows (the header first) as CSV text, every cell guarded against formulas."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerows([[guard(cell) for cell in row] for row in rows])
    return out.getvalue()


def commitment_header(count: int) -> list[str]:
    return [f"commitment_{n}_{part}" for n in range(1, count + 1) for part in ("what", "who", "due")]


def commitment_cells(commitments: list[dict], count: int) -> list:
    cells = []
    for position in range(count):
        c = commitments[position] if position < len(commitments) else {}
        cells += [c.get("what", ""), c.get("who", ""), c.get("due_on") or ""]
    return cells


def csv_tables(document: dict) -> dict[str, list[list]]:
    """The JSON export as the rows of the three CSV files (the header first)."""
    recommendations = [[*RECOMMENDATION_FIELDS, "principles", "organisations"]] + [
        [
            *(r[name] for name in RECOMMENDATION_FIELDS),
            "; ".join(str(n) for n in r["principles"]),
            "; ".join(r["organisations"]),
        ]
        for r in document["recommendations"]
    ]
    width = max([COMMITMENT_COLUMNS, *(len(a["commitments"]) for a in document["answers"])])
    answer_fields = (
        "recommendation_id",
        "body",
        "status",
        "text",
        "language",
        "competent_body",
        "answered_at",
    )
    answers = [[*answer_fields, *commitment_header(width)]] + [
        [*(a[name] for name in answer_fields), *commitment_cells(a["commitments"], width)]
        for a in document["answers"]
    ]
    barriers = [["service", "category", "count"]] + [
        [b["service"], b["category"], b["count"]] for b in document["barrier_counts"]
    ]
    return {"recommendations": recommendations, "answers": answers, "barriers": barriers}


def csv_files(document: dict) -> dict[str, str]:
    """``{"recommendations.csv": text, ...}``: the three CSV files of the open data."""
    return {f"{name}.csv": write_csv(rows) for name, rows in csv_tables(document).items()}


def _filename(publication, name: str) -> str:
    return f"{publication.process.territory.slug}-process-{publication.process_id}-{name}"


# The public downloads, linked from the results page.

bp = Blueprint("open_data", __name__, url_prefix="/results/<territory_slug>/<int:process_id>")


def _published(process_id: int):
    publication = publication_or_404(g.territory.slug, process_id)
    admit_holder_of(publication)
    return publication


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/open-data.json")
@access(Rule.PUBLIC)
def json_export(process_id: int):
    """The open data of a published process as one JSON document; an unpublished process is not found."""
    publication = _published(process_id)
    body = json.dumps(export(publication), ensure_ascii=False, indent=2)
    return _download(body, "application/json", _filename(publication, "open-data.json"))


@bp.get("/<any(recommendations, answers, barriers):table>.csv")
@access(Rule.PUBLIC)
def csv_export(process_id: int, table: str):
    """One of the three CSV files of a published process's open data."""
    publication = _published(process_id)
    rows = csv_tables(export(publication))[table]
    return _download(write_csv(rows), "text/csv", _filename(publication, f"{table}.csv"))


# The command line.


@click.command("export")
@click.argument("process_id", type=int)
@click.option("--format", "form", type=click.Choice(["csv", "json"]), required=True, help="What to write.")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="json: the file to write; csv: the folder that receives recommendations.csv, answers.csv, barriers.csv.",
)
@with_appcontext
def export_command(process_id: int, form: str, out: Path) -> None:
    """Write the open data of a published process: its recommendations, answers and barrier counts."""
    process = db.session.get(Process, process_id)
    if process is None:
        raise click.ClickException(f"there is no process {process_id}")
    publication = current_publication(process)
    if publication is None:
        raise click.ClickException(
            f"process {process_id} is not published: open data is made only of published processes "
            "(its coordinator publishes the results)"
        )
    document = export(publication)
    if form == "json":
        out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(
            f"{out}: {len(document['recommendations'])} recommendations, {len(document['answers'])} answers"
        )
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, text in csv_files(document).items():
        # newline="": the csv module writes its own line ends (CRLF), and keeps those inside cells.
        with (out / name).open("w", encoding="utf-8", newline="") as file:
            file.write(text)
        click.echo(str(out / name))
