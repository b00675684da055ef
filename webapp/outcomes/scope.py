"""Scope checks that need the unit tree: load the unit's lineage, ask attendance.permissions."""

from flask import abort
from flask_login import current_user

from attendance import permissions
from attendance.outcomes.tree import lineage

from ..extensions import db


def require_unit_readable(unit_id: int | None) -> None:
    """403 unless the signed-in user may read the figures of ``unit_id`` (a session without an
    organizer unit belongs to the whole instance: only users with no unit cover it)."""
    if not permissions.can_read_lineage(current_user, lineage(db.session, unit_id)):
        abort(403)


def require_unit_managed(unit_id: int | None) -> None:
    if not permissions.can_manage_lineage(current_user, lineage(db.session, unit_id)):
        abort(403)
