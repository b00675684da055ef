"""The check-in rule at its edges, without HTTP: each instant where an answer changes, and the
one-line bugs a review planted that no test caught (each checked to fail when put back)."""

import io
import re
import zipfile
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest
from sqlalchemy import select

from attendance.checkin import rule, tokens
from attendance.checkin.batch import ScanItem, record_scans
from attendance.checkin.rule import CheckInError, scan_time, window_open
from attendance.models import Attendance, ScanAttempt, StudySession
from attendance.roster.imports import build_preview
from attendance.sessions import set_checkin_window

from .factories import NOW, SECRET_KEY

KEY = tokens.derive_key(SECRET_KEY, "card")
SECOND = timedelta(seconds=1)


def session_at(start=NOW, **fields) -> StudySession:
    """A session object for the pure rule: no database needed."""
    values = dict(id=1, starts_at=start, late_grace_minutes=15, checkin_opens_minutes=90,
                  checkin_closes_minutes=240, checkin_window="auto", checkin_window_since=None)
    values.update(fields)
    return StudySession(**values)


def test_late_starts_after_the_grace_minutes_not_at_them():
    session = session_at()
    end_of_grace = NOW + timedelta(minutes=15)
    assert rule.status_at(session, end_of_grace) == "present"
    assert rule.status_at(session, end_of_grace + SECOND) == "late"
    assert rule.status_at(session, NOW - timedelta(hours=1)) == "present"


def test_window_open_and_close_instants_are_inside():
    session = session_at()
    opens, closes = NOW - timedelta(minutes=90), NOW + timedelta(minutes=240)
    assert [window_open(session, t) for t in (opens - SECOND, opens, closes, closes + SECOND)] \
        == [False, True, True, False]


def test_closed_by_hand_counts_scans_made_before_the_close():
    closed_at = NOW + timedelta(minutes=40)
    session = session_at(checkin_window="closed", checkin_window_since=closed_at)
    assert window_open(session, closed_at - SECOND)
    assert not window_open(session, closed_at)
    assert not window_open(session, NOW - timedelta(hours=3))  # outside the clock's window too
    opened_at = NOW + timedelta(hours=5)  # reopened by hand after the clock's window
    session = session_at(checkin_window="open", checkin_window_since=opened_at)
    assert window_open(session, opened_at) and not window_open(session, opened_at - SECOND)
    assert window_open(session, NOW)  # the clock's window was open then


def test_judge_refuses_a_venue_of_another_session(db, make_session):
    today, other = make_session(), make_session()
    with pytest.raises(CheckInError) as refused:
        rule.judge(KEY, today, other.venues[0], None, None, 1)
    assert refused.value.code == "wrong_venue_session"
    with pytest.raises(CheckInError):
        rule.judge(KEY, today, None, None, None, 1)
    assert rule.judge(KEY, today, today.venues[0], None, None, 1) == (1, None)


def test_device_times_in_the_future_or_before_the_last_contact_are_not_believed():
    assert scan_time(NOW, NOW + SECOND) == rule.ScanTime(NOW, False)  # slightly ahead
    assert scan_time(NOW, NOW + timedelta(hours=1)) == rule.ScanTime(NOW, False)
    assert scan_time(NOW, NOW) == rule.ScanTime(NOW, True)
    made = NOW - timedelta(minutes=40)  # queued offline, sent now
    assert scan_time(NOW, made) == rule.ScanTime(made, True)
    assert scan_time(NOW, made, last_contact=made - SECOND) == rule.ScanTime(made, True)
    assert scan_time(NOW, made, last_contact=made) == rule.ScanTime(made, True)
    # A clock set back: the scan claims a time before the device last heard the server.
    assert scan_time(NOW, made, last_contact=made + SECOND) == rule.ScanTime(NOW, False)
    assert scan_time(NOW, made, last_contact=NOW + SECOND) == rule.ScanTime(NOW, False)
    assert scan_time(NOW, NOW - timedelta(days=2)) == rule.ScanTime(NOW, False)
    # Known last contact: an old queue counts at its own time, however long it waited.
    assert scan_time(NOW, NOW - timedelta(days=2), NOW - timedelta(days=3)).trusted
    assert scan_time(NOW, None) == rule.ScanTime(NOW, None)
    assert scan_time(NOW, datetime(2026, 11, 27)) == rule.ScanTime(NOW, None)  # no zone


def test_a_clock_set_back_cannot_turn_a_late_arrival_into_present(db, make_session,
                                                                   make_person):
    session = make_session()
    person = make_person(session)
    now = session.late_after + timedelta(minutes=30)
    set_back = now - timedelta(minutes=70)
    [result] = record_scans(db, key=KEY, session=session, now=now, actor=None,
                            venues={session.venues[0].id: session.venues[0]},
                            items=[ScanItem("c1", "card", session.venues[0].id,
                                            token=card(session, person), scanned_at=set_back,
                                            last_contact=now - timedelta(seconds=3))])
    assert (result.outcome, result.status, result.at) == ("accepted", "late", now)
    attempt = db.scalars(select(ScanAttempt)).one()
    assert (attempt.scanned_at, attempt.received_at, attempt.device_time_trusted) == \
        (set_back, now, False)


