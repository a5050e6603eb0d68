"""Command-line tools: ``flask --app toolkit <command>``."""

from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from . import PROJECT_ROOT
from .access import Role
from .extensions import db
from .i18n import LANGUAGES

translate = AppGroup("translate", help="Extract, update and compile the interface translations.")


def register(app: Flask) -> None:
    app.cli.add_command(create_territory)
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)
    app.cli.add_command(translate)
    app.cli.add_command(render_report)
    app.cli.add_command(render_letters)
    app.cli.add_command(render_follow_up)
    from .answers.open_data import export_command
    from .answers.reminders import send_reminders
    from .backups import commands as backups

    app.cli.add_command(backups.backup)
    app.cli.add_command(backups.restore)
    app.cli.add_command(export_command)
    app.cli.add_command(send_reminders)


@click.command("create-territory")
@click.argument("slug")
@click.argument("name")
@click.option("--region", default="", help="Region or province.")
@click.option(
    "--language", "locale", default="it", type=click.Choice(list(LANGUAGES)), help="Document language."
)
def create_territory(slug: str, name: str, region: str, locale: str) -> None:
    """Create a territory with the default services catalogue and barrier taxonomy."""
    from .territories.models import Territory
    from .territories.operations import create_territory as create

    if db.session.scalar(db.select(Territory).where(Territory.slug == slug)):
        raise click.ClickException(f"a territory '{slug}' exists already")
    create(slug, name, region, locale)
    db.session.commit()
    click.echo(f"Territory '{slug}' created.")


@click.command("create-user")
@click.argument("email")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="Make the person a site administrator.")
@click.option("--role", type=click.Choice([r.value for r in Role]), multiple=True, help="Role to grant.")
@click.option("--territory", "territory_slug", help="Territory of the territory roles.")
@click.option("--network", "network_slug", help="Network of the network coordinator role.")
def create_user(email, name, password, admin, role, territory_slug, network_slug) -> None:
    """Create an account, optionally with roles in a territory or a network."""
    from .accounts import operations
    from .territories.models import Network, Territory

    if operations.find_user(email):
        raise click.ClickException(f"an account for {email} exists already")
    territory = network = None
    if territory_slug:
        territory = db.session.scalar(db.select(Territory).where(Territory.slug == territory_slug))
        if territory is None:
            raise click.ClickException(f"no territory '{territory_slug}'")
    if network_slug:
        network = db.session.scalar(db.select(Network).where(Network.slug == network_slug))
        if network is None:
            raise click.ClickException(f"no network '{network_slug}'")
    user = operations.create_user(email, name, password, is_admin=admin)
    for value in role:
        try:
            if Role(value) is Role.NETWORK_COORDINATOR:
                operations.grant_role(user, Role(value), network=network)
            else:
                operations.grant_role(user, Role(value), territory=territory)
        except ValueError as error:
            raise click.ClickException(f"{value}: {error}") from error
    db.session.commit()
    click.echo(f"Account {user.email} created.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has territories.")
def seed_demo(if_empty: bool) -> None:
    """Load a fictional territory with organisations, people of every role, services and workshop input."""
    from .demo import answers as follow_up
    from .demo.seed import DEMO_JOIN_CODE, DEMO_LOGINS, issue_demo_version, load_demo
    from .territories.models import Territory

    if if_empty and db.session.scalar(db.select(Territory.id).limit(1)) is not None:
        click.echo("The database has data already; demo data not loaded again.")
    else:
        load_demo()
        db.session.commit()
        follow_up.add_follow_up_recommendations()
        issue_demo_version()
        follow_up.answer_demo_version()
        click.echo("Demo data loaded.")
    click.echo(f"Demo logins (password for all: {DEMO_LOGINS['password']}):")
    for email, role in DEMO_LOGINS["accounts"]:
        click.echo(f"  {email:<40} {role}")
    click.echo(f"Open workshop to join from a phone: /join, code {DEMO_JOIN_CODE}")


def _documents_of(process_id: int, language: str | None, version: int | None):
    """The process, the language asked for (its territory's by default) and, with ``version``, that version."""
    from .processes.models import Process
    from .recommendations.models import DocumentIssue

    process = db.session.get(Process, process_id)
    if process is None:
        raise click.ClickException(f"there is no process {process_id}")
    language = language or process.territory.default_locale
    issue = None
    if version is not None:
        issue = db.session.scalar(
            db.select(DocumentIssue).where(
                DocumentIssue.process_id == process.id, DocumentIssue.number == version
            )
        )
        if issue is None:
            raise click.ClickException(f"process {process_id} has no version {version}")
        if language not in issue.languages:
            raise click.ClickException(
                f"version {version} was issued in {', '.join(issue.languages)}, not in {language}"
            )
    return process, language, issue


