"""CLI: ``print-cards``, ``print-invitations`` and ``print-posters`` (listed in webapp/cli.py
COMMANDS)."""

import sys

import click
from flask import current_app, url_for

from attendance.jobs.exports import write_cards
from attendance.models import StudySession, Unit
from attendance.printing import cards, invitations, posters
from attendance.sessions.checks import Checks
from attendance.sessions.facts import base_url as checked_base_url

from ..checkin import card_key
from ..errors import message
from ..extensions import db
from . import invitations_pdf, is_local_address

BASE_URL_HELP = ("Where participants reach the app: the {} start with it (default: the "
                 "session's public address, else the PUBLIC_BASE_URL setting, else "
                 "http://127.0.0.1:5000).")


def _session(session_id: int) -> StudySession:
    session = db.session.get(StudySession, session_id)
    if session is None:
        click.echo(f"No session with id {session_id}.", err=True)
        sys.exit(1)
    return session


def _base_url(session: StudySession, given: str | None, what: str, warn: bool = True) -> str:
    """``--base-url``, else the session's public address, else PUBLIC_BASE_URL, else this
    machine's; refused (exit 1) when not an http(s) address, warned about (``warn``) when
    phones cannot reach it; ``what`` names the links printed."""
    check = Checks()
    base_url = checked_base_url(check, "base_url", given) if given else ""
    if check.errors:
        click.echo(message(check.errors["base_url"]), err=True)
        sys.exit(1)
    base_url = (base_url or session.public_base_url or current_app.config.get("PUBLIC_BASE_URL")
                or "http://127.0.0.1:5000")
    if warn and is_local_address(base_url):
        click.echo(f"Warning: {what} point at {base_url}, which participants' "
                   "phones cannot reach. Pass --base-url or set PUBLIC_BASE_URL to the "
                   "address they use.", err=True)
    return base_url.rstrip("/")


@click.command("print-cards")
@click.argument("session_id", type=int)
@click.option("--venue", "venue_id", type=int, help="Only the people of this venue.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The PDF file to write.")
def print_cards_command(session_id, venue_id, output):
    """Print the invitation cards (2 x 4 per A4 sheet, with cut marks) of a session."""
    session = _session(session_id)
    if venue_id is not None and venue_id not in {v.id for v in session.venues}:
        click.echo(f"Venue {venue_id} is not a venue of session {session_id}.", err=True)
        sys.exit(1)
    infos = cards.card_infos(db.session, session, venue_id=venue_id)
    with open(output, "wb") as out:
        drawn = write_cards(out, session, infos, key=card_key())  # in parts: bounded memory
    pages = drawn[-1].page if drawn else 1
    click.echo(f"{len(drawn)} cards on {pages} pages written to {output}.")


@click.command("print-invitations")
@click.argument("session_id", type=int)
@click.option("--venue", "venue_id", type=int, help="Only the people of this venue.")
@click.option("--unit", "unit_id", type=int,
              help="Only the people of this unit, after a letter to the unit listing them.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The PDF file to write.")
@click.option("--base-url", default=None,
              help=BASE_URL_HELP.format("join links of those invited online"))
def print_invitations_command(session_id, venue_id, unit_id, output, base_url):
    """Print the signed invitation letters (giấy mời), one per invited person, each with the
    QR that checks its holder in (and, for those who may take part online, their join
    link)."""
    session = _session(session_id)
    if venue_id is not None and venue_id not in {v.id for v in session.venues}:
        click.echo(f"Venue {venue_id} is not a venue of session {session_id}.", err=True)
        sys.exit(1)
    unit = None
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            click.echo(f"No unit with id {unit_id}.", err=True)
            sys.exit(1)
        if not invitations.invites_for(session, unit):
            click.echo(f"Unit {unit_id} is not under the organizer of session {session_id}.",
                       err=True)
            sys.exit(1)
    online = bool(session.video_url) or any(venue.video_url for venue in session.venues)
    base_url = _base_url(session, base_url, "the letters' join links", warn=online)
    data = invitations_pdf(db.session, session, venue_id=venue_id, unit=unit,
                           base_url=base_url)
    with open(output, "wb") as out:
        out.write(data)
    click.echo(f"Invitations written to {output}.")


@click.command("print-posters")
@click.argument("session_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The PDF file to write.")
@click.option("--base-url", default=None, help=BASE_URL_HELP.format("posters' QR links"))
def print_posters_command(session_id, output, base_url):
    """Print one self check-in poster per venue (the hall and every bridge point)."""
    session = _session(session_id)
    base_url = _base_url(session, base_url, "the posters' QR codes")
    with current_app.test_request_context(base_url=base_url), open(output, "wb") as out:
        drawn = posters.build_posters(out, session, list(session.venues), lambda venue:
                                      base_url + url_for("selfcheckin.start", code=venue.code))
    click.echo(f"{len(drawn)} posters written to {output}.")
