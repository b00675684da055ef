"""A large session's venue fields (webapp/pickers.py): no drop-down of every venue, a
text box whose suggestions come from GET /sessions/<id>/venues/search, and the typed name
understood without the script (any case, with or without diacritics); a name of no venue
says so and changes nothing. SELECT_MAX is lowered so a test session of 4 venues is large."""

import pytest
from sqlalchemy import func, select

from attendance.models import Person
from webapp import pickers

from .factories import gen_person


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(pickers, "SELECT_MAX", 2)


@pytest.fixture
def session(make_session):
    return make_session(bridge_points=3)


def test_a_small_sessions_venue_field_stays_a_drop_down(client, make_user, login, session):
    page = login(make_user()).get(f"/sessions/{session.id}/roster/").get_data(as_text=True)
    assert '<select name="venue_id">' in page and "data-venue-picker" not in page
    assert page.count("Điểm cầu phường") >= 3


def test_the_roster_filter_of_a_large_session_takes_a_typed_name(
        large, client, db, make_user, login, session):
    point = session.venues[2]
    gen_person(db, session, venue=point, full_name="Trần Thị Bình")
    gen_person(db, session, full_name="Nguyễn Văn An")
    db.commit()
    client = login(make_user())
    url = f"/sessions/{session.id}/roster/"
    page = client.get(url).get_data(as_text=True)
    assert "data-venue-picker" in page and "Điểm cầu phường 3" not in page  # no list of all
    # Without the script: the name as typed, case and diacritics aside.
    page = client.get(url, query_string={"venue_id_name": "DIEM CAU PHUONG 2"}).get_data(
        as_text=True)
    assert "Trần Thị Bình" in page and "Nguyễn Văn An" not in page
    assert 'value="Điểm cầu phường 2"' in page  # the box keeps the venue chosen
    page = client.get(url, query_string={"venue_id_name": "Điểm cầu phường 9"}).get_data(
        as_text=True)
    assert "Không có địa điểm nào tên “Điểm cầu phường 9”" in page
    assert "Trần Thị Bình" in page and "Nguyễn Văn An" in page  # no filter
    # The script's way: the id in the hidden field.
    page = client.get(url, query_string={"venue_id": point.id}).get_data(as_text=True)
    assert "Trần Thị Bình" in page and "Nguyễn Văn An" not in page


def test_suggestions_by_name_never_the_posters_secret_and_scoped(
        large, client, make_user, login, session):
    client = login(make_user(role="viewer"))
    url = f"/sessions/{session.id}/venues/search"
    found = client.get(url, query_string={"q": "phuong"}).get_json()["venues"]
    assert [v["name"] for v in found] == ["Điểm cầu phường 1", "Điểm cầu phường 2",
                                          "Điểm cầu phường 3"]
    assert set(found[0]) == {"id", "name"}  # a venue's code opens its self check-in
    assert client.get(url, query_string={"q": session.venues[1].code}).get_json() == {
        "venues": []}
    coordinator = login(make_user(role="coordinator", venue=session.venues[1]))
    found = coordinator.get(url, query_string={"q": ""}).get_json()["venues"]
    assert [v["id"] for v in found] == [session.venues[1].id]


def test_a_person_is_added_at_a_typed_venue_and_an_unknown_one_is_refused(
        large, client, db, make_user, login, session):
    client = login(make_user())
    point = session.venues[3]
    category = session.categories_for(point.kind)[0]
    form = {"full_name": "Lê Văn Cường", "venue_id": "", "venue_id_name": "điểm cầu phường 3",
            "category_id": category.id, "position": "", "unit_name": "", "phone": ""}
    page = client.get(f"/sessions/{session.id}/roster/new").get_data(as_text=True)
    assert "data-venue-picker" in page and "Điểm cầu phường 3" not in page
    refused = client.post(f"/sessions/{session.id}/roster/new",
                          data={**form, "venue_id_name": "Điểm cầu xã 7"})
    assert refused.status_code == 200
    assert "Không có địa điểm nào tên “Điểm cầu xã 7”" in refused.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Person)) == 0
    added = client.post(f"/sessions/{session.id}/roster/new", data=form)
    assert added.status_code == 302
    person = db.scalar(select(Person).where(Person.full_name == "Lê Văn Cường"))
    assert person.venue_id == point.id


def test_the_make_up_and_attendance_filters_take_a_typed_name(
        large, client, make_user, login, session):
    client = login(make_user())
    for path in ("makeup", "attendance"):
        response = client.get(f"/sessions/{session.id}/{path}",
                              query_string={"venue_id_name": "Không có nơi này"})
        assert response.status_code == 200, path
        assert "Không có địa điểm nào tên “Không có nơi này”" in response.get_data(
            as_text=True), path


def test_the_users_page_pages_its_accounts_and_searches_venues_of_every_session(
        large, client, db, make_user, make_session, login, session, monkeypatch):
    from attendance.models import User
    from webapp.users import views as users_views

    monkeypatch.setattr(users_views, "PER_PAGE", 3)
    other = make_session(bridge_points=1, title="Hội nghị học tập Nghị quyết 18")
    for n in range(5):
        make_user(role="viewer", username=f"xem{n}")
    client = login(make_user(username="btc"))
    page = client.get("/users/").get_data(as_text=True)
    assert "data-venue-picker" in page and "<optgroup" not in page  # no list of every venue
    assert "Trang 1 / 2" in page and "6 người dùng" in page
    assert "xem3" in client.get("/users/?q=XEM3").get_data(as_text=True)
    found = client.get("/users/venues/search", query_string={"q": "hoi truong"}).get_json()
    labels = [v["name"] for v in found["venues"]]
    assert len(labels) == 2 and all(label.startswith("Hội trường UBND thị xã · ") for label in
                                    labels)  # one hall per session, told apart by the session
    hall = session.venues[0]
    form = {"username": "dontiep1", "full_name": "", "role": "staff", "password": "mật-khẩu-dài-1",
            "venue_id": "", "venue_id_name": "Hội trường UBND thị xã", "unit_id": ""}
    ambiguous = client.post("/users/", data=form)  # two sessions have a hall of that name
    assert ambiguous.status_code == 400
    assert "Không có địa điểm nào tên" in ambiguous.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(User).where(
        User.username == "dontiep1")) == 0
    label = next(v["name"] for v in found["venues"] if v["id"] == hall.id)
    created = client.post("/users/", data={**form, "venue_id_name": label})
    assert created.status_code == 302, created.get_data(as_text=True)
    assert other.id != session.id
