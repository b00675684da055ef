"""Rosters from the registry, roster rows linked to members, follow-on classes and their
one-screen roll, without HTTP."""

from datetime import date, time

import pytest

from attendance.classes import follow_on, roll as class_roll
from attendance.errors import Forbidden, ValidationError
from attendance.members import registry
from attendance.members.rosters import add_members
from attendance.models import (ABSENT_EXCUSED, PRESENT, AuditEntry, Attendance, Person)
from attendance.roster.imports import build_preview, import_roster

from .factories import NOW, gen_person, gen_session, gen_user
from .members_data import gen_tree
from .test_members import scoped_organizer

HALL = "Hội trường UBND thị xã"


@pytest.fixture
def units(db):
    return gen_tree(db)


@pytest.fixture
def members(db, units):
    def add(name, unit, **kwargs):
        data = dict(full_name=name, unit_id=units[unit].id, birth_date="01/01/1970")
        data.update(kwargs)
        return registry.add_member(db, data, now=NOW, actor=None)
    return {
        "an": add("Nguyễn Văn An", "PH-1", member_no="100", position="Bí thư chi bộ",
                  phone="0912000001"),
        "binh": add("Lê Thị Bình", "PH-1", position="Đảng viên"),
        "cuong": add("Trần Văn Cường", "PH-1", status="exempt"),
        "dung": add("Phạm Dũng", "PH-1", status="moved"),
        "em": add("Võ Thị Em", "PM-1", member_no="200"),
        "ha": add("Hồ Văn Hà", "PH", position="Phó Bí thư Đảng ủy"),
    }


@pytest.fixture
def session(db, units):
    return gen_session(db, organizer_unit_id=units["TU"].id)


def _roster_csv(*rows, extra=("Số thẻ đảng viên", "Ngày sinh")):
    header = ["Họ và tên", "Đơn vị", "Thành phần", "Địa điểm", "Số điện thoại", *extra]
    return ("\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n").encode()


def test_roster_from_units_and_positions_links_active_members_only(db, session, members,
                                                                   units):
    hall = session.venues[0]
    category = session.categories_for(hall.kind)[0]
    added, already = add_members(db, session, unit_ids=[units["PH"].id], positions=["bí thư"],
                                 venue_id=hall.id, category_id=category.id, now=NOW,
                                 actor=gen_user(db))
    people = db.query(Person).filter_by(session_id=session.id).all()
    assert (added, already) == (2, 0)
    assert {p.member_id for p in people} == {members["an"].id, members["ha"].id}
    # The whole ward again: Bình joins; exempt and moved members are not invited; no doubles.
    added, already = add_members(db, session, unit_ids=[units["PH"].id], positions=[],
                                 venue_id=hall.id, category_id=category.id, now=NOW, actor=None)
    assert (added, already) == (1, 2)


def test_roster_from_members_refuses_headcount_categories_and_foreign_units(db, session, units):
    point = session.venues[1]
    headcount = next(c for c in session.categories_for(point.kind) if c.headcount_only)
    with pytest.raises(ValidationError) as caught:
        add_members(db, session, unit_ids=[units["PM"].id], positions=[], venue_id=point.id,
                    category_id=headcount.id, now=NOW,
                    actor=scoped_organizer(db, units["PH"]))
    assert caught.value.errors == {"category_id": "headcount_category",
                                   "unit_ids": "unit_out_of_scope"}


def test_a_typed_person_with_the_same_name_and_phone_is_linked_not_doubled(db, session,
                                                                           members, units):
    typed = gen_person(db, session, full_name="NGUYỄN VĂN AN", phone="0912000001")
    typed.search_name = "nguyen van an"
    hall = session.venues[0]
    add_members(db, session, unit_ids=[units["PH-1"].id], positions=["bí thư"],
                venue_id=hall.id, category_id=session.categories_for(hall.kind)[0].id,
                now=NOW, actor=None)
    assert typed.member_id == members["an"].id
    assert db.query(Person).filter_by(session_id=session.id).count() == 1


def test_roster_rows_link_by_member_number_or_name_unit_and_birth_date(db, session, members):
    data = _roster_csv(["An", "", "Thường trực Thị ủy", HALL, "", "100", ""],
                       # Both wards have a "Chi bộ tổ dân phố 1": the unit is given by code.
                       ["le thi binh", "PH-1", "Thường trực Thị ủy", HALL, "",
                        "", "01/01/1970"],
                       ["Khách", "", "Thường trực Thị ủy", HALL, "", "", "02/02/1980"])
    preview = build_preview(db, session, data, "ds.csv")
    assert preview.ok
    import_roster(db, session, preview, now=NOW, actor=None)
    linked = {p.full_name: p.member_id for p in db.query(Person)}
    assert linked == {"An": members["an"].id, "le thi binh": members["binh"].id, "Khách": None}


def test_an_unknown_member_number_is_a_bad_row(db, session, members):
    data = _roster_csv(["An", "", "Thường trực Thị ủy", HALL, "", "999", ""])
    preview = build_preview(db, session, data, "ds.csv")
    assert preview.rows[0].errors == ["unknown_member_no"]


