"""Make-up study (học bù) and queued roll marks, without HTTP."""

from datetime import date

import pytest
from sqlalchemy import func, select

from attendance.errors import Forbidden, ValidationError
from attendance.figures.summary import summarize
from attendance.models import AuditEntry, ScanAttempt
from attendance.roll import makeup
from attendance.roll import marks as roll
from attendance.roll.batch import record_mark

from .factories import NOW


def _absent_and_present(db, make_session, make_person, make_user):
    session = make_session()
    point = session.venues[1]
    organizer = make_user(role="organizer")
    ill, away, came = (make_person(session, venue=point) for _ in range(3))
    never = make_person(session, venue=point)
    roll.mark(db, venue=point, person=ill, status="absent_excused", reason="ốm", now=NOW,
              actor=organizer)
    roll.mark(db, venue=point, person=away, status="absent_unexcused", now=NOW, actor=organizer)
    roll.mark(db, venue=point, person=came, status="present", now=NOW, actor=organizer)
    return session, point, organizer, (ill, away, came, never)


def test_absent_people_make_up_and_the_summary_counts_them(db, make_session, make_person,
                                                          make_user):
    session, point, organizer, (ill, away, came, never) = _absent_and_present(
        db, make_session, make_person, make_user)
    assert {a.person.id for a in makeup.absentees(db, session)} == {ill.id, away.id, never.id}
    sitting = makeup.record_makeup(db, session=session, held_on=date(2026, 12, 2),
                                   person_ids=[ill.id, never.id], note=" tại   hội trường ",
                                   now=NOW, actor=organizer)
    assert sitting.note == "tại hội trường"
    figures = summarize(db, session, [point]).venues[0].totals
    assert (figures.made_up, figures.absent_excused, figures.present) == (2, 1, 1)
    assert summarize(db, session).totals.made_up == 2
    made_up = {a.person.id: a.made_up_on for a in makeup.absentees(db, session)}
    assert made_up == {ill.id: date(2026, 12, 2), away.id: None, never.id: date(2026, 12, 2)}
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "makeup.record"))
    assert entry.detail["person_ids"] == sorted([ill.id, never.id])


def test_only_the_absent_make_up_once_and_only_the_organizer_records(db, make_session,
                                                                     make_person, make_user):
    session, point, organizer, (ill, away, came, never) = _absent_and_present(
        db, make_session, make_person, make_user)

    def record(person_ids, held_on=date(2026, 12, 2), actor=organizer, **kwargs):
        return makeup.record_makeup(db, session=session, held_on=held_on,
                                    person_ids=person_ids, now=NOW, actor=actor, **kwargs)

    for ids, held_on, field, code in [
            ([came.id], date(2026, 12, 2), "person_ids", "not_absent"),
            ([], date(2026, 12, 2), "person_ids", "required"),
            ([ill.id, "x"], date(2026, 12, 2), "person_ids", "bad_choice"),
            ([ill.id], date(2026, 11, 26), "held_on", "before_session"),
            ([ill.id], None, "held_on", "bad_date")]:
        with pytest.raises(ValidationError) as error:
            record(ids, held_on)
        assert error.value.errors[field] == code
    with pytest.raises(ValidationError) as error:
        record([ill.id], unit_id=999_999)
    assert error.value.errors == {"unit_id": "bad_choice"}
    with pytest.raises(Forbidden):
        record([ill.id], actor=make_user(role="viewer"))
    record([ill.id])
    with pytest.raises(ValidationError) as error:
        record([ill.id, away.id])
    assert error.value.errors == {"person_ids": "already_made_up"}
    assert summarize(db, session).totals.made_up == 1


def test_someone_who_came_after_all_is_not_counted_as_made_up(db, make_session, make_person,
                                                               make_user):
    session, point, organizer, (ill, *_) = _absent_and_present(
        db, make_session, make_person, make_user)
    makeup.record_makeup(db, session=session, held_on=date(2026, 12, 2), person_ids=[ill.id],
                         now=NOW, actor=organizer)
    roll.mark(db, venue=point, person=ill, status="late", now=NOW, actor=organizer)
    assert summarize(db, session).totals.made_up == 0


def test_a_queued_mark_is_applied_once_per_nonce(db, make_session, make_person, make_user):
    session = make_session()
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    person = make_person(session, venue=point)
    first = record_mark(db, session=session, venue=point, nonce="n-1", person_id=person.id,
                        status="absent_excused", reason="đi công tác", now=NOW,
                        actor=coordinator)
    assert (first.outcome, first.code, first.status) == ("accepted", "ok", "absent_excused")
    roll.mark(db, venue=point, person=person, status="present", now=NOW, actor=coordinator)
    again = record_mark(db, session=session, venue=point, nonce="n-1", person_id=person.id,
                        status="absent_excused", reason="đi công tác", now=NOW,
                        actor=coordinator)
    assert (again.outcome, again.status) == ("accepted", "present")  # nothing changed
    marks = db.scalar(select(func.count()).select_from(AuditEntry)
                      .where(AuditEntry.action == "attendance.mark"))
    assert marks == 2
    attempt = db.scalar(select(ScanAttempt).where(ScanAttempt.nonce == "n-1"))
    assert (attempt.method, attempt.outcome, attempt.person_id) == ("roll", "accepted", person.id)


def test_queued_marks_refused_with_stable_codes(db, make_session, make_person, make_user):
    session = make_session()
    point, other = session.venues[1], session.venues[2]
    coordinator = make_user(role="coordinator", venue=point)
    mine, theirs = make_person(session, venue=point), make_person(session, venue=other)

    def code(nonce, venue=point, person_id=mine.id, status="present", reason=""):
        result = record_mark(db, session=session, venue=venue, nonce=nonce,
                             person_id=person_id, status=status, reason=reason, now=NOW,
                             actor=coordinator)
        return result.outcome, result.code, result.person

    assert code("") == ("rejected", "bad_nonce", None)
    assert code("a", venue=other, person_id=theirs.id) == ("rejected", "forbidden", None)
    assert code("b", person_id=theirs.id) == ("rejected", "other_venue", None)
    assert code("c", person_id=123456)[:2] == ("rejected", "unknown_person")
    assert code("d", status="asleep")[:2] == ("rejected", "bad_choice")
    assert code("e", status="absent_excused")[:2] == ("rejected", "required")
    assert code("f", venue=None)[:2] == ("rejected", "wrong_venue_session")
    roll.sign_off(db, venue=point, now=NOW, actor=coordinator)
    assert code("g")[:2] == ("rejected", "signed_off")
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 7
