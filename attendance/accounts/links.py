"""One-time sign-in links (liên kết đăng nhập một lần): printed on a session's credentials
sheet as a QR, they let a new coordinator choose their own password, no password on paper.

A link is signed (itsdangerous, with a key derived from the app's secret), expires after
LINK_DAYS and works once: it carries a fingerprint of the account's password hash, so setting
the password (the only thing it does) makes it, and every other link of the account, stale."""

import hashlib
import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import DomainError
from attendance.models import User

from .users import reset_password

LINK_DAYS = 14
_SALT = "diemcau.sign-in-link"


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def unusable_password() -> str:
    """A password hash no password matches (not a hash format at all, so no password check
    ever succeeds, and 200 accounts are made without 200 scrypt runs): the account waits for
    its link. Random, so each account's links have their own fingerprint."""
    return "!unset-" + secrets.token_urlsafe(24)


def issue_link(key: bytes, user: User, *, now: datetime) -> str:
    """The signed token of a link for ``user`` (the URL is the web side's)."""
    serializer = URLSafeTimedSerializer(key, salt=_SALT)
    return serializer.dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_link(db: Session, key: bytes, token: str, *, now: datetime) -> User:
    """The active account a live link is for; DomainError("link_invalid") otherwise
    (forged, expired, already used, or the account locked)."""
    serializer = URLSafeTimedSerializer(key, salt=_SALT)
    try:
        data = serializer.loads(token, max_age=LINK_DAYS * 86400)
    except (BadSignature, SignatureExpired):
        raise DomainError("link_invalid") from None
    user = db.get(User, data.get("u")) if isinstance(data, dict) and isinstance(
        data.get("u"), int) else None
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        raise DomainError("link_invalid")
    return user


def set_password_by_link(db: Session, key: bytes, token: str, password: str, *,
                         now: datetime) -> User:
    """Set the account's password from its link; the link is then used up. Audited."""
    user = user_for_link(db, key, token, now=now)
    reset_password(db, user, password, now=now, actor=user)
    audit.record(db, now=now, actor=user, action="user.link_used", target=user)
    return user


def link_expires(now: datetime) -> datetime:
    return now + timedelta(days=LINK_DAYS)
