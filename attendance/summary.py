"""Attendance figures per venue and category, aggregated in SQL (never kept as counters).

People are counted at the venue and in the category they were invited to (the roster), so
figures sit beside the expected counts even when someone checked in at another venue.
Headcount-only categories add the coordinator's headcount to their present figure.
"""

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .models import (ABSENT_EXCUSED, ABSENT_UNEXCUSED, ATTENDED, LATE, PRESENT, Attendance,
                     Category, ExpectedCount, MakeupAttendance, Person, StudySession, Venue)

FIGURES = ("expected", "invited", "present", "late", "absent_excused", "absent_unexcused",
           "not_checked_in", "made_up")


@dataclass
class Figures:
    expected: int = 0
    invited: int = 0  # named people on the roster
    present: int = 0  # everyone who came, late included
    late: int = 0
    absent_excused: int = 0
    absent_unexcused: int = 0
    not_checked_in: int = 0  # on the roster, no record yet
    made_up: int = 0  # absent (or never came) and made it up later (học bù)

    def add(self, other: "Figures") -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def rate(self) -> float | None:
        """Present over expected, in percent (None when nothing is expected)."""
        return round(100 * self.present / self.expected, 1) if self.expected else None

    def as_dict(self) -> dict:
        return {**{name: getattr(self, name) for name in FIGURES}, "rate": self.rate}


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


def count_rows(db: Session, session_id: int, venue_ids: list[int] | None = None):
    """(venue_id, category_id, invited, present, late, excused, unexcused) per roster cell."""
    status = Attendance.status
    query = (
        select(Person.venue_id, Person.category_id,
               func.count(Person.id),
               func.count(case((status.in_((PRESENT, LATE)), 1))),
               func.count(case((status == LATE, 1))),
               func.count(case((status == ABSENT_EXCUSED, 1))),
               func.count(case((status == ABSENT_UNEXCUSED, 1))))
        .select_from(Person)
        .outerjoin(Attendance, (Attendance.person_id == Person.id)
                   & (Attendance.session_id == Person.session_id))
        .where(Person.session_id == session_id)
        .group_by(Person.venue_id, Person.category_id))
    if venue_ids is not None:
        query = query.where(Person.venue_id.in_(venue_ids))
    return db.execute(query).all()


def made_up_rows(db: Session, session_id: int, venue_ids: list[int] | None = None):
    """(venue_id, category_id, made_up): people who did not attend but made up."""
    query = (
        select(Person.venue_id, Person.category_id, func.count(Person.id))
        .join(MakeupAttendance, (MakeupAttendance.person_id == Person.id)
              & (MakeupAttendance.session_id == Person.session_id))
        .outerjoin(Attendance, (Attendance.person_id == Person.id)
                   & (Attendance.session_id == Person.session_id))
        .where(Person.session_id == session_id,
               Attendance.status.is_(None) | Attendance.status.not_in(ATTENDED))
        .group_by(Person.venue_id, Person.category_id))
    if venue_ids is not None:
        query = query.where(Person.venue_id.in_(venue_ids))
    return db.execute(query).all()


def summarize(db: Session, session: StudySession, venues: list[Venue] | None = None) -> Summary:
    venues = list(session.venues) if venues is None else venues
    venue_ids = None if venues is None or len(venues) == len(session.venues) \
        else [v.id for v in venues]
    counts = {(row[0], row[1]): row[2:] for row in count_rows(db, session.id, venue_ids)}
    made_up = {(r[0], r[1]): r[2] for r in made_up_rows(db, session.id, venue_ids)}
    expected_query = select(ExpectedCount.venue_id, ExpectedCount.category_id,
                            ExpectedCount.expected, ExpectedCount.headcount).join(
        Venue, Venue.id == ExpectedCount.venue_id).where(Venue.session_id == session.id)
    expected = {(r[0], r[1]): (r[2], r[3]) for r in db.execute(expected_query)}
    totals = Figures()
    rows = []
    for venue in venues:
        row = VenueRow(venue=venue)
        for category in session.categories_for(venue.kind):
            invited, present, late, excused, unexcused = counts.get(
                (venue.id, category.id), (0, 0, 0, 0, 0))
            exp, headcount = expected.get((venue.id, category.id), (0, None))
            figures = Figures(
                expected=exp, invited=invited, present=present + (headcount or 0), late=late,
                absent_excused=excused, absent_unexcused=unexcused,
                not_checked_in=invited - present - excused - unexcused,
                made_up=made_up.get((venue.id, category.id), 0))
            row.categories.append(CategoryRow(category, figures))
            row.totals.add(figures)
        totals.add(row.totals)
        rows.append(row)
    return Summary(session=session, venues=rows, totals=totals)
