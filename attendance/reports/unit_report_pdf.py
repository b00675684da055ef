"""A unit's own result report (báo cáo kết quả học tập, quán triệt) as a party document in the
unit's letterhead, with the figures it saved (or what the system knows where it saved none)."""

from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from attendance.outcomes import reports as result_reports

from ..models import ResultReport
from . import outcomes_units
from .document import PartyDocument, number_format
from .table import INT, TEXT, Column
from .unit_letterhead import unit_letterhead

ROWS = [("sessions_held", "Số hội nghị, lớp đã tổ chức"),
        ("members_total", "Tổng số đảng viên"), ("attended", "Số đảng viên tham dự"),
        ("absent_excused", "Vắng có lý do"), ("absent_unexcused", "Vắng không lý do"),
        ("makeup_done", "Đã học bù"), ("key_cadres", "Cán bộ chủ chốt tham dự"),
        ("non_members", "Quần chúng tham dự"), ("essays_submitted", "Bài thu hoạch đã nộp"),
        ("propaganda_activities", "Hoạt động tuyên truyền"),
        ("people_reached", "Lượt người được tuyên truyền")]


def write_unit_report(db: Session, report: ResultReport, out: BinaryIO, *, now: datetime) -> None:
    session, unit = report.session, report.unit
    facts = result_reports.unit_facts(db, session, report.unit_id)
    values = result_reports.prefill(db, report, facts)
    letterhead = unit_letterhead(unit, on=now.astimezone(session.zone).date())
    title = session.title[:1].lower() + session.title[1:]
    doc = PartyDocument(letterhead, "BÁO CÁO", f"Kết quả học tập, quán triệt {title}")
    plan = f"Thực hiện Kế hoạch số {session.plan_number}" if session.plan_number else "Thực hiện"
    if session.plan_issuer:
        plan += f" của {session.plan_issuer}"
    doc.paragraph(f"{plan}, {unit.name} báo cáo kết quả học tập, quán triệt như sau:")
    doc.heading("I. KẾT QUẢ TỔ CHỨC HỌC TẬP, QUÁN TRIỆT")
    outcome = facts["outcome"]
    if outcome is not None:
        doc.paragraph(
            f"Tổng số đảng viên phải học tập: {number_format(outcome.members)}; đã học tập: "
            f"{number_format(outcome.taught)}, đạt {outcomes_units.rate_text(outcome)} (trong đó "
            f"học bù: {number_format(outcome.made_up)}); miễn sinh hoạt: "
            f"{number_format(outcome.exempt)}.")
    doc.table([Column("TT", INT, 8), Column("Nội dung", TEXT, 62), Column("Số lượng", INT, 20)],
              [(n, label, values.get(name)) for n, (name, label) in enumerate(ROWS, start=1)])
    grades = values.get("essays_by_grade") or {}
    if grades:
        doc.paragraph("Bài thu hoạch theo xếp loại: " + "; ".join(
            f"{grade}: {number_format(count)}" for grade, count in grades.items()) + ".")
    for heading, name in (("II. ƯU ĐIỂM", "strengths"), ("III. HẠN CHẾ", "limits"),
                          ("IV. ĐỀ XUẤT, KIẾN NGHỊ", "proposals")):
        doc.heading(heading)
        for paragraph in (values.get(name) or "Không có.").splitlines():
            if paragraph.strip():
                doc.paragraph(paragraph.strip())
    if values.get("plan_number"):
        on = f" ngày {values['plan_date']:%d/%m/%Y}" if values.get("plan_date") else ""
        doc.paragraph(f"Đơn vị đã ban hành chương trình hành động số {values['plan_number']}{on}.")
    doc.paragraph(f"Trên đây là báo cáo kết quả học tập, quán triệt {title} của {unit.name}.")
    doc.build(out, subject=session.title)
