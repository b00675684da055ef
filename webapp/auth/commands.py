"""Commands that end a user's access at once: revoke-tokens, lock-user, unlock-user. Every app
process checks tokens and session versions against the database on each request, so the change
applies everywhere from the moment the command commits."""

import sys
from datetime import datetime, timezone

import click
from sqlalchemy import select

from attendance.accounts import signin
from attendance.accounts import users as accounts
from attendance.models import User

from ..extensions import db


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        click.echo(f"No user named {username}.", err=True)
        sys.exit(1)
    return user


@click.command("revoke-tokens")
@click.argument("username")
def revoke_tokens_command(username):
    """Revoke every API token of USERNAME."""
    user = _user(username)
    count = accounts.revoke_user_tokens(db.session, user, now=datetime.now(timezone.utc))
    db.session.commit()
    click.echo(f"Revoked {count} API token(s) of {user.username}.")


@click.command("lock-user")
@click.argument("username")
def lock_user_command(username):
    """Lock USERNAME: sign-in, browser sessions and API tokens are refused."""
    user = _user(username)
    accounts.set_active(db.session, user, False, now=datetime.now(timezone.utc))
    db.session.commit()
    click.echo(f"Locked {user.username}.")


@click.command("unlock-user")
@click.argument("username")
def unlock_user_command(username):
    """Unlock USERNAME (also lifts a lockout after wrong passwords)."""
    user = _user(username)
    accounts.set_active(db.session, user, True, now=datetime.now(timezone.utc))
    signin.clear_failures(user)
    db.session.commit()
    click.echo(f"Unlocked {user.username}.")


COMMANDS = [revoke_tokens_command, lock_user_command, unlock_user_command]
