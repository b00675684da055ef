"""The command line of the contract: ``flask --app webapp COMMAND``."""

import functools
import sys
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from attendance import demo
from attendance.accounts import users as accounts
from attendance.errors import DomainError, ValidationError
from attendance.models import ROLES, StudySession, User
from attendance.members import imports as member_import
from attendance.roster import imports as roster_import

from .checkin import card_key, join_key
from .cards.commands import (print_cards_command, print_invitations_command,
                             print_posters_command)
from .errors import field_messages, message
from .extensions import db
from .reports.commands import export_command
from .imports import run_command
from .units.commands import import_units_command


def _now() -> datetime:
    return datetime.now(timezone.utc)


@click.command("init-db")
def init_db_command():
    """Create or migrate the database to the newest schema."""
    upgrade()
    click.echo("Database is at the newest schema.")


@click.command("seed-demo")
@click.option("--start", help='Local start "YYYY-MM-DD HH:MM" (default: 2023-10-17 07:30).')
@click.option("--if-empty", is_flag=True, help="Do nothing when a session already exists.")
def seed_demo_command(start, if_empty):
    """Load the demo: plan 145-KH/TU studying Kết luận 57-KL/TW, 16 venues, its roster."""
    if if_empty and db.session.scalar(select(StudySession.id).limit(1)):
        click.echo("The database already has sessions; demo not loaded.")
        return
    starts_at = None
    if start:
        try:
            local = datetime.strptime(start, "%Y-%m-%d %H:%M")
        except ValueError:
            raise click.BadParameter('use "YYYY-MM-DD HH:MM"', param_hint="--start")
        starts_at = local.replace(tzinfo=ZoneInfo(demo.TIMEZONE))
    try:
        result = demo.seed(db.session, now=_now(), starts_at=starts_at, card_key=card_key(),
                           join_key=join_key())
    except ValidationError as error:  # e.g. a --start far outside the years sessions take
        for field, text in field_messages(error).items():
            click.echo(f"{'--start' if field.endswith('_at') else field}: {text}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Demo session {result.session.id}: {result.session.title}")
    click.echo(f"  {len(result.session.venues)} venues, {result.people} people")
    click.echo(f"  {result.members} members in the registry, {result.classes} follow-on "
               "classes in the cells")
    click.echo("Demo logins (username / password):")
    for username, role, password in result.logins:
        click.echo(f"  {username:<14} {role:<12} {password}")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--venue", "venue_id", type=int, help="Venue ID (staff, coordinator).")
@click.option("--unit", "unit_id", type=int, help="Unit ID (reporter).")
@click.option("--password", help="Asked for when not given.")
@click.option("--full-name", default="")
def create_user_command(username, role, venue_id, unit_id, password, full_name):
    """Create a user with a role, scoped to a venue or unit where the role needs it."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(db.session, username=username, role=role, password=password,
                                    venue_id=venue_id, unit_id=unit_id, full_name=full_name,
                                    now=_now())
    except ValidationError as error:
        given = {"venue_id": f"--venue {venue_id}", "unit_id": f"--unit {unit_id}",
                 "username": username, "role": f"--role {role}", "password": "--password"}
        for field, text in field_messages(error).items():
            click.echo(f"{given.get(field, field)}: {text}", err=True)
        click.echo("No user created.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"User {user.username} ({user.role}) created with id {user.id}.")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="cli", help="A label to recognise the token by.")
def create_token_command(username, name):
    """Issue a new API token for USERNAME; the token is printed on the last line."""
    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        click.echo(f"No user named {username}.", err=True)
        sys.exit(1)
    token = accounts.issue_api_token(db.session, user, now=_now(), name=name)
    db.session.commit()
    click.echo(f"API token for {user.username} (shown once, keep it safe):")
    click.echo(token)


@click.command("import-roster")
@click.argument("session_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--update", is_flag=True,
              help="Add and update: rows matching a person on the roster (by member number "
                   "or phone) update them.")
def import_roster_command(session_id, file, update):
    """Import a roster (CSV or XLSX) into a session: all rows or none."""
    session = db.session.get(StudySession, session_id)
    if session is None:
        click.echo(f"No session with id {session_id}.", err=True)
        sys.exit(1)
    preview, count = run_command(
        lambda: roster_import.build_preview(db.session, session, file.read_bytes(), file.name,
                                            mode="update" if update else "add",
                                            key=card_key()),
        lambda preview: roster_import.import_roster(db.session, session, preview, now=_now(),
                                                    actor=None))
    if update:
        click.echo(f"Imported {count} people: {preview.count('add')} added, "
                   f"{preview.count('update')} updated, {preview.count('unchanged')} unchanged")
    else:
        click.echo(f"Imported {count} people")


@click.command("import-members")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_members_command(file):
    """Import members (CSV or XLSX): all rows or none; updates by member number, or by unit +
    full name + birth date."""
    _, counts = run_command(
        lambda: member_import.build_preview(db.session, file.read_bytes(), file.name,
                                            now=_now(), actor=None),
        lambda preview: member_import.import_members(db.session, preview, now=_now(),
                                                     actor=None))
    click.echo(f"Members: {counts['add']} added, {counts['update']} updated, "
               f"{counts['unchanged']} unchanged")


COMMANDS = [init_db_command, import_members_command, seed_demo_command, create_user_command,
            create_token_command, import_roster_command, print_cards_command,
            print_invitations_command, print_posters_command, export_command,
            import_units_command]


def init_app(app) -> None:
    from .backup import backup_command, restore_command

    from .auth.commands import COMMANDS as ACCESS_COMMANDS

    for command in COMMANDS + ACCESS_COMMANDS + [backup_command, restore_command]:
        if command is not init_db_command:
            command.callback = _needs_schema(command.callback)
        app.cli.add_command(command)


def _needs_schema(callback):
    """A clear message instead of a traceback when the database was never initialised, or
    when a service refuses (a DomainError no command caught: its message, exit 1)."""
    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except DomainError as error:
            raise click.ClickException(message(error.code, **error.params)) from None
        except (OperationalError, ProgrammingError) as error:
            text = str(error.orig).lower()
            if "no such table" in text or "does not exist" in text:
                raise click.ClickException(
                    "The database has no tables yet: run `flask --app webapp init-db` first.")
            raise
    return run
