"""A whole session set up in one call (the set-up API): its facts and identity, venues and
categories. Every part is checked and all errors are collected with their place
("venues[2].name"); the caller rolls back on any error, so a refused set-up leaves nothing.
"""

from datetime import datetime

from ..errors import ValidationError
from ..models import StudySession, Unit, User
from ..permissions import can_manage_unit
from .categories import add_category
from .facts import create_session
from .venues import add_venue


def set_up_session(db, *, now: datetime, actor: User | None, venues: list[dict] = (),
                   categories: list[dict] = (), **fields) -> StudySession:
    session = create_session(db, now=now, actor=actor, **fields)
    errors: dict[str, str] = {}
    for index, values in enumerate(categories):
        try:
            add_category(db, session, now=now, actor=actor, **values)
        except ValidationError as error:
            errors.update({f"categories[{index}].{k}": v for k, v in error.errors.items()})
    for index, values in enumerate(venues):
        unit = db.get(Unit, values["unit_id"]) if isinstance(values.get("unit_id"), int) else None
        if unit is not None and actor is not None and not can_manage_unit(actor, unit):
            errors[f"venues[{index}].unit_id"] = "unit_outside_scope"
            continue
        try:
            add_venue(db, session, now=now, actor=actor, **values)
        except ValidationError as error:
            errors.update({f"venues[{index}].{k}": v for k, v in error.errors.items()})
    if errors:
        raise ValidationError(errors)
    return session
