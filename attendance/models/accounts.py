"""Users, roles and API tokens."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .sessions import StudySession, Unit, Venue

ORGANIZER = "organizer"  # Văn phòng / Ban Tuyên giáo
STAFF = "staff"  # entrance staff: a venue per session
COORDINATOR = "coordinator"  # a bridge point per session
REPORTER = "reporter"  # one unit's result report
VIEWER = "viewer"  # reads everything in its scope, changes nothing
ROLES = (ORGANIZER, STAFF, COORDINATOR, REPORTER, VIEWER)
VENUE_ROLES = (STAFF, COORDINATOR)
UNIT_ROLES = (REPORTER,)
# Roles whose unit is a scope (the unit and everything below it); without a unit, the instance.
SCOPED_ROLES = (ORGANIZER, VIEWER)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    # Organizers and viewers: their scope (None: the whole instance). Reporters: the unit they
    # report for. Staff and coordinators: the unit they belong to, across sessions.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped whenever the user's sessions and tokens must end (sign-out, password change or
    # reset, lock, revoke-tokens): browser sessions carry it, so an older cookie stops working
    # in every worker at once (webapp.auth compares it on every request).
    auth_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Wrong passwords since the last good sign-in, and when the last one came: the next
    # attempt waits a growing delay and, after LOCK_AFTER of them, the account is blocked.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optional second factor (TOTP, RFC 6238) and the hashes of its one-time recovery codes
    # (JSON list), for organizers.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    recovery_codes: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[Unit | None] = relationship()
    assignments: Mapped[list["VenueAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True)

    # Flask-Login's protocol, kept here as plain attributes (no Flask import).
    @property
    def is_active(self) -> bool:
        return self.active

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        # The session cookie's user id carries the auth version: see auth_version.
        return f"{self.id}.{self.auth_version or 0}"


class SignInName(Base):
    """Failed sign-ins under a username that no account has, counted as an account's are
    (User.failed_logins, last_failed_at): the free tries, growing waits and lockout, and so
    the answers and their timing, are the same whether the name exists or not. Keyed by a
    keyed digest of the name: a password typed into the name field is never kept."""

    __tablename__ = "sign_in_names"

    name_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VenueAssignment(Base):
    """Where a staff member or coordinator works in one session: one venue per session. The
    account outlives the session; next month's session gets an assignment of its own."""

    __tablename__ = "venue_assignments"
    __table_args__ = (UniqueConstraint("user_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The session is the venue's, kept here so "one venue per session" is a constraint.
    session_id: Mapped[int] = mapped_column(
        ForeignKey("study_sessions.id", ondelete="CASCADE"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"),
                                          index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="assignments")
    venue: Mapped[Venue] = relationship()
    session: Mapped[StudySession] = relationship()


class ApiToken(Base):
    """A Bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
