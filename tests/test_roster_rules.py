"""Roster rules without HTTP: add, edit, remove a person; who sees which venue; search."""

import pytest
from sqlalchemy import select

from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.models import Attendance, AuditEntry, Person, Unit
from attendance.roster import people as roster
from attendance.roster.people import parse_party_member

from .factories import NOW, gen_person, gen_session, gen_user


@pytest.fixture
def session(db):
    session = gen_session(db)
    db.commit()
    return session


def _data(session, **kwargs):
    hall = session.venues[0]
    data = dict(full_name="  Nguyễn   Văn Đức ", position="Bí thư", unit_name="Thị ủy",
                phone="0912 345 678", party_member=True, venue_id=hall.id,
                category_id=session.categories_for(hall.kind)[0].id)
    data.update(kwargs)
    return data


@pytest.mark.parametrize("text, expected", [
    ("có", True), ("Có", True), ("x", True), ("X", True), ("yes", True), ("1", True),
    ("TRUE", True), ("1.0", True), (True, True), ("không", False), ("Không", False),
    ("no", False), ("0", False), ("false", False), ("", False), (None, False), (False, False),
    ("có lẽ", None), ("2", None),
])
def test_party_member_spellings(text, expected):
    assert parse_party_member(text) is expected


def test_add_person_cleans_folds_and_audits(db, session):
    organizer = gen_user(db)
    person = roster.add_person(db, session, _data(session), now=NOW, actor=organizer)
    db.commit()
    assert person.full_name == "Nguyễn Văn Đức" and person.search_name == "nguyen van duc"
    assert person.phone == "0912345678" and person.session_id == session.id
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "person.add"))
    assert entry.actor_id == organizer.id and entry.target_id == person.id


@pytest.mark.parametrize("change, field, code", [
    (dict(full_name="  "), "full_name", "missing_name"),
    (dict(full_name="A" * 201), "full_name", "too_long"),
    (dict(phone="12345"), "phone", "bad_phone"),
    (dict(party_member="có lẽ"), "party_member", "bad_party_member"),
    (dict(venue_id=999999), "venue_id", "unknown_venue"),
    (dict(category_id=999999), "category_id", "unknown_category"),
])
def test_add_person_refuses_bad_fields(db, session, change, field, code):
    with pytest.raises(ValidationError) as error:
        roster.add_person(db, session, _data(session, **change), now=NOW, actor=None)
    assert error.value.errors[field] == code


def test_category_must_be_for_the_venue_kind(db, session):
    bridge = session.venues[1]
    hall_category = session.categories_for("hall")[0]
    with pytest.raises(ValidationError) as error:
        roster.add_person(db, session, _data(session, venue_id=bridge.id,
                                             category_id=hall_category.id), now=NOW, actor=None)
    assert error.value.errors == {"category_id": "category_not_for_venue"}


def test_venue_and_category_of_another_session_are_unknown(db, session):
    other = gen_session(db)
    with pytest.raises(ValidationError) as error:
        roster.add_person(db, session, _data(session, venue_id=other.venues[0].id,
                                             category_id=other.categories[0].id),
                          now=NOW, actor=None)
    assert error.value.errors == {"venue_id": "unknown_venue", "category_id": "unknown_category"}


def test_duplicates_by_name_and_phone_or_name_unit_and_venue(db, session):
    roster.add_person(db, session, _data(session), now=NOW, actor=None)
    with pytest.raises(ValidationError) as error:
        roster.add_person(db, session, _data(session, full_name="NGUYEN VAN DUC",
                                             unit_name="Khác"), now=NOW, actor=None)
    assert error.value.errors == {"full_name": "duplicate_person"}
    # Same name, another phone: a namesake, allowed.
    roster.add_person(db, session, _data(session, phone="0987654321"), now=NOW, actor=None)
    # No phone: same name + unit + venue is the same person.
    with pytest.raises(ValidationError):
        roster.add_person(db, session, _data(session, phone=""), now=NOW, actor=None)
    roster.add_person(db, session, _data(session, phone="", unit_name="Phường 1"), now=NOW,
                      actor=None)


