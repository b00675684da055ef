"""Counting failures (not requests) in the rate-limit storage: wrong sign-ins per address,
self check-in misses per address and per typed name. Counters live in RATELIMIT_STORAGE_URI
(shared by every process and node when it is redis://…; per process with memory://) and
follow RATELIMIT_ENABLED. Each throttle is a config key in Flask-Limiter's notation; several
windows ("10/minute;30/hour") make the wait grow with the failures."""

import logging

from flask import current_app
from limits import parse_many

log = logging.getLogger("diemcau.security")

DEFAULTS = {
    "THROTTLE_SIGN_IN_ADDRESS": "10/minute;30/hour;100/day",
    "THROTTLE_SELF_CHECKIN_ADDRESS": "10/minute;30/hour",
    "THROTTLE_SELF_CHECKIN_PERSON": "5/hour",
}


def _limits(name: str):
    return parse_many(current_app.config[name])


def _strategy():
    """The limiter's strategy on its storage, or None when limits are off."""
    limiter = current_app.extensions.get("diemcau.limiter")
    if limiter is None or not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    return limiter.limiter


def blocked(name: str, key: str) -> bool:
    """Whether ``key`` has used up any window of throttle ``name``."""
    strategy = _strategy()
    if strategy is None:
        return False
    return any(not strategy.test(limit, name, key) for limit in _limits(name))


def failed(name: str, key: str, **context) -> None:
    """Count one failure for ``key`` (and log it: who tried what, never the secret)."""
    log.warning("%s failure key=%s %s", name, key,
                " ".join(f"{k}={v}" for k, v in context.items()))
    strategy = _strategy()
    if strategy is None:
        return
    for limit in _limits(name):
        strategy.hit(limit, name, key)


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
