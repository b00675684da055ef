"""What a venue's roll page shows (danh sách điểm danh): the roster by category with each
person's status, beside the point's figures. Read only."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.figures.summary import Figures, summarize
from attendance.models import Attendance, Category, Person, Venue


@dataclass
class RollEntry:
    person: Person
    status: str | None  # None: no record yet
    reason: str
    elsewhere: str  # the venue's name when checked in at another venue
    method: str


@dataclass
class RollGroup:
    category: Category
    figures: Figures
    entries: list[RollEntry] = field(default_factory=list)


@dataclass
class RollSheet:
    venue: Venue
    groups: list[RollGroup]
    totals: Figures

    @property
    def statuses(self) -> dict[str, str | None]:
        """person id -> status, for the page's script."""
        return {str(e.person.id): e.status for g in self.groups for e in g.entries}


def statuses(db: Session, venue: Venue) -> dict[int, tuple[str, str, str, str]]:
    """person id -> (status, reason, venue name where taken, method) for the venue's roster."""
    rows = db.execute(
        select(Attendance.person_id, Attendance.status, Attendance.absence_reason,
               Venue.name, Attendance.venue_id, Attendance.method)
        .join(Person, Person.id == Attendance.person_id)
        .join(Venue, Venue.id == Attendance.venue_id)
        .where(Person.venue_id == venue.id, Attendance.session_id == venue.session_id))
    return {r[0]: (r[1], r[2], r[3] if r[4] != venue.id else "", r[5]) for r in rows}


def roll_sheet(db: Session, venue: Venue) -> RollSheet:
    session = venue.session
    summary = summarize(db, session, [venue]).venues[0]
    people = db.scalars(select(Person).where(Person.venue_id == venue.id)
                        .order_by(Person.search_name, Person.id)).all()
    known = statuses(db, venue)
    groups = {row.category.id: RollGroup(row.category, row.figures) for row in summary.categories}
    for person in people:
        group = groups.get(person.category_id)
        if group is None:
            continue
        status, reason, elsewhere, method = known.get(person.id, (None, "", "", ""))
        group.entries.append(RollEntry(person, status, reason, elsewhere, method))
    return RollSheet(venue=venue, groups=list(groups.values()), totals=summary.totals)
