"""Reading a video platform's participant report, recognised by its headers:

- Zoom's participants CSV (Reports > Usage > Participants, "Export with meeting data" or not):
  ``Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,...``, times
  such as ``11/19/2021 9:54:15 AM``, one row per join (a rejoin is a second row);
- Google Meet's attendance report (Workspace): ``First name,Last name,Email,Duration,Time
  joined,Time exited`` (or ``Name,Email,...``), durations such as ``1 hr 2 min`` or ``42m``,
  times of day such as ``10:00 AM`` or ``18:02``;
- Microsoft Teams' attendance report: UTF-16, tab-separated, sections ``1. Summary``,
  ``2. Participants`` (``Name, First join, Last leave, In-meeting duration, Email, ...``),
  ``3. In-Meeting activities``; times such as ``15/11/22, 09:30:47``, durations ``10m 59s``.

Times carry no zone: they are read in the session's zone, and a date that could be read two
ways (11/10 or 10/11) is taken the way that falls on the session's day. Rows of one name are
added up (a participant who dropped out and came back). Nothing here touches the database.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from attendance.errors import DomainError
from attendance.text import clean, fold

ZOOM, MEET, TEAMS = "zoom", "meet", "teams"
MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 20_000


class ReportError(DomainError):
    """``online_empty``, ``online_unknown_format``, ``online_too_large``, ``online_encoding``,
    or ``online_bad_rows`` with ``rows`` [(line, problem)]."""


@dataclass
class Participant:
    name: str  # as the platform shows it
    other_names: tuple[str, ...]  # e.g. Zoom's original name, in brackets
    email: str
    joined_at: datetime | None
    left_at: datetime | None
    seconds: int
    lines: list[int]


# Headers by platform, folded (case and diacritics ignored): name, email, join, leave, duration
_HEADERS = {
    ZOOM: {"name": ("name (original name)", "name", "user name"), "email": ("user email",),
           "join": ("join time",), "leave": ("leave time",),
           "duration": ("duration (minutes)", "total duration (minutes)", "total duration")},
    MEET: {"name": ("name", "full name"), "first": ("first name",), "last": ("last name",),
           "email": ("email",), "join": ("time joined",), "leave": ("time exited",),
           "duration": ("duration",)},
    TEAMS: {"name": ("name", "full name"), "email": ("email",), "join": ("first join",),
            "leave": ("last leave",), "duration": ("in-meeting duration", "duration")},
}
_SIGNATURE = {ZOOM: {"join time", "leave time"}, MEET: {"time joined", "time exited"},
              TEAMS: {"first join", "last leave"}}

_DATE_TIMES = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S",
               "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%y, %H:%M:%S",
               "%m/%d/%y, %H:%M:%S", "%d/%m/%y, %I:%M:%S %p", "%m/%d/%y, %I:%M:%S %p",
               "%d/%m/%Y, %H:%M:%S", "%m/%d/%Y, %I:%M:%S %p", "%Y-%m-%d %H:%M:%S",
               "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y, %H:%M:%S")
_TIMES = ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M")
_UNITS = {"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "giờ": 3600,
          "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "phút": 60,
          "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "giây": 1}
_PART = re.compile(r"(\d+)\s*([^\d\s]+)")


def decode(data: bytes) -> str:
    """UTF-16 (Teams, with its byte-order mark), UTF-8 with or without one, else refused."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportError("online_encoding") from None


