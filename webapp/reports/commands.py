"""CLI: ``export SESSION_ID --what summary|absentees|late|outcomes --format csv|xlsx|pdf -o FILE``
(listed in webapp/cli.py COMMANDS)."""

import importlib
import inspect
import os
import sys
from datetime import datetime, timezone

import click

from attendance.models import StudySession
from attendance.reports.csv import DEFAULT_DIALECT, DIALECTS
from attendance.reports.letterhead import letterhead_for
from attendance.reports.summary_export import FORMATS, WHATS, export

from ..extensions import db


@click.command("export")
@click.argument("session_id", type=int)
@click.option("--what", type=click.Choice([*WHATS, "outcomes"]), required=True,
              help="summary: figures and lists; absentees; late; outcomes: learning outcomes.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--signer", default="", help="Name under the signature block of a PDF "
              "(default: the session's signer).")
@click.option("--csv-dialect", "dialect", type=click.Choice(DIALECTS), default=DEFAULT_DIALECT,
              show_default=True,
              help='CSV: "excel-vn" (";", 95,56) for Excel set to Vietnamese, or "excel" '
                   '(",", 95.56) for English-set Excel and scripts.')
def export_command(session_id, what, fmt, output, signer, dialect):
    """Export a session's attendance summary, lists or learning-outcome report."""
    session = db.session.get(StudySession, session_id)
    if session is None:
        click.echo(f"No session with id {session_id}.", err=True)
        sys.exit(1)
    now = datetime.now(timezone.utc)
    if what == "outcomes":
        write = _outcomes_writer(session, fmt, now, dialect)
    else:
        letterhead = letterhead_for(session, on=now.astimezone(session.zone).date())
        if signer:  # else the session's own signer
            letterhead.signer_name = signer

        def write(out):
            export(db.session, session, what, fmt, out, now=now, letterhead=letterhead,
                   dialect=dialect)
    partial = f"{output}.part"
    try:
        with open(partial, "wb") as out:
            write(out)
        os.replace(partial, output)  # never leave a half-written report under its name
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    click.echo(f"{what} ({fmt}) of session {session_id} written to {output}.")


def _outcomes_writer(session: StudySession, fmt: str, now: datetime, dialect: str):
    """The learning-outcome report comes from attendance.reports.outcomes (issue 5, part B)."""
    try:
        outcomes = importlib.import_module("attendance.reports.outcomes_export")
        export_outcomes = outcomes.export_outcomes
    except (ImportError, AttributeError):
        click.echo("outcomes report not available yet", err=True)
        sys.exit(1)
    extra = {"now": now} if "now" in inspect.signature(export_outcomes).parameters else {}
    extra["dialect"] = dialect
    return lambda out: export_outcomes(db.session, session, fmt, out, **extra)
