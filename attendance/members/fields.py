"""Reading a member's fields as people write them: status words and birth dates."""

import re
from datetime import date

from attendance.models import ACTIVE, EXEMPT, MOVED
from attendance.text import clean, fold

# Status words as lists write them, after fold(): English codes or the Vietnamese words.
_STATUS_WORDS = {
    "": ACTIVE, ACTIVE: ACTIVE, "dang sinh hoat": ACTIVE, "sinh hoat": ACTIVE,
    EXEMPT: EXEMPT, "mien sinh hoat": EXEMPT, "mien cong tac va sinh hoat dang": EXEMPT,
    "mien cong tac va sinh hoat": EXEMPT, "mien": EXEMPT,
    MOVED: MOVED, "chuyen di": MOVED, "chuyen sinh hoat": MOVED, "da chuyen": MOVED,
}
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_status(value) -> str | None:
    return _STATUS_WORDS.get(fold(value))


def parse_birth_date(value, *, today: date | None) -> date | None | str:
    """A date from dd/mm/yyyy (or a date); None when empty; "bad" when unreadable or absurd
    (before 1900, or after ``today`` when given)."""
    if isinstance(value, date):
        found = value
    else:
        text = clean(value)
        if not text:
            return None
        match = _DATE.match(text)
        iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", text)  # a date cell written by a program
        try:
            if match:
                found = date(int(match[3]), int(match[2]), int(match[1]))
            elif iso:
                found = date(int(iso[1]), int(iso[2]), int(iso[3]))
            else:
                return "bad"
        except ValueError:
            return "bad"
    if found.year < 1900 or (today is not None and found > today):
        return "bad"
    return found
