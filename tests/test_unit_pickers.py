"""Unit fields of a large tree (webapp/pickers.py: a nation has 58,763 units): no drop-down of
every unit but a search box (GET /units/search, labels "unit · parent" so that repeated cell
names stay apart), the typed label understood without the script, an unknown or ambiguous
one refused and nothing changed. SELECT_MAX is lowered so the test town's 6 units are many."""

import pytest
from sqlalchemy import func, select

from attendance.models import Member, Person, StudySession, Venue
from webapp import pickers

from .cascade_data import build_town


@pytest.fixture
def town(db, monkeypatch):
    monkeypatch.setattr(pickers, "SELECT_MAX", 2)
    town = build_town(db)
    db.commit()
    return town


def test_suggestions_carry_the_parent_and_follow_the_scope(client, db, make_user, login, town):
    client = login(make_user(role="viewer"))
    found = client.get("/units/search", query_string={"q": "to dan pho 1"}).get_json()["units"]
    assert sorted(u["name"] for u in found) == ["Chi bộ tổ dân phố 1 · Đảng ủy phường Phổ Hòa",
                                                "Chi bộ tổ dân phố 1 · Đảng ủy phường Phổ Ninh"]
    ward = login(make_user(unit_id=town.ninh.id))
    found = ward.get("/units/search", query_string={"q": "chi bo"}).get_json()["units"]
    assert [u["id"] for u in found] == [town.cells["ninh1"].id]  # only under their ward
    assert login(make_user(role="coordinator", venue=town.session.venues[0])).get(
        "/units/search").status_code in (403, 404)


def test_a_member_added_and_filtered_by_a_typed_unit(client, db, make_user, login, town):
    client = login(make_user())
    page = client.get("/members/new").get_data(as_text=True)
    assert 'name="unit_id_name"' in page and "<option" not in page.split('name="unit_id_name"')[0][-400:]
    form = {"full_name": "Lê Bình", "unit_id": "", "birth_date": "01/02/1970", "status": "active"}
    ambiguous = client.post("/members/new", data={**form, "unit_id_name": "Chi bộ tổ dân phố 1"})
    assert ambiguous.status_code == 200  # one in each ward: said, nothing added
    assert "Không có đơn vị nào tên “Chi bộ tổ dân phố 1”" in ambiguous.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Member).where(
        Member.full_name == "Lê Bình")) == 0
    added = client.post("/members/new", data={
        **form, "unit_id_name": "chi bo to dan pho 1 · dang uy phuong pho ninh"})
    assert added.status_code == 302
    assert db.scalar(select(Member.unit_id).where(Member.full_name == "Lê Bình")) == \
        town.cells["ninh1"].id
    listed = client.get("/members/", query_string={
        "unit_id_name": "Đảng ủy phường Phổ Ninh"}).get_data(as_text=True)
    assert "Lê Bình" in listed and 'value="Đảng ủy phường Phổ Ninh · Thị ủy Đức Phổ"' in listed


def test_session_venue_and_make_up_forms_take_a_typed_unit(client, db, make_user, login, town):
    client = login(make_user())
    page = client.get(f"/sessions/{town.session.id}/edit").get_data(as_text=True)
    assert 'name="organizer_unit_id_name"' in page
    venue_form = {"kind": "bridge_point", "name": "Điểm cầu phường Phổ Ninh", "address": "",
                  "unit_id": "", "unit_id_name": "Đảng ủy phường Phổ Ninh",
                  "coordinator_name": "", "coordinator_phone": ""}
    added = client.post(f"/sessions/{town.session.id}/venues/new", data=venue_form)
    assert added.status_code == 302, added.get_data(as_text=True)
    assert db.scalar(select(Venue.unit_id).where(
        Venue.name == "Điểm cầu phường Phổ Ninh")) == town.ninh.id
    refused = client.post(f"/sessions/{town.session.id}/venues/new", data={
        **venue_form, "name": "Điểm cầu khác", "unit_id_name": "Đảng ủy xã Không Có"})
    assert refused.status_code == 200
    assert "Không có đơn vị nào tên “Đảng ủy xã Không Có”" in refused.get_data(as_text=True)
    assert 'name="unit_id_name"' in client.get(
        f"/sessions/{town.session.id}/makeup").get_data(as_text=True)


