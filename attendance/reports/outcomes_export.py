"""The consolidated outcomes report in one of its formats: the table builders are
reports.outcomes's, the PDF reports.outcomes_pdf's (each imports only what it uses)."""

from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from ..models import StudySession
from .csv import DEFAULT_DIALECT, write_csv
from .outcomes import FORMATS, build_outcomes, unit_columns, unit_rows, write_xlsx


def export_outcomes(db: Session, session: StudySession, fmt: str, out: BinaryIO, *,
                    now: datetime, letterhead=None, dialect: str = DEFAULT_DIALECT,
                    progress=None) -> None:
    """Write the consolidated report in ``fmt`` to the binary file ``out`` (``dialect``: of a
    CSV, reports.csv; ``progress(percent)``: the figures up to 80 %, then the file)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt}")
    outcomes = build_outcomes(db, session, now=now, progress=progress)
    if fmt == "csv":
        write_csv(out, unit_columns(outcomes.grades), unit_rows(outcomes), dialect=dialect)
    elif fmt == "xlsx":
        from .letterhead import letterhead_for

        write_xlsx(outcomes, out, letterhead=letterhead or letterhead_for(
            session, on=now.astimezone(session.zone).date()))
    else:
        from .outcomes_pdf import write_pdf  # reportlab only when a PDF is asked for

        write_pdf(outcomes, out, now=now, letterhead=letterhead)