def test_update_person_keeps_its_own_row_out_of_the_duplicate_check(db, session):
    person = gen_person(db, session, full_name="Lê Thị Hoa", phone="0912000111")
    roster.update_person(db, person, _data(session, full_name="Lê Thị Hoa",
                                           phone="0912000111", position="Trưởng ban"),
                         now=NOW, actor=None)
    db.commit()
    assert person.position == "Trưởng ban"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "person.update"))
    assert entry.detail["changes"]["position"] == ["Chuyên viên", "Trưởng ban"]
    other = gen_person(db, session, full_name="Trần Văn Nam", phone="0912000222")
    with pytest.raises(ValidationError):
        roster.update_person(db, other, _data(session, full_name="Lê Thị Hoa",
                                              phone="0912000111"), now=NOW, actor=None)


def test_remove_person_refused_once_checked_in(db, session):
    person = gen_person(db, session)
    free = gen_person(db, session)
    db.add(Attendance(session_id=session.id, person_id=person.id, venue_id=person.venue_id,
                      status="present", method="card", at=NOW))
    db.commit()
    with pytest.raises(DomainError) as error:
        roster.remove_person(db, person, now=NOW, actor=None)
    assert error.value.code == "checked_in"
    roster.remove_person(db, free, now=NOW, actor=None)
    db.commit()
    assert db.get(Person, free.id) is None and db.get(Person, person.id) is not None
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "person.remove")).target_id \
        == free.id


def test_visible_venue(db, session):
    hall, bridge = session.venues[0], session.venues[1]
    organizer, viewer = gen_user(db), gen_user(db, role="viewer")
    staff = gen_user(db, role="staff", venue=hall)
    coordinator = gen_user(db, role="coordinator", venue=bridge)
    assert roster.visible_venue_id(organizer, session, None) is None
    assert roster.visible_venue_id(viewer, session, bridge.id) == bridge.id
    assert roster.visible_venue_id(staff, session, None) == hall.id
    assert roster.visible_venue_id(coordinator, session, bridge.id) == bridge.id
    with pytest.raises(Forbidden):
        roster.visible_venue_id(coordinator, session, hall.id)
    with pytest.raises(Forbidden):
        roster.visible_venue_id(staff, gen_session(db), None)  # a venue of another session
    with pytest.raises(Forbidden):
        roster.visible_venue_id(_reporter(db), session, None)


def _reporter(db):
    unit = Unit(name="Đảng ủy phường 1", kind="committee")
    db.add(unit)
    db.flush()
    return gen_user(db, role="reporter", unit_id=unit.id)


def test_search_by_accentless_name_or_phone(db, session):
    duc = gen_person(db, session, full_name="Nguyễn Văn Đức", phone="0912345678")
    hoa = gen_person(db, session, full_name="Lê Thị Hoa", phone="0987654321",
                     venue=session.venues[1])
    db.commit()

    def found(**kwargs):
        return {p.id for p in db.scalars(roster.search_people(session.id, **kwargs))}

    assert found(q="van duc") == {duc.id}
    assert found(q="ĐỨC") == {duc.id}
    assert found(q="0987") == {hoa.id}
    assert found(q="+84 987 654 321") == {hoa.id}
    assert found(q="%") == set()
    assert found(venue_id=session.venues[1].id) == {hoa.id}
    assert found(category_id=duc.category_id) == {duc.id}
    assert roster.count_people(db, session.id) == 2
    assert roster.count_people(db, session.id, session.venues[1].id) == 1


def test_a_page_of_people_is_the_same_slice_as_the_whole_sorted_list(db):
    session = gen_session(db, bridge_points=3)
    hall, p1, p2, p3 = session.venues
    for venue, n in ((hall, 3), (p1, 0), (p2, 4), (p3, 2)):
        for _ in range(n):
            gen_person(db, session, venue=venue)
    db.commit()
    everyone = db.scalars(roster.search_people(session.id)).all()
    pages = [roster.people_page(db, session.id, page=n, per_page=2) for n in (1, 2, 3, 4, 5, 6)]
    assert [total for _, total in pages] == [9] * 6
    assert [p for people, _ in pages for p in people] == list(everyone)  # 2+2+2+2+1, then []
    assert pages[5][0] == []
    in_p2 = roster.people_page(db, session.id, page=2, per_page=3, venue_id=p2.id)
    assert in_p2 == ([p for p in everyone if p.venue_id == p2.id][3:], 4)
