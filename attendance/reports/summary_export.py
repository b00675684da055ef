"""The attendance summary and its lists (absentees, late arrivals) as CSV, XLSX and PDF.

    export(db, session, "summary" | "absentees" | "late", "csv" | "xlsx" | "pdf", out, now=...)

Figures come from attendance.summary (SQL aggregation); lists are streamed (reports.lists).
"""

from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from attendance.figures.summary import Summary, summarize

from ..models import StudySession
from . import lists
from .csv import DEFAULT_DIALECT, write_csv
from .progress import Phase, Steps
from .summary_cells import figure_columns, figures, final, local_time
from .table import INT, TEXT, Column, Strong
from .xlsx import XlsxBook

WHATS = ("summary", "absentees", "late")
FORMATS = ("csv", "xlsx", "pdf")
TOTAL, SUBTOTAL = "Tổng cộng", "Cộng"

WIDTHS = {"Vắng có lý do": 12, "Vắng không lý do": 12, "Chưa điểm danh": 12,
          "Tỷ lệ có mặt": 11}


def summary_columns(is_final: bool) -> list[Column]:
    return [Column("Địa điểm", TEXT, 34), Column("Thành phần", TEXT, 44),
            *figure_columns(WIDTHS, is_final=is_final)]


ABSENTEE_COLUMNS = [
    Column("STT", INT, 7), Column("Địa điểm", TEXT, 30), Column("Họ và tên", TEXT, 26),
    Column("Chức vụ", TEXT, 28), Column("Đơn vị", TEXT, 26), Column("Thành phần", TEXT, 30),
    Column("Tình trạng", TEXT, 17), Column("Lý do vắng", TEXT, 30), Column("Học bù", TEXT, 12),
]
LATE_COLUMNS = [
    Column("STT", INT, 7), Column("Địa điểm", TEXT, 30), Column("Họ và tên", TEXT, 26),
    Column("Chức vụ", TEXT, 28), Column("Đơn vị", TEXT, 26), Column("Thành phần", TEXT, 30),
    Column("Điểm danh tại", TEXT, 30), Column("Hình thức", TEXT, 12), Column("Giờ đến", TEXT, 9),
]
LEFT_COLUMNS = [
    Column("STT", INT, 7), Column("Địa điểm", TEXT, 30), Column("Họ và tên", TEXT, 26),
    Column("Chức vụ", TEXT, 28), Column("Đơn vị", TEXT, 26), Column("Thành phần", TEXT, 30),
    Column("Hình thức", TEXT, 12), Column("Giờ đến", TEXT, 9), Column("Giờ về", TEXT, 9),
    Column("Số phút có mặt", INT, 10),
]
# A venue's own sheet: its categories, then its absentees, late arrivals and early leavers.
VENUE_ABSENTEE_COLUMNS = [Column(c.title, c.kind) for c in ABSENTEE_COLUMNS[2:]]
VENUE_LATE_COLUMNS = [Column(c.title, c.kind) for c in LATE_COLUMNS[2:]]
VENUE_LEFT_COLUMNS = [Column(c.title, c.kind) for c in LEFT_COLUMNS[2:]]
VENUE_WIDTHS = [40, 24, 26, 26, 18, 26, 16, 11, 10, 12, 12, 12]
# A sheet per venue up to a province's 226 points (and a margin); a nation's 7,400 sheets
# would hold some 20 KB each in openpyxl until the file is saved (over 300 MB in all), and
# nobody leafs through them: past this the lists are one sheet each, the venue a column.
VENUE_SHEETS_MAX = 300


def summary_rows(summary: Summary, is_final: bool = False,
                 phase: Phase | None = None) -> Iterator[tuple]:
    """Per venue its categories and a subtotal, then the grand total."""
    for row in (phase.each(summary.venues) if phase else summary.venues):
        for category in row.categories:
            yield (row.venue.name, category.category.name,
                   *figures(category.figures, is_final=is_final))
        yield Strong((row.venue.name, SUBTOTAL, *figures(row.totals, is_final=is_final)))
    yield Strong((TOTAL, "", *figures(summary.totals, is_final=is_final)))


