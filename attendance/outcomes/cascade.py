"""The learning outcome of a plan, computed for every unit under the organizer and rolled up
the tree (chi bộ → đảng ủy phường → thị ủy → tỉnh ủy).

    cascade_outcomes(db, session) -> Cascade

For each unit, counting its own members and those of every unit below it:
- members: to be taught, from the member registry: party members whose status is active (not
  exempt from party activities, not moved away);
- taught: distinct members among them with an attendance (present or late) in the session, in
  any follow-on class of it (parent_session_id, at any depth), or a make-up study of any of
  these, through the roster lines linked to them (Person.member_id); in_class is the part that
  came to a class, made_up the part that only made it up;
- absent_excused: members who came to no class and were marked absent with a reason in one
  (made up later or not: the result report's "vắng có lý do");
- exempt: party members exempt from party activities (not counted in members);
- key_cadres / key_cadres_taught: members flagged as key cadres (cán bộ chủ chốt);
- non_members: non-members (quần chúng) who attended or made up: a registry entry once, at
  its unit; a roster line with no registry entry once per line, at the line's unit;
- classes: the session and its follow-on classes organised in the unit's subtree, split into
  those held by committees (the key cadres' classes at the levels above the cells) and those
  held by cells;
- finished: the unit and every unit below it has either held a class of the plan itself or
  has nobody left to teach.

Everything is counted by SQL aggregation (one statement): each member is judged once, figures
are grouped per unit, then summed over the tree's (ancestor, unit) pairs, which are few.
"""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import Integer, and_, case, cast, func, or_, select, text
from sqlalchemy.orm import Session

from attendance.models import (ABSENT_EXCUSED, ACTIVE, ATTENDED, CELL, EXEMPT, Attendance,
                               MakeupAttendance, Member, Person, StudySession, Unit)

from .tree import closure, family

FIGURES = ("members", "taught", "in_class", "made_up", "absent_excused", "exempt",
           "key_cadres", "key_cadres_taught", "non_members", "classes_committee",
           "classes_cells", "unfinished")


def publish_rate(taught: int, members: int) -> Decimal | None:
    """Percent with two decimals, cut (not rounded) as units publish it: 2,909 of 3,044 is
    95,56 %, and one member missing never shows as 100,00 %."""
    if not members:
        return None
    return (Decimal(100 * taught) / Decimal(members)).quantize(Decimal("0.01"), ROUND_DOWN)


@dataclass
class UnitOutcome:
    unit_id: int | None
    name: str
    code: str = ""
    kind: str = ""
    parent_id: int | None = None
    depth: int = 0
    members: int = 0
    taught: int = 0
    in_class: int = 0
    made_up: int = 0
    absent_excused: int = 0
    exempt: int = 0
    key_cadres: int = 0
    key_cadres_taught: int = 0
    non_members: int = 0
    classes_committee: int = 0
    classes_cells: int = 0
    unfinished: int = 0  # units in the subtree (itself included) that have not finished

    @property
    def rate(self) -> Decimal | None:
        return publish_rate(self.taught, self.members)

    @property
    def classes(self) -> int:
        return self.classes_committee + self.classes_cells

    @property
    def not_taught(self) -> int:
        return self.members - self.taught

    @property
    def finished(self) -> bool:
        return self.unfinished == 0


@dataclass
class Cascade:
    session: StudySession
    root: Unit | None
    units: list[UnitOutcome]  # the organizer unit's descendants that have members, tree order
    total: UnitOutcome
    by_id: dict[int, UnitOutcome] = field(default_factory=dict)  # every unit of the subtree

    @property
    def not_finished(self) -> list[UnitOutcome]:
        return [u for u in self.units if not u.finished]

    @property
    def finished(self) -> list[UnitOutcome]:
        return [u for u in self.units if u.finished]


def _made_up_by(person):
    # With the session too, the join probes make-up's unique (session, person) index.
    return and_(MakeupAttendance.session_id == person.session_id,
                MakeupAttendance.person_id == person.id)


def _member_figures(session_ids, units):
    """Per unit: the registry's members and how many of them studied, and the registry's
    non-members reached. One pass over the members, their roster lines in the plan's sessions,
    the lines' attendance and make-up (the rows a bare GROUP BY over them would read); a member
    on several rosters is counted once by counting distinct members."""
    linked = and_(Person.member_id == Member.id, Person.session_id.in_(session_ids))
    came = Attendance.status.in_(ATTENDED)
    studied = came | MakeupAttendance.id.is_not(None)
    party = Member.party_member.is_(True)
    to_teach = (Member.status == ACTIVE) & party
    key = Member.key_cadre.is_(True)

    def members(condition):
        return func.count(func.distinct(case((condition, Member.id))))

    in_class = members(to_teach & came)
    return select(
        Member.unit_id.label("unit_id"),
        members(to_teach).label("members"), members(to_teach & studied).label("taught"),
        in_class.label("in_class"),
        # Taught but in no class: made up only. Excused in a class and in no class: those
        # with either, less those in a class.
        (members(to_teach & studied) - in_class).label("made_up"),
        (members(to_teach & (came | (Attendance.status == ABSENT_EXCUSED))) - in_class)
        .label("absent_excused"),
        members((Member.status == EXEMPT) & party).label("exempt"),
        members(to_teach & key).label("key_cadres"),
        members(to_teach & key & studied).label("key_cadres_taught"),
        members(~party & studied).label("registry_non_members"),
    ).select_from(Member).outerjoin(Person, linked) \
        .outerjoin(Attendance, and_(Attendance.session_id == Person.session_id,
                                    Attendance.person_id == Person.id)) \
        .outerjoin(MakeupAttendance, _made_up_by(Person)) \
        .where(Member.unit_id.in_(select(units.c.unit_id))) \
        .group_by(Member.unit_id).subquery("member_figures")


