"""Rate limits on the doors that strangers can knock on (Flask-Limiter).

- sign-in POST: per IP and username, so one person guessing a password is slowed while a
  whole office behind one address still signs in;
- self check-in POSTs under /c/<code>: per IP. A hall's or commune's Wi-Fi puts every phone
  behind one address, so the limit is generous: it is there to stop a script guessing the four
  phone digits (10,000 tries), not people; one check-in is two POSTs;
- knowledge-check POSTs under /q/...: per IP, generous for the same reason;
- every request made with an API token (any method, check-ins included): per token.

The rules match by endpoint or path, so a blueprint added later under /c/ or /q/ is limited
without touching this file. Each limit is a config key (RATELIMIT_SIGN_IN, ...) in Flask-Limiter's
notation ("10/minute", "100/hour;10/minute"). Counters live in RATELIMIT_STORAGE_URI: memory://
by default, i.e. per process (with gunicorn -w 4 a client may get up to 4 times the limit);
redis://... shares them between processes. Tests turn limits off with RATELIMIT_ENABLED False.

A refusal is HTTP 429 with code "rate_limited": a Vietnamese page, or JSON under /api/ (see
webapp.errors), with Retry-After."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, request
from flask_limiter import Limit, Limiter
from flask_limiter.util import get_remote_address
from limits import parse, parse_many

from attendance.text import fold

DEFAULTS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_SIGN_IN": "10/minute",
    "RATELIMIT_SELF_CHECKIN": "60/minute",
    "RATELIMIT_KNOWLEDGE_CHECK": "60/minute",
    # Every request made with an API token, per token: a door's scanner sends a scan a second
    # at most (or a batch of up to 500), so this stops a leaked token being used to flood.
    "RATELIMIT_API_TOKEN": "600/minute",
    "RATELIMIT_CHECKIN_REFUSALS": "300/10minute",
}


HOT_PATHS = frozenset({"checkin.api_checkins", "roll.api_roll", "healthz"})


def _ip_and_username() -> str:
    username = fold(request.form.get("username", ""))[:80]
    return f"{get_remote_address()}|{username}"


@dataclass(frozen=True)
class Rule:
    name: str  # the counter's scope, shared by every endpoint the rule matches
    config_key: str
    matches: Callable[[], bool]
    key: Callable[[], str] = get_remote_address
    methods: tuple[str, ...] | None = ("POST",)  # None: every method


RULES = (
    Rule("sign_in", "RATELIMIT_SIGN_IN",
         lambda: request.endpoint in ("auth.login", "auth.second_factor"), key=_ip_and_username),
    Rule("self_checkin", "RATELIMIT_SELF_CHECKIN", lambda: request.path.startswith("/c/")),
    Rule("knowledge_check", "RATELIMIT_KNOWLEDGE_CHECK", lambda: request.path.startswith("/q/")),
    # g.bearer is set by webapp.auth only once the token authenticated
    Rule("api_token", "RATELIMIT_API_TOKEN", lambda: g.get("bearer", False),
         key=lambda: g.token_digest, methods=None),
)


def _limit(rule: Rule) -> Limit:
    return Limit(
        limit_provider=lambda: current_app.config[rule.config_key],
        key_function=rule.key,
        scope=rule.name,
        shared=True,
        methods=list(rule.methods) if rule.methods else None,
        exempt_when=lambda: not rule.matches(),
    )


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    # One limiter per app: its counters belong to this app (tests build many apps).
    limiter = Limiter(get_remote_address, default_limits=[_limit(rule) for rule in RULES])
    limiter.init_app(app)
    app.extensions["diemcau.limiter"] = limiter
    app.extensions[_BLOCKED] = {}
    app.extensions[_METERED] = {}

    @limiter.request_filter
    def hot_path() -> bool:
        # Browsers posting scans in a burst, and the health check, skip the limiter
        # altogether: none of its rules applies to them, and checking costs time per request
        # (Flask-Limiter's evaluation was a third of a single scan's CPU). Requests with an
        # API token are still counted per token on the hot paths, by the meter below; once
        # its token runs over, the request goes through the limiter, which answers the 429.
        if request.endpoint not in HOT_PATHS:
            return False
        return not g.get("bearer", False) or _metered(limiter, g.token_digest)


# The per-token limit on the hot paths (RATELIMIT_API_TOKEN, shared with the token's other
# requests: same storage key as the limiter's "api_token" rule). Each process counts a token's
# requests in a dictionary and adds them to the storage once per chunk of a sixtieth of the
# limit (at most 100, at least 1: a limit of 600/minute is hit every 10 requests). With shared
# storage a token may so get up to (processes - 1) × chunk requests over its limit before it is
# refused everywhere; a small limit (under 120) is counted exactly.
_METERED = "diemcau.token_meter"


def _metered(limiter: Limiter, digest: str) -> bool:
    """True while the token may go on without the limiter's evaluation."""
    meter = current_app.extensions[_METERED]
    entry = meter.get(digest)
    now = time.monotonic()
    if entry is None:
        if len(meter) > 10_000:  # bounded: forget everything rather than grow
            meter.clear()
        items = parse_many(current_app.config["RATELIMIT_API_TOKEN"])
        chunk = max(1, min(100, min(item.amount for item in items) // 60))
        entry = meter[digest] = [0, 0.0, chunk, items]
    count, blocked_until, chunk, items = entry
    if blocked_until:
        if now < blocked_until:
            return False
        entry[1] = 0.0
    entry[0] = count = count + 1
    if count < chunk:
        return True
    entry[0] = 0
    for item in items:
        if not limiter.limiter.hit(item, digest, "api_token", cost=count):
            entry[1] = now + item.get_expiry()
            return False
    return True


# Refused check-ins per caller (RATELIMIT_CHECKIN_REFUSALS): every refused scan is a row, so a
# caller sending junk would fill the table. Refusals are counted after each batch, in the
# limiter's storage (shared between processes when it is); once a count runs over, this
# process answers that caller's batches 429 until the window ends, without asking the
# storage on every scan (a dictionary look-up is all the hot path pays).
_BLOCKED = "diemcau.refusals_blocked"


def count_refusals(user_id: int, refused: int) -> None:
    limiter = current_app.extensions["diemcau.limiter"]
    if not refused or not limiter.enabled:
        return
    limit = parse(current_app.config["RATELIMIT_CHECKIN_REFUSALS"])
    if not limiter.limiter.hit(limit, "checkin_refusals", str(user_id), cost=refused):
        current_app.extensions[_BLOCKED][user_id] = time.monotonic() + limit.get_expiry()


def refusals_exhausted(user_id: int) -> bool:
    until = current_app.extensions[_BLOCKED].get(user_id)
    if until is None:
        return False
    if until < time.monotonic():
        current_app.extensions[_BLOCKED].pop(user_id, None)
        return False
    return True
