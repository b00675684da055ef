"""The attendance summary (or one of its lists) as a party document PDF."""

from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from attendance.figures.summary import Figures, summarize

from ..models import HALL, StudySession
from . import lists
from .document import PartyDocument, number_format, percent_format
from .letterhead import letterhead_for
from .summary_cells import figures, local_time
from .table import INT, RATE, TEXT, Column, Strong, rate

CHART_MAX = 30  # venues drawn one bar each; above that, the lowest ones
THRESHOLD = 0.95

_FIGS = [Column("Dự kiến", INT, 11), Column("Có mặt", INT, 11), Column("Đi muộn", INT, 10),
         Column("Vắng có lý do", INT, 10), Column("Vắng không lý do", INT, 11),
         Column("Chưa điểm danh", INT, 11), Column("Tỷ lệ", RATE, 11),
         Column("Đã học bù", INT, 10)]
VENUE_TABLE = [Column("STT", INT, 8), Column("Địa điểm", TEXT, 34), *_FIGS]
CATEGORY_TABLE = [Column("Thành phần", TEXT, 40), *_FIGS]
ABSENT_TABLE = [Column("STT", INT, 8), Column("Họ và tên", TEXT, 26),
                Column("Chức vụ, đơn vị", TEXT, 34),
                Column("Địa điểm", TEXT, 24), Column("Tình trạng, lý do", TEXT, 28),
                Column("Học bù", TEXT, 12)]
LATE_TABLE = [Column("STT", INT, 8), Column("Họ và tên", TEXT, 28),
              Column("Chức vụ, đơn vị", TEXT, 40),
              Column("Điểm danh tại", TEXT, 30), Column("Giờ đến", TEXT, 12)]
TITLES = {"summary": "Kết quả tham dự {title}", "absentees": "Danh sách vắng mặt tại {title}",
          "late": "Danh sách đi muộn tại {title}"}


def write_pdf(db: Session, session: StudySession, what: str, out: BinaryIO, *,
              now: datetime, letterhead=None) -> None:
    on = now.astimezone(session.zone).date()
    letterhead = letterhead or letterhead_for(session, on=on)
    title = _lower_first(session.title)
    doc = PartyDocument(letterhead, "BÁO CÁO", TITLES[what].format(title=title))
    if what == "summary":
        _summary(doc, db, session, letterhead)
        doc.heading("4. Danh sách vắng mặt")
        _absentees(doc, db, session)
        doc.heading("5. Danh sách đi muộn")
        _late(doc, db, session)
        doc.paragraph(f"Trên đây là báo cáo kết quả tham dự {title} của {letterhead.committee}.")
    elif what == "absentees":
        _absentees(doc, db, session)
    else:
        _late(doc, db, session)
    doc.build(out, subject=session.title)


def _summary(doc: PartyDocument, db: Session, session: StudySession, letterhead) -> None:
    summary = summarize(db, session)
    t = summary.totals
    points = sum(1 for v in summary.venues if v.venue.kind != HALL)
    start = session.local_start
    plan = f"Thực hiện Kế hoạch số {session.plan_number}, " if session.plan_number else ""
    mode = f" theo hình thức {_lower_first(session.mode)}" if session.mode else ""
    doc.paragraph(
        f"{plan}ngày {start:%d/%m/%Y}, {letterhead.committee} tổ chức "
        f"{_lower_first(session.title)}"
        f"{mode}, gồm {len(summary.venues) - points} hội trường và {number_format(points)} "
        f"điểm cầu. Kết quả tham dự như sau:")
    doc.heading("1. Tổng hợp chung")
    doc.paragraph(
        f"Tổng số đại biểu dự kiến: {number_format(t.expected)}; có mặt: "
        f"{number_format(t.present)}, đạt {percent_format(rate(t.present, t.expected))} "
        f"(trong đó đi muộn: {number_format(t.late)}); vắng có lý do: "
        f"{number_format(t.absent_excused)}; vắng không lý do: "
        f"{number_format(t.absent_unexcused)}; chưa điểm danh: {number_format(t.not_checked_in)}.")
    doc.heading("2. Kết quả theo địa điểm")
    rows = [(n, r.venue.name, *figures(r.totals)) for n, r in enumerate(summary.venues, 1)]
    doc.table(VENUE_TABLE, [*rows, Strong((None, "Tổng cộng", *figures(t)))])
    _chart(doc, summary)
    doc.heading("3. Kết quả theo thành phần")
    doc.table(CATEGORY_TABLE, _by_category(summary))


def _chart(doc: PartyDocument, summary) -> None:
    venues = [(r.venue.name, rate(r.totals.present, r.totals.expected)) for r in summary.venues]
    caption = "Biểu đồ: tỷ lệ có mặt theo địa điểm (màu đỏ: dưới 95%)"
    if len(venues) > CHART_MAX:
        venues = sorted(venues, key=lambda v: (v[1] is not None, v[1] or 0))[:CHART_MAX]
        caption = f"Biểu đồ: {CHART_MAX} địa điểm có tỷ lệ có mặt thấp nhất (màu đỏ: dưới 95%)"
    doc.rate_chart([v[0] for v in venues], [v[1] for v in venues], caption,
                   threshold=THRESHOLD)


def _by_category(summary):
    """Each category summed over the venues of its kind; the hall's first."""
    totals: dict[int, tuple] = {}
    for row in summary.venues:
        for c in row.categories:
            name, figs = totals.setdefault(c.category.id, (c.category.name, Figures()))
            figs.add(c.figures)
    for name, figs in totals.values():
        yield (name, *figures(figs))
    yield Strong(("Tổng cộng", *figures(summary.totals)))


def _absentees(doc: PartyDocument, db: Session, session: StudySession) -> None:
    rows = ((n, a.full_name, _joined(a.position, a.unit), a.venue,
             _joined(a.status, a.reason), a.made_up)
            for n, a in enumerate(lists.absentees(db, session), 1))
    doc.table(ABSENT_TABLE, rows, empty="Không có người vắng mặt.")


def _late(doc: PartyDocument, db: Session, session: StudySession) -> None:
    rows = ((n, a.full_name, _joined(a.position, a.unit), a.came_to, local_time(a.at, session))
            for n, a in enumerate(lists.late_arrivals(db, session), 1))
    doc.table(LATE_TABLE, rows, empty="Không có người đi muộn.")


def _joined(first: str, second: str) -> str:
    return ", ".join(part for part in (first, second) if part)


def _lower_first(value: str) -> str:
    """ "Hội nghị ..." -> "hội nghị ..." inside a sentence (document numbers keep their case)."""
    return value[:1].lower() + value[1:] if value else value