def absentee_rows(absentees, *, venue: bool = True) -> Iterator[tuple]:
    for number, a in enumerate(absentees, start=1):
        values = (a.full_name, a.position, a.unit, a.category, a.status, a.reason, a.made_up)
        yield (number, a.venue, *values) if venue else values


def late_rows(arrivals, session: StudySession, *, venue: bool = True) -> Iterator[tuple]:
    for number, a in enumerate(arrivals, start=1):
        values = (a.full_name, a.position, a.unit, a.category, a.came_to,
                  lists.MODE_LABELS[a.mode], local_time(a.at, session))
        yield (number, a.venue, *values) if venue else values


def left_rows(leavers, session: StudySession, *, venue: bool = True) -> Iterator[tuple]:
    for number, a in enumerate(leavers, start=1):
        values = (a.full_name, a.position, a.unit, a.category, lists.MODE_LABELS[a.mode],
                  local_time(a.at, session), local_time(a.left_at, session), a.minutes)
        yield (number, a.venue, *values) if venue else values


def export(db: Session, session: StudySession, what: str, fmt: str, out: BinaryIO, *,
           now: datetime, letterhead=None, dialect: str = DEFAULT_DIALECT,
           progress=None) -> None:
    """Write one report to the binary file ``out`` (``dialect``: of a CSV, reports.csv;
    ``progress(percent)``: told as the work advances, reports.progress)."""
    if what not in WHATS or fmt not in FORMATS:
        raise ValueError(f"unknown report {what}.{fmt}")
    if fmt == "pdf":
        from .summary_pdf import write_pdf  # reportlab only when a PDF is asked for

        write_pdf(db, session, what, out, now=now, letterhead=letterhead, progress=progress)
    elif fmt == "csv":
        steps = Steps(progress)
        if what == "summary":
            summary = summarize(db, session)
            is_final = final(summary.totals)
            rows = summary_rows(summary, is_final, steps.phase(5, 99, len(summary.venues)))
            write_csv(out, summary_columns(is_final), rows, dialect=dialect)
        elif what == "absentees":
            rows = _listed(db, session, what, steps).each(lists.absentees(db, session))
            write_csv(out, ABSENTEE_COLUMNS, absentee_rows(rows), dialect=dialect)
        else:
            rows = _listed(db, session, what, steps).each(lists.late_arrivals(db, session))
            write_csv(out, LATE_COLUMNS, late_rows(rows, session), dialect=dialect)
    else:
        from .letterhead import letterhead_for

        letterhead = letterhead or letterhead_for(session, on=now.astimezone(session.zone).date())
        if what == "summary":
            write_summary_xlsx(db, session, out, letterhead=letterhead, progress=progress)
        else:
            write_lists_xlsx(db, session, what, out, letterhead=letterhead, progress=progress)


def _listed(db: Session, session: StudySession, what: str, steps: Steps) -> Phase:
    """The phase of a list's rows: as many steps as the session's totals say it has (one
    aggregate, asked only when someone watches the progress)."""
    if steps.silent:
        return steps.phase(5, 99, 1)
    from attendance.figures.live import overview

    totals = overview(db, session.id, 95.0).totals
    steps.at(5)
    count = totals.late if what == "late" else (
        totals.absent_excused + totals.absent_unexcused + totals.not_checked_in)
    return steps.phase(5, 99, count)


def _name(session: StudySession) -> str:
    return session.title[:1].lower() + session.title[1:]


