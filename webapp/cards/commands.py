"""CLI: ``print-cards`` and ``print-posters`` (listed in webapp/cli.py COMMANDS)."""

import sys

import click
from flask import current_app

from attendance.jobs.exports import write_cards
from attendance.models import StudySession
from attendance.printing import cards, posters

from ..checkin import card_key
from ..extensions import db
from . import self_checkin_url


def _session(session_id: int) -> StudySession:
    session = db.session.get(StudySession, session_id)
    if session is None:
        click.echo(f"No session with id {session_id}.", err=True)
        sys.exit(1)
    return session


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


@click.command("print-posters")
@click.argument("session_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The PDF file to write.")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where participants reach the app: the posters' QR links start with it.")
def print_posters_command(session_id, output, base_url):
    """Print one self check-in poster per venue (the hall and every bridge point)."""
    session = _session(session_id)
    with current_app.test_request_context(base_url=base_url.rstrip("/")):
        with open(output, "wb") as out:
            drawn = posters.build_posters(out, session, list(session.venues),
                                          self_checkin_url)
    click.echo(f"{len(drawn)} posters written to {output}.")
