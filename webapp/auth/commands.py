"""Commands that end a user's access at once: revoke-tokens, lock-user, unlock-user (every app
process checks tokens and session versions against the database on each request, so the change
applies everywhere from the moment the command commits); and the second factor's totp-enable,
totp-disable."""

import sys
from datetime import UTC, datetime

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
    count = accounts.revoke_user_tokens(db.session, user, now=datetime.now(UTC))
    db.session.commit()
    click.echo(f"Revoked {count} API token(s) of {user.username}.")


@click.command("lock-user")
@click.argument("username")
def lock_user_command(username):
    """Lock USERNAME: sign-in, browser sessions and API tokens are refused."""
    user = _user(username)
    accounts.set_active(db.session, user, False, now=datetime.now(UTC))
    db.session.commit()
    click.echo(f"Locked {user.username}.")


@click.command("unlock-user")
@click.argument("username")
def unlock_user_command(username):
    """Unlock USERNAME (also lifts a lockout after wrong passwords)."""
    user = _user(username)
    accounts.set_active(db.session, user, True, now=datetime.now(UTC))
    signin.clear_failures(user)
    db.session.commit()
    click.echo(f"Unlocked {user.username}.")


@click.command("totp-enable")
@click.argument("username")
@click.option("--code", help="The 6-digit code the app shows (asked for when not given).")
def totp_enable_command(username, code):
    """Turn on the second factor (TOTP) for USERNAME: add the printed secret (or otpauth URI)
    to an authenticator app, then give the code it shows. Prints 10 one-time recovery codes."""
    user = _user(username)
    secret = signin.new_totp_secret()
    click.echo(f"Secret: {secret}")
    click.echo(f"URI: {signin.totp_uri(user, secret)}")
    if code is None:
        code = click.prompt("Code shown by the app")
    try:
        codes = signin.enable_totp(db.session, user, secret, code, now=datetime.now(UTC))
    except signin.SignInError:
        click.echo("That code is not the current one: nothing changed.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo("Second factor on. Recovery codes (each works once; keep them safe):")
    for one in codes:
        click.echo(one)


@click.command("totp-disable")
@click.argument("username")
def totp_disable_command(username):
    """Turn off the second factor of USERNAME (e.g. a lost phone and no recovery code)."""
    user = _user(username)
    signin.disable_totp(db.session, user, now=datetime.now(UTC), actor=None)
    db.session.commit()
    click.echo(f"Second factor off for {user.username}.")


COMMANDS = [revoke_tokens_command, lock_user_command, unlock_user_command, totp_enable_command,
            totp_disable_command]
