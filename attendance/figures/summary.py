"""Attendance figures per venue and category, aggregated in SQL (never kept as counters).

People are counted at the venue and in the category they were invited to (the roster), so
figures sit beside the expected counts even when someone checked in at another venue.
Headcount-only categories add the coordinator's headcount to their present figure.
"""

from dataclasses import dataclass, field

from datetime import datetime

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from attendance.checkin.rule import session_end
from attendance.models import (
    ABSENT_EXCUSED,
    ABSENT_UNEXCUSED,
    ATTENDED,
    LATE,
    ONLINE,
    Attendance,
    Category,
    ExpectedCount,
    MakeupAttendance,
    Person,
    StudySession,
    Venue,
)
from attendance.numbers import cut_rate

FIGURES = ("expected", "invited", "present", "present_online", "late", "left_early",
           "absent_excused", "absent_unexcused", "not_checked_in", "made_up")


@dataclass
class Figures:
    expected: int = 0
    invited: int = 0  # named people on the roster
    present: int = 0  # everyone who came, late included, in person and online
    present_online: int = 0  # the part of present who took part online (late included)
    late: int = 0
    left_early: int = 0  # came, and left before the end (an exit scan or mark)
    absent_excused: int = 0
    absent_unexcused: int = 0
    not_checked_in: int = 0  # on the roster, no record yet
    made_up: int = 0  # absent (or never came) and made it up later (học bù)

    def add(self, other: "Figures") -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def lags(self, threshold: float) -> bool:
        return lagging(self.expected, self.present, threshold)

    @property
    def rate(self) -> float | None:
        """Present over expected, in percent cut to two decimals (None when nothing is
        expected): the one rate format of every page and file."""
        return cut_rate(self.present, self.expected)

    @property
    def present_in_person(self) -> int:
        """Present in the room (headcounts included): present less those online."""
        return self.present - self.present_online

    @property
    def not_marked(self) -> int:
        """Invited with no record yet (chưa điểm danh): nobody once the roll is closed."""
        return self.not_checked_in

    def as_dict(self) -> dict:
        return {**{name: getattr(self, name) for name in FIGURES}, "rate": self.rate,
                "present_in_person": self.present_in_person, "not_marked": self.not_marked}


@dataclass
class CategoryRow:
    category: Category
    figures: Figures


@dataclass
class VenueRow:
    venue: Venue
    categories: list[CategoryRow] = field(default_factory=list)
    totals: Figures = field(default_factory=Figures)


@dataclass
class Summary:
    session: StudySession
    venues: list[VenueRow]
    totals: Figures


def lagging(expected, present, threshold):
    """A venue lags when present * 100 < threshold * expected, unrounded: the one predicate, on
    numbers (a Figures) and on SQL columns alike (the dashboard's filter and count)."""
    return (expected > 0) & (present * 100 < threshold * expected)


def counts(roster, end: datetime | None = None) -> tuple:
    """The attendance counts over ``roster`` (``roster_status``'s subquery), labelled: invited,
    present (late included), late, excused, unexcused, online (part of present), left early
    (an exit before ``end``, the session's end; None: any exit). The one aggregate every
    figure sums."""
    status = roster.c.status
    attended = status.in_(ATTENDED)
    left = roster.c.left_at.is_not(None)
    if end is not None:
        left = left & (roster.c.left_at < literal(end, type_=Attendance.left_at.type))
    return (func.count(roster.c.id).label("invited"),
            func.count(case((attended, 1))).label("present"),
            func.count(case((status == LATE, 1))).label("late"),
            func.count(case((status == ABSENT_EXCUSED, 1))).label("excused"),
            func.count(case((status == ABSENT_UNEXCUSED, 1))).label("unexcused"),
            func.count(case((attended & (roster.c.mode == ONLINE), 1))).label("online"),
            func.count(case((attended & left, 1))).label("left_early"))


def count_rows(db: Session, session_id: int, venue_ids: list[int] | None = None,
               end: datetime | None = None):
    """(venue_id, category_id, invited, present, late, excused, unexcused, online,
    left_early) per roster cell."""
    roster = roster_status(session_id, venue_ids)
    return db.execute(select(roster.c.venue_id, roster.c.category_id, *counts(roster, end))
                      .group_by(roster.c.venue_id, roster.c.category_id)).all()