def test_reimport_in_add_and_update_mode_shows_added_changed_unchanged(db, session, members):
    first = _roster_csv(["An", "", "Thường trực Thị ủy", HALL, "", "100", ""],
                        ["Bảo", "Văn phòng", "Thường trực Thị ủy", HALL, "0905000002", "", ""],
                        ["Chi", "", "Thường trực Thị ủy", HALL, "0905000003", "", ""])
    import_roster(db, session, build_preview(db, session, first, "a.csv"), now=NOW, actor=None)
    again = _roster_csv(["Nguyễn Văn An", "", "Thường trực Thị ủy", HALL, "", "100", ""],
                        ["Bảo", "Văn phòng", "Báo cáo viên Thị ủy", HALL, "0905000002", "", ""],
                        ["Chi", "", "Thường trực Thị ủy", HALL, "0905000003", "", ""],
                        ["Dương", "", "Thường trực Thị ủy", HALL, "0905000004", "", ""])
    plain = build_preview(db, session, again, "b.csv")
    assert [row.errors for row in plain.rows][1:3] == [["duplicate_person"]] * 2
    preview = build_preview(db, session, again, "b.csv", mode="update")
    assert preview.ok
    assert [(row.action, row.changes) for row in preview.rows] == [
        ("update", ["full_name"]), ("update", ["category_id"]), ("unchanged", []), ("add", [])]
    assert import_roster(db, session, preview, now=NOW, actor=None) == 3
    people = {p.phone or p.full_name: p for p in db.query(Person)}
    assert people["0905000002"].category.name == "Báo cáo viên Thị ủy"
    assert people["Nguyễn Văn An"].member_id == members["an"].id
    assert db.query(Person).count() == 4


def test_a_cell_secretary_holds_a_class_with_its_members_prefilled(db, session, members,
                                                                   units):
    secretary = scoped_organizer(db, units["PH-1"])
    assert [u.code for u in follow_on.class_units(db, session, secretary)] == ["PH-1"]
    assert follow_on.open_parents(db, secretary) == [session]
    cls = follow_on.create_class(db, session, unit_id=units["PH-1"].id,
                                 held_on=date(2026, 11, 30), starts=time(19, 30),
                                 place="Nhà văn hóa tổ dân phố 1", now=NOW, actor=secretary)
    assert (cls.parent_session_id, cls.organizer_unit_id, cls.plan_number) == (
        session.id, units["PH-1"].id, session.plan_number)
    people = {p.member_id for p in db.query(Person).filter_by(session_id=cls.id)}
    assert people == {members["an"].id, members["binh"].id}  # active members of the cell
    lines = {line.person.member_id: line.person.id for line in class_roll.roll_lines(db, cls)}
    changed = class_roll.mark_class(db, cls, {lines[members["an"].id]: ("present", ""),
                                              lines[members["binh"].id]: ("absent", "ốm")},
                                    now=NOW, actor=secretary)
    assert changed == 2
    statuses = {a.person_id: (a.status, a.absence_reason)
                for a in db.query(Attendance).filter_by(session_id=cls.id)}
    assert statuses == {lines[members["an"].id]: (PRESENT, ""),
                        lines[members["binh"].id]: (ABSENT_EXCUSED, "ốm")}
    assert db.query(AuditEntry).filter_by(action="attendance.mark").count() == 2
    # The same screen sent again changes nothing.
    assert class_roll.mark_class(db, cls, {lines[members["an"].id]: ("present", "")}, now=NOW,
                                 actor=secretary) == 0


def test_a_class_unit_must_lie_under_the_parent_and_in_the_holders_scope(db, session, units):
    secretary = scoped_organizer(db, units["PH-1"])
    with pytest.raises(Forbidden):
        follow_on.create_class(db, session, unit_id=units["PM-1"].id, held_on=date(2026, 12, 1),
                               starts=time(8), place="X", now=NOW, actor=secretary)
    with pytest.raises(ValidationError) as caught:
        follow_on.create_class(db, session, unit_id=units["HU"].id, held_on=date(2026, 11, 1),
                               starts=None, place="", now=NOW, actor=gen_user(db))
    assert caught.value.errors == {"unit_id": "unit_not_under_parent",
                                   "held_on": "class_before_session", "starts": "bad_time",
                                   "place": "required"}


def test_a_bad_line_on_the_class_roll_changes_nothing(db, session, members, units):
    organizer = gen_user(db)
    cls = follow_on.create_class(db, session, unit_id=units["PH-1"].id,
                                 held_on=date(2026, 11, 30), starts=time(8), place="Hội trường",
                                 now=NOW, actor=organizer)
    person_id = class_roll.roll_lines(db, cls)[0].person.id
    with pytest.raises(ValidationError):
        class_roll.mark_class(db, cls, {person_id: ("present", ""), 99999: ("present", "")},
                              now=NOW, actor=organizer)
    assert db.query(Attendance).count() == 0
    with pytest.raises(Forbidden):
        class_roll.mark_class(db, cls, {person_id: ("present", "")}, now=NOW,
                              actor=scoped_organizer(db, units["PM"]))
