"""What a user may see of sessions, and the expected-count grids of the overview page."""

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from ..accounts import scope as scopes
from ..models import (
    HALL,
    ORGANIZER,
    REPORTER,
    VENUE_KINDS,
    VIEWER,
    Category,
    ExpectedCount,
    StudySession,
    User,
    Venue,
)
from ..permissions import can_follow_on, can_read_venue


def visible_venues(user: User, session: StudySession) -> list[Venue]:
    """All venues for organizers and viewers of the session; staff and coordinators only
    their own."""
    return [venue for venue in session.venues if can_read_venue(user, venue, session)]


def scoped(query: Select, user: User) -> Select:
    """``query`` (over StudySession) narrowed to the sessions ``user`` may see: the same rule
    as permissions.can_see_session, as SQL."""
    scope = scopes.of(user)
    if user.role in (ORGANIZER, VIEWER):
        if scope.units is None:
            return query
        return query.where(StudySession.organizer_unit_id.in_(scope.units))
    if user.role == REPORTER:
        return query.where(StudySession.organizer_unit_id.is_(None)
                           | StudySession.organizer_unit_id.in_(scope.ancestors))
    return query.where(StudySession.id.in_(list(scope.venue_by_session)))


def visible_sessions(db: Session, user: User,
                     ids: list[int] | None = None) -> list[tuple[StudySession, int]]:
    """Sessions newest first (only ``ids``, if given), each with its number of venues."""
    venue_count = (select(Venue.session_id, func.count(Venue.id).label("n"))
                   .group_by(Venue.session_id))
    if ids is not None:
        venue_count = venue_count.where(Venue.session_id.in_(ids))
    venue_count = venue_count.subquery()
    query = (select(StudySession, func.coalesce(venue_count.c.n, 0))
             .outerjoin(venue_count, venue_count.c.session_id == StudySession.id)
             .options(joinedload(StudySession.organizer_unit))
             .order_by(StudySession.starts_at.desc(), StudySession.id.desc()))
    if ids is not None:
        query = query.where(StudySession.id.in_(ids))
    return [(session, count) for session, count in db.execute(scoped(query, user))]


@dataclass
class SessionRow:
    """A row of the session list: a session, its venue count, and the follow-on classes of it
    the user may see (shown folded under it, not as a wall of rows beside it): the oldest
    CLASSES_SHOWN of them, ``class_count`` in all."""

    session: StudySession
    venue_count: int
    classes: list["SessionRow"] = field(default_factory=list)
    class_count: int = 0


CLASSES_SHOWN = 20  # a nation's plan has some 50,000 classes under its one session


def session_rows(db: Session, user: User, *, per_page: int | None = None,
                 page: int = 1) -> tuple[list[SessionRow], int]:
    """(one page of the main sessions the user sees, newest first, each with its follow-on
    classes; how many such rows in all). A class whose main session the user cannot see
    stands on its own row. Only the page's sessions and shown classes are loaded."""
    pairs = db.execute(scoped(select(StudySession.id, StudySession.parent_session_id), user)
                       .order_by(StudySession.starts_at.desc(), StudySession.id.desc())).all()
    visible = {session_id for session_id, _ in pairs}
    top = [session_id for session_id, parent in pairs if parent is None or parent not in visible]
    chosen = top if per_page is None else top[(page - 1) * per_page:page * per_page]
    wanted = set(chosen)
    classes: dict[int, list[int]] = {session_id: [] for session_id in chosen}
    for session_id, parent in reversed(pairs):  # oldest class first
        if parent in wanted and parent in visible:
            classes[parent].append(session_id)
    shown = {i for ids in classes.values() for i in ids[:CLASSES_SHOWN]} | wanted
    loaded = {session.id: (session, count)
              for session, count in visible_sessions(db, user, sorted(shown))}
    rows = []
    for session_id in chosen:
        row = SessionRow(*loaded[session_id], class_count=len(classes[session_id]))
        row.classes = [SessionRow(*loaded[i]) for i in classes[session_id][:CLASSES_SHOWN]]
        rows.append(row)
    return rows, len(top)


def parent_choices(db: Session, user: User,
                   session: StudySession | None = None) -> list[StudySession]:
    """Main sessions ``session`` (or a new one) may be a follow-on class of, newest first: those
    the user may hang a class under; a session's own current parent is always offered, so
    editing never drops it."""
    query = (select(StudySession).where(StudySession.parent_session_id.is_(None))
             .order_by(StudySession.starts_at.desc(), StudySession.id.desc()))
    if session is not None:
        query = query.where(StudySession.id != session.id)
    current = session.parent_session_id if session is not None else None
    return [s for s in db.scalars(query) if s.id == current or can_follow_on(user, s)]


@dataclass
class ExpectedRow:
    venue: Venue
    counts: list[int]
    total: int


@dataclass
class ExpectedGrid:
    """Venues of one kind by the categories of that kind, with row and column totals."""

    kind: str
    categories: list[Category]
    rows: list[ExpectedRow] = field(default_factory=list)
    column_totals: list[int] = field(default_factory=list)
    total: int = 0
    other_totals: list[int] = field(default_factory=list)  # of the venues not in rows


def expected_grids(db: Session, session: StudySession, venues: list[Venue],
                   shown: list[Venue] | None = None) -> list[ExpectedGrid]:
    """One grid per venue kind that has venues or categories, the hall first. Rows are those
    of ``shown`` (a page of ``venues``; all of them when None), totals those of all
    ``venues``: the session's counts are read in one query (7,400 venues of a national
    session would otherwise be 7,400 queries)."""
    wanted = {v.id for v in venues}
    shown_ids = wanted if shown is None else {v.id for v in shown}
    counts: dict[int, dict[int, int]] = {}
    for venue_id, category_id, expected in db.execute(
            select(ExpectedCount.venue_id, ExpectedCount.category_id, ExpectedCount.expected)
            .join(Venue, Venue.id == ExpectedCount.venue_id)
            .where(Venue.session_id == session.id)):
        if venue_id in wanted:
            counts.setdefault(venue_id, {})[category_id] = expected
    grids = []
    for kind in VENUE_KINDS:
        categories = session.categories_for(kind)
        of_kind = [v for v in venues if v.kind == kind]
        if not categories and not of_kind:
            continue
        grid = ExpectedGrid(kind=kind, categories=categories)
        column_totals = [0] * len(categories)
        for venue in of_kind:
            by_category = counts.get(venue.id, {})
            row = [by_category.get(c.id, 0) for c in categories]
            column_totals = [a + b for a, b in zip(column_totals, row)]
            if venue.id in shown_ids:
                grid.rows.append(ExpectedRow(venue=venue, counts=row, total=sum(row)))
        grid.column_totals = column_totals
        grid.total = sum(column_totals)
        # What the venues of other pages add to each total (the page's script adds the typed
        # figures to it).
        grid.other_totals = [total - sum(r.counts[i] for r in grid.rows)
                             for i, total in enumerate(column_totals)]
        grids.append(grid)
    return sorted(grids, key=lambda g: g.kind != HALL)


def expected_totals(grids: list[ExpectedGrid]) -> dict[int, int]:
    """Expected people per venue id."""
    return {row.venue.id: row.total for grid in grids for row in grid.rows}
