"""Attendance is rows: one per person per session, plus every scan attempt and an audit trail."""

from datetime import datetime

from sqlalchemy import (JSON, Boolean, ForeignKey, ForeignKeyConstraint, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import Base, UTCDateTime
from .people import Person
from .sessions import Venue

# Statuses (tình trạng): có mặt, đi muộn, vắng có lý do, vắng không lý do.
PRESENT, LATE, ABSENT_EXCUSED, ABSENT_UNEXCUSED = (
    "present", "late", "absent_excused", "absent_unexcused")
STATUSES = (PRESENT, LATE, ABSENT_EXCUSED, ABSENT_UNEXCUSED)
ATTENDED = (PRESENT, LATE)
# Modes of presence (hình thức): có mặt trực tiếp / có mặt trực tuyến. An attended record is
# one or the other; an absence keeps IN_PERSON, which means nothing there.
IN_PERSON, ONLINE = "in_person", "online"
MODES = (IN_PERSON, ONLINE)

# How an attendance was taken.
# "join": the person's own join link; "online_import": a video platform's report; "closed":
# the organizer closed the roll (an unmarked person became absent without reason);
# "citizen_card": a citizen ID card (CCCD) at the door.
METHODS = ("card", "self", "manual", "walk_in", "roll", "join", "online_import", "closed",
           "citizen_card")


# Foreign keys of the two tables every scan writes to. Each foreign key makes PostgreSQL lock the
# row it points to (FOR KEY SHARE) for every row inserted; the session, the venue and the user
# scanning are the same few rows for every scan of a door, so concurrent scans kept locking the
# same rows, each lock a write, and under concurrency a MultiXact: with all eight keys batches
# of 100 spent half of the database's CPU on these checks (bench: 18,600-19,200 scans/s, and
# 24,400-25,200 with the keys below). What stays: an attendance points at (session, person)
# of people, so its person is on its own session's roster (stronger than the two single keys
# it replaces; deleting a session still deletes its people and their attendances); an attempt
# points at its session (deleted with it) and at the person (set NULL when removed from the
# roster). venue_id, recorded_by_id and actor_id have no foreign key: the check-in rule takes
# them only from the session's own venues and the signed-in user (checkin.judge), venues in
# use cannot be removed (sessions.remove_venue) and users are never deleted (they are locked).


class Attendance(Base):
    """The one attendance record of a person in a session, wherever they came."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id"),
        ForeignKeyConstraint(["session_id", "person_id"], ["people.session_id", "people.id"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(Integer)
    venue_id: Mapped[int] = mapped_column(Integer, index=True)  # no foreign key: see above
    status: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)
    device: Mapped[str] = mapped_column(String(100), default="")
    nonce: Mapped[str | None] = mapped_column(String(64))
    absence_reason: Mapped[str] = mapped_column(String(300), default="")
    mode: Mapped[str] = mapped_column(String(10), default=IN_PERSON, server_default=IN_PERSON)
    # When the person left (an exit scan or mark); None: stayed, or nobody recorded it.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(foreign_keys=[session_id, person_id])
    venue: Mapped[Venue] = relationship(primaryjoin="foreign(Attendance.venue_id) == Venue.id")
    recorded_by: Mapped[User | None] = relationship(
        primaryjoin="foreign(Attendance.recorded_by_id) == User.id")

    @property
    def elsewhere(self) -> bool:
        """Taken at another venue than the one the person was invited to (by their card)."""
        return self.venue_id != self.person.venue_id


class ScanAttempt(Base):
    """Every check-in attempt, accepted or not; its nonce makes a retry idempotent."""

    __tablename__ = "scan_attempts"
    __table_args__ = (UniqueConstraint("session_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    venue_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: see Attendance
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(20))  # accepted | duplicate | rejected
    code: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    device: Mapped[str] = mapped_column(String(100), default="")
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the device's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Whether the device's time was believed (checkin.rule.scan_time); None: none was given.
    # Not believed, the scan counted when it arrived; the organizer sees which.
    device_time_trusted: Mapped[bool | None] = mapped_column(Boolean)


class AuditEntry(Base):
    """Who changed what, when and why (nhật ký)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
