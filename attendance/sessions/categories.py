"""Participant categories (thành phần) per venue kind, and the expected count of each at each
venue (số lượng dự kiến)."""

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import ValidationError
from ..models import (BRIDGE_POINT, VENUE_KINDS, Category, ExpectedCount, Person, StudySession,
                      User)
from ..text import fold
from .checks import MAX_COUNT, MAX_POSITION, Checks, changes, merge

CATEGORY_DEFAULTS = dict(venue_kind=BRIDGE_POINT, name="", position=None, headcount_only=False)


def add_category(db: Session, session: StudySession, *, now: datetime, actor: User | None,
                 **fields) -> Category:
    values = _check_category(db, session, None,
                             merge(CATEGORY_DEFAULTS, CATEGORY_DEFAULTS, fields))
    if values["position"] is None:
        values["position"] = 1 + max((c.position for c in session.categories_for(
            values["venue_kind"])), default=-1)
    category = Category(session=session, **values)
    db.add(category)
    db.flush()
    audit.record(db, now=now, actor=actor, action="category.create", session_id=session.id,
                 target=category, **values)
    return category


def update_category(db: Session, category: Category, *, now: datetime, actor: User | None,
                    **fields) -> Category:
    before = {name: getattr(category, name) for name in CATEGORY_DEFAULTS}
    after = _check_category(db, category.session, category,
                            merge(CATEGORY_DEFAULTS, before, fields))
    if after["position"] is None:
        after["position"] = category.position
    if after["venue_kind"] != category.venue_kind:
        _drop_counts(db, category)
    for name, value in after.items():
        setattr(category, name, value)
    db.flush()
    audit.record(db, now=now, actor=actor, action="category.update",
                 session_id=category.session_id, target=category,
                 changes=changes(before, after))
    return category


def remove_category(db: Session, category: Category, *, now: datetime,
                    actor: User | None) -> None:
    """Refused (in_use) while people are in it or a coordinator has counted heads for it."""
    if category_in_use(db, category.id):
        raise ValidationError({"category": "in_use"})
    session = category.session
    audit.record(db, now=now, actor=actor, action="category.remove", session_id=session.id,
                 target=category, name=category.name, venue_kind=category.venue_kind)
    _drop_counts(db, category)
    session.categories.remove(category)
    db.flush()


def category_in_use(db: Session, category_id: int) -> bool:
    return bool(db.scalar(select(exists().where(Person.category_id == category_id)))
                or db.scalar(select(exists().where(ExpectedCount.category_id == category_id,
                                                   ExpectedCount.headcount.is_not(None)))))


def _drop_counts(db: Session, category: Category) -> None:
    for count in db.scalars(select(ExpectedCount).where(
            ExpectedCount.category_id == category.id)):
        count.venue.expected_counts.remove(count)


def _check_category(db: Session, session: StudySession, category: Category | None,
                    values: dict) -> dict:
    check = Checks()
    out = dict(
        venue_kind=check.choice("venue_kind", values["venue_kind"], VENUE_KINDS),
        name=check.text("name", values["name"], 300, required=True),
        position=check.number("position", values["position"], MAX_POSITION),
        headcount_only=bool(values["headcount_only"]),
    )
    others = [c for c in session.categories
              if c is not category and c.venue_kind == out["venue_kind"]]
    if out["name"] and any(fold(c.name) == fold(out["name"]) for c in others):
        check.errors["name"] = "name_taken"
    if (category is not None and out["venue_kind"] != category.venue_kind
            and category_in_use(db, category.id)):
        check.errors["venue_kind"] = "in_use"
    check.done()
    return out


# Expected counts (số lượng dự kiến) ---------------------------------------------------------

def set_expected_counts(db: Session, session: StudySession, counts: dict, *, now: datetime,
                        actor: User | None) -> None:
    """Set {(venue_id, category_id): count}; all or nothing. Errors are keyed "venue-category"
    (``count_field``)."""
    venues = {v.id: v for v in session.venues}
    categories = {c.id: c for c in session.categories}
    check = Checks()
    wanted = {}
    for (venue_id, category_id), value in counts.items():
        field = count_field(venue_id, category_id)
        venue, category = venues.get(venue_id), categories.get(category_id)
        if venue is None or category is None or category.venue_kind != venue.kind:
            check.errors[field] = "bad_choice"
            continue
        number = check.number(field, value, MAX_COUNT, blank=0)
        if number is not None:
            wanted[venue, category] = number
    check.done()
    changed = {}
    for (venue, category), number in wanted.items():
        row = next((c for c in venue.expected_counts if c.category_id == category.id), None)
        if row is None:
            venue.expected_counts.append(ExpectedCount(category=category, expected=number))
        elif row.expected == number:
            continue
        else:
            row.expected = number
        changed[count_field(venue.id, category.id)] = number
    db.flush()
    audit.record(db, now=now, actor=actor, action="session.expected_counts",
                 session_id=session.id, target=session, counts=changed)


def count_field(venue_id: int, category_id: int) -> str:
    return f"{venue_id}-{category_id}"
