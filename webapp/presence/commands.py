"""``import-online SESSION_ID FILE [--min-share 0.8]``: a video platform's participant
report into the roll, from the command line (the web page's preview, without the hand
choices: ambiguous and unmatched names are printed and left out)."""

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from attendance.errors import DomainError
from attendance.models import StudySession
from attendance.online import imports

from ..extensions import db
from .online import problem_text


@click.command("import-online")
@click.argument("session_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--min-share", default=str(imports.DEFAULT_MIN_SHARE), show_default=True,
              help="Least share of the session's length a participant must have stayed "
                   "(0.8 or 80).")
def import_online_command(session_id, file, min_share):
    """Record present online those of a Zoom, Google Meet or Microsoft Teams participant
    report who stayed long enough; nothing changes on a bad file."""
    session = db.session.get(StudySession, session_id)
    if session is None:
        click.echo(f"No session with id {session_id}.", err=True)
        sys.exit(1)
    try:
        first = imports.build_preview(db.session, session, file.read_bytes(),
                                      min_share=min_share)
        # The command line cannot ask: ambiguous and unmatched names are left out, named.
        preview = imports.build_preview(
            db.session, session, file.read_bytes(), min_share=first.min_share,
            choices={line.index: None for line in first.lines if line.unresolved})
        counts = imports.import_online(db.session, session=session, preview=preview,
                                       now=datetime.now(timezone.utc), actor=None)
    except DomainError as error:
        db.session.rollback()
        click.echo(problem_text(error), err=True)
        click.echo("Nothing imported.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{first.platform}: {len(first.lines)} participants, minimum "
               f"{first.min_share:.0%} of the session")
    for line in first.lines:
        if line.match == imports.MATCHED:
            state = line.outcome
        else:
            state = line.match
        who = f" -> {line.person.full_name}" if line.person else ""
        click.echo(f"  {state:<14} {line.participant.name}{who}")
    click.echo(f"Matched {first.count(imports.MATCHED)}, unmatched "
               f"{first.count(imports.UNMATCHED)}, ambiguous {first.count(imports.AMBIGUOUS)}")
    click.echo(f"Recorded present online: {counts['recorded']}; already checked in: "
               f"{counts['already']}; not counted (too short or outside the window): "
               f"{counts['not_counted']}")
