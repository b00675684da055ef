"""The registry's and the cascade's pages over HTTP (the rules are tested without HTTP)."""

import io

from attendance.members import registry
from attendance.models import Attendance, Member, Person

from .factories import NOW, gen_session, gen_user
from .members_data import csv_file, gen_tree
from .test_members import scoped_organizer


def _setup(db):
    units = gen_tree(db)
    an = registry.add_member(db, dict(full_name="Nguyễn Văn An", unit_id=units["PH-1"].id,
                                      member_no="100"), now=NOW, actor=None)
    em = registry.add_member(db, dict(full_name="Võ Thị Em", unit_id=units["PM-1"].id),
                             now=NOW, actor=None)
    db.commit()
    return units, an, em


def test_members_pages_are_for_organizers_within_their_scope(client, db, login):
    units, an, em = _setup(db)
    ward = scoped_organizer(db, units["PH"])
    viewer = gen_user(db, role="viewer")
    db.commit()
    login(viewer)
    assert client.get("/members/").status_code == 403
    client.post("/logout")
    login(ward)
    page = client.get("/members/").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Võ Thị Em" not in page
    assert client.get(f"/members/{em.id}/edit").status_code == 404
    assert client.get(f"/members/{an.id}/edit").status_code == 200
    exported = client.get("/members/export.csv").get_data(as_text=True)
    assert "Nguyễn Văn An" in exported and "Võ Thị Em" not in exported


def test_add_edit_and_move_through_the_forms(client, db, login):
    units, an, _ = _setup(db)
    login(gen_user(db))
    response = client.post("/members/new", data={
        "full_name": "Lê Bình", "unit_id": units["PH-1"].id, "birth_date": "31/02/1970",
        "status": "active"})
    assert response.status_code == 200 and "Ngày sinh không hợp lệ" in response.get_data(
        as_text=True)
    response = client.post("/members/new", data={
        "full_name": "Lê Bình", "unit_id": units["PH-1"].id, "birth_date": "01/02/1970",
        "status": "exempt", "party_member": "y"})
    assert response.status_code == 302
    assert db.query(Member).filter_by(full_name="Lê Bình").one().status == "exempt"
    response = client.post(f"/members/{an.id}/move", data={"unit_id": units["PM-1"].id,
                                                            "note": "QĐ 12"})
    assert response.status_code == 302
    page = client.get(f"/members/{an.id}/move").get_data(as_text=True)
    assert "Chi bộ tổ dân phố 1 → Chi bộ tổ dân phố 1 (QĐ 12)" in page


def test_import_preview_then_confirm(client, db, login):
    _setup(db)
    login(gen_user(db))
    data = csv_file(["Nguyễn Văn An", "PH-1", "Bí thư", "100"], ["Mới", "PM-1"],
                    header=["Họ và tên", "Mã đơn vị", "Chức vụ", "Số thẻ đảng viên"])
    response = client.post("/members/import", data={"file": (io.BytesIO(data), "dv.csv")})
    page = response.get_data(as_text=True)
    assert "thêm mới 1, cập nhật 1, không đổi 0" in page and "Cập nhật: chức vụ" in page
    upload = page.split('name="upload" type="hidden" value="')[1].split('"')[0]
    assert client.post("/members/import/confirm", data={"upload": upload}).status_code == 302
    assert db.query(Member).count() == 3
    bad = csv_file(["", "PH-1"])
    response = client.post("/members/import", data={"file": (io.BytesIO(bad), "dv.csv")})
    assert response.status_code == 200 and "Dòng 2" in response.get_data(as_text=True)


def test_roster_from_members_and_the_update_mode_of_the_web_import(client, db, login):
    units, an, _ = _setup(db)
    session = gen_session(db, organizer_unit_id=units["TU"].id)
    db.commit()
    login(gen_user(db))
    hall = session.venues[0]
    category = session.categories_for("hall")[0]
    response = client.post(f"/sessions/{session.id}/roster/from-members", data={
        "unit_ids": [units["PH"].id], "positions": "", "venue_id": hall.id,
        "category_id": category.id})
    assert response.status_code == 302
    assert db.query(Person).one().member_id == an.id
    data = ("Họ và tên,Thành phần,Địa điểm,Số thẻ đảng viên\r\n"
            f"Nguyễn Văn An,Báo cáo viên Thị ủy,{hall.name},100\r\n").encode()
    response = client.post(f"/sessions/{session.id}/roster/import", data={
        "file": (io.BytesIO(data), "ds.csv"), "mode": "update"})
    page = response.get_data(as_text=True)
    assert "thêm mới 0, cập nhật 1, không đổi 0" in page and "Cập nhật: thành phần" in page
    upload = page.split('name="upload" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/sessions/{session.id}/roster/import/confirm",
                           data={"upload": upload, "mode": "update"})
    assert response.status_code == 302
    assert db.query(Person).one().category.name == "Báo cáo viên Thị ủy"


def test_a_cell_secretary_creates_a_class_and_marks_it_on_one_screen(client, db, login):
    units, an, _ = _setup(db)
    session = gen_session(db, organizer_unit_id=units["TU"].id)
    secretary = scoped_organizer(db, units["PH-1"])
    db.commit()
    login(secretary)
    assert session.title in client.get("/classes/").get_data(as_text=True)
    response = client.post(f"/classes/new/{session.id}", data={
        "unit_id": units["PH-1"].id, "held_on": "2026-13-40", "starts": "19:30",
        "place": "Nhà văn hóa"})
    assert "Ngày không hợp lệ" in response.get_data(as_text=True)
    response = client.post(f"/classes/new/{session.id}", data={
        "unit_id": units["PH-1"].id, "held_on": "2026-11-30", "starts": "19:30",
        "place": "Nhà văn hóa"})
    assert response.status_code == 302
    roll_url = response.headers["Location"]
    page = client.get(roll_url).get_data(as_text=True)
    person = db.query(Person).filter_by(member_id=an.id).one()
    assert f'name="mark-{person.id}"' in page
    response = client.post(roll_url, data={f"mark-{person.id}": "absent",
                                           f"reason-{person.id}": "ốm"})
    assert response.status_code == 302
    attendance = db.query(Attendance).one()
    assert (attendance.status, attendance.absence_reason) == ("absent_excused", "ốm")
    other = scoped_organizer(db, units["PM"])
    db.commit()
    client.post("/logout")
    login(other)
    assert client.get(roll_url).status_code == 404
