"""The bridge point's roll, without HTTP."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.figures.summary import summarize
from attendance.models import Attendance, AuditEntry
from attendance.roll import link
from attendance.roll import marks as roll
from attendance.roll.batch import record_mark

from .factories import NOW


def test_coordinator_marks_own_point_and_summary_follows(db, make_session, make_person,
                                                         make_user):
    session = make_session()
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    people = [make_person(session, venue=point) for _ in range(3)]
    roll.mark(db, venue=point, person=people[0], status="present", now=NOW, actor=coordinator)
    roll.mark(db, venue=point, person=people[1], status="absent_excused", reason="ốm", now=NOW,
              actor=coordinator)
    roll.mark(db, venue=point, person=people[2], status="absent_unexcused", now=NOW,
              actor=coordinator)
    roll.mark(db, venue=point, person=people[2], status="late", now=NOW, actor=coordinator)
    headcount_category = session.categories_for(point.kind)[1]
    roll.set_headcount(db, venue=point, category_id=headcount_category.id, count=12, now=NOW,
                       actor=coordinator)
    figures = summarize(db, session, [point]).venues[0].totals
    assert (figures.present, figures.late, figures.absent_excused) == (2 + 12, 1, 1)
    actions = db.scalars(select(AuditEntry.action)).all()
    assert actions.count("attendance.mark") == 4
    assert "venue.headcount" in actions


def test_coordinator_cannot_touch_another_point(db, make_session, make_person, make_user):
    session = make_session()
    coordinator = make_user(role="coordinator", venue=session.venues[1])
    other = session.venues[2]
    person = make_person(session, venue=other)
    with pytest.raises(Forbidden):
        roll.mark(db, venue=other, person=person, status="present", now=NOW, actor=coordinator)
    with pytest.raises(Forbidden):
        link.save_checklist(db, venue=other, fields={"picture": "ok"}, now=NOW,
                            actor=coordinator)


def test_excused_absence_needs_a_reason_and_headcount_no_negatives(db, make_session,
                                                                   make_person, make_user):
    session = make_session()
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    person = make_person(session, venue=point)
    with pytest.raises(ValidationError) as error:
        roll.mark(db, venue=point, person=person, status="absent_excused", now=NOW,
                  actor=coordinator)
    assert error.value.errors == {"reason": "required"}
    category = session.categories_for(point.kind)[1]
    with pytest.raises(ValidationError):
        roll.set_headcount(db, venue=point, category_id=category.id, count=-1, now=NOW,
                           actor=coordinator)


def test_sign_off_locks_until_the_organizer_reopens(db, make_session, make_person, make_user):
    session = make_session()
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    organizer = make_user(role="organizer")
    person = make_person(session, venue=point)
    roll.sign_off(db, venue=point, now=NOW, actor=coordinator)
    with pytest.raises(DomainError) as error:
        roll.mark(db, venue=point, person=person, status="present", now=NOW, actor=coordinator)
    assert error.value.code == "signed_off"
    with pytest.raises(Forbidden):
        roll.reopen(db, venue=point, now=NOW, actor=coordinator, reason="sai")
    roll.reopen(db, venue=point, now=NOW, actor=organizer, reason="bổ sung người đến muộn")
    roll.mark(db, venue=point, person=person, status="present", now=NOW, actor=coordinator)


def test_a_mark_never_overwrites_a_check_in_at_another_venue(db, make_session, make_person,
                                                            make_user):
    """Invited to the point, the person came to the hall with their card: the point's roll
    cannot mark them absent (or present) over it; its own check-ins it may correct."""
    session = make_session(checkin_window="open")
    hall, point = session.venues[0], session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    person, own = make_person(session, venue=point), make_person(session, venue=point)
    for who, venue in ((person, hall), (own, point)):
        db.add(Attendance(session_id=session.id, person_id=who.id, venue_id=venue.id,
                          status="present", method="card", at=NOW))
    db.flush()
    for status in ("absent_unexcused", "late"):
        with pytest.raises(DomainError) as error:
            roll.mark(db, venue=point, person=person, status=status, now=NOW,
                      actor=coordinator)
        assert error.value.code == "checked_in_elsewhere"
    roll.mark(db, venue=point, person=own, status="late", now=NOW, actor=coordinator)
    rows = dict(db.execute(select(Attendance.person_id, Attendance.venue_id)).all())
    assert rows == {person.id: hall.id, own.id: point.id}


def test_a_mark_of_presence_obeys_the_window(db, make_session, make_person, make_user):
    session = make_session()  # the clock's window: 90 minutes before the start to 4 hours after
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    person = make_person(session, venue=point)
    after = session.starts_at + timedelta(minutes=240, seconds=1)
    with pytest.raises(DomainError) as error:
        roll.mark(db, venue=point, person=person, status="present", now=after,
                  actor=coordinator)
    assert error.value.code == "window_closed"
    roll.mark(db, venue=point, person=person, status="absent_unexcused", now=after,
              actor=coordinator)  # absences are noted after the close
    roll.mark(db, venue=point, person=person, status="present",
              now=session.starts_at + timedelta(minutes=240), actor=coordinator)  # the last instant


def test_a_queued_mark_refused_by_the_window_is_tried_again_when_resent(db, make_session,
                                                                       make_person, make_user):
    session = make_session(checkin_window="closed")
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    person = make_person(session, venue=point)
    mark = dict(session=session, venue=point, nonce="m1", person_id=person.id,
                status="present", reason="", actor=coordinator)
    assert record_mark(db, now=NOW, **mark).code == "window_closed"
    session.checkin_window = "open"
    assert record_mark(db, now=NOW, **mark).outcome == "accepted"
    assert record_mark(db, now=NOW, **mark).outcome == "accepted"  # now its answer for good
    assert db.scalar(select(Attendance.status)) == "present"
