"""Users, passwords and API tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from attendance import audit, permissions
from attendance.errors import Forbidden, ValidationError
from attendance.models import ROLES, UNIT_ROLES, VENUE_ROLES, ApiToken, Unit, User, Venue
from attendance.text import clean

from .assignments import assign
from .passwords import password_problem

# last_used_at is informative only: writing it on every request would cost a write per scan.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def create_user(db: Session, *, username: str, role: str, password: str, now: datetime,
                full_name: str = "", venue_id: int | None = None, unit_id: int | None = None,
                actor: User | None = None) -> User:
    username = clean(username).lower()
    errors = {}
    if not username or len(username) > 80 or not username.replace(".", "").replace(
            "_", "").replace("-", "").isalnum():
        errors["username"] = "username_invalid"
    elif db.scalar(select(User.id).where(User.username == username)):
        errors["username"] = "username_taken"
    if role not in ROLES:
        errors["role"] = "role_invalid"
    venue = db.get(Venue, venue_id) if venue_id is not None and role in VENUE_ROLES else None
    if role in UNIT_ROLES and unit_id is None:
        errors["unit_id"] = "unit_required"
    # A number given from outside (the CLI, a form) may name nothing: say so, rather than let
    # the foreign key fail at commit.
    if venue_id is not None and role in VENUE_ROLES and venue is None:
        errors["venue_id"] = "venue_not_found"
    if unit_id is not None and db.get(Unit, unit_id) is None:
        errors["unit_id"] = "unit_not_found"
    elif actor is not None and not permissions.in_unit_scope(actor, unit_id):
        # A scoped organizer creates accounts inside their subtree only (none without a unit).
        errors["unit_id"] = "unit_required" if unit_id is None else "bad_choice"
    if venue is not None and actor is not None \
            and not permissions.can_manage_session(actor, venue.session):
        errors["venue_id"] = "bad_choice"
    problem = password_problem(password, role)
    if problem:
        errors["password"] = problem
    if errors:
        raise ValidationError(errors)
    if venue is not None and unit_id is None:
        unit_id = venue.unit_id  # a coordinator belongs to the unit of their point
    user = User(username=username, role=role, password_hash=hash_password(password),
                full_name=clean(full_name), unit_id=unit_id, created_at=now, active=True)
    db.add(user)
    db.flush()
    audit.record(db, now=now, actor=actor, action="user.create", target=user,
                 role=role, venue_id=venue.id if venue else None, unit_id=user.unit_id)
    if venue is not None:
        assign(db, user, venue, now=now, actor=actor)
    return user


def authenticate(db: Session, username: str, password: str) -> User | None:
    """Whether the password is the user's, without the sign-in's counting and delays (those
    are attendance.accounts.signin's)."""
    user = db.scalar(select(User).where(User.username == clean(username).lower()))
    if user is None or not user.active:
        # Spend the same time as a real check so usernames cannot be probed by timing.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


_DUMMY_HASH = hash_password("not-a-real-password")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(db: Session, user: User, *, now: datetime, name: str = "",
                    actor: User | None = None) -> str:
    """Create a token; the plain text is returned once and never stored."""
    token = "dc_" + secrets.token_urlsafe(32)
    db.add(ApiToken(user_id=user.id, token_hash=token_digest(token), name=clean(name)[:100],
                    created_at=now))
    audit.record(db, now=now, actor=actor or user, action="token.issue", target=user,
                 name=clean(name)[:100])
    return token


def revoke_api_token(db: Session, api_token: ApiToken, *, now: datetime,
                     actor: User | None = None) -> ApiToken:
    """Refuse the token from now on. Revoking twice changes nothing."""
    if api_token.revoked_at is None:
        api_token.revoked_at = now
        db.flush()
        audit.record(db, now=now, actor=actor, action="token.revoke", target=api_token.user,
                     token_id=api_token.id, name=api_token.name)
    return api_token


_USER_COLUMNS = [c for c in User.__table__.columns]
_TOKEN_ROW = (select(ApiToken.id.label("token_id"), ApiToken.last_used_at.label("token_used_at"),
                     *_USER_COLUMNS)
              .join(User, User.id == ApiToken.user_id)
              .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None),
                     User.active.is_(True)))


