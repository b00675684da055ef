"""The consolidated learning-outcome report (báo cáo tổng hợp kết quả học tập, quán triệt) for
the superior committee, by reporting unit and in total.

    build_outcomes(db, session, now=...) -> Outcomes      (the page and every format)
    outcomes_export.export_outcomes(db, session, "csv" | "xlsx" | "pdf", out, now=...)

A unit that has reported (sent, sent late, or accepted) is shown with its own figures; a unit
that has not is shown with what the system knows from attendance and essays, and listed among
those that have not reported. Quiz results always come from the answers themselves.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from attendance.outcomes import quiz as quiz_service
from attendance.outcomes import reports as result_reports
from attendance.outcomes.cascade import Cascade, cascade_outcomes

from ..models import ResultReport, StudySession
from . import outcomes_units
from .csv import DEFAULT_DIALECT, write_csv
from .progress import Steps
from .table import INT, RATE, TEXT, Column, Strong, rate
from .xlsx import XlsxBook

FORMATS = ("csv", "xlsx", "pdf")
STATE_LABELS = {"not_submitted": "Chưa gửi", "submitted": "Đã gửi", "late": "Gửi muộn",
                "returned": "Trả lại bổ sung", "accepted": "Đã tiếp nhận"}
FIGURES = ("members", "attended", "absent_excused", "absent_unexcused", "makeup_done",
           "essays_submitted", "propaganda_activities", "people_reached")


@dataclass
class QuizCell:
    answered: int = 0
    mean_score: float | None = None
    passed: int = 0


@dataclass
class UnitRow:
    name: str
    state: str
    reported: bool
    overdue: bool = False
    members: int = 0
    attended: int = 0
    absent_excused: int = 0
    absent_unexcused: int = 0
    makeup_done: int = 0
    essays_submitted: int = 0
    essays_by_grade: dict = field(default_factory=dict)
    propaganda_activities: int = 0
    people_reached: int = 0
    quiz: QuizCell = field(default_factory=QuizCell)

    @property
    def rate(self) -> float | None:
        """Attended over members, as a fraction."""
        return rate(self.attended, self.members)

    @property
    def quiz_pass_rate(self) -> float | None:
        return rate(self.quiz.passed, self.quiz.answered)


@dataclass
class Outcomes:
    session: StudySession
    grades: list[str]
    threshold: float  # percent
    rows: list[UnitRow]
    total: UnitRow
    quiz: "quiz_service.QuizResults | None"
    cascade: Cascade | None = None  # computed from the registry and every class of the plan

    @property
    def under_threshold(self) -> list[UnitRow]:
        return [r for r in self.rows if r.rate is not None and 100 * r.rate < self.threshold]

    @property
    def not_reported(self) -> list[UnitRow]:
        return [r for r in self.rows if not r.reported]


def build_outcomes(db: Session, session: StudySession, *, now: datetime,
                   progress=None, cascade: Cascade | None = None) -> Outcomes:
    """``progress(percent)``: the cascade's one statement up to 30 %, then a step per
    reporting unit (each not yet reported is read from attendance) up to 80 %. ``cascade``:
    already computed (the page's kept one, attendance.outcomes.kept)."""
    steps = Steps(progress)
    settings = result_reports.settings_for(db, session)
    quiz = quiz_service.quiz_for(db, session)
    by_unit = quiz_service.results_by_unit(db, quiz)
    rows = []
    if cascade is None:
        cascade = cascade_outcomes(db, session)
    steps.at(30)
    tracks = result_reports.tracking(db, session, now=now)
    for track in steps.phase(30, 80, len(tracks)).each(tracks):
        report = track.report
        row = _from_report(report) if report.reported \
            else _from_system(db, session, report, cascade.by_id.get(report.unit_id))
        row.overdue = track.overdue
        figures = by_unit.get(report.unit_id)
        if figures is not None:
            row.quiz = QuizCell(figures.answered, figures.mean_score, figures.passed)
        rows.append(row)
    total = UnitRow(name="Tổng cộng", state="", reported=all(r.reported for r in rows))
    for row in rows:
        for name in FIGURES:
            setattr(total, name, getattr(total, name) + getattr(row, name))
        for grade, count in row.essays_by_grade.items():
            total.essays_by_grade[grade] = total.essays_by_grade.get(grade, 0) + count
    results = quiz_service.results(db, quiz) if quiz is not None else None
    if results is not None:
        t = results.total
        total.quiz = QuizCell(t.answered, t.mean_score, t.passed)
    return Outcomes(session=session, grades=list(settings.essay_grades),
                    threshold=settings.threshold, rows=rows, total=total, quiz=results,
                    cascade=cascade)


def _from_report(report: ResultReport) -> UnitRow:
    return UnitRow(
        name=report.unit.name, state=report.status, reported=True,
        members=report.members_total or 0, attended=report.attended or 0,
        absent_excused=report.absent_excused or 0,
        absent_unexcused=report.absent_unexcused or 0, makeup_done=report.makeup_done or 0,
        essays_submitted=report.essays_submitted or 0,
        essays_by_grade=dict(report.essays_by_grade or {}),
        propaganda_activities=report.propaganda_activities or 0,
        people_reached=report.people_reached or 0)


def _from_system(db: Session, session: StudySession, report: ResultReport,
                 outcome) -> UnitRow:
    facts = result_reports.unit_facts(db, session, report.unit_id, outcome=outcome)
    return UnitRow(
        name=report.unit.name, state=report.status, reported=False,
        members=facts["members_total"], attended=facts["attended"],
        absent_excused=facts["absent_excused"], absent_unexcused=facts["absent_unexcused"],
        makeup_done=facts["makeup_done"], essays_submitted=facts["essays_submitted"],
        essays_by_grade=facts["essays_by_grade"])


# Tables ---------------------------------------------------------------------------------------

def unit_columns(grades: list[str]) -> list[Column]:
    return [
        Column("STT", INT, 6), Column("Đơn vị", TEXT, 34), Column("Tình trạng báo cáo", TEXT, 16),
        Column("Tổng số đảng viên", INT, 11), Column("Tham dự", INT, 10),
        Column("Tỷ lệ tham dự", RATE, 10), Column("Vắng có lý do", INT, 10),
        Column("Vắng không lý do", INT, 10), Column("Đã học bù", INT, 10),
        Column("Bài thu hoạch", INT, 10),
        *[Column(f"Loại {g}", INT, 10) for g in grades],
        Column("Người làm bài kiểm tra", INT, 11), Column("Điểm kiểm tra trung bình", RATE, 11),
        Column("Tỷ lệ đạt kiểm tra", RATE, 10), Column("Hoạt động tuyên truyền", INT, 11),
        Column("Lượt người được tuyên truyền", INT, 12),
    ]


def unit_values(row: UnitRow, grades: list[str], number: int | None) -> tuple:
    state = STATE_LABELS.get(row.state, "")
    if row.overdue:
        state = f"{state} (quá hạn)"
    mean = row.quiz.mean_score / 100 if row.quiz.mean_score is not None else None
    return (number, row.name, state, row.members, row.attended, row.rate, row.absent_excused,
            row.absent_unexcused, row.makeup_done, row.essays_submitted,
            *[row.essays_by_grade.get(g, 0) for g in grades],
            row.quiz.answered, mean, row.quiz_pass_rate, row.propaganda_activities,
            row.people_reached)


def unit_rows(outcomes: Outcomes) -> Iterator[tuple]:
    for number, row in enumerate(outcomes.rows, start=1):
        yield unit_values(row, outcomes.grades, number)
    yield Strong(unit_values(outcomes.total, outcomes.grades, None))


QUIZ_COLUMNS = [Column("Địa điểm / thành phần", TEXT, 44), Column("Số người làm bài", INT, 12),
                Column("Điểm trung bình", RATE, 12), Column("Số người đạt", INT, 12),
                Column("Tỷ lệ đạt", RATE, 10)]


def quiz_rows(results, what: str) -> Iterator[tuple]:
    pairs = results.by_venue if what == "venue" else results.by_category
    for thing, f in pairs:
        yield _quiz_values(thing.name, f)
    yield Strong(_quiz_values("Tổng cộng", results.total))


def _quiz_values(name: str, f) -> tuple:
    mean = f.mean_score / 100 if f.mean_score is not None else None
    return (name, f.answered, mean, f.passed, rate(f.passed, f.answered))


ATTENTION_COLUMNS = [Column("Đơn vị", TEXT, 40), Column("Tình trạng báo cáo", TEXT, 22),
                     Column("Tỷ lệ tham dự", RATE, 12)]


def attention_rows(rows: list[UnitRow]) -> Iterator[tuple]:
    for row in rows:
        state = STATE_LABELS.get(row.state, "") + (" (quá hạn)" if row.overdue else "")
        yield (row.name, state, row.rate)


# Formats --------------------------------------------------------------------------------------

def export_cascade_csv(db: Session, session: StudySession, out: BinaryIO, *,
                       dialect: str = DEFAULT_DIALECT) -> None:
    """The computed table by unit alone as CSV (one table per CSV file, for Excel and scripts;
    the XLSX and PDF carry it beside the units' reports)."""
    write_csv(out, outcomes_units.COLUMNS,
              outcomes_units.rows(cascade_outcomes(db, session), indent=False), dialect=dialect)


def write_xlsx(outcomes: Outcomes, out: BinaryIO, *, letterhead=None) -> None:
    book = XlsxBook(letterhead)
    columns = unit_columns(outcomes.grades)
    title = outcomes.session.title
    studied = title[len("Hội nghị "):] if title.startswith("Hội nghị ") else title
    sheet = book.sheet("Theo đơn vị", [c.width for c in columns], freeze="C2",
                       heading=("TỔNG HỢP KẾT QUẢ", studied))
    sheet.table(columns, unit_rows(outcomes))
    sheet.close()
    sheet = book.sheet("Theo hệ thống đơn vị", [c.width for c in outcomes_units.COLUMNS],
                       freeze="D2", heading=("KẾT QUẢ HỌC TẬP THEO HỆ THỐNG ĐƠN VỊ", studied))
    sheet.table(outcomes_units.COLUMNS, outcomes_units.rows(outcomes.cascade))
    sheet.close()
    sheet = book.sheet("Kiểm tra nhận thức", [c.width for c in QUIZ_COLUMNS])
    if outcomes.quiz is None:
        sheet.title("Chưa có bài kiểm tra nhận thức.")
    else:
        sheet.table(QUIZ_COLUMNS, quiz_rows(outcomes.quiz, "venue"))
        sheet.blank()
        sheet.title("Theo thành phần")
        sheet.table(QUIZ_COLUMNS, quiz_rows(outcomes.quiz, "category"))
    sheet.close()
    sheet = book.sheet("Cần chú ý", [c.width for c in ATTENTION_COLUMNS])
    sheet.title(f"Đơn vị có tỷ lệ tham dự dưới {outcomes.threshold:g} %".replace(".", ","))
    sheet.table(ATTENTION_COLUMNS, attention_rows(outcomes.under_threshold))
    sheet.blank()
    sheet.title("Đơn vị chưa báo cáo")
    sheet.table(ATTENTION_COLUMNS, attention_rows(outcomes.not_reported))
    sheet.close()
    book.save(out)

