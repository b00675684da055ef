"""Signing in: password, growing delays and lockout per account, optional TOTP second factor.

Failures per account live on the user row (shared by every process), and failures under a name
no account has on a row of their own, so that both are answered alike: after FREE_FAILURES
wrong passwords each further attempt must wait twice as long as the last (2 s, 4 s, ... up to
DELAY_CAP) and LOCK_AFTER failures in a row block the account for LOCKOUT, refused without
even checking the password, until it passes or an organizer unlocks it. Failures are forgotten
FORGET_AFTER (a day) after the last one. Failures per address are counted by the web layer in
the rate-limit storage (webapp.auth.throttle)."""

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from attendance import audit
from attendance.errors import DomainError
from attendance.models import SignInName, User
from attendance.text import clean

from .users import _DUMMY_HASH

FREE_FAILURES = 3
DELAY_CAP = timedelta(minutes=5)
LOCK_AFTER = 10
LOCKOUT = timedelta(minutes=15)
# Failures this old are forgotten, an account's and an unknown name's alike: so the rows kept
# for unknown names can be deleted after it without a difference anyone could see.
FORGET_AFTER = timedelta(days=1)
RECOVERY_CODES = 10


class SignInError(DomainError):
    """``bad_credentials``; ``sign_in_wait`` (``seconds`` to wait); ``account_locked_out``;
    ``bad_second_factor``; ``bad_password`` (the account page); ``second_factor_on``."""


def wait_left(user: User | SignInName, now: datetime) -> timedelta:
    """How long the account (or unknown name) must wait before its next attempt is even
    checked."""
    failures = _failures(user, now)
    if failures < FREE_FAILURES:
        return timedelta(0)
    if failures >= LOCK_AFTER:
        delay = LOCKOUT
    else:
        delay = min(timedelta(seconds=2 ** (failures - FREE_FAILURES + 1)), DELAY_CAP)
    return max(user.last_failed_at + delay - now, timedelta(0))


def _failures(counted: User | SignInName, now: datetime) -> int:
    """The failures still counted: none once the last is FORGET_AFTER old."""
    if counted.last_failed_at is None or now - counted.last_failed_at >= FORGET_AFTER:
        return 0
    return counted.failed_logins or 0


def forget_unknown_names(db: Session, *, now: datetime) -> int:
    """Delete the counts of unknown names whose failures are forgotten anyway (see
    FORGET_AFTER); returns how many. Run by the periodic sweep."""
    gone = db.execute(delete(SignInName).where(or_(
        SignInName.last_failed_at.is_(None), SignInName.last_failed_at <= now - FORGET_AFTER)))
    return gone.rowcount


def check_password(db: Session, username: str, password: str, *, now: datetime,
                   key: bytes) -> User:
    """The user whose password this is, or SignInError. A failure is counted on the account
    (flushed: the caller commits failures too). A name no active account has is counted the
    same way (SignInName, under a digest keyed by ``key``) and answered the same way, the
    same password check included: nothing tells whether the name exists."""
    name = clean(username).lower()
    user = db.scalar(select(User).where(User.username == name))
    if user is None or not user.active:
        counted = _unknown_name(db, name, key)
        _refuse_while_waiting(counted, now)
        check_password_hash(_DUMMY_HASH, password)  # same time as a real check
        _count_failure(db, counted, now, audited=None)
    _refuse_while_waiting(user, now)
    if not check_password_hash(user.password_hash, password):
        _count_failure(db, user, now, audited=user)
    return user


def _unknown_name(db: Session, name: str, key: bytes) -> SignInName:
    digest = hmac.new(key, f"sign-in:{name}".encode(), hashlib.sha256).hexdigest()
    found = db.get(SignInName, digest)
    if found is None:
        found = SignInName(name_digest=digest, failed_logins=0)
        db.add(found)
    return found


def _refuse_while_waiting(counted: User | SignInName, now: datetime) -> None:
    left = wait_left(counted, now)
    if left:
        code = "account_locked_out" if counted.failed_logins >= LOCK_AFTER else "sign_in_wait"
        raise SignInError(code, seconds=int(left.total_seconds()) + 1)


