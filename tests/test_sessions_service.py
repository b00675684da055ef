"""Session set-up rules, without HTTP."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from attendance import permissions, sessions
from attendance.checkin import rule
from attendance.errors import ValidationError
from attendance.models import (BRIDGE_POINT, HALL, Attendance, AuditEntry, Category,
                               ExpectedCount, StudySession, Unit, Venue)
from tests.factories import NOW, gen_person, gen_session, gen_user

START = datetime(2026, 12, 1, 0, 30, tzinfo=timezone.utc)  # 07:30 in Hà Nội


def _fields(**overrides):
    fields = dict(title="Hội nghị quán triệt Nghị quyết", plan_number="12-KH/TU",
                  starts_at=START, ends_at=START + timedelta(hours=3),
                  document=dict(number="57-KL/TW", issuer="Bộ Chính trị",
                                issued_on=date(2023, 6, 15), title="Kết luận số 57-KL/TW"),
                  late_grace_minutes="10", report_deadline=date(2026, 12, 15),
                  presenter="Lãnh đạo Ban Tuyên giáo", mode="Trực tiếp kết hợp với trực tuyến")
    fields.update(overrides)
    return fields


def _errors(call, *args, **kwargs) -> dict:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value.errors


def _audits(db, action) -> list[AuditEntry]:
    return db.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.fixture
def organizer(db):
    return gen_user(db, role="organizer")


def test_create_session_stores_facts_document_and_audits(db, organizer):
    session = sessions.create_session(db, now=NOW, actor=organizer, **_fields())
    assert session.id and session.late_grace_minutes == 10
    assert session.checkin_opens_minutes == 90 and session.checkin_window == "auto"
    assert session.document.number == "57-KL/TW"
    assert session.timezone == "Asia/Ho_Chi_Minh"
    [entry] = _audits(db, "session.create")
    assert entry.actor_id == organizer.id and entry.session_id == session.id
    assert entry.detail["starts_at"] == START.isoformat()


def test_create_session_collects_every_field_error(db, organizer):
    errors = _errors(sessions.create_session, db, now=NOW, actor=organizer, **_fields(
        title="  ", plan_number="x" * 61, late_grace_minutes="mười", checkin_opens_minutes=-5,
        checkin_closes_minutes="99999", ends_at=START - timedelta(minutes=1),
        report_deadline=date(2026, 11, 30), document=dict(issuer="Bộ Chính trị")))
    assert errors == {"title": "required", "plan_number": "too_long",
                      "late_grace_minutes": "not_a_number", "checkin_opens_minutes": "negative",
                      "checkin_closes_minutes": "out_of_range", "ends_at": "ends_before_start",
                      "report_deadline": "deadline_before_start",
                      "document_number": "required", "document_title": "required"}
    assert db.scalar(select(func.count()).select_from(StudySession)) == 0


def test_start_is_required_and_must_be_aware(db, organizer):
    assert _errors(sessions.create_session, db, now=NOW, actor=organizer,
                   **_fields(starts_at=None, ends_at=None))["starts_at"] == "required"
    naive = datetime(2026, 12, 1, 7, 30)
    assert _errors(sessions.create_session, db, now=NOW, actor=organizer,
                   **_fields(starts_at=naive, ends_at=None))["starts_at"] == "bad_time"


def test_deadline_is_compared_with_the_local_start_day(db, organizer):
    # 17:30 UTC on 30/11 is already 00:30 on 01/12 in Hà Nội: a deadline of 01/12 is fine.
    late_evening = datetime(2026, 11, 30, 17, 30, tzinfo=timezone.utc)
    session = sessions.create_session(db, now=NOW, actor=organizer, **_fields(
        starts_at=late_evening, ends_at=None, report_deadline=date(2026, 12, 1)))
    assert session.report_deadline == date(2026, 12, 1)


def test_update_session_changes_only_given_fields_and_audits_the_changes(db, organizer):
    session = sessions.create_session(db, now=NOW, actor=organizer, **_fields())
    sessions.update_session(db, session, now=NOW, actor=organizer, title="Tên mới",
                            late_grace_minutes=20)
    assert session.title == "Tên mới" and session.plan_number == "12-KH/TU"
    [entry] = _audits(db, "session.update")
    assert entry.detail["changes"] == {"title": ["Hội nghị quán triệt Nghị quyết", "Tên mới"],
                                       "late_grace_minutes": [10, 20]}


def test_update_session_refused_changes_nothing(db, organizer):
    session = sessions.create_session(db, now=NOW, actor=organizer, **_fields())
    errors = _errors(sessions.update_session, db, session, now=NOW, actor=organizer,
                     title="Tên mới", ends_at=START - timedelta(hours=1))
    assert errors == {"ends_at": "ends_before_start"}
    assert session.title == "Hội nghị quán triệt Nghị quyết"
    assert _audits(db, "session.update") == []


def test_update_document_never_rewrites_one_another_session_studies(db, organizer):
    first = sessions.create_session(db, now=NOW, actor=organizer, **_fields())
    second = sessions.create_session(db, now=NOW, actor=organizer, **_fields())
    second.document = first.document
    db.flush()
    sessions.update_session(db, second, now=NOW, actor=organizer,
                            document=dict(number="58-KL/TW", title="Kết luận số 58"))
    assert first.document.number == "57-KL/TW"
    assert second.document.number == "58-KL/TW"
    sessions.update_session(db, second, now=NOW, actor=organizer, document=None)
    assert second.document is None


def test_unknown_field_is_a_programming_error(db, organizer):
    with pytest.raises(TypeError):
        sessions.create_session(db, now=NOW, actor=organizer, **_fields(colour="red"))


def test_checkin_window_can_be_forced_and_is_audited(db, organizer):
    session = gen_session(db, now=NOW - timedelta(days=2))  # its window passed long ago
    assert not rule.window_open(session, NOW)
    sessions.set_checkin_window(db, session, "open", now=NOW, actor=organizer)
    assert rule.window_open(session, NOW)
    sessions.set_checkin_window(db, session, "closed", now=NOW, actor=organizer)
    assert not rule.window_open(session, NOW)
    assert _errors(sessions.set_checkin_window, db, session, "maybe", now=NOW,
                   actor=organizer) == {"mode": "bad_choice"}
    assert session.checkin_window == "closed"
    assert [e.detail["after"] for e in _audits(db, "session.checkin_window")] == [
        "open", "closed"]


# Venues ---------------------------------------------------------------------------------------

def test_add_venue_gives_a_secret_code_a_position_and_a_normal_phone(db, organizer):
    session = gen_session(db, bridge_points=1)
    unit = Unit(name="Đảng ủy phường Phổ Hòa", kind="committee")
    db.add(unit)
    db.flush()
    venue = sessions.add_venue(db, session, now=NOW, actor=organizer, kind=BRIDGE_POINT,
                               name=" Điểm cầu  phường Phổ Hòa ", unit_id=str(unit.id),
                               coordinator_phone="+84 912 345 678")
    other = sessions.add_venue(db, session, now=NOW, actor=organizer, name="Điểm cầu xã Phổ An")
    assert venue.name == "Điểm cầu phường Phổ Hòa" and venue.unit_id == unit.id
    assert venue.coordinator_phone == "0912345678"
    assert len(venue.code) >= 20 and venue.code != other.code
    assert (venue.position, other.position) == (2, 3)
    assert len(_audits(db, "venue.create")) == 2


def test_add_venue_rules(db, organizer):
    session = gen_session(db, bridge_points=1)
    errors = _errors(sessions.add_venue, db, session, now=NOW, actor=organizer, kind=HALL,
                     name="điểm cầu PHƯỜNG 1", coordinator_phone="12345", unit_id=999,
                     position="abc")
    assert errors == {"kind": "hall_exists", "name": "name_taken",
                      "coordinator_phone": "bad_phone", "unit_id": "bad_choice",
                      "position": "not_a_number"}
    assert _errors(sessions.add_venue, db, session, now=NOW, actor=organizer, kind="tent",
                   name="") == {"kind": "bad_choice", "name": "required"}
    assert len(session.venues) == 2 and _audits(db, "venue.create") == []


def test_update_venue_keeps_the_one_hall_rule_and_unique_names(db, organizer):
    session = gen_session(db, bridge_points=2)
    hall, first, second = session.venues
    sessions.update_venue(db, hall, now=NOW, actor=organizer, address="Số 1 Trần Phú")
    assert hall.address == "Số 1 Trần Phú" and hall.kind == HALL  # renaming itself is fine
    assert _errors(sessions.update_venue, db, first, now=NOW, actor=organizer, kind=HALL,
                   name=second.name) == {"kind": "hall_exists", "name": "name_taken"}
    assert first.kind == BRIDGE_POINT
    [entry] = _audits(db, "venue.update")
    assert entry.detail["changes"] == {"address": ["", "Số 1 Trần Phú"]}


def test_changing_a_venue_kind_drops_counts_and_is_refused_with_people(db, organizer):
    session = gen_session(db, bridge_points=2)
    hall, first, second = session.venues
    sessions.remove_venue(db, hall, now=NOW, actor=organizer)
    sessions.update_venue(db, first, now=NOW, actor=organizer, kind=HALL)
    assert first.expected_counts == []
    gen_person(db, session, venue=second)
    assert _errors(sessions.update_venue, db, second, now=NOW, actor=organizer,
                   kind=HALL) == {"kind": "hall_exists"}
    sessions.update_venue(db, first, now=NOW, actor=organizer, kind=BRIDGE_POINT)
    # No hall now: only its people (in bridge-point categories) keep the second one as it is.
    assert _errors(sessions.update_venue, db, second, now=NOW, actor=organizer,
                   kind=HALL) == {"kind": "in_use"}
    assert second.kind == BRIDGE_POINT


def test_remove_venue_refused_while_people_or_attendance_use_it(db, organizer):
    session = gen_session(db, bridge_points=2)
    hall, first, second = session.venues
    person = gen_person(db, session, venue=first)
    assert _errors(sessions.remove_venue, db, first, now=NOW, actor=organizer) == {
        "venue": "in_use"}
    # Came to another venue than the one on the roster: that venue is used too.
    db.add(Attendance(session_id=session.id, person_id=person.id, venue_id=second.id,
                      status="present", method="card", at=NOW))
    db.flush()
    assert _errors(sessions.remove_venue, db, second, now=NOW, actor=organizer) == {
        "venue": "in_use"}
    sessions.remove_venue(db, hall, now=NOW, actor=organizer)
    db.commit()
    assert db.get(Venue, hall.id) is None
    assert db.scalar(select(func.count()).select_from(ExpectedCount)
                     .where(ExpectedCount.venue_id == hall.id)) == 0
    [entry] = _audits(db, "venue.remove")
    assert entry.detail["name"] == "Hội trường UBND thị xã"


def test_remove_venue_leaves_its_coordinator_without_a_venue(db, organizer):
    session = gen_session(db, bridge_points=1)
    point = session.venues[1]
    coordinator = gen_user(db, role="coordinator", venue=point)
    sessions.remove_venue(db, point, now=NOW, actor=organizer)
    db.commit()
    db.expire_all()
    assert coordinator.assignments == [] and coordinator.active


# Categories -----------------------------------------------------------------------------------

def test_add_category_per_kind_with_unique_names(db, organizer):
    session = gen_session(db)
    category = sessions.add_category(db, session, now=NOW, actor=organizer,
                                     venue_kind=BRIDGE_POINT, name="Tuyên truyền viên nòng cốt")
    assert category.position == 2
    # The same name is allowed for the other kind of venue.
    sessions.add_category(db, session, now=NOW, actor=organizer, venue_kind=HALL,
                          name="Đảng ủy viên", headcount_only=True)
    assert _errors(sessions.add_category, db, session, now=NOW, actor=organizer,
                   venue_kind=BRIDGE_POINT, name="ĐẢNG ỦY VIÊN") == {"name": "name_taken"}
    assert _errors(sessions.add_category, db, session, now=NOW, actor=organizer,
                   venue_kind="online", name="x" * 301, position=-1) == {
        "venue_kind": "bad_choice", "name": "too_long", "position": "negative"}
    assert len(_audits(db, "category.create")) == 2


def test_update_category_and_its_kind(db, organizer):
    session = gen_session(db)
    hall_first, hall_second = session.categories_for(HALL)
    bridge_first, bridge_other = session.categories_for(BRIDGE_POINT)
    sessions.update_category(db, hall_second, now=NOW, actor=organizer,
                             name="Báo cáo viên", headcount_only=True)
    assert hall_second.headcount_only and hall_second.name == "Báo cáo viên"
    sessions.update_category(db, hall_second, now=NOW, actor=organizer, venue_kind=BRIDGE_POINT)
    db.commit()
    assert db.scalar(select(func.count()).select_from(ExpectedCount)
                     .where(ExpectedCount.category_id == hall_second.id)) == 0
    gen_person(db, session, venue=session.venues[0], category=hall_first)
    assert _errors(sessions.update_category, db, hall_first, now=NOW, actor=organizer,
                   venue_kind=BRIDGE_POINT) == {"venue_kind": "in_use"}


def test_remove_category_refused_while_people_or_headcounts_use_it(db, organizer):
    session = gen_session(db)
    hall_first, hall_second = session.categories_for(HALL)
    bridge_first, bridge_other = session.categories_for(BRIDGE_POINT)
    gen_person(db, session, venue=session.venues[0], category=hall_first)
    assert _errors(sessions.remove_category, db, hall_first, now=NOW, actor=organizer) == {
        "category": "in_use"}
    count = next(c for c in session.venues[1].expected_counts if c.category is bridge_other)
    count.headcount = 12
    db.flush()
    assert _errors(sessions.remove_category, db, bridge_other, now=NOW, actor=organizer) == {
        "category": "in_use"}
    sessions.remove_category(db, hall_second, now=NOW, actor=organizer)
    db.commit()
    assert db.get(Category, hall_second.id) is None
    assert all(c.category_id != hall_second.id for c in session.venues[0].expected_counts)
    assert len(_audits(db, "category.remove")) == 1


# Expected counts ------------------------------------------------------------------------------

def test_set_expected_counts_all_or_nothing(db, organizer):
    session = gen_session(db, bridge_points=1)
    hall, point = session.venues
    hall_cat, _ = session.categories_for(HALL)
    bridge_cat, other_cat = session.categories_for(BRIDGE_POINT)
    sessions.set_expected_counts(db, session, {(hall.id, hall_cat.id): 30,
                                               (point.id, bridge_cat.id): "12",
                                               (point.id, other_cat.id): ""}, now=NOW,
                                 actor=organizer)
    db.commit()
    grid = {(c.venue_id, c.category_id): c.expected for v in session.venues
            for c in v.expected_counts}
    assert grid[hall.id, hall_cat.id] == 30 and grid[point.id, bridge_cat.id] == 12
    assert grid[point.id, other_cat.id] == 0
    [entry] = _audits(db, "session.expected_counts")
    assert entry.detail["counts"] == {f"{hall.id}-{hall_cat.id}": 30,
                                      f"{point.id}-{bridge_cat.id}": 12,
                                      f"{point.id}-{other_cat.id}": 0}

    errors = _errors(sessions.set_expected_counts, db, session, {
        (hall.id, hall_cat.id): 40,  # fine, but must not be saved with the bad ones
        (point.id, bridge_cat.id): "-3", (point.id, other_cat.id): "2.5",
        (hall.id, bridge_cat.id): 1, (999, hall_cat.id): 1}, now=NOW, actor=organizer)
    assert errors == {f"{point.id}-{bridge_cat.id}": "negative",
                      f"{point.id}-{other_cat.id}": "not_a_number",
                      f"{hall.id}-{bridge_cat.id}": "bad_choice",
                      f"999-{hall_cat.id}": "bad_choice"}
    db.rollback()
    assert {c.category_id: c.expected for c in hall.expected_counts}[hall_cat.id] == 30


def test_set_expected_counts_creates_missing_rows(db, organizer):
    session = gen_session(db, bridge_points=1)
    category = sessions.add_category(db, session, now=NOW, actor=organizer,
                                     venue_kind=BRIDGE_POINT, name="Bí thư chi bộ")
    point = session.venues[1]
    sessions.set_expected_counts(db, session, {(point.id, category.id): 7}, now=NOW,
                                 actor=organizer)
    db.commit()
    row = db.get(ExpectedCount, (point.id, category.id))
    assert row.expected == 7


# What people see ------------------------------------------------------------------------------

def test_grids_have_row_and_column_totals(db):
    session = gen_session(db, bridge_points=2)  # 5 expected in every cell
    hall_grid, bridge_grid = sessions.expected_grids(db, session, session.venues)
    assert hall_grid.kind == HALL and [r.total for r in hall_grid.rows] == [10]
    assert bridge_grid.column_totals == [10, 10] and bridge_grid.total == 20
    assert sessions.expected_totals([hall_grid, bridge_grid])[session.venues[1].id] == 10


def test_a_grid_of_one_page_of_venues_keeps_the_totals_of_all(db):
    session = gen_session(db, bridge_points=3)  # 5 expected in every cell
    _, bridge_grid = sessions.expected_grids(db, session, session.venues, session.venues[2:3])
    assert [r.venue for r in bridge_grid.rows] == [session.venues[2]]
    assert bridge_grid.column_totals == [15, 15] and bridge_grid.total == 30
    assert bridge_grid.other_totals == [10, 10]  # the two points not on this page


def test_coordinators_see_their_venue_and_its_session_only(db):
    mine, other = gen_session(db), gen_session(db)
    coordinator = gen_user(db, role="coordinator", venue=mine.venues[1])
    viewer = gen_user(db, role="viewer")
    assert sessions.visible_venues(coordinator, mine) == [mine.venues[1]]
    assert sessions.visible_venues(viewer, mine) == mine.venues
    assert permissions.can_see_session(coordinator, mine)
    assert not permissions.can_see_session(coordinator, other)
    assert [s for s, _ in sessions.visible_sessions(db, coordinator)] == [mine]
    listed = dict((s.id, n) for s, n in sessions.visible_sessions(db, viewer))
    assert listed == {mine.id: 3, other.id: 3}
