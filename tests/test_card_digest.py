"""The digest a scanner's snapshot holds verifies exactly the person's live card (issue 17,
part 1): not a forged or altered code, not a revoked (older) card, and it gives no key."""

import hashlib

from attendance.checkin import tokens
from tests.factories import SECRET_KEY

KEY = tokens.derive_key(SECRET_KEY, "card")


def _digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:tokens.DIGEST_HEX]  # as the device does


def test_the_live_card_matches_and_nothing_else_does():
    digest = tokens.card_digest(KEY, 7, 42, 2)
    live = tokens.card_token(KEY, 7, 42, 2)
    assert _digest_of(live) == digest
    revoked = tokens.card_token(KEY, 7, 42, 1)
    other_person = tokens.card_token(KEY, 7, 43, 2)
    altered = live[:-1] + ("A" if live[-1] != "A" else "B")
    other_key = tokens.card_token(tokens.derive_key("x" * 64, "card"), 7, 42, 2)
    assert all(_digest_of(t) != digest for t in (revoked, other_person, altered, other_key))
    assert KEY.hex()[:32] not in digest and len(live) < 48  # the QR stays version 2 (M)
