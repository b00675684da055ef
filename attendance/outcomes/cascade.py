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

Everything is counted by SQL aggregation (one statement): each member is judged once and the
figures are grouped per unit; the sums up the tree are then added in Python, each unit's once
into its parent's (linear in the units, which are few beside the members).
On PostgreSQL the units and sessions it reads are fetched first and given to it as arrays
(_listed_rows).
"""

import functools
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from operator import add, itemgetter

from sqlalchemy import Integer, and_, any_, bindparam, case, cast, func, literal, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from attendance.models import (ABSENT_EXCUSED, ACTIVE, ATTENDED, CELL, EXEMPT, Attendance,
                               MakeupAttendance, Member, Person, StudySession, Unit)

from .tree import family, subtree

FIGURES = ("members", "taught", "in_class", "made_up", "absent_excused", "exempt",
           "key_cadres", "key_cadres_taught", "non_members", "classes_committee",
           "classes_cells", "unfinished")


def publish_rate(taught: int, members: int) -> Decimal | None:
    """Percent with two decimals, cut (not rounded) as units publish it: 2,909 of 3,044 is
    95,56 %, and one member missing never shows as 100,00 %."""
    if not members:
        return None
    return (Decimal(100 * taught) / Decimal(members)).quantize(Decimal("0.01"), ROUND_DOWN)


@dataclass(slots=True)  # thousands per page: slots make them lighter to build and read
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


# A member's kind (what the registry says) and, from their roster lines, their mark in the
# plan's classes and whether they made it up, packed into one small number per member so that
# the figures of a unit are counts of its members per packed value: one pass over the rows,
# no count(DISTINCT) (SQLite builds a B-tree for each of those, and ten of them cost more than
# the rows themselves).
_TO_TEACH, _EXEMPT, _NON_MEMBER = 1, 2, 3  # any other registry entry (moved away): 0
_KEY = 4  # added to the kind: a key cadre (cán bộ chủ chốt)
_CAME, _EXCUSED = 2, 1  # the mark: present or late in some class; else absent with reason in one


def _member_figures(in_sessions, in_units):
    """Per unit: the registry's members and how many of them studied, and the registry's
    non-members reached. Reads the members, their roster lines in the plan's sessions, the
    lines' attendance and make-up (the rows a bare GROUP BY over them reads), each member once:
    grouped by (unit, member) in the unit index's own order, so without sorting."""
    linked = and_(Person.member_id == Member.id, in_sessions(Person.session_id))
    came = Attendance.status.in_(ATTENDED)
    mark = func.max(case((came, _CAME), (Attendance.status == ABSENT_EXCUSED, _EXCUSED),
                         else_=0))
    per_member = select(
        Member.unit_id.label("unit_id"), Member.status.label("status"),
        Member.party_member.label("party"), Member.key_cadre.label("key"),
        (mark * 2 + func.max(case((MakeupAttendance.id.is_not(None), 1), else_=0)))
        .label("studied"),  # mark 0..2, then 1 if made up
    ).select_from(Member).outerjoin(Person, linked) \
        .outerjoin(Attendance, and_(Attendance.session_id == Person.session_id,
                                    Attendance.person_id == Person.id)) \
        .outerjoin(MakeupAttendance, _made_up_by(Person)) \
        .where(in_units(Member.unit_id)) \
        .group_by(Member.unit_id, Member.id).subquery("per_member")
    p = per_member.c
    party = p.party.is_(True)
    # The kind from the member's own columns, once per member (not per roster line).
    kind = case(((p.status == ACTIVE) & party, _TO_TEACH), ((p.status == EXEMPT) & party, _EXEMPT),
                (~party, _NON_MEMBER), else_=0) + case((p.key.is_(True), _KEY), else_=0)
    packed = kind * 8 + p.studied  # kind 0..7, mark 0..2, made up 0..1
    # An integer count: PostgreSQL sums a bigint count as numeric, whose per-unit states made
    # the sums below spill to disk nationally (4.9 s against 4.2 s as integers).
    counted = select(p.unit_id, packed.label("packed"), cast(func.count(), Integer).label("n")) \
        .group_by(p.unit_id, packed).subquery("per_kind")
    c = counted.c
    kind, mark, made_up = c.packed // 8, c.packed // 2 % 4, c.packed % 2
    base, key = kind % _KEY, kind // _KEY
    to_teach, studied = base == _TO_TEACH, (mark == _CAME) | (made_up == 1)

    def members(condition):
        return func.sum(case((condition, c.n), else_=0))

    return select(
        c.unit_id.label("unit_id"),
        members(to_teach).label("members"), members(to_teach & studied).label("taught"),
        members(to_teach & (mark == _CAME)).label("in_class"),
        members(to_teach & (mark != _CAME) & (made_up == 1)).label("made_up"),
        # In no class, absent with reason in one (made up later or not).
        members(to_teach & (mark == _EXCUSED)).label("absent_excused"),
        members(base == _EXEMPT).label("exempt"),
        members(to_teach & (key == 1)).label("key_cadres"),
        members(to_teach & (key == 1) & studied).label("key_cadres_taught"),
        members((base == _NON_MEMBER) & studied).label("registry_non_members"),
    ).group_by(c.unit_id).subquery("member_figures")


