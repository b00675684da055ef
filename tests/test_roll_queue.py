"""The whole roll from a phone's queue (headcounts, readiness, sign-off beside the marks) and
corrections of absence reasons, without HTTP."""

import pytest
from sqlalchemy import func, select

from attendance.checkin import corrections
from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.models import Attendance, AuditEntry, ExpectedCount, ScanAttempt
from attendance.roll import marks as roll
from attendance.roll.batch import record_item

from .factories import NOW


@pytest.fixture
def point(db, make_session, make_user):
    session = make_session(checkin_window="open")
    venue = session.venues[1]
    return session, venue, make_user(role="coordinator", venue=venue)


def _item(db, session, venue, actor, nonce, kind, **fields):
    return record_item(db, session=session, venue=venue, now=NOW, actor=actor,
                       item={"nonce": nonce, "kind": kind, "fields": fields})


def _audits(db, action):
    return db.scalar(select(func.count()).select_from(AuditEntry)
                     .where(AuditEntry.action == action))


def test_point_actions_queue_like_marks_and_a_replay_changes_nothing(db, point):
    session, venue, coordinator = point
    counted = next(c for c in session.categories_for(venue.kind) if c.headcount_only)
    for _ in range(2):  # the phone lost the first answer and sends everything again
        assert _item(db, session, venue, coordinator, "h1", "headcount",
                     **{f"count_{counted.id}": "12"}).outcome == "accepted"
        assert _item(db, session, venue, coordinator, "r1", "link_check",
                     sound="fail", note="mất tiếng").outcome == "accepted"
        # A phone queued before the manual readiness was removed: refused, not applied.
        old = _item(db, session, venue, coordinator, "r0", "readiness", readiness="connected")
        assert (old.outcome, old.code) == ("rejected", "bad_kind")
        result = _item(db, session, venue, coordinator, "s1", "sign_off")
        assert (result.outcome, result.kind) == ("accepted", "sign_off")
    assert db.get(ExpectedCount, (venue.id, counted.id)).headcount == 12
    assert (venue.readiness, venue.readiness_note) == ("problem", "mất tiếng")
    assert venue.signed_off_at == NOW
    assert [_audits(db, a) for a in ("venue.headcount", "venue.link_check", "venue.sign_off")
            ] == [1, 1, 1]
    methods = db.scalars(select(ScanAttempt.method).where(ScanAttempt.session_id == session.id))
    assert list(methods) == ["roll"] * 4  # the refused old item is kept as an attempt, once
    # Queued after the sign-off (it was sent first): refused, nothing written.
    later = _item(db, session, venue, coordinator, "h2", "headcount",
                  **{f"count_{counted.id}": "15"})
    assert (later.outcome, later.code) == ("rejected", "signed_off")
    assert db.get(ExpectedCount, (venue.id, counted.id)).headcount == 12


def test_a_bad_headcount_writes_no_count_and_unknown_kinds_are_refused(db, point, make_user):
    session, venue, coordinator = point
    counted = next(c for c in session.categories_for(venue.kind) if c.headcount_only)
    listed = next(c for c in session.categories_for(venue.kind) if not c.headcount_only)
    result = _item(db, session, venue, coordinator, "h1", "headcount",
                   **{f"count_{counted.id}": "7", f"count_{listed.id}": "3"})
    assert (result.outcome, result.code) == ("rejected", "bad_choice")
    assert db.get(ExpectedCount, (venue.id, counted.id)).headcount is None
    assert _item(db, session, venue, coordinator, "x1", "drop_tables").code == "bad_kind"
    other = session.venues[2]
    assert _item(db, session, other, coordinator, "s1", "sign_off").code == "forbidden"
    assert other.signed_off_at is None


def test_coordinator_corrects_a_reason_until_sign_off_then_only_the_organizer(
        db, point, make_person, make_user):
    session, venue, coordinator = point
    person = make_person(session, venue=venue)
    roll.mark(db, venue=venue, person=person, status="absent_excused", reason="ốm", now=NOW,
              actor=coordinator)
    # The same tap again with the reason as it really is: a correction of the reason.
    roll.mark(db, venue=venue, person=person, status="absent_excused",
              reason="đi họp ở tỉnh", now=NOW, actor=coordinator)
    row = db.scalar(select(Attendance))
    assert row.absence_reason == "đi họp ở tỉnh"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "attendance.reason"))
    assert (entry.detail["before"], entry.detail["after"]) == ("ốm", "đi họp ở tỉnh")
    assert _audits(db, "attendance.mark") == 1
    roll.sign_off(db, venue=venue, now=NOW, actor=coordinator)
    with pytest.raises(Forbidden):
        corrections.correct_reason(db, row, now=NOW, actor=coordinator, absence_reason="x")
    organizer = make_user(role="organizer")
    with pytest.raises(ValidationError):
        corrections.correct_reason(db, row, now=NOW, actor=organizer, absence_reason="  ")
    corrections.correct_reason(db, row, now=NOW, actor=organizer,
                               absence_reason="con ốm nằm viện")
    assert row.absence_reason == "con ốm nằm viện"
    assert _audits(db, "attendance.reason") == 2
    with pytest.raises(Forbidden):
        corrections.correct_reason(db, row, now=NOW, actor=make_user(
            role="coordinator", venue=session.venues[2]), absence_reason="x")


def test_only_an_absence_with_reason_has_its_reason_corrected(db, point, make_person,
                                                             make_user):
    session, venue, coordinator = point
    person = make_person(session, venue=venue)
    roll.mark(db, venue=venue, person=person, status="present", now=NOW, actor=coordinator)
    with pytest.raises(DomainError) as error:
        corrections.correct_reason(db, db.scalar(select(Attendance)), now=NOW,
                                   actor=make_user(role="organizer"), absence_reason="ốm")
    assert error.value.errors == {"status": "not_absent_excused"}


def test_a_roll_mark_from_a_clock_set_back_is_not_believed(db, point, make_person):
    """The roll sends the device's last contact like the scanner: a mark stamped before the
    server's time the phone had last heard is a clock set back (issue 18's left-over)."""
    from datetime import timedelta

    from attendance.roll.batch import record_mark

    session, venue, coordinator = point
    people = [make_person(session, venue=venue) for _ in range(2)]
    stamped = NOW - timedelta(hours=2)
    for person, last_contact in zip(people, (None, NOW - timedelta(minutes=1))):
        record_mark(db, session=session, venue=venue, nonce=f"m-{person.id}",
                    person_id=person.id, status="present", reason="", now=NOW,
                    actor=coordinator, recorded_at=stamped, last_contact=last_contact)
    trusted = db.execute(select(ScanAttempt.person_id, ScanAttempt.device_time_trusted)
                         .where(ScanAttempt.session_id == session.id)
                         .order_by(ScanAttempt.person_id)).all()
    assert trusted == [(people[0].id, True), (people[1].id, False)]
    at = dict(db.execute(select(Attendance.person_id, Attendance.at)
                         .where(Attendance.session_id == session.id)).all())
    assert at[people[0].id] == stamped and at[people[1].id] == NOW