def _rows(text: str) -> list[list[str]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") >= first.count(",") and "\t" in text else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _find_header(rows) -> tuple[str, int, dict[str, int]]:
    for index, row in enumerate(rows):
        folded = [fold(cell) for cell in row]
        for platform, needed in _SIGNATURE.items():
            if needed <= set(folded):
                columns = {}
                for key, names in _HEADERS[platform].items():
                    for name in names:
                        if name in folded:
                            columns[key] = folded.index(name)
                            break
                return platform, index, columns
    raise ReportError("online_unknown_format")


def parse_duration(value: str) -> int | None:
    """Seconds of "1 hr 2 min", "10m 59s", "42m", "1:02:03", "58" (Zoom's minutes)."""
    text = clean(value).lower()
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        return int(text) * 60
    if re.fullmatch(r"\d+(:\d{1,2}){1,2}", text):
        parts = [int(p) for p in text.split(":")]
        while len(parts) < 3:
            parts.insert(0, 0)
        return parts[0] * 3600 + parts[1] * 60 + parts[2]
    parts = _PART.findall(text)
    if not parts or _PART.sub("", text).strip():
        return None
    total = 0
    for number, unit in parts:
        if unit.rstrip(".") not in _UNITS:
            return None
        total += int(number) * _UNITS[unit.rstrip(".")]
    return total


def parse_time(value: str, day: date) -> datetime | None:
    """A naive local time; among the readings of an ambiguous date, the one on ``day``."""
    text = clean(value).upper().replace("SA", "AM").replace("CH", "PM")
    if not text:
        return None
    readings = []
    for fmt in _DATE_TIMES:
        try:
            readings.append(datetime.strptime(text, fmt))
        except ValueError:
            continue
    if readings:
        readings.sort(key=lambda at: abs((at.date() - day).days))
        return readings[0]
    for fmt in _TIMES:
        try:
            return datetime.combine(day, datetime.strptime(text, fmt).time())
        except ValueError:
            continue
    return None


_BRACKETS = re.compile(r"\(([^)]*)\)")


def _names(raw: str) -> tuple[str, tuple[str, ...]]:
    """Zoom writes a renamed participant as "New name (Original name)"."""
    name = clean(raw)
    inner = tuple(clean(part) for part in _BRACKETS.findall(name) if clean(part))
    outer = clean(_BRACKETS.sub("", name))
    return (outer or name), inner


def read_report(data: bytes, *, day: date, zone) -> tuple[str, list[Participant]]:
    """(platform, participants), every row checked: any bad row refuses the whole file."""
    if not data.strip():
        raise ReportError("online_empty")
    if len(data) > MAX_BYTES:
        raise ReportError("online_too_large")
    rows = _rows(decode(data))
    platform, header, columns = _find_header(rows)
    if "name" not in columns and "first" not in columns:
        raise ReportError("online_unknown_format")
    found: dict[tuple, Participant] = {}
    problems = []
    for line, row in enumerate(rows[header + 1:], start=header + 2):
        if not any(cell.strip() for cell in row):
            if platform == TEAMS:
                break  # the participants' section ends at its blank line
            continue
        if platform == TEAMS and re.match(r"^\d+\.\s", row[0]):
            break
        cell = lambda key: row[columns[key]] if key in columns and columns[key] < len(row) else ""  # noqa: E731
        if "name" in columns:
            name, others = _names(cell("name"))
        else:
            name, others = clean(f"{cell('first')} {cell('last')}"), ()
        if not name:
            problems.append((line, "online_no_name"))
            continue
        joined = parse_time(cell("join"), day)
        left = parse_time(cell("leave"), day)
        if cell("join").strip() and joined is None or cell("leave").strip() and left is None:
            problems.append((line, "online_bad_time"))
            continue
        seconds = parse_duration(cell("duration"))
        if seconds is None:
            if joined is None or left is None:
                problems.append((line, "online_bad_duration"))
                continue
            seconds = int((left - joined).total_seconds())
        if joined is not None and left is not None and left < joined:
            left += timedelta(days=1)  # a meeting across midnight (times of day only)
        joined = joined.replace(tzinfo=zone) if joined else None
        left = left.replace(tzinfo=zone) if left else None
        # A rejoin shows the same name; names that differ only by their diacritics ("Lê Văn
        # Ân", "Lê Văn An") are two people, so the key keeps the diacritics.
        key = (name.casefold(), others)
        if key in found:
            seen = found[key]
            seen.seconds += seconds
            seen.lines.append(line)
            if joined and (seen.joined_at is None or joined < seen.joined_at):
                seen.joined_at = joined
            if left and (seen.left_at is None or left > seen.left_at):
                seen.left_at = left
        else:
            found[key] = Participant(name, others, clean(cell("email")), joined, left,
                                     seconds, [line])
        if len(found) > MAX_ROWS:
            raise ReportError("online_too_large")
    if problems:
        raise ReportError("online_bad_rows", rows=problems)
    if not found:
        raise ReportError("online_empty")
    return platform, list(found.values())


