"""Personal cards: reissuing one revokes the QR of every earlier copy."""

from datetime import datetime

from sqlalchemy.orm import Session

from attendance import audit, permissions
from attendance.errors import Forbidden
from attendance.models import Person, User


def may_see_card(user: User, person: Person) -> bool:
    """Organizers, and the staff or coordinator of the person's own venue."""
    return permissions.can_check_in_at(user, person.venue)


def reissue_card(db: Session, person: Person, *, now: datetime, actor: User) -> Person:
    """Bump the card version (cấp lại thẻ): older printed cards are refused as revoked."""
    if not may_see_card(actor, person):
        raise Forbidden()
    before = person.card_version
    person.card_version = before + 1
    audit.record(db, now=now, actor=actor, action="card.reissue", session_id=person.session_id,
                 target=person, before=before, after=person.card_version)
    db.flush()
    return person
