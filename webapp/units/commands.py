"""CLI: ``import-units FILE`` (listed in webapp/cli.py COMMANDS)."""

from datetime import datetime, timezone
from pathlib import Path

import click

from attendance import units

from ..extensions import db
from ..imports import run_command


@click.command("import-units")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_units_command(file):
    """Import units (CSV or XLSX): all rows or none; a known code updates that unit."""
    preview, _ = run_command(
        lambda: units.build_preview(db.session, file.read_bytes(), file.name),
        lambda preview: units.import_units(db.session, preview, now=datetime.now(timezone.utc),
                                           actor=None))
    click.echo(f"Units imported: {preview.added} added, {preview.updated} updated, "
               f"{len(preview.rows) - preview.added - preview.updated} unchanged.")