def _unlinked_non_members(in_sessions):
    """Per unit: non-members on the rosters with no registry entry who attended or made up,
    counted at their roster line's unit (one per line: nothing links two lines of one person)."""
    reached = or_(Attendance.status.in_(ATTENDED), MakeupAttendance.id.is_not(None))
    return select(Person.unit_id.label("unit_id"), func.count().label("non_members")) \
        .outerjoin(Attendance, and_(Attendance.session_id == Person.session_id,
                                    Attendance.person_id == Person.id)) \
        .outerjoin(MakeupAttendance, _made_up_by(Person)) \
        .where(in_sessions(Person.session_id), Person.member_id.is_(None),
               Person.party_member.is_(False), reached) \
        .group_by(Person.unit_id).subquery("non_member_figures")


def _classes(in_sessions):
    held_by_cell = Unit.kind == CELL
    return select(StudySession.organizer_unit_id.label("unit_id"),
                  func.count(case((~held_by_cell, 1))).label("classes_committee"),
                  func.count(case((held_by_cell, 1))).label("classes_cells")) \
        .join(Unit, Unit.id == StudySession.organizer_unit_id) \
        .where(in_sessions(StudySession.id)) \
        .group_by(StudySession.organizer_unit_id).subquery("class_figures")


@functools.lru_cache(maxsize=4)
def _statement(whole_instance: bool, listed: bool = False):
    """The one statement, built once per shape (a subtree, or every root; the units and
    sessions found by recursive CTEs, or ``listed`` as array parameters) with the session and
    the root as parameters: building it costs more than a small unit's figures."""
    if listed:  # PostgreSQL: see cascade_outcomes
        unit_ids = bindparam("unit_ids", type_=ARRAY(Integer))
        session_ids = bindparam("session_ids", type_=ARRAY(Integer))

        def in_units(column):
            return column == any_(unit_ids)

        def in_sessions(column):
            return column == any_(session_ids)

        depth = literal(0)  # filled in from the listed units' depths
    else:
        units = subtree(None if whole_instance else bindparam("root_id"))
        family_ids = select(family(bindparam("session_id")).c.id)

        def in_units(column):
            return column.in_(select(units.c.unit_id))

        def in_sessions(column):
            return column.in_(family_ids)

        depth = units.c.depth
    m, n, c = _member_figures(in_sessions, in_units), _unlinked_non_members(in_sessions), \
        _classes(in_sessions)
    members, taught = func.coalesce(m.c.members, 0), func.coalesce(m.c.taught, 0)
    own_classes = func.coalesce(c.c.classes_committee, 0) + func.coalesce(c.c.classes_cells, 0)
    # A unit's own verdict; rolled up, a unit has finished when no unit of its subtree hasn't.
    own_unfinished = case(((own_classes == 0) & (taught < members), 1), else_=0)
    # Cast: PostgreSQL's sum of counts is numeric (Decimal in Python).
    own = [cast(func.coalesce(col, 0), Integer) for col in
           (m.c.members, m.c.taught, m.c.in_class, m.c.made_up, m.c.absent_excused, m.c.exempt,
            m.c.key_cadres, m.c.key_cadres_taught)]
    statement = select(Unit.id, Unit.name, Unit.code, Unit.kind, Unit.parent_id, depth, *own,
                       cast(func.coalesce(m.c.registry_non_members, 0)
                            + func.coalesce(n.c.non_members, 0), Integer),
                       func.coalesce(c.c.classes_committee, 0),
                       func.coalesce(c.c.classes_cells, 0), own_unfinished)
    statement = statement.where(in_units(Unit.id)) if listed \
        else statement.join(units, units.c.unit_id == Unit.id)
    return statement.outerjoin(m, m.c.unit_id == Unit.id) \
        .outerjoin(n, n.c.unit_id == Unit.id) \
        .outerjoin(c, c.c.unit_id == Unit.id).order_by(Unit.name, Unit.id)


