"""Set-up at province scale: bridge points from the unit tree, all coordinators at once with
one-time sign-in links, a session copied to a new date. Rules without HTTP, then the pages."""


import io
import subprocess
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from attendance.accounts import links
from attendance.errors import DomainError, ValidationError
from attendance.models import (ExpectedCount, Person, Unit, User, Venue, VenueAssignment)
from attendance.sessions import coordinators as bulk
from attendance.sessions import scale

from .factories import NOW, gen_person, gen_session, gen_user

KEY = b"k" * 32


def _tree(db, wards: int, code: str = "TX"):
    town = Unit(name=f"Thị ủy {code}", kind="committee", code=code)
    db.add(town)
    db.flush()
    children = [Unit(name=f"Đảng ủy phường {i}", kind="committee", code=f"{code}-{i:03d}",
                     parent_id=town.id) for i in range(1, wards + 1)]
    children.append(Unit(name="Chi bộ cơ quan", kind="cell", code=f"{code}-CB", parent_id=town.id))
    db.add_all(children)
    db.flush()
    return town, children


def test_points_from_the_tree_one_per_committee_then_their_coordinators(db):
    town, children = _tree(db, 3)
    organizer = gen_user(db, role="organizer", unit_id=town.id)
    session = gen_session(db, bridge_points=1, organizer_unit_id=town.id)
    offered = scale.committees_below(db, organizer, session)
    assert [u.code for u in offered] == ["TX-001", "TX-002", "TX-003"]  # no cell, not the town
    made = scale.points_from_units(db, session, [u.id for u in offered], now=NOW,
                                   actor=organizer)
    assert [v.name for v in made] == [f"Điểm cầu Đảng ủy phường {i}" for i in (1, 2, 3)]
    # They expect what the session's existing point expects.
    assert {c.expected for v in made for c in v.expected_counts} == {5}
    again = scale.points_from_units(db, session, [offered[0].id], now=NOW, actor=organizer)
    assert again == []  # a unit with a point already is skipped

    lines = bulk.coordinators_for(db, session, now=NOW, actor=organizer)
    assert len(lines) == 4 and all(line.created for line in lines)
    assert [line.user.username for line in lines[1:]] == ["dc-tx-001", "dc-tx-002", "dc-tx-003"]
    assert all(line.user.unit_id == line.venue.unit_id for line in lines)
    # No password works until the link is used.
    assert all(not line.user.password_hash.startswith("scrypt") for line in lines)
    assert bulk.coordinators_for(db, session, now=NOW, actor=organizer)[1].created is False


def test_the_coordinator_of_a_unit_stays_theirs_next_month(db):
    town, children = _tree(db, 2)
    organizer = gen_user(db, role="organizer", unit_id=town.id)
    first = gen_session(db, bridge_points=0, organizer_unit_id=town.id)
    scale.points_from_units(db, first, [children[0].id], now=NOW, actor=organizer)
    [line] = bulk.coordinators_for(db, first, now=NOW, actor=organizer)
    later = gen_session(db, bridge_points=0, organizer_unit_id=town.id,
                        starts_at=NOW + timedelta(days=30))
    scale.points_from_units(db, later, [children[0].id], now=NOW, actor=organizer)
    [again] = bulk.coordinators_for(db, later, now=NOW, actor=organizer)
    assert again.user.id == line.user.id and not again.created
    assert sorted(a.session_id for a in again.user.assignments) == [first.id, later.id]


def test_units_outside_the_scope_or_unknown_refuse_the_whole_request(db):
    town, children = _tree(db, 2)
    other, theirs = _tree(db, 1, code="XB")
    organizer = gen_user(db, role="organizer", unit_id=town.id)
    session = gen_session(db, bridge_points=0, organizer_unit_id=town.id)
    for wanted in ([children[0].id, theirs[0].id], [children[0].id, 99999], []):
        with pytest.raises(ValidationError):
            scale.points_from_units(db, session, wanted, now=NOW, actor=organizer)
    assert len(session.venues) == 1  # the hall only: nothing was made


def test_a_sign_in_link_sets_the_password_once(db):
    user = gen_user(db, role="coordinator")
    user.password_hash = links.unusable_password()
    token = links.issue_link(KEY, user, now=NOW)
    assert links.user_for_link(db, KEY, token, now=NOW) is user
    with pytest.raises(ValidationError):
        links.set_password_by_link(db, KEY, token, "short", now=NOW)
    links.set_password_by_link(db, KEY, token, "mat-khau-rieng-1", now=NOW)
    for bad in (token, token[:-2] + "xx", links.issue_link(b"x" * 32, user, now=NOW)):
        with pytest.raises(DomainError) as refused:
            links.user_for_link(db, KEY, bad, now=NOW)
        assert refused.value.code == "link_invalid"


