"""Modes of presence, exits and closing the roll, without HTTP: the rule and its services."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from attendance.checkin import exits, rule
from attendance.checkin.rule import CheckInError
from attendance.checkin.scan import record_scan
from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.figures.summary import summarize
from attendance.models import Attendance, AuditEntry
from attendance.online import join
from attendance.roll import close, marks

from .factories import NOW

KEY, JOIN_KEY = b"k" * 32, b"j" * 32


def _scan(db, session, venue, person, at, method="manual", actor=None):
    return record_scan(db, key=KEY, session=session, venue=venue, nonce=f"n-{person.id}-{at}",
                       method=method, now=at, actor=actor, person_id=person.id)


def test_mode_follows_how_attendance_was_taken():
    assert rule.mode_of("card") == rule.mode_of("roll") == rule.mode_of("self") == "in_person"
    assert rule.mode_of("join") == rule.mode_of("online_import") == "online"


def test_online_stay_needs_the_share_and_the_window(make_session):
    session = make_session()  # 07:30 to 11:00 local: 210 minutes
    start = session.starts_at
    assert rule.online_stay(session, start, 168 * 60, 0.8) == "present"
    assert rule.online_stay(session, start + timedelta(minutes=20), 200 * 60, 0.8) == "late"
    with pytest.raises(CheckInError) as short:
        rule.online_stay(session, start, 167 * 60, 0.8)
    assert short.value.code == "too_short"
    with pytest.raises(CheckInError) as closed:
        rule.online_stay(session, start + timedelta(hours=5), 210 * 60, 0.8)
    assert closed.value.code == "window_closed"


def test_summary_splits_in_person_and_online_and_counts_left_early(db, make_session,
                                                                   make_person, make_user):
    session = make_session()
    hall = session.venues[0]
    staff = make_user(role="organizer")
    at = session.starts_at
    in_person, online, late_online, absent, unmarked = (make_person(session) for _ in range(5))
    _scan(db, session, hall, in_person, at, actor=staff)
    _scan(db, session, hall, online, at, method="join")
    _scan(db, session, hall, late_online, at + timedelta(minutes=30), method="join")
    marks.mark(db, venue=hall, person=absent, status="absent_excused", reason="ốm", now=at,
               actor=staff)
    exits.record_exit(db, session=session, person=in_person, venue=hall,
                      left_at=at + timedelta(hours=1), now=at + timedelta(hours=1), actor=staff)
    db.commit()
    figures = summarize(db, session, [hall]).totals
    assert (figures.present, figures.present_online, figures.present_in_person) == (3, 2, 1)
    assert (figures.late, figures.left_early, figures.not_marked) == (1, 1, 1)
    assert figures.as_dict()["present_online"] == 2 and figures.as_dict()["not_marked"] == 1


def test_an_exit_at_the_end_is_not_leaving_early(db, make_session, make_person, make_user):
    session = make_session()
    hall, organizer = session.venues[0], make_user(role="organizer")
    person = make_person(session)
    _scan(db, session, hall, person, session.starts_at, actor=organizer)
    exits.record_exit(db, session=session, person=person, venue=hall, left_at=session.ends_at,
                      now=session.ends_at, actor=organizer)
    assert summarize(db, session, [hall]).totals.left_early == 0
    row = db.scalar(select(Attendance))
    assert exits.minutes_present(session, row) == 210


def test_exit_rules(db, make_session, make_person, make_user):
    session = make_session()
    hall, point = session.venues[0], session.venues[1]
    organizer = make_user(role="organizer")
    coordinator = make_user(role="coordinator", venue=point)
    came, never = make_person(session), make_person(session)
    _scan(db, session, hall, came, session.starts_at, actor=organizer)
    later = session.starts_at + timedelta(hours=1)
    for person, left_at, code in ((never, later, "not_attended"),
                                  (came, session.starts_at - timedelta(minutes=1),
                                   "exit_before_arrival"),
                                  (came, later + timedelta(minutes=5), "exit_in_future")):
        with pytest.raises(CheckInError) as error:
            exits.record_exit(db, session=session, person=person, venue=hall, left_at=left_at,
                              now=later, actor=organizer)
        assert error.value.code == code
    with pytest.raises(Forbidden):  # not their point
        exits.record_exit(db, session=session, person=came, venue=hall, left_at=later,
                          now=later, actor=coordinator)
    # At their own point, staff are told why: came in elsewhere, or never came.
    for person, code in ((came, "exit_other_venue"), (never, "not_attended")):
        with pytest.raises(CheckInError) as error:
            exits.record_exit(db, session=session, person=person, venue=point, left_at=later,
                              now=later, actor=coordinator)
        assert error.value.code == code
    assert db.scalar(select(Attendance.left_at)) is None


def test_close_marks_the_unmarked_absent_and_reopen_takes_it_back(db, make_session,
                                                                 make_person, make_user):
    session = make_session()
    hall, point = session.venues[0], session.venues[1]
    organizer = make_user(role="organizer")
    came = make_person(session)
    unmarked = [make_person(session) for _ in range(2)] + [make_person(session, venue=point)]
    _scan(db, session, hall, came, session.starts_at, actor=organizer)
    after = session.ends_at + timedelta(minutes=1)
    with pytest.raises(CheckInError) as early:
        close.close_roll(db, session=session, venue=hall, now=session.ends_at
                         - timedelta(minutes=1), actor=organizer)
    assert early.value.code == "session_not_ended"
    assert close.unmarked_count(db, session, hall) == 2
    assert close.unmarked_count(db, session) == 3
    assert close.unmarked_counts(db, session) == {hall.id: 2, point.id: 1}  # one query
    assert close.close_roll(db, session=session, venue=hall, now=after, actor=organizer) == 2
    db.commit()
    hall_figures = summarize(db, session, [hall]).totals
    assert (hall_figures.absent_unexcused, hall_figures.not_marked) == (2, 0)
    assert close.unmarked_count(db, session) == 1  # the bridge point is still open
    assert close.close_roll(db, session=session, venue=None, now=after, actor=organizer) == 1
    assert close.roll_closed(session)
    assert summarize(db, session).totals.not_marked == 0
    # Someone marked absent by the close who is corrected stays corrected after reopening.
    corrected = db.scalar(select(Attendance).where(Attendance.person_id == unmarked[0].id))
    corrected.status, corrected.absence_reason = "absent_excused", "ốm"
    with pytest.raises(ValidationError):
        close.reopen_roll(db, session=session, venue=None, now=after, actor=organizer,
                          reason=" ")
    assert close.reopen_roll(db, session=session, venue=None, now=after, actor=organizer,
                             reason="Đóng nhầm") == 2
    db.commit()
    totals = summarize(db, session).totals
    assert (totals.present, totals.absent_excused, totals.absent_unexcused,
            totals.not_marked) == (1, 1, 0, 2)
    assert not close.roll_closed(session)
    actions = db.scalars(select(AuditEntry.action)).all()
    assert actions.count("roll.close") == 2 and actions.count("roll.reopen") == 1
    with pytest.raises(DomainError):
        close.reopen_roll(db, session=session, venue=None, now=after, actor=organizer,
                          reason="lần nữa")


def test_closed_absence_gives_way_to_a_late_arrival(db, make_session, make_person, make_user):
    session = make_session(checkin_closes_minutes=600)
    hall, organizer = session.venues[0], make_user(role="organizer")
    person = make_person(session)
    close.close_roll(db, session=session, venue=hall, now=session.ends_at, actor=organizer)
    result = _scan(db, session, hall, person, session.ends_at + timedelta(minutes=5),
                   actor=organizer)
    assert result.outcome == "accepted" and result.status == "late"


def test_only_organizers_close(db, make_session, make_user):
    session = make_session()
    coordinator = make_user(role="coordinator", venue=session.venues[1])
    with pytest.raises(Forbidden):
        close.close_roll(db, session=session, venue=session.venues[1],
                         now=session.ends_at, actor=coordinator)


def test_join_link_records_present_online_inside_the_window(db, make_session, make_person):
    session = make_session(video_url="https://meet.example.vn/hoi-nghi")
    person = make_person(session, venue=session.venues[1])
    token = join.join_token(JOIN_KEY, person)
    with pytest.raises(Exception) as forged:
        join.read_join_token(JOIN_KEY, token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert forged.value.code == "bad_signature"
    with pytest.raises(Exception) as card_key:  # signed under another key: not a join link
        join.read_join_token(KEY, token)
    assert card_key.value.code == "bad_signature"
    too_early = session.starts_at - timedelta(hours=3)
    _, early = join.open_join_link(db, card_key=KEY, join_key=JOIN_KEY, token=token,
                                   now=too_early)
    assert early.result.code == "window_closed"
    assert early.meeting_url == "https://meet.example.vn/hoi-nghi"
    _, joined = join.open_join_link(db, card_key=KEY, join_key=JOIN_KEY, token=token,
                                    now=session.starts_at)
    assert joined.result.outcome == "accepted"
    row = db.scalar(select(Attendance))
    assert (row.mode, row.method, row.status, row.venue_id) == ("online", "join", "present",
                                                                 person.venue_id)
    session.venues[1].video_url = "https://zoom.example.vn/j/1"
    _, again = join.open_join_link(db, card_key=KEY, join_key=JOIN_KEY, token=token,
                                   now=session.starts_at)
    assert again.result.outcome == "duplicate" and again.meeting_url.startswith("https://zoom")
    person.card_version += 1  # a reissued card revokes the link
    with pytest.raises(Exception) as revoked:
        join.open_join_link(db, card_key=KEY, join_key=JOIN_KEY, token=token,
                            now=session.starts_at)
    assert revoked.value.code == "revoked"


def test_an_organizer_corrects_the_mode_with_a_reason(db, make_session, make_person, make_user):
    from attendance.checkin import corrections
    session = make_session()
    organizer = make_user(role="organizer")
    person = make_person(session)
    _scan(db, session, session.venues[0], person, session.starts_at, method="join")
    row = db.scalar(select(Attendance))
    with pytest.raises(ValidationError):
        corrections.correct_attendance(db, row, now=NOW, actor=organizer, reason="nhầm",
                                       mode="by_pigeon")
    corrections.correct_attendance(db, row, now=NOW, actor=organizer,
                                   reason="Có mặt tại hội trường", mode="in_person")
    assert row.mode == "in_person"
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "attendance.correct")).one()
    assert entry.detail["before"]["mode"] == "online" and entry.detail["after"]["mode"] == "in_person"
