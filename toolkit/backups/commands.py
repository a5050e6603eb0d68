"""``flask --app toolkit backup --out FILE`` and ``flask --app toolkit restore FILE``."""

from __future__ import annotations

from pathlib import Path

import click

from ..extensions import db
from . import operations
from .operations import BackupError


@click.command("backup")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="File to write (replaced only once the backup is complete).",
)
def backup(out: Path) -> None:
    """Back up the whole configured database into one file, while the application keeps running."""
    url = db.engine.url
    try:
        summary = operations.backup(url, out)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    size = out.stat().st_size
    if url.get_backend_name() == "sqlite":
        click.echo(
            f"Backed up {operations.describe(url)} to {out}: {size:,} bytes, "
            f"{summary.tables} tables, {summary.total:,} rows."
        )
    else:
        click.echo(f"Backed up {operations.describe(url)} to {out} (pg_dump, custom format): {size:,} bytes.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
def restore(source: Path, force: bool) -> None:
    """Restore a backup made by `backup` into the configured database (stop the application first)."""
    url = db.engine.url
    db.session.remove()
    try:
        summary = operations.restore(url, source, db.engine, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored {source} into {operations.describe(url)}: {summary.tables} tables, {summary.total:,} rows."
    )
    click.echo(
        "Run `flask --app toolkit db upgrade` (for a backup of an older version), then start the application."
    )