def cascade_outcomes(db: Session, session: StudySession, *, root_id: int | None = None
                     ) -> Cascade:
    """Figures of every unit under the session's organizer unit (or under ``root_id``, e.g.
    one reporting unit's subtree)."""
    root_id = root_id if root_id is not None else session.organizer_unit_id
    return from_rows(db, session, cascade_rows(db, session, root_id=root_id), root_id=root_id)


def cascade_rows(db: Session, session: StudySession, *, root_id: int | None = None
                 ) -> list[list]:
    """The figures as plain rows (id, name, code, kind, parent id, depth, then FIGURES in
    order), each unit's already summed over its subtree: what ``from_rows`` makes a Cascade of
    (and attendance.outcomes.kept keeps)."""
    root_id = root_id if root_id is not None else session.organizer_unit_id
    connection = db.connection()
    params = {"session_id": session.id}
    if root_id is not None:
        params["root_id"] = root_id
    if connection.dialect.name == "postgresql":
        rows = _listed_rows(connection, root_id, params)
    else:
        rows = [list(row) for row in connection.execute(_statement(root_id is None), params)]
    _roll_up(rows)
    return rows


def from_rows(db: Session, session: StudySession, rows: list[list], *,
              root_id: int | None = None) -> Cascade:
    root_id = root_id if root_id is not None else session.organizer_unit_id
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


def _listed_rows(connection, root_id: int | None, params: dict) -> list:
    """The statement on PostgreSQL, given the subtree's units and the plan's sessions as
    arrays. Behind recursive CTEs the planner guesses a few hundred units and sessions
    whatever the tree, and nationally (58,763 units, 50,000 classes, 960,000 members) chose
    index probes for a million roster lines: 9.4 s, against 4.7 s with hash joins once it
    counts the arrays (and 1.4 s against 0.36 s for one district's subtree there). Custom
    plans only: a generic plan of a prepared statement would guess the arrays' sizes again."""
    # The statement's cost passes jit_above_cost and JIT compiling it takes seconds (7.3 s
    # seen at a province) for a query that runs in tenths. Off for this transaction.
    connection.execute(text("SET LOCAL jit = off"))
    connection.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    units = subtree(None if root_id is None else bindparam("root_id"))
    depths = dict(connection.execute(select(units.c.unit_id, units.c.depth), params).all())
    session_ids = connection.execute(select(family(bindparam("session_id")).c.id),
                                     params).scalars().all()
    rows = connection.execute(_statement(root_id is None, listed=True),
                              {"unit_ids": list(depths), "session_ids": session_ids})
    return [[*row[:5], depths[row[0]], *row[6:]] for row in rows]


_FIRST_FIGURE = 6  # a row: id, name, code, kind, parent id, depth, then FIGURES in order


def _roll_up(rows: list[list]) -> None:
    """Each unit's own figures made its subtree's, in place: deepest units first, every unit
    adds its (already summed) figures to its parent's, once. Linear in the units, where summing
    in SQL over every (ancestor, unit) pair cost as much as reading the members' rows."""
    by_id = {row[0]: row for row in rows}
    for row in sorted(rows, key=itemgetter(5), reverse=True):
        parent = by_id.get(row[4])  # None above the root: its parent lies outside the subtree
        if parent is not None:
            parent[_FIRST_FIGURE:] = map(add, parent[_FIRST_FIGURE:], row[_FIRST_FIGURE:])


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