def _unlinked_non_members(session_ids):
    """Per unit: non-members on the rosters with no registry entry who attended or made up,
    counted at their roster line's unit (one per line: nothing links two lines of one person)."""
    reached = or_(Attendance.status.in_(ATTENDED), MakeupAttendance.id.is_not(None))
    return select(Person.unit_id.label("unit_id"), func.count().label("non_members")) \
        .outerjoin(Attendance, and_(Attendance.session_id == Person.session_id,
                                    Attendance.person_id == Person.id)) \
        .outerjoin(MakeupAttendance, _made_up_by(Person)) \
        .where(Person.session_id.in_(session_ids), Person.member_id.is_(None),
               Person.party_member.is_(False), reached) \
        .group_by(Person.unit_id).subquery("non_member_figures")


def _classes(session_ids):
    held_by_cell = Unit.kind == CELL
    return select(StudySession.organizer_unit_id.label("unit_id"),
                  func.count(case((~held_by_cell, 1))).label("classes_committee"),
                  func.count(case((held_by_cell, 1))).label("classes_cells")) \
        .join(Unit, Unit.id == StudySession.organizer_unit_id) \
        .where(StudySession.id.in_(session_ids)) \
        .group_by(StudySession.organizer_unit_id).subquery("class_figures")


def cascade_outcomes(db: Session, session: StudySession, *, root_id: int | None = None
                     ) -> Cascade:
    """Figures of every unit under the session's organizer unit (or under ``root_id``, e.g.
    one reporting unit's subtree)."""
    root_id = root_id if root_id is not None else session.organizer_unit_id
    units, pairs = closure(root_id)
    session_ids = select(family(session.id).c.id)
    m, n, c = _member_figures(session_ids, units), _unlinked_non_members(session_ids), \
        _classes(session_ids)
    members, taught = func.coalesce(m.c.members, 0), func.coalesce(m.c.taught, 0)
    own_classes = func.coalesce(c.c.classes_committee, 0) + func.coalesce(c.c.classes_cells, 0)
    # A unit's own verdict; rolled up, a unit has finished when no unit of its subtree hasn't.
    own_unfinished = case(((own_classes == 0) & (taught < members), 1), else_=0)
    per_unit = select(
        units.c.unit_id, units.c.depth,
        *[func.coalesce(col, 0).label(col.name) for col in
          (m.c.members, m.c.taught, m.c.in_class, m.c.made_up, m.c.absent_excused, m.c.exempt,
           m.c.key_cadres, m.c.key_cadres_taught, c.c.classes_committee, c.c.classes_cells)],
        (func.coalesce(m.c.registry_non_members, 0) + func.coalesce(n.c.non_members, 0))
        .label("non_members"),
        own_unfinished.label("unfinished")) \
        .outerjoin(m, m.c.unit_id == units.c.unit_id) \
        .outerjoin(n, n.c.unit_id == units.c.unit_id) \
        .outerjoin(c, c.c.unit_id == units.c.unit_id).subquery("per_unit")
    # Cast: PostgreSQL's sum of counts is numeric (Decimal in Python).
    rolled = select(pairs.c.ancestor_id, *[cast(func.sum(per_unit.c[name]), Integer).label(name)
                                           for name in FIGURES]) \
        .join(per_unit, per_unit.c.unit_id == pairs.c.unit_id) \
        .group_by(pairs.c.ancestor_id).subquery("rolled")
    connection = db.connection()
    if connection.dialect.name == "postgresql":
        # The planner cannot know how deep the tree is and estimates the (ancestor, unit) pairs
        # at millions: the cost then passes jit_above_cost and JIT compiling this statement
        # takes seconds (7.3 s seen at a province) for a query that runs in tenths. Off for
        # this transaction only.
        connection.execute(text("SET LOCAL jit = off"))
    rows = connection.execute(  # Core rows: no ORM work per unit
        select(Unit.id, Unit.name, Unit.code, Unit.kind, Unit.parent_id, units.c.depth,
               *[rolled.c[name] for name in FIGURES])
        .join(units, units.c.unit_id == Unit.id)
        .join(rolled, rolled.c.ancestor_id == Unit.id).order_by(Unit.name, Unit.id)).all()
    # Rows are in the dataclass's field order: built positionally (1,700 units at a province,
    # 60,000 nationally: attribute look-ups by name cost more than the figures' query).
    by_id = {row[0]: UnitOutcome(*row) for row in rows}
    root = db.get(Unit, root_id) if root_id is not None else None
    ordered = _tree_order(by_id, root_id)
    if root_id is not None and root_id in by_id:
        total = by_id[root_id]
    else:  # every root: the total is their sum
        total = UnitOutcome(None, "Tổng cộng")
        for outcome in by_id.values():
            if outcome.parent_id is None:
                for name in FIGURES:
                    setattr(total, name, getattr(total, name) + getattr(outcome, name))
    shown = [u for u in ordered if u.unit_id != root_id and (u.members or u.exempt)]
    return Cascade(session=session, root=root, units=shown, total=total, by_id=by_id)


def _tree_order(by_id: dict[int, UnitOutcome], root_id: int | None) -> list[UnitOutcome]:
    """Parents before children, siblings in the order given (by name, as the units page)."""
    children: dict[int | None, list[UnitOutcome]] = {}
    for outcome in by_id.values():
        parent = outcome.parent_id if outcome.parent_id in by_id else None
        children.setdefault(parent, []).append(outcome)
    ordered, stack = [], list(reversed(children.get(None, [])))
    while stack:
        outcome = stack.pop()
        ordered.append(outcome)
        stack.extend(reversed(children.get(outcome.unit_id, [])))
    return ordered
