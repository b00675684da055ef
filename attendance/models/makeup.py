"""Make-up study (học bù): a later sitting for people who missed the session."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .people import Person
from .sessions import StudySession, Unit


class MakeupSession(Base):
    """One make-up sitting of a session, held by a unit (or by the organizer) on a day."""

    __tablename__ = "makeup_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"),
                                            index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[StudySession] = relationship()
    unit: Mapped[Unit | None] = relationship()
    attendances: Mapped[list["MakeupAttendance"]] = relationship(
        back_populates="makeup", cascade="all, delete-orphan")


class MakeupAttendance(Base):
    """Who made up; a person makes up a session once, whichever sitting they came to."""

    __tablename__ = "makeup_attendances"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    makeup_id: Mapped[int] = mapped_column(ForeignKey("makeup_sessions.id", ondelete="CASCADE"),
                                           index=True)
    # Repeated from the sitting so the database itself keeps one make-up per person.
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))

    makeup: Mapped[MakeupSession] = relationship(back_populates="attendances")
    person: Mapped[Person] = relationship()
