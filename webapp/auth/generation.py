"""The auth generation: one shared value that changes whenever an account's access changes
(a token revoked or issued, a user locked, unlocked, signed out everywhere, given another
password, role, unit or venue, a unit moved), so every process drops its copies of token users
at once, without reading the token's row on every request.

Reading the token row per request cost a third of a single scan's server CPU on SQLite. The
generation is instead compared per request, for the price of a stat() (a file in the instance
folder, shared by the workers of one machine) or of one Redis GET (several machines: set
AUTH_GENERATION_URL, or it follows RATELIMIT_STORAGE_URI when that is redis://).

The value is changed by SQLAlchemy's after_commit on every session that flushed such a change,
so every path (pages, API, CLI, the domain's services) bumps it without calling anything. A
process that dies between its commit and the bump leaves copies at most MAX_AGE old: each copy
is read again from the database after that, whatever the generation says."""

import os
import secrets
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from attendance.models import ApiToken, Unit, User, VenueAssignment

MAX_AGE = 60  # seconds a token user's copy is trusted without a bump
EXTENSION = "diemcau.auth_generation"
_WATCHED = {User: {"active", "auth_version", "role", "unit_id", "password_hash", "username"},
            ApiToken: {"revoked_at", "user_id", "token_hash"},
            VenueAssignment: None,  # any change
            Unit: {"parent_id", "retired_at"}}  # a scope is a subtree
_CHANGED = "auth_generation_changed"


class FileGeneration:
    """A file in the instance folder, replaced at each bump: its inode and mtime are the value."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def current(self):
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            return None
        return found.st_ino, found.st_mtime_ns, found.st_size

    def bump(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        temporary.write_text(secrets.token_hex(8))
        os.replace(temporary, self.path)


class RedisGeneration:
    """One Redis key, incremented at each bump: shared by every node that uses the server."""

    KEY = "diemcau:auth-generation"

    def __init__(self, url: str):
        import redis  # installed with the jobs' Redis support

        self.client = redis.Redis.from_url(url, socket_timeout=2)

    def current(self):
        return self.client.get(self.KEY)

    def bump(self) -> None:
        self.client.incr(self.KEY)


def init_app(app) -> None:
    url = app.config.get("AUTH_GENERATION_URL") or ""
    limits_url = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not url and limits_url.startswith(("redis://", "rediss://")):
        url = limits_url
    app.extensions[EXTENSION] = RedisGeneration(url) if url else \
        FileGeneration(Path(app.instance_path) / "auth-generation")


def current():
    return current_app.extensions[EXTENSION].current()


def bump() -> None:
    current_app.extensions[EXTENSION].bump()


@event.listens_for(Session, "before_flush")
def _note_changes(session, flush_context, instances) -> None:
    if session.info.get(_CHANGED):
        return
    for item in (*session.new, *session.deleted):
        if type(item) in _WATCHED:
            session.info[_CHANGED] = True
            return
    for item in session.dirty:
        watched = _WATCHED.get(type(item), False)
        if watched is False:
            continue
        if watched is None or _any_changed(item, watched):
            session.info[_CHANGED] = True
            return


def _any_changed(item, names) -> bool:
    from sqlalchemy import inspect

    attributes = inspect(item).attrs
    return any(attributes[name].history.has_changes() for name in names if name in attributes)


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context() \
            and EXTENSION in current_app.extensions:
        bump()


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session) -> None:
    session.info.pop(_CHANGED, None)
