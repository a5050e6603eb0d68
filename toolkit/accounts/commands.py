"""Commands for the site's administrators: help for a person who lost their second factor."""

from __future__ import annotations

import click

from ..extensions import db
from . import operations, two_factor
from .sessions import end_sessions


@click.command("turn-off-two-factor")
@click.argument("email")
def turn_off_two_factor(email: str) -> None:
    """Turn off the second factor of the account EMAIL (its phone and recovery codes are lost) and end its
    sessions; the person sets up a new one at the next login if their role requires it."""
    user = operations.find_user(email)
    if user is None or not user.has_two_factor:
        raise click.ClickException(f"{email} has no account with a second factor.")
    two_factor.turn_off(user)
    end_sessions(user, reason="two_factor_off")
    db.session.commit()
    click.echo(f"The second factor of {user.email} is off, and its sessions have ended.")
