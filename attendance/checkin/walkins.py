"""Walk-ins (người đến không có trong danh sách): registered at the door and checked in at once.

``register_walk_in`` adds the person to the session's roster; ``check_in_walk_in`` does that and
the check-in in one go, keyed by the scanning device's nonce so that a retried request (a lost
answer on a weak connection) neither registers the person twice nor counts them twice.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit
from attendance.checkin import citizen, rule
from attendance.checkin.scan import ScanResult, record_scan
from attendance.errors import ValidationError
from attendance.ids import is_nonce, row_id
from attendance.models import Category, Person, ScanAttempt, StudySession, User, Venue
from attendance.members.fields import parse_birth_date
from attendance.text import clean, fold, normalize_phone

NAME_MAX, TEXT_MAX = 200, 300


def register_walk_in(db: Session, *, session: StudySession, venue: Venue, full_name: str,
                     position: str = "", unit_name: str = "", category_id, phone: str = "",
                     party_member: bool = True, now: datetime, actor: User | None,
                     birth_date: str = "", cccd: str = "", key: bytes | None = None) -> Person:
    """Validate and add a walk-in to the roster of ``venue``; audited; flushes. ``birth_date``
    (dd/mm/yyyy) and ``cccd`` come from a citizen ID card that matched no one (the number is
    kept as its hash under the cards' ``key``, checkin.citizen)."""
    # A walk-in is registered to be checked in: by the check-in rule's venue, scanner and
    # window (outside the window a registration would only be noise).
    rule.check_venue(session, venue, actor)
    if not rule.window_open(session, now):
        raise rule.CheckInError("window_closed")
    fields = _validated(db, session=session, venue=venue, full_name=full_name,
                        position=position, unit_name=unit_name, category_id=category_id,
                        phone=phone, birth_date=birth_date, cccd=cccd, key=key)
    person = Person(session_id=session.id, venue_id=venue.id, walk_in=True,
                    party_member=bool(party_member), created_at=now,
                    search_name=fold(fields["full_name"]), **fields)
    db.add(person)
    db.flush()
    audit.record(db, now=now, actor=actor, action="walk_in.register", session_id=session.id,
                 target=person, venue_id=venue.id, full_name=person.full_name,
                 category_id=person.category_id)
    return person


def check_in_walk_in(db: Session, *, key: bytes, session: StudySession, venue: Venue,
                     nonce: str, now: datetime, actor: User | None,
                     scanned_at: datetime | None = None, device: str = "",
                     last_contact: datetime | None = None, **fields) -> tuple[Person, ScanResult]:
    """Register a walk-in and check them in (method ``walk_in``); idempotent per nonce."""
    nonce = (nonce or "").strip()
    if not is_nonce(nonce):
        raise ValidationError({"nonce": "required"})
    earlier = db.execute(
        select(Person).join(ScanAttempt, ScanAttempt.person_id == Person.id)
        .where(ScanAttempt.session_id == session.id, ScanAttempt.nonce == nonce)
    ).scalar_one_or_none()
    person = earlier or register_walk_in(db, session=session, venue=venue, now=now, actor=actor,
                                         key=key, **fields)
    result = record_scan(db, key=key, session=session, venue=venue, nonce=nonce,
                         method="walk_in", now=now, actor=actor, person_id=person.id,
                         scanned_at=scanned_at, last_contact=last_contact, device=device)
    return person, result


def _validated(db: Session, *, session: StudySession, venue: Venue, full_name, position,
               unit_name, category_id, phone, birth_date="", cccd="", key=None) -> dict:
    errors = {}
    born = parse_birth_date(birth_date, today=None)
    if born == "bad":
        errors["birth_date"] = "bad_birth_date"
    number = citizen.parse_number(cccd)
    if number is None or (number and key is None):
        errors["cccd"] = "bad_cccd"
    elif number:
        values_hash = citizen.number_hash(key, number)
        if db.scalar(select(Person.id).where(Person.session_id == session.id,
                                             Person.cccd_hash == values_hash)) is not None:
            errors["cccd"] = "duplicate_cccd"
    values = {"full_name": clean(full_name), "position": clean(position),
              "unit_name": clean(unit_name)}
    if not values["full_name"]:
        errors["full_name"] = "required"
    elif len(values["full_name"]) > NAME_MAX:
        errors["full_name"] = "too_long"
    for name in ("position", "unit_name"):
        if len(values[name]) > TEXT_MAX:
            errors[name] = "too_long"
    values["phone"] = normalize_phone(phone)
    if values["phone"] is None:
        errors["phone"] = "bad_phone"
    category = None
    if row_id(category_id):
        category = db.get(Category, category_id)
    if category is None or category.session_id != session.id:
        errors["category_id"] = "unknown_category"
    elif category.venue_kind != venue.kind:
        errors["category_id"] = "category_not_for_venue"
    if errors:
        raise ValidationError(errors)
    values["category_id"] = category.id
    values["birth_date"] = born
    if number:
        values["cccd_hash"] = values_hash
    return values
