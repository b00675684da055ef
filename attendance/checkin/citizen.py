"""The chip-based citizen ID card (căn cước công dân, CCCD) as a check-in card.

Its QR holds seven fields separated by "|": the ID number (12 digits), the old ID number (may be
empty), full name, birth date (ddmmyyyy), sex, address, issue date (ddmmyyyy). A participant
without an invitation card is found by the ID number, or, when the roster has no ID number for
them, by full name and birth date (the rule: ``rule.citizen_holder``); the scan then counts as
their own card (``holder_card``), so everything after it is the card's one path.

Personal data (Nghị định 13/2023/NĐ-CP): the roster keeps an ID number only as a keyed hash
(HMAC-SHA256 under a key derived from the application secret, ``number_hash``), never the
number itself, the address or the sex; the card's text is read and dropped.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from attendance.checkin import rule, tokens
from attendance.checkin.rule import CheckInError
from attendance.models import Person
from attendance.text import clean, fold

SEPARATOR = "|"  # never in one of our card tokens (tokens.PREFIX...): the cheap shape test
FIELDS = 7
METHOD = "citizen_card"  # how the attendance was taken
_NUMBER = re.compile(r"^\d{12}$")
_OLD_NUMBER = re.compile(r"^(\d{9}|\d{12})?$")  # chứng minh nhân dân: 9 digits (12 later)
_DATE = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
NAME_MAX = 200


@dataclass(frozen=True)
class CitizenCard:
    number: str
    full_name: str
    birth_date: date


def shaped(text) -> bool:
    """Whether a scanned text is meant as a citizen ID card (not whether it is a good one)."""
    return isinstance(text, str) and SEPARATOR in text


def read(text: str) -> CitizenCard:
    """The fields a check-in needs; CheckInError("bad_citizen_card") for anything but a card's
    seven fields with a 12-digit number, a name and real dates."""
    fields = [clean(part) for part in (text or "").strip().split(SEPARATOR)]
    if len(fields) != FIELDS:
        raise CheckInError("bad_citizen_card")
    number, old_number, full_name, birth, _sex, _address, issued = fields
    birth_date, issue_date = _date(birth), _date(issued)
    if (not _NUMBER.match(number) or not _OLD_NUMBER.match(old_number) or not full_name
            or len(full_name) > NAME_MAX or birth_date is None or issue_date is None
            or issue_date < birth_date):
        raise CheckInError("bad_citizen_card")
    return CitizenCard(number=number, full_name=full_name, birth_date=birth_date)


def _date(text: str) -> date | None:
    match = _DATE.match(text)
    if not match:
        return None
    try:
        found = date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return found if found.year >= 1900 else None


def hash_key(card_key: bytes) -> bytes:
    """The ID numbers' own key, derived from the cards' (so from the application secret)."""
    return tokens.derive_key(card_key, "citizen-id")


def number_hash(card_key: bytes, number: str) -> str:
    """What the roster keeps of an ID number: its HMAC, hex. Without the key (the server's
    secret) the 10^12 numbers cannot be tried against it."""
    return hmac.new(hash_key(card_key), number.encode(), hashlib.sha256).hexdigest()


def parse_number(value) -> str | None:
    """A roster file's ID number: 12 digits ("" when empty, None when not one). Spaces and
    dots people type are dropped; a number cell from Excel loses its ".0"."""
    text = re.sub(r"[\s.]", "", clean(value).removesuffix(".0"))
    if not text:
        return ""
    return text if _NUMBER.match(text) else None


_HOLDER = select(Person.id, Person.card_version)


def holder_card(db: Connection, key: bytes, session, text: str) -> str:
    """The live card token of the person the citizen ID card ``text`` names on ``session``'s
    roster; CheckInError bad_citizen_card, unknown_person or ambiguous_citizen."""
    card = read(text)
    of_session = _HOLDER.where(Person.session_id == session.id)
    by_number = db.execute(of_session.where(
        Person.cccd_hash == number_hash(key, card.number)).limit(2)).all()
    by_name = [] if by_number else db.execute(of_session.where(
        Person.cccd_hash.is_(None), Person.search_name == fold(card.full_name),
        Person.birth_date == card.birth_date).limit(2)).all()
    person = rule.citizen_holder(by_number, by_name)
    return tokens.card_token(key, session.id, person.id, person.card_version)
