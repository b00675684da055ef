"""The consolidated learning-outcome report as a party document PDF (same layout as the
attendance summary: attendance.reports.document). The unit table is split in three (attendance,
essays, quiz and propaganda) so that each fits the width of an A4 page."""

from datetime import datetime
from typing import BinaryIO

from .document import PartyDocument, number_format, percent_format
from .letterhead import letterhead_for
from . import outcomes_units
from .outcomes import QUIZ_COLUMNS, STATE_LABELS, Outcomes, UnitRow, quiz_rows
from .table import INT, RATE, TEXT, Column, Strong

ATTENDANCE = [Column("STT", INT, 9), Column("Đơn vị", TEXT, 40), Column("Báo cáo", TEXT, 17),
              Column("Đảng viên", INT, 11), Column("Tham dự", INT, 11), Column("Tỷ lệ", RATE, 11),
              Column("Vắng có lý do", INT, 10), Column("Vắng không lý do", INT, 11),
              Column("Đã học bù", INT, 10)]
QUIZ_AND_PROPAGANDA = [
    Column("STT", INT, 7), Column("Đơn vị", TEXT, 40), Column("Làm kiểm tra", INT, 11),
    Column("Điểm trung bình", RATE, 12), Column("Tỷ lệ đạt", RATE, 11),
    Column("Hoạt động tuyên truyền", INT, 13), Column("Lượt người được tuyên truyền", INT, 15)]


def write_pdf(outcomes: Outcomes, out: BinaryIO, *, now: datetime, letterhead=None) -> None:
    session = outcomes.session
    letterhead = letterhead or letterhead_for(session, on=now.astimezone(session.zone).date())
    title = session.title[:1].lower() + session.title[1:]
    doc = PartyDocument(letterhead, "BÁO CÁO", f"Kết quả học tập, quán triệt {title}")
    rows, t = outcomes.rows, outcomes.total
    reported = len(rows) - len(outcomes.not_reported)
    plan = f"Thực hiện Kế hoạch số {session.plan_number}, sau" if session.plan_number \
        else "Sau"
    doc.paragraph(
        f"{plan} hội nghị, {number_format(reported)}/{number_format(len(rows))} đơn vị đã gửi báo "
        f"cáo kết quả. Tổng số đảng viên: {number_format(t.members)}; tham dự: "
        f"{number_format(t.attended)}, đạt {percent_format(t.rate)}; vắng có lý do: "
        f"{number_format(t.absent_excused)}; vắng không lý do: {number_format(t.absent_unexcused)}"
        f"; đã học bù: {number_format(t.makeup_done)}. Bài thu hoạch đã nộp: "
        f"{number_format(t.essays_submitted)}. Hoạt động tuyên truyền: "
        f"{number_format(t.propaganda_activities)}, với {number_format(t.people_reached)} lượt "
        f"người được tuyên truyền.")
    cascade = outcomes.cascade
    if cascade is not None:
        doc.heading("1. Kết quả học tập theo hệ thống đơn vị")
        doc.paragraph(outcomes_units.summary(cascade))
        doc.table(CASCADE, _cascade_rows(cascade))
        if cascade.not_finished:
            doc.paragraph("Đơn vị chưa hoàn thành: "
                          + "; ".join(outcomes_units.named(cascade, u)
                                      for u in cascade.not_finished) + ".")
    doc.heading("2. Kết quả tham dự theo báo cáo của đơn vị")
    doc.table(ATTENDANCE, _with_total(outcomes, _attendance))
    if rows:
        doc.rate_chart([r.name for r in rows], [r.rate for r in rows],
                       "Biểu đồ tỷ lệ đảng viên tham dự theo đơn vị (%)",
                       threshold=outcomes.threshold / 100)
    doc.heading("3. Bài thu hoạch theo xếp loại")
    essay_columns = [Column("STT", INT, 7), Column("Đơn vị", TEXT, 40),
                     Column("Số bài đã nộp", INT, 12),
                     *[Column(g, INT, 11) for g in outcomes.grades]]
    doc.table(essay_columns, _with_total(outcomes, lambda r: (
        r.essays_submitted, *[r.essays_by_grade.get(g, 0) for g in outcomes.grades])))
    doc.heading("4. Kiểm tra nhận thức và hoạt động tuyên truyền")
    doc.table(QUIZ_AND_PROPAGANDA, _with_total(outcomes, lambda r: (
        r.quiz.answered, _score(r), r.quiz_pass_rate, r.propaganda_activities,
        r.people_reached)))
    if outcomes.quiz is not None:
        doc.paragraph(f"Bài kiểm tra gồm {len(outcomes.quiz.quiz.questions)} câu, đạt khi trả "
                      f"lời đúng từ {outcomes.quiz.quiz.pass_mark}% số câu trở lên.")
        doc.table(QUIZ_COLUMNS, quiz_rows(outcomes.quiz, "venue"))
        doc.table(QUIZ_COLUMNS, quiz_rows(outcomes.quiz, "category"))
    doc.heading(f"5. Đơn vị có tỷ lệ tham dự dưới {outcomes.threshold:g}%".replace(".", ","))
    doc.table([Column("Đơn vị", TEXT, 60), Column("Tỷ lệ tham dự", RATE, 20)],
              [(r.name, r.rate) for r in outcomes.under_threshold])
    doc.heading("6. Đơn vị chưa báo cáo")
    doc.table([Column("Đơn vị", TEXT, 60), Column("Tình trạng", TEXT, 30)],
              [(r.name, _state(r)) for r in outcomes.not_reported],
              empty="Tất cả các đơn vị đã báo cáo.")
    if outcomes.not_reported:
        doc.paragraph("Số liệu của đơn vị chưa báo cáo được tính theo dữ liệu điểm danh.")
    doc.paragraph(f"Trên đây là báo cáo kết quả học tập, quán triệt {title} của "
                  f"{letterhead.committee}.")
    doc.build(out, subject=session.title)


# The computed table, narrowed to an A4 page's width (the files carry every column).
CASCADE = [Column("STT", INT, 8), Column("Đơn vị", TEXT, 34), Column("Phải học", INT, 10),
           Column("Đã học", INT, 10), Column("Tỷ lệ", TEXT, 14), Column("Học bù", INT, 9),
           Column("Miễn SH", INT, 9), Column("Quần chúng", INT, 10), Column("Lớp", INT, 7),
           Column("Tình trạng", TEXT, 17)]


def _cascade_rows(cascade):
    for number, u in enumerate(cascade.units, start=1):
        yield (number, outcomes_units.indented(u, pad="– "), *_cascade_values(u))
    yield Strong((None, "Tổng cộng", *_cascade_values(cascade.total)))


def _cascade_values(u) -> tuple:
    return (u.members, u.taught, outcomes_units.rate_text(u), u.made_up, u.exempt,
            u.non_members, u.classes, outcomes_units.state(u))


def _attendance(row: UnitRow) -> tuple:
    return (_state(row) if row.state else "", row.members, row.attended, row.rate,
            row.absent_excused, row.absent_unexcused, row.makeup_done)


def _with_total(outcomes: Outcomes, values):
    for number, row in enumerate(outcomes.rows, start=1):
        yield (number, row.name, *values(row))
    total = outcomes.total
    yield Strong((None, "Tổng cộng", *values(total)))


def _score(row: UnitRow) -> float | None:
    return row.quiz.mean_score / 100 if row.quiz.mean_score is not None else None


def _state(row: UnitRow) -> str:
    return STATE_LABELS.get(row.state, "") + (" (quá hạn)" if row.overdue else "")
