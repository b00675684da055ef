"""Study sessions (hội nghị), the document studied, units, venues and participant categories."""

import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime

HALL = "hall"  # hội trường
BRIDGE_POINT = "bridge_point"  # điểm cầu
VENUE_KINDS = (HALL, BRIDGE_POINT)

# Unit kinds (loại đơn vị), as the units file names them.
COMMITTEE = "committee"  # cấp ủy: Tỉnh ủy, Thị ủy, đảng ủy xã/phường
CELL = "cell"  # chi bộ
FRONT = "front"  # Mặt trận Tổ quốc
ORGANIZATION = "organization"  # đoàn thể: tổ chức chính trị - xã hội
OFFICE = "office"  # cơ quan: phòng, ban, ngành
UNIT_KINDS = (COMMITTEE, CELL, FRONT, ORGANIZATION, OFFICE)

# How the check-in window is governed: by the clock, or forced by the organizer.
WINDOW_AUTO, WINDOW_OPEN, WINDOW_CLOSED = "auto", "open", "closed"


def _provisional_code() -> str:
    # Units made in code without a code of their own (the units file and the form always give
    # one) still need a unique one.
    return "U-" + secrets.token_hex(4).upper()


class Unit(Base):
    """An organisational unit (đơn vị): a tree under the committee. The code is unique in the
    instance; the name only among its siblings (every ward has a "Chi bộ tổ dân phố 1")."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, default=_provisional_code)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    letterhead: Mapped[str] = mapped_column(String(200), default="")  # "THỊ ỦY X", as printed
    place: Mapped[str] = mapped_column(String(100), default="")  # "X", before the date of its documents
    symbol: Mapped[str] = mapped_column(String(20), default="")  # "TU", "ĐU", "CB"
    member_count: Mapped[int | None] = mapped_column(Integer)  # số đảng viên, as declared
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # giải thể, sáp nhập

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")


class Document(Base):
    """The document studied (e.g. Kết luận số 57-KL/TW)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(500))


class StudySession(Base):
    """One study session (hội nghị): one date, one document, many venues."""

    __tablename__ = "study_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    plan_number: Mapped[str] = mapped_column(String(60), default="")  # e.g. 145-KH/TU
    plan_date: Mapped[date | None] = mapped_column(Date)  # the plan's own date
    plan_issuer: Mapped[str] = mapped_column(String(200), default="")  # Ban Thường vụ Thị ủy
    # "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ": the lines above the signature
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    # Where participants' phones reach the app for this session (its posters', screens' and
    # sign-in links' address, e.g. "https://diemcau.example.vn"); empty: PUBLIC_BASE_URL.
    public_base_url: Mapped[str] = mapped_column(String(200), default="", server_default="")
    recipients: Mapped[str] = mapped_column(Text, default="")  # Nơi nhận, one per line
    # A follow-on class (lớp ở cơ sở) of the same plan and document, held by a sub-unit.
    parent_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    organizer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(60), default="Asia/Ho_Chi_Minh")
    mode: Mapped[str] = mapped_column(String(200), default="")  # trực tiếp kết hợp trực tuyến
    presenter: Mapped[str] = mapped_column(String(300), default="")  # báo cáo viên
    late_grace_minutes: Mapped[int] = mapped_column(Integer, default=15)
    checkin_opens_minutes: Mapped[int] = mapped_column(Integer, default=90)  # before the start
    checkin_closes_minutes: Mapped[int] = mapped_column(Integer, default=240)  # after the start
    checkin_window: Mapped[str] = mapped_column(String(10), default=WINDOW_AUTO)
    # The bridge points' connection rehearsal (tổng duyệt kỹ thuật), this long before the start.
    rehearsal_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # When the organizer last opened or closed check-in by hand: scans made before it are
    # judged by the clock's window (see checkin.rule.window_open).
    checkin_window_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # on by default: without it a photo of the poster checks anyone in from home
    require_presence: Mapped[bool] = mapped_column(Boolean, default=True)
    report_deadline: Mapped[date | None] = mapped_column(Date)
    # The meeting link of those who take part online (a venue may have its own).
    video_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    document: Mapped[Document | None] = relationship()
    organizer_unit: Mapped[Unit | None] = relationship()
    parent_session: Mapped["StudySession | None"] = relationship(
        remote_side=[id], back_populates="follow_ons")
    follow_ons: Mapped[list["StudySession"]] = relationship(back_populates="parent_session")
    venues: Mapped[list["Venue"]] = relationship(
        back_populates="session", order_by="Venue.position, Venue.id",
        cascade="all, delete-orphan",
    )
    categories: Mapped[list["Category"]] = relationship(
        back_populates="session", order_by="Category.venue_kind, Category.position, Category.id",
        cascade="all, delete-orphan",
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def rehearsal_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.rehearsal_minutes or 0)

    @property
    def late_after(self) -> datetime:
        """The end of the grace minutes (checkin.rule.status_at: late is after it)."""
        return self.starts_at + timedelta(minutes=self.late_grace_minutes)

    def categories_for(self, venue_kind: str) -> list["Category"]:
        return [c for c in self.categories if c.venue_kind == venue_kind]