def roster_status(session_id: int, venue_ids: list[int] | None = None):
    """Subquery (id, venue_id, category_id, status, mode, left_at): each person invited, with
    their attendance's status, mode and exit (NULL: no record yet). For the whole session one join; for a few
    venues each person's record is looked up by its unique key, which PostgreSQL's planner
    would otherwise trade for a scan of every attendance of the session (3 ms vs 190 ms for
    a page of 50 points at national size)."""
    if venue_ids is None:
        return (select(Person.id, Person.venue_id, Person.category_id, Attendance.status,
                       Attendance.mode, Attendance.left_at)
                .outerjoin(Attendance, (Attendance.person_id == Person.id)
                           & (Attendance.session_id == Person.session_id))
                .where(Person.session_id == session_id).subquery())
    return records_of(venue_ids, Attendance.status, Attendance.mode, Attendance.left_at)


def records_of(venue_ids: list[int], *columns):
    """Subquery (id, venue_id, category_id, *columns): the people invited to these venues,
    with these columns of their attendance record (NULL: no record yet), each record looked
    up by its unique key (session, person). Joined instead, PostgreSQL's planner reads every
    attendance of the session for a few venues' people (a national session: 940,000 rows,
    200-450 ms against a few ms)."""
    def of_record(column):
        return (select(column).where(Attendance.session_id == Person.session_id,
                                     Attendance.person_id == Person.id).scalar_subquery())
    # OFFSET 0 keeps the subquery whole: merged into the query above, both databases
    # would look the record up once for every figure that reads it.
    return (select(Person.id, Person.venue_id, Person.category_id,
                   *(of_record(column).label(column.key) for column in columns))
            .where(Person.venue_id.in_(venue_ids)).offset(0).subquery())


def people_of(query, session_id: int, venue_ids: list[int] | None):
    """People of the session, or of these venues of it. With venues, only the venue is
    named: a venue's people are its session's, and SQLite, given both, would walk the
    whole session's index instead of the few venues'."""
    if venue_ids is None:
        return query.where(Person.session_id == session_id)
    return query.where(Person.venue_id.in_(venue_ids))


def made_up(*columns):
    """``select(*columns)`` over the people who did not attend and made it up (học bù)."""
    return (
        select(*columns)
        .join(MakeupAttendance, (MakeupAttendance.person_id == Person.id)
              & (MakeupAttendance.session_id == Person.session_id))
        .outerjoin(Attendance, (Attendance.person_id == Person.id)
                   & (Attendance.session_id == Person.session_id))
        .where(Attendance.status.is_(None) | Attendance.status.not_in(ATTENDED)))


def made_up_rows(db: Session, session_id: int, venue_ids: list[int] | None = None):
    """(venue_id, category_id, made_up): people who did not attend but made up."""
    query = made_up(Person.venue_id, Person.category_id, func.count(Person.id)).group_by(
        Person.venue_id, Person.category_id)
    return db.execute(people_of(query, session_id, venue_ids)).all()


# Up to this many venues are named in an IN list; past it the whole session is aggregated
# and the rows picked out (a long IN list costs more than the rows it saves).
IN_LIST_LIMIT = 500


def summarize(db: Session, session: StudySession, venues: list[Venue] | None = None) -> Summary:
    venue_ids = None
    if venues is None:
        venues = list(session.venues)
    elif len(venues) <= IN_LIST_LIMIT:
        venue_ids = [v.id for v in venues]
    end = session_end(session)
    counts = {(row[0], row[1]): row[2:] for row in count_rows(db, session.id, venue_ids, end)}
    made_up = {(r[0], r[1]): r[2] for r in made_up_rows(db, session.id, venue_ids)}
    expected_query = select(ExpectedCount.venue_id, ExpectedCount.category_id,
                            ExpectedCount.expected, ExpectedCount.headcount).join(
        Venue, Venue.id == ExpectedCount.venue_id).where(Venue.session_id == session.id)
    if venue_ids is not None:
        expected_query = expected_query.where(ExpectedCount.venue_id.in_(venue_ids))
    expected = {(r[0], r[1]): (r[2], r[3]) for r in db.execute(expected_query)}
    totals = Figures()
    rows = []
    for venue in venues:
        row = VenueRow(venue=venue)
        for category in session.categories_for(venue.kind):
            invited, present, late, excused, unexcused, online, left_early = counts.get(
                (venue.id, category.id), (0,) * 7)
            exp, headcount = expected.get((venue.id, category.id), (0, None))
            figures = Figures(
                expected=exp, invited=invited, present=present + (headcount or 0), late=late,
                present_online=online, left_early=left_early,
                absent_excused=excused, absent_unexcused=unexcused,
                not_checked_in=invited - present - excused - unexcused,
                made_up=made_up.get((venue.id, category.id), 0))
            row.categories.append(CategoryRow(category, figures))
            row.totals.add(figures)
        totals.add(row.totals)
        rows.append(row)
    return Summary(session=session, venues=rows, totals=totals)
