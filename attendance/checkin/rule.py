"""The check-in rule: pure functions of the facts, no database, no clock of its own.

Every way of taking attendance asks these functions: a card at the door and a manual pick
(``scan.record_scan``), a batch (``batch.record_scans``), PostgreSQL's one-statement path (which
runs only once the rule has passed everything it can know without the roster), walk-ins, self
check-in and the coordinators' roll (``roll.marks``). What the database alone can know (is the
person on the roster with this card, was the nonce seen, is there a record already) the SQL
asserts; what a record already there means is ``arrival_replaces``.

Times: ``at`` is when a scan was made (as far as the device can be trusted, see ``scan_time``),
``now`` when it reached the server. A scan made while check-in was open counts whenever it
arrives, a close by hand included.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from attendance import permissions
from attendance.checkin import tokens
from attendance.errors import DomainError
from attendance.models import (
    ABSENT_EXCUSED,
    ABSENT_UNEXCUSED,
    ATTENDED,
    IN_PERSON,
    LATE,
    ONLINE,
    PRESENT,
    WINDOW_CLOSED,
    WINDOW_OPEN,
)

# Refusal codes, stable for clients: see webapp/errors.py for their messages.
REFUSALS = ("malformed", "bad_signature", "revoked", "wrong_session", "unknown_person",
            "window_closed", "not_allowed_here", "wrong_venue_session", "bad_nonce",
            "presence_required", "not_on_venue_roster", "not_attended", "exit_before_arrival",
            "exit_in_future", "exit_other_venue", "too_short", "session_not_ended", "roll_closed",
            "bad_citizen_card", "ambiguous_citizen")
# Refusals whose cause can go away (the window reopened, the user moved to this venue, the
# person put on this venue's roster): they are answered and logged, but not kept as the
# nonce's answer, so the same scan sent again is judged again.
PASSING_REFUSALS = frozenset({"window_closed", "not_allowed_here", "not_on_venue_roster",
                              "unknown_person", "ambiguous_citizen", "presence_required",
                              "checked_in_elsewhere", "signed_off",  # these two: the roll's
                              "too_short", "roll_closed"})
# Without the device's last contact, a device time further back than this is not believed.
MAX_OFFLINE_AGE = timedelta(hours=12)
# Someone marked absent (by a roll or the close) who turns up is checked in after all.
REPLACEABLE = (ABSENT_EXCUSED, ABSENT_UNEXCUSED)


class CheckInError(DomainError):
    """A scan refused by the rule; ``code`` is one of REFUSALS. ``person`` (a roster row) is
    set when the answer may name them."""


@dataclass(frozen=True)
class ScanTime:
    at: datetime  # when the scan counts as made
    trusted: bool | None  # the device's time: believed, not believed, or None (none given)


def scan_time(now: datetime, scanned_at: datetime | None,
              last_contact: datetime | None = None) -> ScanTime:
    """When a scan counts as made. The device's time (``scanned_at``, its clock) is believed
    when it is not in the future and not before the device's last contact with the server
    (``last_contact``, the server's time the device had last heard when it scanned): a clock
    set back or ahead then shows. Otherwise the scan counts when it arrived (``now``)."""
    if scanned_at is None or scanned_at.tzinfo is None:
        return ScanTime(now, None)
    if scanned_at > now:
        return ScanTime(now, False)
    if last_contact is not None and last_contact.tzinfo is not None:
        if scanned_at < last_contact or last_contact > now:
            return ScanTime(now, False)
    elif scanned_at < now - MAX_OFFLINE_AGE:
        return ScanTime(now, False)
    return ScanTime(scanned_at, True)


def window_opens(session) -> datetime:
    return session.starts_at - timedelta(minutes=session.checkin_opens_minutes)


def window_closes(session) -> datetime:
    return session.starts_at + timedelta(minutes=session.checkin_closes_minutes)


def window_open(session, at: datetime) -> bool:
    """Whether check-in was open at ``at``: the clock's window around the start, both ends
    included, or the organizer's opening or closing by hand from the moment it was made
    (``checkin_window_since``; unknown: since ever)."""
    by_clock = window_opens(session) <= at <= window_closes(session)
    since = session.checkin_window_since
    if session.checkin_window == WINDOW_OPEN:
        return since is None or at >= since or by_clock
    if session.checkin_window == WINDOW_CLOSED:
        return since is not None and at < since and by_clock
    return by_clock


def status_at(session, at: datetime) -> str:
    """Present up to the end of the grace minutes, that instant included; late after it."""
    return LATE if at > session.late_after else PRESENT


def check_venue(session, venue, actor) -> None:
    """The venue is one of the session's, and the one scanning may take attendance there
    (``actor`` None: the participant themself, from the venue's poster)."""
    if venue is None or venue.session_id != session.id:
        raise CheckInError("wrong_venue_session")
    if actor is not None and not permissions.can_check_in_at(actor, venue, session):
        raise CheckInError("not_allowed_here")


def read_card(key: bytes, session, token: str) -> tokens.CardToken:
    """The card's person and version, if it is ours and of this session."""
    card = tokens.read_card_token(key, token)  # malformed / bad_signature
    if card.session_id != session.id:
        raise CheckInError("wrong_session")
    return card


def judge(key: bytes, session, venue, actor, token: str | None,
          person_id: int | None) -> tuple[int | None, int | None]:
    """The rule before the roster: the venue, who scans, the card. Returns (person id, card
    version, or None for a pick by id); raises CheckInError or tokens.TokenError."""
    check_venue(session, venue, actor)
    if token is None:
        return person_id, None
    card = read_card(key, session, token)
    return card.person_id, card.version


def citizen_holder(by_number: list, by_name: list):
    """Whom a citizen ID card names (checkin.citizen): the one person on the roster with its ID
    number; else, among those the roster has no ID number for, the one with its full name and
    birth date. Two alike cannot be told apart by the staff's word for them: refused, as is
    no one (the scanner then offers the walk-in form)."""
    found = by_number or by_name
    if not found:
        raise CheckInError("unknown_person")
    if len(found) > 1:
        raise CheckInError("ambiguous_citizen")
    return found[0]


def picks_from_venue_roster(actor) -> bool:
    """Whose roster a pick by id must come from: staff and coordinators pick only their own
    venue's people (anyone else comes with a card, and is then checked in elsewhere than
    invited); organizers correct anywhere."""
    return actor is not None and not permissions.can_manage(actor)


def admit(session, person, version: int | None, venue, actor, at: datetime,
          window_was_open: bool | None = None) -> str:
    """The rule with the person's roster row (None: not on the roster): the card is their
    current one, a pick is from the venue's own roster, the window was open when the scan was
    made. Returns the status (present or late).

    ``window_was_open`` lets a caller that already asked ``window_open`` pass its answer."""
    if person is None:
        raise CheckInError("unknown_person")
    if version is None and picks_from_venue_roster(actor) and person["venue_id"] != venue.id:
        raise CheckInError("not_on_venue_roster")  # and no name: not the caller's to read
    if version is not None and version != person["card_version"]:
        raise CheckInError("revoked", person=person)
    if not (window_open(session, at) if window_was_open is None else window_was_open):
        raise CheckInError("window_closed", person=person)
    return status_at(session, at)


def arrival_replaces(status: str | None) -> bool:
    """Whether an arrival takes the place of the person's record: none yet, or an absence."""
    return status is None or status in REPLACEABLE


def sticks_to_nonce(code: str) -> bool:
    """Whether a refusal is the nonce's answer for good (a forged card stays forged)."""
    return code not in PASSING_REFUSALS


def check_roll_mark(session, venue, status: str, existing_status: str | None,
                    existing_venue_id: int | None, at: datetime) -> None:
    """A coordinator's mark: present or late only while check-in was open, and never over a
    check-in taken at another venue (that person came, elsewhere)."""
    if (existing_status in ATTENDED and existing_venue_id is not None
            and existing_venue_id != venue.id):
        raise CheckInError("checked_in_elsewhere")
    if status in ATTENDED and not window_open(session, at):
        raise CheckInError("window_closed")


# Ways of taking attendance that mean the person took part online (có mặt trực tuyến).
ONLINE_METHODS = frozenset({"join", "online_import"})


def mode_of(method: str) -> str:
    """In person or online, by how the attendance was taken: a card, a pick, a roll mark or a
    self check-in is someone in the room; the join link and a platform's report are not."""
    return ONLINE if method in ONLINE_METHODS else IN_PERSON


def session_end(session) -> datetime:
    """When the session ends: its end time, else the close of the check-in window."""
    return session.ends_at or window_closes(session)


def online_stay(session, joined_at: datetime, seconds: int, min_share: float) -> str:
    """A platform's report of one participant: present (or late, by when they joined) when
    they joined while check-in was open and stayed at least ``min_share`` of the session's
    length; else ``too_short`` / ``window_closed``."""
    length = (session_end(session) - session.starts_at).total_seconds()
    if length > 0 and seconds < min_share * length:
        raise CheckInError("too_short")
    if not window_open(session, joined_at):
        raise CheckInError("window_closed")
    return status_at(session, joined_at)


def check_exit(status: str | None, arrived_at: datetime | None, left_at: datetime,
               now: datetime) -> None:
    """An exit (ra về) is of someone who came, not before they came, not in the future."""
    if status not in ATTENDED:
        raise CheckInError("not_attended")
    if left_at > now:
        raise CheckInError("exit_in_future")
    if arrived_at is not None and left_at < arrived_at:
        raise CheckInError("exit_before_arrival")


def left_early(session, left_at: datetime | None) -> bool:
    return left_at is not None and left_at < session_end(session)


def check_close(session, now: datetime) -> None:
    """The roll is closed (the unmarked become absent without reason) only after the end."""
    if now < session_end(session):
        raise CheckInError("session_not_ended")
