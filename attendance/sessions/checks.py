"""Field checks shared by the set-up services: collect every error, then raise them at once."""

import re
from datetime import date, datetime

from ..errors import ValidationError
from ..text import clean

MAX_MINUTES = 24 * 60  # grace and check-in window offsets: at most a day
MAX_COUNT = 1_000_000  # an expected count; also keeps numbers inside a 32-bit column
MAX_POSITION = 100_000
_INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only: no "²", no "1e3"


class Checks:
    """Collects field errors; each method returns the cleaned value."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def text(self, field, value, limit, required=False) -> str:
        value = clean(value)
        if required and not value:
            self.errors[field] = "required"
        elif len(value) > limit:
            self.errors[field] = "too_long"
        return value

    def link(self, field, value, limit=500) -> str:
        """An http(s) address (a meeting link), or empty: people are sent on to it."""
        value = self.text(field, value, limit)
        if value and not re.match(r"^https?://[^\s/]+\.[^\s]+$", value, re.IGNORECASE):
            self.errors[field] = "bad_link"
        return value

    def number(self, field, value, maximum, blank=None) -> int | None:
        """A non-negative integer, given as int or text; ``blank`` when empty."""
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return blank
            if _INTEGER.fullmatch(value):
                value = int(value) if len(value) <= 18 else maximum + 1
        if value is None:
            return blank
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors[field] = "not_a_number"
        elif value < 0:
            self.errors[field] = "negative"
        elif value > maximum:
            self.errors[field] = "out_of_range"
        else:
            return value
        return None

    def choice(self, field, value, choices):
        if value not in choices:
            self.errors[field] = "bad_choice"
        return value

    def day(self, field, value) -> date | None:
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            self.errors[field] = "bad_date"
            return None
        return value

    def moment(self, field, value, required=False) -> datetime | None:
        if value is None:
            if required:
                self.errors[field] = "required"
        elif not isinstance(value, datetime) or value.tzinfo is None:
            self.errors[field] = "bad_time"
            return None
        return value

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def merge(defaults: dict, current: dict, fields: dict) -> dict:
    """The values after a change; an unknown field name is a programming error."""
    unknown = set(fields) - set(defaults)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    return {**current, **fields}


def jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the audit trail."""
    return {k: [jsonable(before.get(k)), jsonable(v)] for k, v in after.items()
            if before.get(k) != v}