_LANGUAGE = click.option(
    "--lang", "language", type=click.Choice(list(LANGUAGES)), help="Default: the territory's."
)
_VERSION = click.option(
    "--version",
    "version",
    type=int,
    help="Write the stored documents of this issued version (default: the draft).",
)


@click.command("render-report")
@click.argument("process_id", type=int)
@_LANGUAGE
@_VERSION
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="PDF to write."
)
def render_report(process_id: int, language: str | None, version: int | None, out: str) -> None:
    """Write the council report of a process: the draft as it stands, or an issued version as it was stored."""
    from pathlib import Path

    from .documents import render_pdf
    from .recommendations.documents import document_set
    from .recommendations.models import DocumentKind

    process, language, issue = _documents_of(process_id, language, version)
    if issue is not None:
        document = next(
            d for d in issue.documents if d.kind is DocumentKind.REPORT and d.language == language
        )
        pdf, pages = document.pdf, document.pages
    else:
        rendered = render_pdf(
            "documents/report.html", language=language, **document_set(process, language).report
        )
        pdf, pages = rendered.pdf, rendered.pages
    Path(out).write_bytes(pdf)
    click.echo(f"{out}: {pages} pages")


@click.command("render-letters")
@click.argument("process_id", type=int)
@_LANGUAGE
@_VERSION
@click.option(
    "--out-dir", "out_dir", type=click.Path(file_okay=False), required=True, help="Folder to write to."
)
def render_letters(process_id: int, language: str | None, version: int | None, out_dir: str) -> None:
    """Write one letter per addressee of a process's recommendations into a folder."""
    from pathlib import Path

    from .documents import render_pdf
    from .recommendations.documents import document_set
    from .recommendations.issuing import slug
    from .recommendations.models import DocumentKind

    process, language, issue = _documents_of(process_id, language, version)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    if issue is not None:
        letters = [
            (d.addressee_name, d.pdf, d.pages)
            for d in issue.documents
            if d.kind is DocumentKind.LETTER and d.language == language
        ]
    else:
        letters = []
        for letter in document_set(process, language).letters:
            rendered = render_pdf("documents/letter.html", language=language, **letter)
            letters.append((letter["addressee"], rendered.pdf, rendered.pages))
    if not letters:
        click.echo("No recommendation has an addressee: no letter to write.")
    for addressee, pdf, pages in letters:
        path = folder / f"letter-{process.id}-{slug(addressee)}-{language}.pdf"
        path.write_bytes(pdf)
        click.echo(f"{path}: {addressee}, {pages} pages")


@click.command("render-follow-up")
@click.argument("process_id", type=int)
@click.option(
    "--language", "--lang", "language", type=click.Choice(list(LANGUAGES)), help="Default: the territory's."
)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="PDF to write."
)
def render_follow_up(process_id: int, language: str | None, out: str) -> None:
    """Write the follow-up report of a process: its latest issued version's recommendations and their answers as
    they stand now."""
    from pathlib import Path

    from .answers.follow_up_report import render

    process, language, _issue = _documents_of(process_id, language, None)
    rendered = render(process, language)
    if rendered is None:
        raise click.ClickException(
            f"process {process_id} has issued no version: there is nothing to follow up"
        )
    Path(out).write_bytes(rendered.pdf)
    click.echo(f"{out}: {rendered.pages} pages")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=PROJECT_ROOT)  # noqa: S603 (fixed arguments)


@translate.command("extract")
def extract() -> None:
    """Collect the marked strings of toolkit/ and templates/ into translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_ngettext:1,2",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        "translations/messages.pot",
        ".",
    )


@translate.command("update")
def update() -> None:
    """Extract, then merge new strings into every language's catalogue (English copies its source)."""
    extract.callback()
    _pybabel(
        "update",
        "-i",
        "translations/messages.pot",
        "-d",
        "translations",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    from .po_files import fill_source_language

    fill_source_language(PROJECT_ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po")


@translate.command("compile")
def compile_catalogues() -> None:
    """Compile the catalogues to .mo files (done by the set-up; never committed)."""
    _pybabel("compile", "-d", "translations", "--statistics")


@translate.command("init")
@click.argument("language")
def init(language: str) -> None:
    """Start the catalogue of a new language."""
    extract.callback()
    _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", language)


@translate.command("check")
@click.argument("languages", nargs=-1)
def check(languages: tuple[str, ...]) -> None:
    """Report untranslated, fuzzy, wrong-placeholder, copied-English or wrong-script entries."""
    from .po_files import catalogue_path, check_catalogue

    failed = False
    for language in languages or tuple(LANGUAGES):
        problems = check_catalogue(catalogue_path(PROJECT_ROOT / "translations", language), language)
        for problem in problems:
            click.echo(f"{language}: {problem}")
        failed = failed or bool(problems)
        if not problems:
            click.echo(f"{language}: complete")
    if failed:
        raise SystemExit(1)
