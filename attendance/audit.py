"""The audit trail: every change to attendance and to who may do what."""

from datetime import datetime

from sqlalchemy.orm import Session

from .models import AuditEntry, User


def record(db: Session, *, now: datetime, actor: User | None, action: str,
           session_id: int | None = None, target=None, reason: str = "",
           **detail) -> AuditEntry:
    entry = AuditEntry(
        at=now, actor_id=actor.id if actor else None, session_id=session_id, action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None), reason=reason, detail=detail,
    )
    db.add(entry)
    return entry
