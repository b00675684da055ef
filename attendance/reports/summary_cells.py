"""The attendance figures as table cells, shared by the summary's CSV/XLSX (summary_export)
and its PDF (summary_pdf), which then need not import each other."""

from datetime import datetime

from attendance.figures.summary import Figures

from ..models import StudySession
from .table import rate


def figures(f: Figures) -> tuple:
    return (f.expected, f.present, f.late, f.absent_excused, f.absent_unexcused,
            f.not_checked_in, rate(f.present, f.expected), getattr(f, "made_up", None))


def local_time(at: datetime, session: StudySession) -> str:
    return at.astimezone(session.zone).strftime("%H:%M")