def _count_failure(db: Session, counted: User | SignInName, now: datetime, *,
                   audited: User | None):
    counted.failed_logins = _failures(counted, now) + 1
    counted.last_failed_at = now
    db.flush()
    # An unknown name is audited too (without the name), so both paths write alike.
    audit.record(db, now=now, actor=None, action="user.login_failed", target=audited,
                 failures=counted.failed_logins)
    if counted.failed_logins >= LOCK_AFTER:
        raise SignInError("account_locked_out", seconds=int(LOCKOUT.total_seconds()))
    raise SignInError("bad_credentials")


def signed_in(db: Session, user: User, *, now: datetime) -> None:
    """A full sign-in (password and, when enrolled, second factor) clears the failures."""
    clear_failures(user)
    db.flush()
    audit.record(db, now=now, actor=user, action="user.login", target=user)


def clear_failures(user: User) -> None:
    user.failed_logins = 0
    user.last_failed_at = None


# ---- second factor (TOTP, RFC 6238) ----

def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str, issuer: str = "Điểm Cầu") -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def pending_totp_secret(key: bytes, user: User, nonce: str) -> str:
    """The secret offered while the user enrols on the web: derived from the server's key, the
    user and a nonce kept in their session, so the session cookie never carries a secret (a
    copy of it reveals nothing) and nothing is stored until a first code proves the app has
    it. The auth version is part of it: a sign-out or password change voids the offer."""
    digest = hmac.new(key, f"totp:{user.id}:{user.auth_version or 0}:{nonce}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()  # 160 bits, as RFC 4226 recommends


def enable_totp(db: Session, user: User, secret: str, code: str, *,
                now: datetime) -> list[str]:
    """Turn the second factor on once the user proved their app shows ``code`` for
    ``secret``; returns the recovery codes, shown once (only their hashes are kept). An
    account that has one already must turn it off first (``second_factor_on``)."""
    if user.totp_secret:
        raise SignInError("second_factor_on")
    if not pyotp.TOTP(secret).verify((code or "").strip(), valid_window=1):
        raise SignInError("bad_second_factor")
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.totp_secret = secret
    user.recovery_codes = json.dumps([_recovery_digest(c) for c in codes])
    db.flush()
    audit.record(db, now=now, actor=user, action="user.totp_enable", target=user)
    return codes


def disable_totp(db: Session, user: User, *, now: datetime, actor: User | None) -> None:
    user.totp_secret = None
    user.recovery_codes = None
    db.flush()
    audit.record(db, now=now, actor=actor, action="user.totp_disable", target=user)


def disable_own_totp(db: Session, user: User, password: str, code: str, *,
                     now: datetime) -> None:
    """The user turns their own second factor off: their password and a current code (or a
    recovery code) both, so a borrowed session cannot. Wrong ones count as failed sign-ins
    (flushed: the caller commits them), and a waiting account is not even checked."""
    _refuse_while_waiting(user, now)
    if not check_password_hash(user.password_hash, password or ""):
        try:
            _count_failure(db, user, now, audited=user)
        except SignInError as error:
            if error.code == "bad_credentials":
                raise SignInError("bad_password") from None
            raise
    check_second_factor(db, user, code, now=now)
    disable_totp(db, user, now=now, actor=user)


def check_second_factor(db: Session, user: User, code: str, *, now: datetime) -> None:
    """A current TOTP code, or an unused recovery code (then spent). A wrong one counts as a
    failed sign-in, like a wrong password."""
    code = (code or "").strip()
    if user.totp_secret and code.isdigit() and pyotp.TOTP(user.totp_secret).verify(
            code, valid_window=1):
        return
    digests = json.loads(user.recovery_codes or "[]")
    digest = _recovery_digest(code)
    found = next((d for d in digests if hmac.compare_digest(d, digest)), None)
    if code and found is not None:
        digests.remove(found)
        user.recovery_codes = json.dumps(digests)
        db.flush()
        audit.record(db, now=now, actor=user, action="user.recovery_code_used", target=user,
                     left=len(digests))
        return
    user.failed_logins = _failures(user, now) + 1
    user.last_failed_at = now
    db.flush()
    raise SignInError("bad_second_factor")