def test_a_roster_from_the_members_of_a_typed_unit(client, db, make_user, login, town):
    session = StudySession(title="Hội nghị phường", plan_number="1-KH/ĐU",
                           starts_at=town.session.starts_at, ends_at=town.session.ends_at,
                           created_at=town.session.created_at, organizer_unit_id=town.ninh.id)
    db.add(session)
    db.flush()
    from attendance.models import Category
    venue = Venue(session=session, kind="hall", name="Hội trường phường", code="h-ninh")
    category = Category(session=session, venue_kind="hall", name="Đảng viên")
    db.add_all([venue, category])
    db.commit()
    client = login(make_user())
    added = client.post(f"/sessions/{session.id}/roster/from-members", data={
        "unit_ids": "", "unit_ids_name": "Đảng ủy phường Phổ Ninh", "positions": "",
        "venue_id": venue.id, "category_id": category.id})
    assert added.status_code == 302, added.get_data(as_text=True)
    names = set(db.scalars(select(Person.full_name).where(Person.session_id == session.id)))
    members = set(db.scalars(select(Member.full_name).where(
        Member.unit_id == town.cells["ninh1"].id, Member.status == "active")))
    assert names == members and names


def test_the_units_page_of_a_large_tree_shows_one_level_and_finds_by_name(
        client, db, make_user, login, town, monkeypatch):
    from webapp.units import views as unit_views

    monkeypatch.setattr(unit_views, "UNITS_LISTED", 1)
    client = login(make_user())
    top = client.get("/units/").get_data(as_text=True)
    assert "Thị ủy Đức Phổ" in top and "Đảng ủy phường Phổ Hòa" not in top  # one level
    assert "(2 đơn vị trực thuộc)" in top
    ward = client.get("/units/", query_string={"unit": town.hoa.id}).get_data(as_text=True)
    assert "Chi bộ tổ dân phố 2" in ward and "Đảng ủy phường Phổ Ninh" not in ward
    assert f'href="/units/?unit={town.town.id}"' in ward  # the way up
    found = client.get("/units/", query_string={"q": "to dan pho 2"}).get_data(as_text=True)
    assert f'/units/?unit={town.hoa.id}#unit-{town.cells["hoa2"].id}' in found
    # Moving a unit under one of its own is refused, typed or by id.
    moved = client.post(f"/units/{town.hoa.id}/edit", data={
        "code": town.hoa.code, "name": town.hoa.name, "kind": town.hoa.kind,
        "parent_id": town.cells["hoa1"].id, "letterhead": "", "place": "", "symbol": "ĐU"})
    assert moved.status_code == 400
    db.expire_all()
    assert db.get(type(town.hoa), town.hoa.id).parent_id == town.town.id
    scoped = login(make_user(unit_id=town.ninh.id))
    assert scoped.get("/units/", query_string={"unit": town.hoa.id}).status_code == 404


def test_reporting_units_of_a_large_tree_are_the_organizers_own(
        client, db, make_user, login, town, monkeypatch):
    from webapp.outcomes import reports as report_views

    monkeypatch.setattr(report_views, "REPORTING_LISTED", 2)
    client = login(make_user())
    page = client.get(f"/sessions/{town.session.id}/reports/units").get_data(as_text=True)
    for unit in (town.hoa, town.ninh):  # the town's wards report to it; their cells do not
        assert f'name="units" value="{unit.id}"' in page
    for cell in town.cells.values():
        assert f'name="units" value="{cell.id}"' not in page


def test_essays_of_a_large_tree_filtered_by_a_typed_unit(client, db, make_user, login, town):
    client = login(make_user())
    page = client.get(f"/sessions/{town.session.id}/essays", query_string={
        "unit_name": "Đảng ủy phường Phổ Ninh · Thị ủy Đức Phổ"}).get_data(as_text=True)
    assert 'value="Đảng ủy phường Phổ Ninh · Thị ủy Đức Phổ"' in page and 'name="unit_name"' in page
