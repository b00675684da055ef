"""Signed QR tokens: personal cards and rotating venue presence codes.

A card token reads ``DC1:<session>:<person>:<card version>:<signature>``. Every character is in
the QR alphanumeric set (digits, capitals, ':'), so the code stays small (version 2, 25x25 at
level M) and scans fast. The signature is 80 bits of HMAC-SHA256 under a key derived from the
application secret; "1" after "DC" names the key/format version so either can change later.
Reissuing a card bumps ``Person.card_version``, which revokes the older tokens. The scanner
verifies a card on the device against ``card_digest`` in its roster snapshot, so the key never
leaves the server and the QR stays version 2.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from attendance.errors import DomainError

PREFIX = "DC1"
_CARD = re.compile(r"^DC1:(\d{1,10}):(\d{1,12}):(\d{1,6}):([A-Z2-7]{16})$")
PRESENCE_PERIOD = 30  # seconds a rotating venue code lives (the previous one is accepted too)


class TokenError(DomainError):
    """``malformed``: not one of our codes; ``bad_signature``: forged or altered."""


@dataclass(frozen=True)
class CardToken:
    session_id: int
    person_id: int
    version: int


def derive_key(secret: str | bytes, purpose: str) -> bytes:
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, f"diemcau:{purpose}".encode(), hashlib.sha256).digest()


def _sign(key: bytes, payload: str, length: int) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    # base32 turns each 5 bytes into 8 characters: encode only the bytes the prefix needs.
    return base64.b32encode(digest[:5 * -(-length // 8)]).decode()[:length]


def card_token(key: bytes, session_id: int, person_id: int, version: int) -> str:
    payload = f"{PREFIX}:{session_id}:{person_id}:{version}"
    return f"{payload}:{_sign(key, payload, 16)}"


DIGEST_HEX = 32  # 128 bits of SHA-256: no collision or preimage within reach


def card_digest(key: bytes, session_id: int, person_id: int, version: int) -> str:
    """What a scanner's roster snapshot holds to verify a card on the device: the SHA-256 of
    the person's current card token (hex, first 128 bits). A scanned code whose digest matches
    is that person's live card (a reissued card's older tokens do not match); the digest gives
    no way to make a token (that would take a SHA-256 preimage, or the 80-bit HMAC)."""
    token = card_token(key, session_id, person_id, version)
    return hashlib.sha256(token.encode()).hexdigest()[:DIGEST_HEX]


def read_card_token(key: bytes, token: str) -> CardToken:
    match = _CARD.match((token or "").strip().upper())
    if not match:
        raise TokenError("malformed")
    session_id, person_id, version, signature = match.groups()
    payload = f"{PREFIX}:{session_id}:{person_id}:{version}"
    if not hmac.compare_digest(_sign(key, payload, 16), signature):
        raise TokenError("bad_signature")
    return CardToken(int(session_id), int(person_id), int(version))


def presence_code(key: bytes, venue_id: int, at: datetime, *, shift: int = 0) -> str:
    """The 6-character code a venue's screen shows during the period that holds ``at``."""
    period = int(at.timestamp()) // PRESENCE_PERIOD + shift
    return _sign(key, f"presence:{venue_id}:{period}", 6)


def presence_code_valid(key: bytes, venue_id: int, code: str, now: datetime) -> bool:
    """The current and the previous period's codes are accepted."""
    code = (code or "").strip().upper()
    return any(hmac.compare_digest(presence_code(key, venue_id, now, shift=s), code)
               for s in (0, -1))


def seconds_left(now: datetime) -> int:
    return PRESENCE_PERIOD - int(now.timestamp()) % PRESENCE_PERIOD


def sign(key: bytes, payload: str, length: int = 16) -> str:
    """The signature other signed links use (the join link), under a key of their own."""
    return _sign(key, payload, length)