def test_a_scan_made_before_a_close_by_hand_is_accepted_when_it_arrives(db, make_session,
                                                                        make_person):
    session = make_session()
    person, late_comer = make_person(session), make_person(session)
    made = NOW + timedelta(minutes=10)
    closed = made + timedelta(minutes=2)
    set_checkin_window(db, session, "closed", now=closed, actor=None)
    arrives = closed + timedelta(minutes=5)
    venue = session.venues[0]
    items = [ScanItem("before", "card", venue.id, token=card(session, person), scanned_at=made),
             ScanItem("after", "card", venue.id, token=card(session, late_comer),
                      scanned_at=closed + SECOND)]
    before, after = record_scans(db, key=KEY, session=session, venues={venue.id: venue},
                                 items=items, now=arrives, actor=None)
    assert (before.outcome, before.at) == ("accepted", made)
    assert (after.outcome, after.code, after.person.id) == \
        ("rejected", "window_closed", late_comer.id)  # named: it is their card
    attempt = db.scalars(select(ScanAttempt).where(ScanAttempt.nonce == "before")).one()
    assert (attempt.scanned_at, attempt.received_at, attempt.device_time_trusted) == \
        (made, arrives, True)
    set_checkin_window(db, session, "open", now=arrives, actor=None)
    [again] = record_scans(db, key=KEY, session=session, venues={venue.id: venue},
                           items=[ScanItem("after", "card", venue.id,
                                           token=card(session, late_comer))],
                           now=arrives + SECOND, actor=None)
    assert again.outcome == "accepted"  # the refusal did not stick to its nonce


def test_a_batch_names_the_person_of_revoked_and_window_closed_cards(db, make_session,
                                                                    make_person):
    session = make_session()
    revoked, outside = make_person(session, card_version=2), make_person(session)
    venue = session.venues[0]
    results = record_scans(
        db, key=KEY, session=session, venues={venue.id: venue}, actor=None,
        now=session.starts_at + timedelta(days=1),  # the window closed long ago
        items=[ScanItem("r", "card", venue.id, token=card(session, revoked, 1)),
               ScanItem("w", "card", venue.id, token=card(session, outside))])
    assert [(r.code, r.person.id, r.person.full_name) for r in results] == [
        ("revoked", revoked.id, revoked.full_name), ("window_closed", outside.id,
                                                     outside.full_name)]


def test_lower_case_card_tokens_are_read():
    token = tokens.card_token(KEY, 3, 41, 2)
    assert tokens.read_card_token(KEY, token.lower()) == tokens.CardToken(3, 41, 2)
    assert tokens.read_card_token(KEY, f"  {token}\n") == tokens.CardToken(3, 41, 2)


def test_presence_codes_live_their_period_and_the_previous_one_only():
    period = tokens.PRESENCE_PERIOD
    start = datetime.fromtimestamp(1_800_000_000 // period * period, timezone.utc)
    code = tokens.presence_code(KEY, 7, start)
    last = start + timedelta(seconds=2 * period) - SECOND  # the end of the next period
    assert tokens.presence_code_valid(KEY, 7, code, start)
    assert tokens.presence_code_valid(KEY, 7, code, last)
    assert not tokens.presence_code_valid(KEY, 7, code, last + SECOND)  # two periods on
    assert not tokens.presence_code_valid(KEY, 7, code, start - SECOND)  # not yet shown
    assert not tokens.presence_code_valid(KEY, 8, code, start)  # another venue's
    assert tokens.seconds_left(start) == period and tokens.seconds_left(last) == 1


def test_a_phone_in_a_float_xlsx_cell_reads_as_the_number(db, make_session):
    """Excel may store a number cell as 9.12345678E8: read back as a float."""
    session = make_session()
    book = openpyxl.Workbook()
    book.active.append(["Họ và tên", "Thành phần", "Địa điểm", "Số điện thoại"])
    book.active.append(["Nguyễn Văn An", "Thường trực Thị ủy", session.venues[0].name, 1])
    out = io.BytesIO()
    book.save(out)
    patched = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = re.sub(rb"<v>1</v>", b"<v>9.12345678E8</v>", data)
            target.writestr(item, data)
    preview = build_preview(db, session, patched.getvalue(), "ds.xlsx")
    [row] = preview.rows
    assert row.errors == []
    assert (row.values["phone"], row.person["phone"]) == ("912345678", "0912345678")


def card(session, person, version=None) -> str:
    return tokens.card_token(KEY, session.id, person.id,
                             person.card_version if version is None else version)


def test_picks_come_from_the_venue_roster_others_through_their_card(db, make_session,
                                                                   make_person, make_user):
    session = make_session(checkin_window="open")
    hall, point = session.venues[0], session.venues[1]
    elsewhere = make_person(session, venue=point)
    staff = make_user(role="staff", venue=hall)
    organizer = make_user(role="organizer")
    venues = {hall.id: hall}
    picked, carded = record_scans(
        db, key=KEY, session=session, venues=venues, now=NOW, actor=staff,
        items=[ScanItem("p", "manual", hall.id, person_id=elsewhere.id),
               ScanItem("c", "card", hall.id, token=card(session, elsewhere))])
    assert (picked.outcome, picked.code, picked.person) == \
        ("rejected", "not_on_venue_roster", None)  # and no name
    assert (carded.outcome, carded.venue_id) == ("accepted", hall.id)
    row = db.scalars(select(Attendance)).one()
    assert (row.venue_id, row.person.venue_id) == (hall.id, point.id)  # checked in elsewhere
    other = make_person(session, venue=point)
    [alone] = record_scans(db, key=KEY, session=session, venues=venues, now=NOW, actor=staff,
                           items=[ScanItem("p2", "manual", hall.id, person_id=other.id)])
    assert (alone.code, alone.person) == ("not_on_venue_roster", None)  # one scan's own path
    [by_organizer] = record_scans(db, key=KEY, session=session, venues=venues, now=NOW,
                                  actor=organizer,
                                  items=[ScanItem("o", "manual", hall.id, person_id=other.id)])
    assert by_organizer.outcome == "accepted"
