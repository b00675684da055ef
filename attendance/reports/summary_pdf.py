"""The attendance summary as a party document PDF, its lists as DANH SÁCH attached to it.

The summary is a BÁO CÁO (number, date, signature); the absentees and the late arrivals follow
it on their own pages as lists "kèm theo Báo cáo số ..." (36-HD/VPTW: an attached list carries
no number or signature of its own). Asked alone, a list is printed in the same form.
"""

from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from attendance.figures.live import overview
from attendance.figures.summary import Figures, summarize

from ..models import HALL, StudySession
from . import lists
from .document import PartyDocument, dateline_date, number_format, percent_format
from .letterhead import letterhead_for
from .progress import Phase, Steps
from .summary_cells import figure_columns, figures, final, local_time
from .table import INT, TEXT, Column, Strong, rate
from .wording import lower_first, plan_citation, session_name

CHART_MAX = 30  # venues drawn one bar each; above that, the lowest ones
THRESHOLD = 0.95

# A4 upright: "Trực tiếp" (present less online) is left to the reader; the text says it.
_WIDTHS = {"Dự kiến": 9, "Có mặt": 8, "Trực tuyến": 10, "Đi muộn": 10, "Ra về sớm": 8,
           "Vắng có lý do": 9, "Vắng không lý do": 10, "Chưa điểm danh": 10,
           "Tỷ lệ có mặt": 11, "Đã học bù": 8}
_SKIP = ("Trực tiếp",)


def _figs(is_final: bool) -> list[Column]:
    return figure_columns(_WIDTHS, is_final=is_final, skip=_SKIP)


ABSENT_TABLE = [Column("STT", INT, 8), Column("Họ và tên", TEXT, 26),
                Column("Chức vụ, đơn vị", TEXT, 34),
                Column("Địa điểm", TEXT, 24), Column("Tình trạng, lý do", TEXT, 28),
                Column("Học bù", TEXT, 12)]
LATE_TABLE = [Column("STT", INT, 8), Column("Họ và tên", TEXT, 28),
              Column("Chức vụ, đơn vị", TEXT, 40),
              Column("Điểm danh tại", TEXT, 30), Column("Hình thức", TEXT, 12),
              Column("Giờ đến", TEXT, 12)]
LEFT_TABLE = [Column("STT", INT, 8), Column("Họ và tên", TEXT, 28),
              Column("Chức vụ, đơn vị", TEXT, 36), Column("Hình thức", TEXT, 12),
              Column("Giờ đến", TEXT, 10), Column("Giờ về", TEXT, 10),
              Column("Số phút có mặt", INT, 12)]
LISTS = {"absentees": "người vắng mặt tại {name}", "late": "người đi muộn tại {name}",
         "left_early": "người ra về sớm tại {name}"}


def write_pdf(db: Session, session: StudySession, what: str, out: BinaryIO, *,
              now: datetime, letterhead=None, progress=None) -> None:
    """``progress(percent)``: the aggregate up to 5 %, the rows read up to 40 %, reportlab's
    layout of the pages to 99 % (reports.progress)."""
    steps = Steps(progress)
    on = now.astimezone(session.zone).date()
    letterhead = letterhead or letterhead_for(session, on=on)
    name = session_name(session)
    # The report the lists belong to: its number is left blank until it is signed.
    report = (f"{letterhead.number.replace('Số', 'Báo cáo số', 1)}, {dateline_date(on)} "
              f"của {letterhead.speaker}")
    if what == "summary":
        doc = PartyDocument(letterhead, "BÁO CÁO", f"Kết quả tham dự {name}")
        totals = _summary(doc, db, session, letterhead)
        steps.at(5)
        rows = steps.phase(5, 40, _listed(totals, "absentees") + _listed(totals, "late")
                           + totals.left_early)
        doc.closing(f"Trên đây là báo cáo kết quả tham dự hội nghị của {letterhead.speaker} "
                    f"(danh sách người vắng mặt, người đi muộn và người ra về sớm kèm "
                    f"theo)./.")
        doc.annex("DANH SÁCH", LISTS["absentees"].format(name=name), report)
        _absentees(doc, db, session, rows)
        doc.annex("DANH SÁCH", LISTS["late"].format(name=name), report)
        _late(doc, db, session, rows)
        doc.annex("DANH SÁCH", LISTS["left_early"].format(name=name), report)
        _left(doc, db, session, rows)
    else:
        doc = PartyDocument(letterhead, "DANH SÁCH", LISTS[what].format(name=name),
                            attached_to=f"Kèm theo {report}")
        total = _listed(overview(db, session.id, 95.0).totals, what) if progress else 0
        rows = steps.phase(5, 40, total)
        (_absentees if what == "absentees" else _late)(doc, db, session, rows)
    doc.build(out, subject=session.title, progress=lambda total: steps.phase(40, 99, total))


def _listed(totals: Figures, what: str) -> int:
    """How many rows the list will have (for its progress), from the session's totals."""
    if what == "late":
        return totals.late
    return totals.absent_excused + totals.absent_unexcused + totals.not_checked_in