class Venue(Base):
    """The hall (hội trường) or a bridge point (điểm cầu) of one session."""

    __tablename__ = "venues"
    __table_args__ = (UniqueConstraint("session_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    coordinator_name: Mapped[str] = mapped_column(String(200), default="")
    coordinator_phone: Mapped[str] = mapped_column(String(20), default="")
    # Secret part of the venue's self check-in link printed on its poster.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # Follows from the point's link checklist (roll.link): not_ready, connected or problem.
    readiness: Mapped[str] = mapped_column(String(20), default="not_ready")
    readiness_note: Mapped[str] = mapped_column(Text, default="")
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A plain id, not a foreign key: users already refer to venues, and a cycle would break
    # table creation on PostgreSQL. The audit trail holds the full record.
    signed_off_by_id: Mapped[int | None] = mapped_column(Integer)
    # Who runs the point's picture and sound (kỹ thuật viên), named on its link checklist.
    technician_name: Mapped[str] = mapped_column(String(200), default="")
    technician_phone: Mapped[str] = mapped_column(String(20), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # When the organizer closed the roll (the unmarked became absent); None: open.
    roll_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[StudySession] = relationship(back_populates="venues")
    unit: Mapped[Unit | None] = relationship()
    expected_counts: Mapped[list["ExpectedCount"]] = relationship(
        back_populates="venue", cascade="all, delete-orphan")

    @property
    def is_hall(self) -> bool:
        return self.kind == HALL


class LinkCheck(Base):
    """One mark of a bridge point's link checklist (kiểm tra đường truyền): an item tested
    (picture, sound, link, backup link) or the technician named, as of ``at`` (when the
    coordinator marked it, by a trusted device clock). Rows, not a state: what a point's
    checklist said at the rehearsal or at the start is the last row of each item by then."""

    __tablename__ = "link_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"),
                                            index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"),
                                          index=True)
    item: Mapped[str] = mapped_column(String(20))  # roll.link.ITEMS or "technician"
    state: Mapped[str] = mapped_column(String(10), default="")  # ok | fail | "" (not tested)
    note: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(Integer)


class Category(Base):
    """A participant category (thành phần) invited to one kind of venue."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("session_id", "venue_kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id", ondelete="CASCADE"),
                                            index=True)
    venue_kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Các thành phần khác: often counted, not named.
    headcount_only: Mapped[bool] = mapped_column(Boolean, default=False)

    session: Mapped[StudySession] = relationship(back_populates="categories")


class ExpectedCount(Base):
    """How many of a category a venue expects (số lượng dự kiến)."""

    __tablename__ = "expected_counts"

    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"),
                                          primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"),
                                             primary_key=True)
    expected: Mapped[int] = mapped_column(Integer, default=0)
    # Headcount for headcount-only categories, entered by the coordinator.
    headcount: Mapped[int | None] = mapped_column(Integer)

    venue: Mapped[Venue] = relationship(back_populates="expected_counts")
    category: Mapped[Category] = relationship()