def token_row(connection, digest: str):
    """The live token of this digest with its active user's columns, in one indexed read (a
    Core row), or None. Read when a process has no fresh copy of the token's user (see
    webapp.auth.generation)."""
    return connection.execute(_TOKEN_ROW, {"digest": digest}).first()


def token_row_user(row) -> dict:
    """A token row's user columns, to build a read-only User."""
    return {column.key: row._mapping[column] for column in _USER_COLUMNS}


def token_needs_touch(row, now: datetime) -> bool:
    return row.token_used_at is None or now - row.token_used_at >= TOKEN_TOUCH_INTERVAL


def touch_token(connection, row, now: datetime) -> None:
    """Stamp last_used_at (informative, at most once per TOKEN_TOUCH_INTERVAL)."""
    connection.execute(update(ApiToken).where(ApiToken.id == row.token_id)
                       .values(last_used_at=now))


def user_for_token(db: Session, token: str, *, now: datetime) -> User | None:
    """The active user a live token belongs to, or None.

    Its use is noted at most once per TOKEN_TOUCH_INTERVAL, to be written by
    ``stamp_token_uses`` when the request is done (not here: a row changed now would be
    flushed by the request's next query and hold SQLite's write lock while the check-in API
    writes on a connection of its own)."""
    # One query for token and user: this runs on every API request, check-ins included.
    found = db.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(
        ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))).first()
    if found is None or not found.User.active:
        return None
    row = found.ApiToken
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_INTERVAL:
        db.info.setdefault("tokens_used", {})[row.id] = now
    return row.user


def stamp_token_uses(db: Session) -> bool:
    """Write the last uses ``user_for_token`` noted; flushes. True when there were any."""
    used = db.info.pop("tokens_used", None) or {}
    for token_id, at in used.items():
        db.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))
    return bool(used)


def set_active(db: Session, user: User, active: bool, *, now: datetime,
               actor: User | None = None) -> User:
    """Deactivate (or reactivate) an account; its tokens stop working while it is inactive."""
    if not active and actor is not None and actor.id == user.id:
        raise Forbidden("cannot_deactivate_self")
    if user.active != active:
        user.active = active
        if not active:
            end_sessions(user)
        else:
            user.failed_logins = 0  # reopening also lifts a lockout
        db.flush()
        audit.record(db, now=now, actor=actor, action="user.reactivate" if active
                     else "user.deactivate", target=user)
    return user


def reset_password(db: Session, user: User, password: str, *, now: datetime,
                   actor: User | None = None) -> User:
    problem = password_problem(password, user.role)
    if problem:
        raise ValidationError({"password": problem})
    user.password_hash = hash_password(password)
    end_sessions(user)
    db.flush()
    audit.record(db, now=now, actor=actor, action="user.reset_password", target=user)
    return user


def end_sessions(user: User) -> None:
    """Every browser session of the user ends, in every process at once: the cookies carry
    the old auth version (see User.auth_version)."""
    user.auth_version = (user.auth_version or 0) + 1


def sign_out(db: Session, user: User, *, now: datetime) -> None:
    """Sign-out ends the user's sessions everywhere: a copied cookie is dead with it."""
    end_sessions(user)
    db.flush()
    audit.record(db, now=now, actor=user, action="user.logout", target=user)


def revoke_user_tokens(db: Session, user: User, *, now: datetime,
                       actor: User | None = None) -> int:
    """Revoke every live API token of the user; returns how many."""
    live = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                             ApiToken.revoked_at.is_(None))).all()
    for api_token in live:
        revoke_api_token(db, api_token, now=now, actor=actor)
    return len(live)