def _summary(doc: PartyDocument, db: Session, session: StudySession, letterhead) -> Figures:
    summary = summarize(db, session)
    t = summary.totals
    is_final = final(t)
    points = sum(1 for v in summary.venues if v.venue.kind != HALL)
    hall = sum(v.totals.present_in_person for v in summary.venues if v.venue.kind == HALL)
    start = session.local_start
    plan = plan_citation(session)
    mode = f" theo hình thức {lower_first(session.mode)}" if session.mode else ""
    doc.paragraph(
        f"{plan + ', ' if plan else ''}ngày {start:%d/%m/%Y}, {letterhead.speaker} tổ chức "
        f"{session_name(session)}{mode}, gồm {len(summary.venues) - points} hội trường và "
        f"{number_format(points)} điểm cầu. Kết quả tham dự như sau:")
    doc.heading("1. Tổng hợp chung")
    unmarked = "" if is_final else f"; chưa điểm danh: {number_format(t.not_checked_in)}"
    doc.paragraph(
        f"Tổng số đại biểu dự kiến: {number_format(t.expected)}; có mặt: "
        f"{number_format(t.present)}, đạt {percent_format(rate(t.present, t.expected))}, "
        f"trong đó tại hội trường: {number_format(hall)}, tại các điểm cầu: "
        f"{number_format(t.present_in_person - hall)}, trực tuyến: "
        f"{number_format(t.present_online)}; đi muộn: {number_format(t.late)}; ra về sớm: "
        f"{number_format(t.left_early)}; vắng có lý do: {number_format(t.absent_excused)}; "
        f"vắng không lý do: {number_format(t.absent_unexcused)}{unmarked}.")
    doc.heading("2. Kết quả theo địa điểm")
    cells = dict(is_final=is_final, skip=_SKIP)
    rows = [(n, r.venue.name, *figures(r.totals, **cells))
            for n, r in enumerate(summary.venues, 1)]
    doc.table([Column("STT", INT, 8), Column("Địa điểm", TEXT, 25), *_figs(is_final)],
              [*rows, Strong((None, "Tổng cộng", *figures(t, **cells)))])
    _chart(doc, summary)
    doc.heading("3. Kết quả theo thành phần")
    doc.table([Column("Thành phần", TEXT, 33), *_figs(is_final)],
              _by_category(summary, cells))
    return t


def _chart(doc: PartyDocument, summary) -> None:
    venues = [(r.venue.name, rate(r.totals.present, r.totals.expected)) for r in summary.venues]
    caption = "Biểu đồ: tỷ lệ có mặt theo địa điểm (màu đỏ: dưới 95 %)"
    if len(venues) > CHART_MAX:
        venues = sorted(venues, key=lambda v: (v[1] is not None, v[1] or 0))[:CHART_MAX]
        caption = f"Biểu đồ: {CHART_MAX} địa điểm có tỷ lệ có mặt thấp nhất (màu đỏ: dưới 95 %)"
    doc.rate_chart([v[0] for v in venues], [v[1] for v in venues], caption,
                   threshold=THRESHOLD)


def _by_category(summary, cells):
    """Each category summed over the venues of its kind; the hall's first."""
    totals: dict[int, tuple] = {}
    for row in summary.venues:
        for c in row.categories:
            name, figs = totals.setdefault(c.category.id, (c.category.name, Figures()))
            figs.add(c.figures)
    for name, figs in totals.values():
        yield (name, *figures(figs, **cells))
    yield Strong(("Tổng cộng", *figures(summary.totals, **cells)))


def _absentees(doc: PartyDocument, db: Session, session: StudySession, phase: Phase) -> None:
    rows = ((n, a.full_name, _joined(a.position, a.unit), a.venue,
             _joined(a.status, a.reason), a.made_up)
            for n, a in enumerate(phase.each(lists.absentees(db, session)), 1))
    doc.table(ABSENT_TABLE, rows, empty="Không có người vắng mặt.")


def _late(doc: PartyDocument, db: Session, session: StudySession, phase: Phase) -> None:
    rows = ((n, a.full_name, _joined(a.position, a.unit), a.came_to,
             lists.MODE_LABELS[a.mode], local_time(a.at, session))
            for n, a in enumerate(phase.each(lists.late_arrivals(db, session)), 1))
    doc.table(LATE_TABLE, rows, empty="Không có người đi muộn.")


def _left(doc: PartyDocument, db: Session, session: StudySession, phase: Phase) -> None:
    rows = ((n, a.full_name, _joined(a.position, a.unit), lists.MODE_LABELS[a.mode],
             local_time(a.at, session), local_time(a.left_at, session), a.minutes)
            for n, a in enumerate(phase.each(lists.early_leavers(db, session)), 1))
    doc.table(LEFT_TABLE, rows, empty="Không có người ra về sớm.")


def _joined(first: str, second: str) -> str:
    return ", ".join(part for part in (first, second) if part)