def test_a_copy_has_the_set_up_on_the_new_date(db):
    town, children = _tree(db, 1)
    organizer = gen_user(db, role="organizer", unit_id=town.id)
    session = gen_session(db, organizer_unit_id=town.id, report_deadline=NOW.date())
    hall, point = session.venues[0], session.venues[1]
    gen_person(db, session, venue=point, full_name="Lê Thị Hoa")
    gen_person(db, session, venue=hall, walk_in=True, full_name="Khách vãng lai")
    coordinator = gen_user(db, role="coordinator", venue=point)
    new_start = session.starts_at + timedelta(days=31)
    copy = scale.copy_session(db, session, starts_at=new_start, now=NOW, actor=organizer)
    assert (copy.title, copy.organizer_unit_id, copy.starts_at) == (
        session.title, town.id, new_start)
    assert copy.ends_at - copy.starts_at == session.ends_at - session.starts_at
    assert copy.report_deadline == NOW.date() + timedelta(days=31)
    assert [(v.kind, v.name) for v in copy.venues] == [(v.kind, v.name) for v in session.venues]
    assert {v.code for v in copy.venues}.isdisjoint(v.code for v in session.venues)
    assert sorted(c.name for c in copy.categories) == sorted(c.name for c in session.categories)
    assert db.scalar(select(func.sum(ExpectedCount.expected)).join(Venue).where(
        Venue.session_id == copy.id)) == 5 * 2 * 3
    people = db.scalars(select(Person).where(Person.session_id == copy.id)).all()
    assert [(p.full_name, p.venue.name) for p in people] == [("Lê Thị Hoa", point.name)]
    [assignment] = db.scalars(select(VenueAssignment).where(
        VenueAssignment.session_id == copy.id, VenueAssignment.user_id == coordinator.id))
    assert assignment.venue.name == point.name


# Pages -----------------------------------------------------------------------------------------

