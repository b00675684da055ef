"""A member's study record (quá trình học tập nghị quyết): every session and follow-on class
whose roster linked them, where and when they studied, whether they made it up. Personal data:
the caller checks the scope (permissions.can_manage_unit) and every reading is audited."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from attendance import audit
from attendance.models import (ATTENDED, Attendance, Document, MakeupAttendance, MakeupSession,
                               Member, Person, StudySession, Unit, User, Venue)


@dataclass
class StudyEntry:
    session_id: int
    title: str
    plan_number: str
    document: str  # "57-KL/TW — Kết luận về …"
    organizer: str  # the unit that held it
    parent_title: str  # the session a follow-on class belongs to ("" for a main session)
    starts_at: datetime
    venue: str
    status: str | None  # present / late / absent_excused / absent_unexcused; None: not marked
    at: datetime | None
    absence_reason: str
    made_up_on: date | None

    @property
    def studied(self) -> bool:
        return self.status in ATTENDED or self.made_up_on is not None


def study_record(db: Session, member: Member, *, now: datetime, actor: User | None
                 ) -> list[StudyEntry]:
    """Newest first. Records the reading in the audit trail (flushed with the caller's
    transaction)."""
    parent = aliased(StudySession)
    roster_venue, came_venue = aliased(Venue), aliased(Venue)
    rows = db.execute(
        select(StudySession.id, StudySession.title, StudySession.plan_number,
               StudySession.starts_at, Document.number, Document.title.label("doc_title"),
               Unit.name.label("organizer"), parent.title.label("parent_title"),
               roster_venue.name.label("roster_venue"), came_venue.name.label("came_venue"),
               Attendance.status, Attendance.at, Attendance.absence_reason,
               MakeupSession.held_on)
        .select_from(Person).join(StudySession, StudySession.id == Person.session_id)
        .outerjoin(Document, Document.id == StudySession.document_id)
        .outerjoin(Unit, Unit.id == StudySession.organizer_unit_id)
        .outerjoin(parent, parent.id == StudySession.parent_session_id)
        .join(roster_venue, roster_venue.id == Person.venue_id)
        .outerjoin(Attendance, and_(Attendance.session_id == Person.session_id,
                                    Attendance.person_id == Person.id))
        .outerjoin(came_venue, came_venue.id == Attendance.venue_id)
        .outerjoin(MakeupAttendance, MakeupAttendance.person_id == Person.id)
        .outerjoin(MakeupSession, MakeupSession.id == MakeupAttendance.makeup_id)
        .where(Person.member_id == member.id)
        .order_by(StudySession.starts_at.desc(), StudySession.id.desc())).all()
    entries = [StudyEntry(
        session_id=r.id, title=r.title, plan_number=r.plan_number,
        document=" — ".join(x for x in (r.number, r.doc_title) if x),
        organizer=r.organizer or "", parent_title=r.parent_title or "", starts_at=r.starts_at,
        venue=r.came_venue or r.roster_venue, status=r.status, at=r.at,
        absence_reason=r.absence_reason or "", made_up_on=r.held_on) for r in rows]
    audit.record(db, now=now, actor=actor, action="member.study_record", target=member,
                 unit_id=member.unit_id, entries=len(entries))
    db.flush()
    return entries
