"""The lists behind a summary, streamed from the database in venue order.

Absentees are everyone on the roster who did not come: marked absent (with or without a
reason) or never checked in. Late arrivals are those checked in as late, with their time.
Both are ordered like the session's venues (position, id) so a per-venue report can walk the
venues and the rows together without holding the rows in memory.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal, or_, select
from sqlalchemy.orm import Session, aliased, join, outerjoin

from .. import models
from ..checkin.rule import ATTENDED, session_end
from ..figures.summary import records_of
from ..models import (ABSENT_EXCUSED, ABSENT_UNEXCUSED, IN_PERSON, LATE, ONLINE, Attendance,
                      Category, Person, StudySession, Venue)

BATCH = 2000  # rows per fetch from a server-side cursor

STATUS_LABELS = {
    "present": "Có mặt", LATE: "Đi muộn", ABSENT_EXCUSED: "Vắng có lý do",
    ABSENT_UNEXCUSED: "Vắng không lý do", None: "Chưa điểm danh",
}

MODE_LABELS = {IN_PERSON: "Trực tiếp", ONLINE: "Trực tuyến"}

# HOOK(make-up, học bù): an absentee's make-up status comes from MakeupAttendance (one row per
# person who made the session up) when that model exists; until then the "Học bù" column of
# every export and of the summary page stays empty.
_MAKEUP = getattr(models, "MakeupAttendance", None)


def made_up_label(value) -> str:
    return "Đã học bù" if value else ""


@dataclass(frozen=True)
class Absentee:
    venue_id: int
    venue: str
    full_name: str
    position: str
    unit: str
    category: str
    status: str  # Vietnamese label
    reason: str
    made_up: str  # Vietnamese label, "" when not made up (or not tracked yet)


@dataclass(frozen=True)
class LateArrival:
    venue_id: int  # the venue of the roster, as in the summary
    venue: str
    full_name: str
    position: str
    unit: str
    category: str
    came_to: str  # the venue where they checked in
    at: datetime  # aware UTC
    mode: str = IN_PERSON


@dataclass(frozen=True)
class EarlyLeaver:
    venue_id: int  # the venue of the roster, as in the summary
    venue: str
    full_name: str
    position: str
    unit: str
    category: str
    mode: str
    at: datetime  # arrival, aware UTC
    left_at: datetime
    minutes: int  # present, from the later of arrival and start to the exit


def absentees(db: Session, session: StudySession,
              venue_ids: list[int] | None = None) -> Iterator[Absentee]:
    """Of the whole session, or of these venues of it (a page of the summary)."""
    made_up = _MAKEUP.id if _MAKEUP is not None else literal(None)
    people, where = _people(session, venue_ids, lambda status: or_(
        status.is_(None), status.in_((ABSENT_EXCUSED, ABSENT_UNEXCUSED))))
    query = (
        select(Venue.id, Venue.name, Person.full_name, Person.position, Person.unit_name,
               Category.name, Attendance.status, Attendance.absence_reason, made_up)
        .select_from(people)
        .join(Venue, Venue.id == Person.venue_id)
        .join(Category, Category.id == Person.category_id)
        .where(*where)
        .order_by(Venue.position, Venue.id, Category.position, Category.id, Person.search_name,
                  Person.id))
    if _MAKEUP is not None:
        query = query.outerjoin(_MAKEUP, (_MAKEUP.person_id == Person.id)
                                & (_MAKEUP.session_id == Person.session_id))
    for row in stream(db, query):
        yield Absentee(row[0], row[1], row[2], row[3] or "", row[4] or "", row[5],
                       STATUS_LABELS[row[6]], row[7] or "", made_up_label(row[8]))


def late_arrivals(db: Session, session: StudySession,
                  venue_ids: list[int] | None = None) -> Iterator[LateArrival]:
    """Of the whole session, or of the people invited to these venues of it."""
    came_to = aliased(Venue)
    records, where = _records(session, venue_ids, lambda status: status == LATE)
    query = (
        select(Venue.id, Venue.name, Person.full_name, Person.position, Person.unit_name,
               Category.name, came_to.name, Attendance.at, Attendance.mode)
        .select_from(records)
        .join(Venue, Venue.id == Person.venue_id)
        .join(came_to, came_to.id == Attendance.venue_id)
        .join(Category, Category.id == Person.category_id)
        .where(*where)
        .order_by(Venue.position, Venue.id, Attendance.at, Person.id))
    for row in stream(db, query):
        yield LateArrival(row[0], row[1], row[2], row[3] or "", row[4] or "", row[5], row[6],
                          row[7], row[8])


def early_leavers(db: Session, session: StudySession,
                  venue_ids: list[int] | None = None) -> Iterator[EarlyLeaver]:
    """Those who came and left before the session's end (an exit scan or mark), of the whole
    session or of the people invited to these venues of it."""
    end = session_end(session)
    records, where = _records(session, venue_ids, lambda status: status.in_(ATTENDED))
    query = (
        select(Venue.id, Venue.name, Person.full_name, Person.position, Person.unit_name,
               Category.name, Attendance.mode, Attendance.at, Attendance.left_at)
        .select_from(records)
        .join(Venue, Venue.id == Person.venue_id)
        .join(Category, Category.id == Person.category_id)
        .where(*where, Attendance.left_at.is_not(None), Attendance.left_at < end)
        .order_by(Venue.position, Venue.id, Attendance.left_at, Person.id))
    for row in stream(db, query):
        start = max(row[7], session.starts_at)
        minutes = max(0, int((row[8] - start).total_seconds() // 60))
        yield EarlyLeaver(row[0], row[1], row[2], row[3] or "", row[4] or "", row[5], row[6],
                          row[7], row[8], minutes)


def _own_record():
    return (Attendance.person_id == Person.id) & (Attendance.session_id == Person.session_id)


def _people(session: StudySession, venue_ids: list[int] | None, keep):
    """(FROM, WHERE) of the people of the session or of these venues, each with their
    attendance record if any, kept when ``keep(status)`` (NULL: no record yet)."""
    if venue_ids is None:
        return (outerjoin(Person, Attendance, _own_record()),
                (Person.session_id == session.id, keep(Attendance.status)))
    return _of_venues(venue_ids, keep)


def _records(session: StudySession, venue_ids: list[int] | None, keep):
    """(FROM, WHERE) of the attendance records of the session, or of the people invited to
    these venues, with their people, kept when ``keep(status)``."""
    if venue_ids is None:
        return (join(Attendance, Person, _own_record()),
                (Attendance.session_id == session.id, keep(Attendance.status)))
    return _of_venues(venue_ids, keep)


def _of_venues(venue_ids: list[int], keep):
    """The people of a few venues (only the venues named: given the session too, SQLite walks
    its whole index): each one's status looked up by its record's key first
    (figures.summary.records_of), then only the kept people's records joined. Joined at once,
    PostgreSQL reads every record of the session for a few venues' people (940,000 rows
    nationally: 130-450 ms a list against tens)."""
    statuses = records_of(venue_ids, Attendance.status)
    people = join(statuses, Person, Person.id == statuses.c.id).outerjoin(Attendance,
                                                                         _own_record())
    return people, (keep(statuses.c.status),)


def stream(db: Session, query):
    """Rows fetched in batches (a server-side cursor on PostgreSQL), the cursor closed at the
    end or when the reader stops."""
    result = db.execute(query.execution_options(yield_per=BATCH))
    try:
        yield from result
    finally:
        result.close()


class VenueGroups:
    """Walks a venue-ordered stream one venue at a time: ``take(venue_id)`` yields that
    venue's rows, keeping the one row read ahead (the next venue's first) for the next call."""

    def __init__(self, rows: Iterator):
        self._rows = rows
        self._ahead = None

    def take(self, venue_id: int) -> Iterator:
        while True:
            if self._ahead is None:
                self._ahead = next(self._rows, None)
                if self._ahead is None:
                    return
            if self._ahead.venue_id != venue_id:
                return
            row, self._ahead = self._ahead, None
            yield row
