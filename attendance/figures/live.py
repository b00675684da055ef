"""Figures of the live dashboard at any size (a national session: 7,400 points, 960,000 people).

Everything is aggregated, filtered, counted and paged in SQL; only the venues of one page come
back as objects (their per-category figures then come from summary.summarize). A venue lags
when present * 100 < threshold * expected, unrounded, so SQL and the page agree.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.figures import summary
from attendance.figures.summary import Figures, counts, lagging, roster_status
from attendance.checkin.rule import session_end
from attendance.models import (BRIDGE_POINT, Attendance, ExpectedCount, OutcomeSettings, Person,
                               StudySession, Venue)
from attendance.models.outcomes import DEFAULT_THRESHOLD
from attendance.text import fold

CONNECTED = "connected"


@dataclass(frozen=True)
class Overview:
    """The whole session (or a coordinator's own point) at a glance."""
    totals: Figures
    lagging: int  # venues under the threshold
    not_ready: int  # bridge points not connected
    not_signed: int  # bridge points not signed off
    points: int = 0  # bridge points
    # (venue id, kind) of the venues under the threshold, in session order: the dashboard's
    # "lagging only" filter pages these instead of aggregating every person again.
    lagging_venues: tuple[tuple[int, str], ...] = ()


def warning_threshold(db: Session, session_id: int) -> float:
    """The session's own warning threshold, in percent: the one its organizer sets with the
    result reports (outcomes.reports.update_settings), the default until then. Only read: a
    dashboard refresh writes nothing."""
    value = db.scalar(select(OutcomeSettings.threshold)
                      .where(OutcomeSettings.session_id == session_id))
    return DEFAULT_THRESHOLD if value is None else float(value)


def _per_venue(session_id: int, venue_ids: list[int] | None, end=None):
    """One row per venue: its own columns plus people's and expected figures (a subquery)."""
    roster = roster_status(session_id, venue_ids)
    people = select(roster.c.venue_id.label("venue_id"), *counts(roster, end)).group_by(
        roster.c.venue_id)
    expected = (
        select(ExpectedCount.venue_id.label("venue_id"),
               func.sum(ExpectedCount.expected).label("expected"),
               func.sum(ExpectedCount.headcount).label("headcount"))
        .join(Venue, Venue.id == ExpectedCount.venue_id)
        .where(Venue.session_id == session_id)
        .group_by(ExpectedCount.venue_id))
    venues = select(Venue.id, Venue.kind, Venue.position, Venue.readiness,
                    Venue.signed_off_at).where(Venue.session_id == session_id)
    if venue_ids is not None:
        expected = expected.where(ExpectedCount.venue_id.in_(venue_ids))
        venues = venues.where(Venue.id.in_(venue_ids))
    # Computed once, whatever the planner thinks of the tables' sizes (a bulk load not yet
    # analyzed made PostgreSQL re-run the people's aggregate for every venue).
    people = people.cte("venue_people").prefix_with("MATERIALIZED")
    expected = expected.subquery()
    zero = func.coalesce
    return (
        venues.add_columns(
            zero(people.c.invited, 0).label("invited"),
            (zero(people.c.present, 0) + zero(expected.c.headcount, 0)).label("present"),
            zero(people.c.late, 0).label("late"),
            zero(people.c.excused, 0).label("excused"),
            zero(people.c.unexcused, 0).label("unexcused"),
            zero(people.c.present, 0).label("checked_in"),
            zero(people.c.online, 0).label("online"),
            zero(people.c.left_early, 0).label("left_early"),
            zero(expected.c.expected, 0).label("expected"))
        .outerjoin(people, people.c.venue_id == Venue.id)
        .outerjoin(expected, expected.c.venue_id == Venue.id)
        .subquery())


def _lagging(rows, threshold: float):
    return lagging(rows.c.expected, rows.c.present, threshold)


def overview(db: Session, session_id: int, threshold: float,
             venue_ids: list[int] | None = None, end=None) -> Overview:
    """Totals, lagging venues and bridge points not ready / not signed off: one pass over the
    people (the per-venue aggregate), its 7,400 rows (a national session) summed here, which
    also names the lagging venues. ``end``: the session's end, for who left early (None:
    read from the session)."""
    if end is None:  # who left before the session's end (checkin.rule.session_end)
        session = db.get(StudySession, session_id)
        end = session_end(session) if session is not None else None
    rows = _per_venue(session_id, venue_ids, end)
    made_up = summary.made_up(func.count(Person.id)).where(Person.session_id == session_id)
    if venue_ids is not None:
        made_up = made_up.where(Person.venue_id.in_(venue_ids))
    sums = dict.fromkeys(("expected", "invited", "present", "late", "excused", "unexcused",
                          "checked_in", "online", "left_early"), 0)
    lagging_venues, points, not_ready, not_signed = [], 0, 0, 0
    for row in db.execute(select(rows).order_by(rows.c.position, rows.c.id)).mappings():
        for name in sums:
            sums[name] += int(row[name])
        if lagging(int(row["expected"]), int(row["present"]), threshold):
            lagging_venues.append((row["id"], row["kind"]))
        if row["kind"] == BRIDGE_POINT:
            points += 1
            not_ready += row["readiness"] != CONNECTED
            not_signed += row["signed_off_at"] is None
    figures = Figures(expected=sums["expected"], invited=sums["invited"],
                      present=sums["present"], late=sums["late"],
                      absent_excused=sums["excused"], absent_unexcused=sums["unexcused"],
                      not_checked_in=sums["invited"] - sums["checked_in"] - sums["excused"]
                      - sums["unexcused"],
                      made_up=int(db.scalar(made_up)), present_online=sums["online"],
                      left_early=sums["left_early"])
    return Overview(figures, len(lagging_venues), not_ready, not_signed, points,
                    tuple(lagging_venues))


def totals(db: Session, session_id: int, end=None) -> Figures:
    """The session's totals alone (the summary page's), without overview's pass per venue:
    the session's attendance records counted on their own (each is of one person of the
    session: the foreign key), beside the roster's size and the expected counts. At national
    size on PostgreSQL about a fifth of overview's time. ``end`` as overview's."""
    if end is None:
        session = db.get(StudySession, session_id)
        end = session_end(session) if session is not None else None
    records = (select(Attendance.id, Attendance.status, Attendance.mode, Attendance.left_at)
               .where(Attendance.session_id == session_id).subquery())
    expected = (select(func.coalesce(func.sum(ExpectedCount.expected), 0),
                       func.coalesce(func.sum(ExpectedCount.headcount), 0))
                .join(Venue, Venue.id == ExpectedCount.venue_id)
                .where(Venue.session_id == session_id))
    invited = db.scalar(select(func.count()).select_from(Person)
                        .where(Person.session_id == session_id))
    made_up = db.scalar(summary.made_up(func.count(Person.id))
                        .where(Person.session_id == session_id))
    expected, headcount = map(int, db.execute(expected).one())
    _, present, late, excused, unexcused, online, left_early = map(
        int, db.execute(select(*counts(records, end))).one())
    return Figures(expected=expected, invited=invited, present=present + headcount, late=late,
                   absent_excused=excused, absent_unexcused=unexcused,
                   not_checked_in=invited - present - excused - unexcused, made_up=made_up,
                   present_online=online, left_early=left_early)


def matching_venue_ids(db: Session, session_id: int, query: str,
                       venue_ids: list[int] | None = None) -> list[int]:
    """Venues whose name contains ``query``, ignoring case and diacritics ("phuong" finds
    "phường"). Folding is done here: neither SQLite nor a bare PostgreSQL folds Vietnamese;
    reading the names of 7,400 venues takes a few milliseconds."""
    needle = fold(query)
    names = select(Venue.id, Venue.name).where(Venue.session_id == session_id)
    if venue_ids is not None:
        names = names.where(Venue.id.in_(venue_ids))
    return [venue_id for venue_id, name in db.execute(names) if needle in fold(name)]


def venue_page(db: Session, session_id: int, *, limit: int, offset: int,
               venue_ids: list[int] | None = None, kind: str | None = None,
               lagging_below: float | None = None) -> tuple[list[Venue], int]:
    """(venues of one page in session order, how many match in all). Without the lagging
    filter no figure is needed to choose the page, so nothing is aggregated here."""
    if lagging_below is None:
        chosen = select(Venue.id, Venue.position).where(Venue.session_id == session_id)
        if venue_ids is not None:
            chosen = chosen.where(Venue.id.in_(venue_ids))
        if kind:
            chosen = chosen.where(Venue.kind == kind)
        chosen = chosen.subquery()
    else:
        rows = _per_venue(session_id, venue_ids)
        chosen = select(rows.c.id, rows.c.position).where(_lagging(rows, lagging_below))
        if kind:
            chosen = chosen.where(rows.c.kind == kind)
        chosen = chosen.subquery()
    page = db.execute(
        select(chosen.c.id, func.count().over())
        .order_by(chosen.c.position, chosen.c.id).limit(limit).offset(offset)).all()
    if page:
        count = page[0][1]
    else:
        count = db.scalar(select(func.count()).select_from(chosen))
    ids = [row[0] for row in page]
    venues = {v.id: v for v in db.scalars(select(Venue).where(Venue.id.in_(ids)))}
    return [venues[i] for i in ids], count
