"""What a password must be: long enough for the role, and not one of the common ones.

Organizers administer everything (users, tokens, the roster's personal data), so their
passwords need 12 characters; other roles 8. Any role is refused a password from the shipped
list of 20,000 common passwords (data/README.md says where it comes from)."""

import gzip
from functools import cache
from pathlib import Path

from attendance.models import ORGANIZER

MIN_LENGTH = 8
MIN_LENGTH_ORGANIZER = 12
_LIST = Path(__file__).with_name("data") / "common-passwords.txt.gz"


@cache
def _common() -> frozenset[str]:
    with gzip.open(_LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password: str) -> bool:
    return password.strip().lower() in _common()


def password_problem(password: str, role: str) -> str | None:
    """The error code for a password this role may not have, or None."""
    minimum = MIN_LENGTH_ORGANIZER if role == ORGANIZER else MIN_LENGTH
    if len(password) < minimum:
        return "password_too_short_organizer" if role == ORGANIZER else "password_too_short"
    if is_common(password):
        return "password_too_common"
    return None
