"""People on a session's roster (danh sách đại biểu)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .members import Member
from .sessions import Category, StudySession, Unit, Venue


class Person(Base):
    __tablename__ = "people"
    # (session, id): what an attendance refers to, so that it can only name someone on its own
    # session's roster; also the index of a session's people.
    # A citizen ID number (checkin.citizen) is on one roster line of a session at most.
    __table_args__ = (UniqueConstraint("session_id", "id"),
                      UniqueConstraint("session_id", "cccd_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(String(200))
    # Case- and accent-folded name for search and duplicate detection.
    search_name: Mapped[str] = mapped_column(String(200), index=True)
    position: Mapped[str] = mapped_column(String(300), default="")  # chức vụ
    unit_name: Mapped[str] = mapped_column(String(300), default="")  # đơn vị, as written
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    phone: Mapped[str] = mapped_column(String(20), default="")
    party_member: Mapped[bool] = mapped_column(Boolean, default=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id"), index=True)
    # Bumped to reissue a card: tokens of older versions are refused as revoked.
    card_version: Mapped[int] = mapped_column(Integer, default=1)
    birth_date: Mapped[date | None] = mapped_column(Date)
    # The citizen ID card's number (số CCCD) only as its keyed hash (checkin.citizen.number_hash,
    # Nghị định 13/2023): enough to find its holder at the door, never the number itself.
    cccd_hash: Mapped[str | None] = mapped_column(String(64))
    # The registry member this roster line is (by member number, or name + unit + birth date).
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"),
                                                  index=True)
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[StudySession] = relationship()
    category: Mapped[Category] = relationship()
    venue: Mapped[Venue] = relationship()
    unit: Mapped[Unit | None] = relationship()
    member: Mapped[Member | None] = relationship()
