"""CLI: ``import-units FILE`` (listed in webapp/cli.py COMMANDS)."""

import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from attendance import units
from attendance.errors import DomainError

from ..extensions import db
from ..roster.texts import file_problem
from .texts import row_line


@click.command("import-units")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_units_command(file):
    """Import units (CSV or XLSX): all rows or none; a known code updates that unit."""
    try:
        preview = units.build_preview(db.session, file.read_bytes(), file.name)
    except DomainError as error:
        click.echo(file_problem(error), err=True)
        sys.exit(1)
    if preview.bad_rows:
        for row in preview.bad_rows:
            click.echo(row_line(row), err=True)
        click.echo(f"Nothing imported: {len(preview.bad_rows)} of {len(preview.rows)} rows "
                   "have errors.", err=True)
        sys.exit(1)
    units.import_units(db.session, preview, now=datetime.now(timezone.utc), actor=None)
    db.session.commit()
    click.echo(f"Units imported: {preview.added} added, {preview.updated} updated, "
               f"{len(preview.rows) - preview.added - preview.updated} unchanged.")
