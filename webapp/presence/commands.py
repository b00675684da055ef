"""``import-online SESSION_ID FILE [--min-share 0.8] [--choose LINE=PERSON_ID]... [--skip
LINE]...``: a video platform's participant report into the roll, from the command line (the
web page's preview; its hand choices are ``--choose`` and ``--skip``, LINE being the number
printed before each participant). Ambiguous and unmatched lines not chosen are printed with
their candidates and left out."""

import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from sqlalchemy import select

from attendance.errors import DomainError
from attendance.models import Person, StudySession
from attendance.online import imports

from ..extensions import db
from .online import problem_text


def _line_choice(ctx, param, values) -> list[tuple[int, int]]:
    """``--choose 3=1204``: (3, 1204)."""
    pairs = []
    for value in values:
        line, _, person = value.partition("=")
        if not (line.strip().isdigit() and person.strip().isdigit()):
            raise click.BadParameter(f"{value!r} is not LINE=PERSON_ID, such as 3=1204.")
        pairs.append((int(line), int(person)))
    return pairs


def _fail(text: str):
    click.echo(text, err=True)
    click.echo("Nothing imported.", err=True)
    sys.exit(1)


def _choices(session, first, chosen, skipped) -> dict[int, int | None]:
    """The hand choices by preview index (LINE - 1); a line out of the report, a line named
    twice or a person not on the session's roster ends the command, nothing imported."""
    lines = [line for line, _ in chosen] + list(skipped)
    for line in lines:
        if not 1 <= line <= len(first.lines):
            _fail(f"Line {line} is not a participant of the report (lines 1 to "
                  f"{len(first.lines)}).")
        if lines.count(line) > 1:
            _fail(f"Line {line} is chosen more than once.")
    people = {person for _, person in chosen}
    on_roster = set(db.session.scalars(select(Person.id).where(
        Person.session_id == session.id, Person.id.in_(people)))) if people else set()
    for line, person in chosen:
        if person not in on_roster:
            _fail(f"Person {person} (line {line}) is not on the roster of session "
                  f"{session.id}.")
    choices: dict[int, int | None] = {line - 1: person for line, person in chosen}
    choices.update({line - 1: None for line in skipped})
    return choices


def _state(line, left_out: dict[int, str]) -> str:
    if line.index in left_out:
        return f"{left_out[line.index]}, left out"
    if line.match == imports.SKIPPED:
        return "skipped"
    if line.match == imports.MATCHED:
        return f"{line.outcome}, chosen" if line.chosen else line.outcome
    return f"{line.match}, {line.outcome}"  # not counted whoever it is


def _echo_lines(preview, left_out: dict[int, str]) -> None:
    """Each line numbered (LINE = index + 1); a line left out with its candidates as the
    option that would choose each."""
    for line in preview.lines:
        number = line.index + 1
        who = f" -> {line.person.full_name} ({line.person.venue})" if line.person else ""
        click.echo(f"{number:>4}  {_state(line, left_out):<22} {line.participant.name}{who}")
        if line.index not in left_out:
            continue
        for candidate in line.candidates:
            click.echo(f"        --choose {number}={candidate.id:<8} {candidate.full_name} "
                       f"({candidate.venue})")
        if not line.candidates:
            click.echo(f"        no one alike on the roster: --choose {number}=PERSON_ID or "
                       f"--skip {number}")


@click.command("import-online")
@click.argument("session_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--min-share", default=str(imports.DEFAULT_MIN_SHARE), show_default=True,
              help="Least share of the session's length a participant must have stayed "
                   "(0.8 or 80).")
@click.option("--choose", "chosen", multiple=True, callback=_line_choice,
              metavar="LINE=PERSON_ID",
              help="The person a line of the report is (the numbers printed before each "
                   "line and each candidate). Repeatable.")
@click.option("--skip", "skipped", multiple=True, type=int, metavar="LINE",
              help="Leave a line of the report out. Repeatable.")
def import_online_command(session_id, file, min_share, chosen, skipped):
    """Record present online those of a Zoom, Google Meet or Microsoft Teams participant
    report who stayed long enough; nothing changes on a bad file or a bad choice.
    Ambiguous and unmatched lines not resolved by --choose or --skip are left out."""
    session = db.session.get(StudySession, session_id)
    if session is None:
        click.echo(f"No session with id {session_id}.", err=True)
        sys.exit(1)
    data = file.read_bytes()
    try:
        first = imports.build_preview(db.session, session, data, min_share=min_share)
        choices = _choices(session, first, chosen, skipped)
        left_out = {line.index: line.match for line in first.lines  # ambiguous, unmatched
                    if line.unresolved and line.index not in choices}
        preview = imports.build_preview(
            db.session, session, data, min_share=first.min_share,
            choices={**choices, **{index: None for index in left_out}})
        counts = imports.import_online(db.session, session=session, preview=preview,
                                       now=datetime.now(timezone.utc), actor=None)
    except DomainError as error:
        db.session.rollback()
        _fail(problem_text(error))
    db.session.commit()
    click.echo(f"{first.platform}: {len(first.lines)} participants, minimum "
               f"{first.min_share:.0%} of the session")
    _echo_lines(preview, left_out)
    click.echo(f"Matched {first.count(imports.MATCHED)}, unmatched "
               f"{first.count(imports.UNMATCHED)}, ambiguous {first.count(imports.AMBIGUOUS)}; "
               f"chosen by hand {len(chosen)}, skipped {len(skipped)}, left out "
               f"{len(left_out)}")
    click.echo(f"Recorded present online: {counts['recorded']}; already checked in: "
               f"{counts['already']}; not counted (too short or outside the window): "
               f"{counts['not_counted']}")
    if left_out:
        click.echo("Left out lines can be imported again with --choose LINE=PERSON_ID or "
                   "--skip LINE (those already recorded stay as they are).")
