"""The member registry (danh sách đảng viên): members kept per unit across sessions.

A roster person (models.people.Person) may be linked to a member; the learning outcome a unit
reports counts members, so it is computed from the registry and the linked attendances.
"""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .sessions import Unit

# Status (tình trạng): đang sinh hoạt, miễn công tác và sinh hoạt đảng, chuyển đi.
ACTIVE, EXEMPT, MOVED = "active", "exempt", "moved"
MEMBER_STATUSES = (ACTIVE, EXEMPT, MOVED)


class Member(Base):
    __tablename__ = "members"
    # Covering index of the outcomes' per-member pass (attendance.outcomes.cascade): a unit's
    # members in id order with the columns that judge them, read without touching the table
    # (whose rows of one unit lie scattered). Measured: the member-figure SQL about 10% less.
    __table_args__ = (Index("ix_members_unit_figures", "unit_id", "id", "status",
                            "party_member", "key_cadre"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Case- and accent-folded name for search and matching.
    search_name: Mapped[str] = mapped_column(String(200), index=True)
    position: Mapped[str] = mapped_column(String(300), default="")  # chức vụ
    member_no: Mapped[str | None] = mapped_column(String(30), unique=True)  # số thẻ đảng viên
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(20), default="")
    party_member: Mapped[bool] = mapped_column(Boolean, default=True)  # or quần chúng
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    key_cadre: Mapped[bool] = mapped_column(Boolean, default=False)  # cán bộ chủ chốt
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()


class MemberMove(Base):
    """A member's move between units (chuyển sinh hoạt): the history stays with the member."""

    __tablename__ = "member_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
