"""Learning outcomes of a session: units' result reports, learning essays, the knowledge check.

Figures a unit reports are the unit's own statement (it may count members the roster never
invited), so they are stored; what the system itself knows (attendance, essays, quiz answers)
is derived by queries and only used to pre-fill the report form.
"""

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..numbers import cut_rate
from .base import Base, UTCDateTime
from .people import Person
from .sessions import StudySession, Unit, Venue

# Result report states (báo cáo kết quả): chưa gửi, đã gửi, gửi muộn, trả lại để bổ sung,
# đã tiếp nhận.
NOT_SUBMITTED, SUBMITTED, LATE_SUBMITTED, RETURNED, ACCEPTED = (
    "not_submitted", "submitted", "late", "returned", "accepted")
REPORT_STATES = (NOT_SUBMITTED, SUBMITTED, LATE_SUBMITTED, RETURNED, ACCEPTED)
REPORTED = (SUBMITTED, LATE_SUBMITTED, ACCEPTED)  # the unit has reported

# Default essay scale (thang đánh giá bài thu hoạch), best first; configurable per session.
DEFAULT_GRADES = ("Xuất sắc", "Tốt", "Khá", "Trung bình", "Không đạt")
DEFAULT_THRESHOLD = 95.0  # percent; a unit under it is flagged in the consolidated report

# The whole-number fields of a result report, in the order of the form and the exports.
REPORT_COUNTS = ("sessions_held", "members_total", "attended", "absent_excused",
                 "absent_unexcused", "makeup_done", "key_cadres", "non_members",
                 "essays_submitted", "propaganda_activities", "people_reached")

QUIZ_DRAFT, QUIZ_OPEN, QUIZ_CLOSED = "draft", "open", "closed"


class OutcomeSettings(Base):
    """Per-session settings of the outcome reports: the essay scale and the rate threshold."""

    __tablename__ = "outcome_settings"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), primary_key=True)
    essay_grades: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_GRADES))
    threshold: Mapped[float] = mapped_column(Float, default=DEFAULT_THRESHOLD)


class ResultReport(Base):
    """One reporting unit's result report for a session; the row exists from the moment the
    organizer names the unit as reporting, in state not_submitted."""

    __tablename__ = "result_reports"
    __table_args__ = (UniqueConstraint("session_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=NOT_SUBMITTED)
    sessions_held: Mapped[int | None] = mapped_column(Integer)  # số hội nghị, lớp
    members_total: Mapped[int | None] = mapped_column(Integer)
    attended: Mapped[int | None] = mapped_column(Integer)
    absent_excused: Mapped[int | None] = mapped_column(Integer)
    absent_unexcused: Mapped[int | None] = mapped_column(Integer)
    makeup_done: Mapped[int | None] = mapped_column(Integer)  # đã học bù
    key_cadres: Mapped[int | None] = mapped_column(Integer)  # cán bộ chủ chốt dự
    non_members: Mapped[int | None] = mapped_column(Integer)  # quần chúng dự
    essays_submitted: Mapped[int | None] = mapped_column(Integer)
    essays_by_grade: Mapped[dict] = mapped_column(JSON, default=dict)
    propaganda_activities: Mapped[int | None] = mapped_column(Integer)
    people_reached: Mapped[int | None] = mapped_column(Integer)
    strengths: Mapped[str] = mapped_column(Text, default="")
    limits: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    plan_number: Mapped[str] = mapped_column(String(60), default="")
    plan_date: Mapped[date | None] = mapped_column(Date)
    plan_filename: Mapped[str] = mapped_column(String(200), default="")  # as uploaded
    plan_stored: Mapped[str] = mapped_column(String(100), default="")  # name on disk
    plan_kind: Mapped[str] = mapped_column(String(10), default="")  # pdf | docx
    plan_size: Mapped[int] = mapped_column(Integer, default=0)
    # The signed, stamped copy of the report (bản ký, đóng dấu): a PDF or an image.
    scan_filename: Mapped[str] = mapped_column(String(200), default="")  # as uploaded
    scan_stored: Mapped[str] = mapped_column(String(100), default="")  # name on disk
    scan_kind: Mapped[str] = mapped_column(String(10), default="")  # pdf | png | jpeg
    scan_size: Mapped[int] = mapped_column(Integer, default=0)
    scan_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[StudySession] = relationship()
    unit: Mapped[Unit] = relationship()

    @property
    def rate(self) -> float | None:
        """Attended over members, in percent, cut to two decimals as units publish it."""
        if not self.members_total or self.attended is None:
            return None
        return cut_rate(self.attended, self.members_total)

    @property
    def reported(self) -> bool:
        return self.status in REPORTED


class KeptCascade(Base):
    """A session's learning-outcome cascade (attendance.outcomes.cascade) as last computed,
    kept when computing it took long (a nation's: 960,000 members, seconds) so that its page
    opens at once for every process and node; recomputed in the background when old
    (attendance.outcomes.kept). ``rows``: JSON, the cascade's rolled-up rows."""

    __tablename__ = "kept_cascades"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[float] = mapped_column(Float)  # how long the computation took
    rows: Mapped[str] = mapped_column(Text)
    # A process recomputing it since then (the others serve the kept copy meanwhile).
    refreshing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Essay(Base):
    """A person's learning essay (bài thu hoạch): submitted, then graded on the session scale."""

    __tablename__ = "essays"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    grade: Mapped[str] = mapped_column(String(60), default="")  # "" while not graded
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person: Mapped[Person] = relationship()


class Quiz(Base):
    """The knowledge check of a session: short multiple choice on the document studied."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    pass_mark: Mapped[int] = mapped_column(Integer, default=50)  # percent of questions right
    state: Mapped[str] = mapped_column(String(10), default=QUIZ_DRAFT)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[StudySession] = relationship()
    questions: Mapped[list["QuizQuestion"]] = relationship(
        back_populates="quiz", order_by="QuizQuestion.position",
        cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.state == QUIZ_OPEN


class QuizQuestion(Base):
    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON, default=list)
    correct: Mapped[int] = mapped_column(Integer)  # index into options

    quiz: Mapped[Quiz] = relationship(back_populates="questions")


class QuizSubmission(Base):
    """One person's answers, scored when received; one per person per quiz."""

    __tablename__ = "quiz_submissions"
    __table_args__ = (UniqueConstraint("quiz_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"),
                                         index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"))  # where they answered
    answers: Mapped[list] = mapped_column(JSON, default=list)
    correct: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)  # percent
    passed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
    venue: Mapped[Venue] = relationship()
