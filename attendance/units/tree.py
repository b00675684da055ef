"""Creating, editing, moving and retiring units, and the tree shown as one list.

A unit's code is unique in the instance, its name only among its siblings. A move never makes
a cycle (a unit under itself or under one of its descendants). Retiring keeps the row, so the
sessions and reports that name the unit still do; a unit with active children cannot retire.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import DomainError
from ..models import UNIT_KINDS, Unit, User
from ..sessions.checks import Checks, changes, merge

MAX_MEMBERS = 10_000_000
UNIT_DEFAULTS = dict(code="", name="", kind="", parent_id=None, letterhead="", place="",
                     symbol="", member_count=None)


@dataclass
class TreeRow:
    unit: Unit
    depth: int  # 0 for a root of the list


def unit_values(unit: Unit) -> dict:
    return {name: getattr(unit, name) for name in UNIT_DEFAULTS}


def create_unit(db: Session, *, now: datetime, actor: User | None, **fields) -> Unit:
    values = check_unit(db, merge(UNIT_DEFAULTS, UNIT_DEFAULTS, fields), unit=None)
    unit = Unit(**values)
    db.add(unit)
    db.flush()
    audit.record(db, now=now, actor=actor, action="unit.create", target=unit,
                 **{k: v for k, v in values.items()})
    return unit


def update_unit(db: Session, unit: Unit, *, now: datetime, actor: User | None,
                **fields) -> Unit:
    """Edit or move (``parent_id``) a unit; every field is checked before any changes."""
    before = unit_values(unit)
    after = check_unit(db, merge(UNIT_DEFAULTS, before, fields), unit=unit)
    changed = changes(before, after)
    for name, value in after.items():
        setattr(unit, name, value)
    db.flush()
    db.expire(unit, ["parent"])  # parent_id was set: the loaded relationship is stale
    if changed:
        audit.record(db, now=now, actor=actor, action="unit.update", target=unit,
                     changes=changed)
    return unit


def retire_unit(db: Session, unit: Unit, *, now: datetime, actor: User | None) -> Unit:
    if unit.retired_at is not None:
        return unit
    if db.scalar(select(func.count(Unit.id)).where(Unit.parent_id == unit.id,
                                                   Unit.retired_at.is_(None))):
        raise DomainError("unit_has_children")
    unit.retired_at = now
    db.flush()
    audit.record(db, now=now, actor=actor, action="unit.retire", target=unit)
    return unit


def check_unit(db: Session, values: dict, *, unit: Unit | None) -> dict:
    check = Checks()
    out = dict(
        code=check.text("code", values["code"], 40, required=True),
        name=check.text("name", values["name"], 200, required=True),
        kind=check.choice("kind", values["kind"], UNIT_KINDS),
        letterhead=check.text("letterhead", values["letterhead"], 200),
        place=check.text("place", values["place"], 100),
        symbol=check.text("symbol", values["symbol"], 20),
        member_count=check.number("member_count", values["member_count"], MAX_MEMBERS),
        parent_id=values["parent_id"],
    )
    own_id = unit.id if unit is not None else None
    others = Unit.id != own_id if own_id is not None else Unit.id.is_not(None)
    if out["code"] and db.scalar(select(Unit.id).where(Unit.code == out["code"], others)):
        check.errors["code"] = "code_taken"
    parent_id = out["parent_id"]
    if parent_id is not None:
        parent = db.get(Unit, parent_id) if isinstance(parent_id, int) else None
        if parent is None:
            check.errors["parent_id"] = "unknown_parent"
        elif parent.retired_at is not None:
            check.errors["parent_id"] = "parent_retired"
        elif own_id is not None and own_id in [u.id for u in ancestors(parent)]:
            check.errors["parent_id"] = "unit_cycle"
    if out["name"] and "parent_id" not in check.errors:
        same_parent = (Unit.parent_id == parent_id if parent_id is not None
                       else Unit.parent_id.is_(None))
        sibling = select(Unit.id).where(Unit.name == out["name"], others, same_parent)
        if db.scalar(sibling):
            check.errors["name"] = "sibling_name_taken"
    check.done()
    return out


def ancestors(unit: Unit | None) -> list[Unit]:
    """``unit`` and every unit above it, nearest first (bounded, should the data hold a loop)."""
    chain = []
    while unit is not None and unit not in chain and len(chain) < 1000:
        chain.append(unit)
        unit = unit.parent
    return chain


def descendant_ids(db: Session, unit_id: int) -> set[int]:
    """``unit_id`` and every unit below it."""
    children = _children_map(db, include_retired=True)
    found, todo = set(), [unit_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(u.id for u in children.get(current, []))
    return found


def unit_tree(db: Session, *, root_id: int | None = None,
              include_retired: bool = False) -> list[TreeRow]:
    """The tree depth first, siblings by name; under ``root_id`` (itself included) or whole."""
    children = _children_map(db, include_retired=include_retired)
    if root_id is None:
        roots = children.get(None, [])
    else:
        root = db.get(Unit, root_id)
        roots = [root] if root is not None else []
    rows: list[TreeRow] = []
    todo = [(u, 0) for u in reversed(roots)]
    seen = set()
    while todo:
        unit, depth = todo.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        rows.append(TreeRow(unit, depth))
        todo.extend((child, depth + 1) for child in reversed(children.get(unit.id, [])))
    return rows


def _children_map(db: Session, *, include_retired: bool) -> dict[int | None, list[Unit]]:
    query = select(Unit).order_by(Unit.name, Unit.id)
    if not include_retired:
        query = query.where(Unit.retired_at.is_(None))
    children: dict[int | None, list[Unit]] = {}
    for unit in db.scalars(query):
        children.setdefault(unit.parent_id, []).append(unit)
    return children
