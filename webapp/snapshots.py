"""Per-process copies of rows that the check-in hot path reads on every request but that rarely
change: API tokens with their users, sessions and venues.

A copy lives TTL seconds, so a change made in another worker (a revoked token, a locked account,
the check-in window opened by hand) takes effect within that time everywhere. A copy is a
transient model instance built once from the row's column values and shared, read-only, by the
requests of the process: the hot routes read its columns and call its plain methods, nothing
changes it or adds it to a database session. A route that needs a live instance (relationships,
changes) builds one with ``attached``.
"""

import threading
import time

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached

TTL = 10.0  # seconds


def columns(obj) -> dict:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs}


class Snapshots:
    def __init__(self, ttl: float = TTL):
        self.ttl = ttl
        self._rows: dict = {}
        self._lock = threading.Lock()

    def get(self, key, load):
        """The cached value for ``key``, or ``load()`` (None is not cached)."""
        now = time.monotonic()
        found = self._rows.get(key)
        if found is not None and found[0] > now:
            return found[1]
        value = load()
        if value is not None:
            with self._lock:
                if len(self._rows) > 50_000:  # bounded: drop everything rather than grow
                    self._rows.clear()
                self._rows[key] = (now + self.ttl, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()


def transient(model, values: dict):
    """A new, unattached instance carrying ``values`` (read-only use: never added)."""
    return model(**values)


def attached(db_session, model, values: dict):
    """An instance built from cached ``values`` and attached to ``db_session`` as if loaded
    (no SQL), so that relationships still lazy-load."""
    identity = db_session.identity_map.get(inspect(model).identity_key_from_primary_key(
        [values[c.key] for c in inspect(model).primary_key]))
    if identity is not None:
        return identity
    obj = model(**values)
    make_transient_to_detached(obj)
    db_session.add(obj)
    return obj
