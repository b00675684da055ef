"""Background jobs: a long export (cards, posters, summaries, lists, outcomes) or a large roster
import, run by the job worker while the page shows its progress.

The row is what every app process and the worker share: its state and progress are read by
``GET /api/v1/jobs/{id}``; the finished file lives in the instance folder under ``file_name``
until ``expires_at``. Ids are random (not counters): a job's URL says nothing about others.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, UTCDateTime
from .sessions import StudySession

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_STATES = (QUEUED, RUNNING, DONE, FAILED)


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # None: a job of no session (the member registry's import).
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(20))  # cards, posters, summary, ..., roster
    format: Mapped[str] = mapped_column(String(8))  # pdf, xlsx, csv, zip (a PDF per venue)
    venue_id: Mapped[int | None] = mapped_column(Integer)  # optional filter, checked on create
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON: signer, base URL, upload
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # 0-100
    error: Mapped[str] = mapped_column(String(60), default="")  # an error code, "" when none
    result: Mapped[str] = mapped_column(Text, default="{}")  # JSON: counts, bad rows
    file_name: Mapped[str] = mapped_column(String(200), default="")  # in the jobs folder
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    session: Mapped[StudySession] = relationship()
    user: Mapped[User | None] = relationship()