def test_points_coordinators_sheet_and_link_through_the_pages(db, client, login, tmp_path):
    town, children = _tree(db, 2)
    organizer = gen_user(db, role="organizer", unit_id=town.id)
    session = gen_session(db, bridge_points=0, organizer_unit_id=town.id)
    db.commit()
    login(organizer)
    page = client.get(f"/sessions/{session.id}/points-from-units").get_data(as_text=True)
    assert "Đảng ủy phường 1" in page and "Chi bộ cơ quan" not in page
    response = client.post(f"/sessions/{session.id}/points-from-units",
                           data={"unit_id": [str(u.id) for u in children[:2]]})
    assert response.status_code == 302
    sheet = client.post(f"/sessions/{session.id}/coordinators")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(sheet.data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "TÀI KHOẢN PHỤ TRÁCH ĐIỂM CẦU" in text and "dc-tx-001" in text
    assert "Điểm cầu Đảng ủy phường 2" in text
    url = next(w for w in text.split() if "/sign-in/" in w)
    client.post("/logout")
    link = url[url.index("/sign-in/"):]
    assert client.get(link).status_code == 200
    assert client.post(link, data={"password": "mat-khau-rieng-1"}).status_code == 302
    assert client.get(link).status_code == 400  # used up
    user = db.scalar(select(User).where(User.username == "dc-tx-001"))
    client.post("/logout")
    assert client.post("/login", data={"username": user.username,
                                       "password": "mat-khau-rieng-1"}).status_code == 302


def test_copy_page_refuses_a_missing_date_and_copies_a_good_one(db, client, login):
    organizer = gen_user(db, role="organizer")
    session = gen_session(db)
    db.commit()
    login(organizer)
    assert client.post(f"/sessions/{session.id}/copy", data={"day": "",
                                                               "start_time": "07:30"}
                       ).status_code == 422
    response = client.post(f"/sessions/{session.id}/copy",
                           data={"day": "17/12/2026", "start_time": "07:30"})
    assert response.status_code == 302
    assert "Đã sao chép" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_scale_pages_are_for_the_session_organizers_only(db, client, login, role):
    session = gen_session(db)
    user = gen_user(db, role=role, venue=session.venues[1] if role == "coordinator" else None)
    db.commit()
    login(user)
    assert client.get(f"/sessions/{session.id}/points-from-units").status_code == 403
    assert client.post(f"/sessions/{session.id}/coordinators").status_code == 403
    assert client.get(f"/sessions/{session.id}/copy").status_code == 403


def test_two_hundred_points_with_coordinators_from_the_tree(db, capsys):
    """The measure of the issue: 200 bridge points with coordinators set up from the tree."""
    town, children = _tree(db, 200)
    organizer = gen_user(db, role="organizer", unit_id=town.id)
    session = gen_session(db, bridge_points=1, organizer_unit_id=town.id)
    db.commit()
    started = time.perf_counter()
    units = scale.committees_below(db, organizer, session)
    scale.points_from_units(db, session, [u.id for u in units], now=NOW, actor=organizer)
    lines = bulk.coordinators_for(db, session, now=NOW, actor=organizer)
    tokens = [links.issue_link(KEY, line.user, now=NOW) for line in lines]
    db.commit()
    seconds = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n200 bridge points with coordinators from the tree: {seconds:.2f} s")
    assert len(lines) == 201 and len(set(tokens)) == 201
    assert seconds < 30


# Roster import: a venue or category matched without its diacritics is shown, not taken silently

ROSTER_HEADER = "Họ và tên,Chức vụ,Đơn vị,Thành phần,Địa điểm,Số điện thoại,Đảng viên"


def _roster(*rows: str) -> bytes:
    return "\r\n".join([ROSTER_HEADER, *rows]).encode()


def test_the_preview_names_what_a_loosely_spelt_venue_matched(db):
    from attendance.roster.imports import build_preview

    session = gen_session(db)
    preview = build_preview(db, session, _roster(
        "Lê Văn A,,,Đảng ủy viên,diem cau phuong 1,0912345601,có",
        "Lê Văn B,,,Đảng ủy viên,Điểm cầu phường 1,0912345602,có",
        "Lê Văn C,,,dang uy vien,ĐIỂM CẦU PHƯỜNG 2,0912345603,có"), "r.csv")
    assert preview.ok
    assert [row.matched for row in preview.rows] == [
        {"venue": "Điểm cầu phường 1"}, {},
        {"venue": "Điểm cầu phường 2", "category": "Đảng ủy viên"}]


def test_the_import_page_shows_the_loose_match(db, client, login):
    session = gen_session(db)
    organizer = gen_user(db, role="organizer")
    db.commit()
    login(organizer)
    page = client.post(f"/sessions/{session.id}/roster/import", data={
        "file": (io.BytesIO(_roster("Lê Văn A,,,Đảng ủy viên,diem cau phuong 1,0912345601,có")),
                 "r.csv")}, content_type="multipart/form-data").get_data(as_text=True)
    assert "khớp Điểm cầu phường 1" in page


# Bridge points from a file -------------------------------------------------------------------

POINTS_HEADER = "Tên điểm cầu,Mã đơn vị,Địa chỉ,Người phụ trách,Số điện thoại"


def test_points_from_a_file_all_rows_or_none(db):
    from attendance.sessions import point_files

    town, children = _tree(db, 2)
    organizer = gen_user(db, role="organizer", unit_id=town.id)
    session = gen_session(db, bridge_points=0, organizer_unit_id=town.id)
    good = "\r\n".join([POINTS_HEADER, "Điểm cầu phường 1,TX-001,Hội trường phường 1,Lê Văn A,0912345678",
                        "Điểm cầu thôn Xa,,Nhà văn hóa thôn,,"]).encode()
    bad = "\r\n".join([POINTS_HEADER, "Điểm cầu phường 1,TX-001,,,",
                       "Điểm cầu phường 1,NOPE,,,12", ",TX-002,,,"]).encode()
    with pytest.raises(point_files.PointImportError) as refused:
        point_files.import_points(db, session, bad, "p.csv", now=NOW, actor=organizer)
    assert [(r.number, r.errors) for r in refused.value.rows] == [
        (3, ["name_taken", "unit_not_found", "bad_phone"]), (4, ["required"])]
    assert len(session.venues) == 1  # nothing made
    made = point_files.import_points(db, session, good, "p.csv", now=NOW, actor=organizer)
    assert [(v.name, v.unit_id, v.address, v.coordinator_name, v.coordinator_phone)
            for v in made] == [
        ("Điểm cầu phường 1", children[0].id, "Hội trường phường 1", "Lê Văn A", "0912345678"),
        ("Điểm cầu thôn Xa", None, "Nhà văn hóa thôn", "", "")]


def test_points_file_page_names_bad_rows(db, client, login):
    organizer = gen_user(db, role="organizer")
    session = gen_session(db, bridge_points=0)
    db.commit()
    login(organizer)
    data = "\r\n".join([POINTS_HEADER, ",,,,"  , "Điểm cầu A,,,,abc"]).encode()
    response = client.post(f"/sessions/{session.id}/points-import", data={
        "file": (io.BytesIO(data), "p.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Dòng 3 (Điểm cầu A)" in response.get_data(as_text=True)
    assert client.get(f"/sessions/{session.id}/points-template.csv").status_code == 200