def write_summary_xlsx(db: Session, session: StudySession, out: BinaryIO, *,
                       letterhead=None, progress=None) -> None:
    """A summary sheet (letterhead, title), then one sheet per venue with its categories and
    lists, or past VENUE_SHEETS_MAX venues one sheet per list (progress: 5 % for the
    aggregate, then a step per venue's sheet; the file is zipped as the sheets are written,
    so 99 % is near the end)."""
    steps = Steps(progress)
    summary = summarize(db, session)
    is_final = final(summary.totals)
    columns = summary_columns(is_final)
    venue_columns = [Column("Thành phần", TEXT), *columns[2:]]
    steps.at(5)
    book = XlsxBook(letterhead)
    sheet = book.sheet("Tổng hợp", [c.width for c in columns], freeze="C2",
                       heading=("TỔNG HỢP KẾT QUẢ THAM DỰ", _name(session)))
    sheet.table(columns, summary_rows(summary, is_final))
    sheet.close()
    if len(summary.venues) > VENUE_SHEETS_MAX:
        _whole_session_lists(db, session, book, steps)
        book.save(out)
        return
    absent = lists.VenueGroups(lists.absentees(db, session))
    late = lists.VenueGroups(lists.late_arrivals(db, session))
    left = lists.VenueGroups(lists.early_leavers(db, session))
    for row in steps.phase(5, 99, len(summary.venues)).each(summary.venues):
        sheet = book.sheet(row.venue.name, VENUE_WIDTHS)
        sheet.table(venue_columns, [(c.category.name, *figures(c.figures, is_final=is_final))
                                    for c in row.categories])
        sheet.row(venue_columns, Strong((SUBTOTAL, *figures(row.totals, is_final=is_final))))
        sheet.blank()
        sheet.title("Danh sách vắng mặt")
        sheet.table(VENUE_ABSENTEE_COLUMNS,
                    absentee_rows(absent.take(row.venue.id), venue=False))
        sheet.blank()
        sheet.title("Danh sách đi muộn")
        sheet.table(VENUE_LATE_COLUMNS,
                    late_rows(late.take(row.venue.id), session, venue=False))
        sheet.blank()
        sheet.title("Danh sách ra về sớm")
        sheet.table(VENUE_LEFT_COLUMNS,
                    left_rows(left.take(row.venue.id), session, venue=False))
        sheet.close()
    book.save(out)


def _whole_session_lists(db: Session, session: StudySession, book: XlsxBook,
                         steps: Steps) -> None:
    """Past VENUE_SHEETS_MAX venues: the three lists as one sheet each, with the venue as a
    column (the summary sheet already has every venue's categories)."""
    for title, who, columns, rows, start in (
            ("Danh sách vắng mặt", "người vắng mặt", ABSENTEE_COLUMNS,
             lambda: absentee_rows(lists.absentees(db, session)), 5),
            ("Danh sách đi muộn", "người đi muộn", LATE_COLUMNS,
             lambda: late_rows(lists.late_arrivals(db, session), session), 60),
            ("Danh sách ra về sớm", "người ra về sớm", LEFT_COLUMNS,
             lambda: left_rows(lists.early_leavers(db, session), session), 80)):
        steps.at(start)
        sheet = book.sheet(title, [c.width for c in columns],
                           heading=("DANH SÁCH", f"{who} tại {_name(session)}"))
        sheet.table(columns, rows())
        sheet.close()
    steps.at(99)


def write_lists_xlsx(db: Session, session: StudySession, what: str, out: BinaryIO, *,
                     letterhead=None, progress=None) -> None:
    book = XlsxBook(letterhead)
    phase = _listed(db, session, what, Steps(progress))
    if what == "absentees":
        sheet = book.sheet("Danh sách vắng mặt", [c.width for c in ABSENTEE_COLUMNS],
                           heading=("DANH SÁCH", f"người vắng mặt tại {_name(session)}"))
        sheet.table(ABSENTEE_COLUMNS, absentee_rows(phase.each(lists.absentees(db, session))))
    else:
        sheet = book.sheet("Danh sách đi muộn", [c.width for c in LATE_COLUMNS],
                           heading=("DANH SÁCH", f"người đi muộn tại {_name(session)}"))
        sheet.table(LATE_COLUMNS, late_rows(phase.each(lists.late_arrivals(db, session)),
                                            session))
    sheet.close()
    book.save(out)
