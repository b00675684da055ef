"""The attendance figures as table cells, shared by the summary's CSV/XLSX (summary_export)
and its PDF (summary_pdf), which then need not import each other.

Present counts everyone who came; in person and online split it (có mặt trực tiếp / trực
tuyến). "Chưa điểm danh" is left out of a final report, one where nobody is unmarked (the
roll was closed, or everybody was marked).
"""

from datetime import datetime

from attendance.figures.summary import Figures

from ..models import StudySession
from .table import INT, RATE, Column, rate

# (title, kind, value of a Figures); NOT_MARKED is the one a final report leaves out.
NOT_MARKED = "Chưa điểm danh"
FIELDS = (
    ("Dự kiến", INT, lambda f: f.expected),
    ("Có mặt", INT, lambda f: f.present),
    ("Trực tiếp", INT, lambda f: f.present_in_person),
    ("Trực tuyến", INT, lambda f: f.present_online),
    ("Đi muộn", INT, lambda f: f.late),
    ("Ra về sớm", INT, lambda f: f.left_early),
    ("Vắng có lý do", INT, lambda f: f.absent_excused),
    ("Vắng không lý do", INT, lambda f: f.absent_unexcused),
    (NOT_MARKED, INT, lambda f: f.not_checked_in),
    ("Tỷ lệ có mặt", RATE, lambda f: rate(f.present, f.expected)),
    ("Đã học bù", INT, lambda f: getattr(f, "made_up", None)),
)


def final(totals: Figures) -> bool:
    """Nobody left unmarked: the report is final and has no "Chưa điểm danh"."""
    return totals.not_checked_in == 0


def figure_columns(widths: dict[str, float], *, is_final: bool,
                   skip: tuple[str, ...] = ()) -> list[Column]:
    """The figure columns, titled and sized by ``widths`` (title -> width)."""
    return [Column(title, kind, widths.get(title, 10)) for title, kind, _ in FIELDS
            if title not in skip and not (is_final and title == NOT_MARKED)]


def figures(f: Figures, *, is_final: bool = False, skip: tuple[str, ...] = ()) -> tuple:
    return tuple(value(f) for title, _, value in FIELDS
                 if title not in skip and not (is_final and title == NOT_MARKED))


def local_time(at: datetime, session: StudySession) -> str:
    return at.astimezone(session.zone).strftime("%H:%M")
