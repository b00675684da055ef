"""Self check-in from a venue's poster link: name + phone digits (+ presence code) checked in
only on a match, nothing listed; walk in; presence codes; and the venue's display page."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from attendance.checkin import selfcheckin
from attendance.checkin.scan import CheckInError
from attendance.checkin.tokens import presence_code
from attendance.models import Attendance, Person, ScanAttempt
from webapp.checkin import card_key, presence_key

ACCEPTED = "self-result-ok"  # the green answer (present, or late: the real clock decides)


@pytest.fixture
def hall(make_session, make_person):
    session = make_session(checkin_window="open")
    venue = session.venues[0]
    person = make_person(session, full_name="Trần Thị Hường", position="Trưởng phòng Nội vụ",
                         phone="0912345678")
    make_person(session, full_name="Trần Văn Hùng", phone="0987650000")
    return session, venue, person


def nonce_of(html: str) -> str:
    return re.search(r'name="nonce" type="hidden" value="([0-9a-f]+)"', html).group(1)


def attendances(db) -> int:
    return db.scalar(select(func.count()).select_from(Attendance))


def _code(venue) -> str:
    return presence_code(presence_key(), venue.id, datetime.now(timezone.utc))


def test_name_digits_and_presence_check_in_at_once_and_once(app, db, client, hall):
    session, venue, person = hall
    page = client.get(f"/c/{venue.code}?p={_code(venue)}").get_data(as_text=True)
    form = {"name": "tran huong", "digits": "5678", "presence": _code(venue),
            "nonce": nonce_of(page)}
    first = client.post(f"/c/{venue.code}", data=form)
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and ACCEPTED in html and "0912345678" not in html
    again = client.post(f"/c/{venue.code}", data=form)  # a double submit
    assert ACCEPTED in again.get_data(as_text=True)
    assert attendances(db) == 1
    row = db.scalar(select(Attendance))
    assert (row.person_id, row.method, row.recorded_by_id) == (person.id, "self", None)
    later = dict(form, nonce="another-form-0001")
    html = client.post(f"/c/{venue.code}", data=later).get_data(as_text=True)
    assert "Đã điểm danh tại" in html and attendances(db) == 1


def test_no_page_lists_or_confirms_anyone(app, db, client, hall, make_person):
    """The audit's enumeration: a search for "ng" with guessed endings named 17 people."""
    session, venue, person = hall
    make_person(session, full_name="Trần Văn Hường", phone="0900005678")  # same name part
    for name, digits in (("ng", "5678"), ("Trần", "5678"), ("Trần", "1111"),
                         ("Trần Thị Hường", "1111")):
        page = client.post(f"/c/{venue.code}", data={
            "name": name, "digits": digits, "presence": _code(venue), "nonce": f"n-{name}-1"})
        html = page.get_data(as_text=True)
        assert page.status_code in (422, 429), (name, digits)
        assert "Hường" not in html.replace(name, "") and "Hùng" not in html
        assert "Trưởng phòng" not in html
    assert attendances(db) == 0
    bad = client.post(f"/c/{venue.code}", data={"name": "Trần", "digits": "12a", "nonce": "n2"})
    assert bad.status_code == 422 and "4 chữ số cuối" in bad.get_data(as_text=True)
    assert client.post(f"/c/{venue.code}/checkin", data={
        "person_id": person.id, "digits": "5678", "nonce": "forged-1"}).status_code == 404
    assert client.get("/c/not-a-venue").status_code == 404


def test_two_people_alike_are_sent_to_the_door(app, db, hall, make_person):
    session, venue, person = hall
    make_person(session, full_name="Trần Thị Hường", phone="0987005678")
    with pytest.raises(CheckInError) as error:
        selfcheckin.check_in_self(db, card_key=card_key(), presence_key=presence_key(),
                                  session=session, venue=venue, name="Trần Thị Hường",
                                  digits="5678", presence=_code(venue), nonce="n-twins-1",
                                  now=datetime.now(timezone.utc))
    assert error.value.code == "self_ambiguous" and attendances(db) == 0


def test_presence_is_required_by_default_and_checked_before_any_look_up(app, db, hall):
    session, venue, person = hall
    assert session.require_presence  # the default
    now = datetime.now(timezone.utc)
    common = dict(card_key=card_key(), presence_key=presence_key(), session=session,
                  venue=venue, digits="5678", now=now)
    for code in ("", "ABCDEF"):
        for name in ("Trần Thị Hường", "Không Có Ai"):  # the same answer: nothing learnt
            with pytest.raises(CheckInError) as error:
                selfcheckin.check_in_self(db, presence=code, nonce=f"n-{code}", name=name,
                                          **common)
            assert error.value.code == "presence_required"
    expired = presence_code(presence_key(), venue.id, now - timedelta(seconds=90))
    with pytest.raises(CheckInError):
        selfcheckin.check_in_self(db, presence=expired, nonce="n-old", name="Hường", **common)
    other_venue = presence_code(presence_key(), session.venues[1].id, now)
    with pytest.raises(CheckInError):
        selfcheckin.check_in_self(db, presence=other_venue, nonce="n-other", name="Hường",
                                  **common)
    assert attendances(db) == 0
    assert db.scalar(select(func.count()).select_from(ScanAttempt)) == 0
    current = presence_code(presence_key(), venue.id, now).lower()
    result = selfcheckin.check_in_self(db, presence=current, nonce="n-ok", name="Hường",
                                       **common)
    assert result.outcome == "accepted"


def test_presence_switched_off_lets_name_and_digits_alone(app, db, hall):
    session, venue, person = hall
    session.require_presence = False
    result = selfcheckin.check_in_self(
        db, card_key=card_key(), presence_key=presence_key(), session=session, venue=venue,
        name="Hường", digits="5678", presence=None, nonce="n-off-1",
        now=datetime.now(timezone.utc))
    assert result.outcome == "accepted"


def test_presence_over_http_prefilled_from_the_screen_link(app, db, client, hall):
    session, venue, person = hall
    code = _code(venue)
    page = client.get(f"/c/{venue.code}?p={code}").get_data(as_text=True)
    assert f'value="{code}"' in page
    refused = client.post(f"/c/{venue.code}", data={
        "name": "Hường", "digits": "5678", "presence": "ZZZZZZ", "nonce": "x1"})
    assert refused.status_code == 422 and "Mã tại chỗ" in refused.get_data(as_text=True)
    accepted = client.post(f"/c/{venue.code}", data={
        "name": "Hường", "digits": "5678", "presence": code, "nonce": "x2"})
    assert ACCEPTED in accepted.get_data(as_text=True) and attendances(db) == 1


def test_walk_in_registers_and_checks_in(app, db, client, hall):
    session, venue, person = hall
    page = client.get(f"/c/{venue.code}/walk-in").get_data(as_text=True)
    assert "Thường trực Thị ủy" in page and "Đảng ủy viên" not in page  # hall categories only
    assert '<option selected value="">— Chọn thành phần —</option>' in page  # none chosen
    empty = client.post(f"/c/{venue.code}/walk-in", data={
        "full_name": "", "phone": "", "category_id": "", "nonce": "w0"}).get_data(as_text=True)
    assert empty.count("Không được để trống.") == 3  # name, phone and category at once
    form = {"full_name": "Phạm Quốc Việt", "position": "Chuyên viên", "unit_name": "Văn phòng",
            "phone": "0901 222 333", "category_id": session.categories_for("hall")[1].id,
            "nonce": nonce_of(page), "presence": _code(venue)}
    first = client.post(f"/c/{venue.code}/walk-in", data=form)
    assert first.status_code == 200 and ACCEPTED in first.get_data(as_text=True)
    client.post(f"/c/{venue.code}/walk-in", data=form)  # a double submit
    walk_ins = db.scalars(select(Person).where(Person.walk_in.is_(True))).all()
    assert [(p.full_name, p.phone) for p in walk_ins] == [("Phạm Quốc Việt", "0901222333")]
    assert attendances(db) == 1


def test_walk_in_bad_input_rerenders_with_messages(app, db, client, hall):
    session, venue, person = hall
    point_category = session.categories_for("bridge_point")[0].id
    page = client.post(f"/c/{venue.code}/walk-in", data={
        "full_name": "", "phone": "12", "category_id": point_category, "nonce": "w1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Không được để trống." in html
    page = client.post(f"/c/{venue.code}/walk-in", data={
        "full_name": "Ngô Văn Bình", "phone": "12", "category_id": point_category,
        "nonce": "w2"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Lựa chọn không hợp lệ." in html
    page = client.post(f"/c/{venue.code}/walk-in", data={
        "full_name": "Ngô Văn Bình", "phone": "12",
        "category_id": session.categories_for("hall")[0].id, "nonce": "w3",
        "presence": _code(venue)})
    assert page.status_code == 422 and "Số điện thoại không hợp lệ." in page.get_data(
        as_text=True)
    assert db.scalar(select(func.count()).select_from(Person)) == 2 and attendances(db) == 0


def test_display_page_and_rotating_code(app, db, client, hall, make_user, login):
    session, venue, person = hall
    url = f"/sessions/{session.id}/venues/{venue.id}"
    assert client.get(url + "/display").status_code == 302
    login(make_user(role="coordinator", venue=session.venues[1]))
    assert client.get(url + "/display").status_code == 403
    client.post("/logout")
    login(make_user())
    session.require_presence = False
    db.commit()
    page = client.get(url + "/display").get_data(as_text=True)
    assert "js/presence.js" not in page and f"/c/{venue.code}" in page  # the static venue QR
    assert client.get(url + "/presence.json").get_json()["code"] is None
    session.require_presence = True
    db.commit()
    page = client.get(url + "/display").get_data(as_text=True)
    state = client.get(url + "/presence.json").get_json()
    assert "js/presence.js" in page and "<script>" not in page
    assert re.fullmatch(r"[A-Z2-7]{6}", state["code"]) and 0 < state["seconds_left"] <= 30
    assert state["url"].endswith(f"/c/{venue.code}?p={state['code']}")
    image = client.get(url + "/presence.png")
    assert image.mimetype == "image/png" and image.headers["Cache-Control"] == "no-store"


def test_at_another_venues_poster_the_person_is_told_and_asked(app, db, client, hall,
                                                                make_person, make_user, login):
    """A delegate of a bridge point at the hall's poster: told where they were invited; only
    after "yes, I am here" checked in here, which the organizer sees as a check-in elsewhere."""
    session, venue, _ = hall
    point = session.venues[1]
    guest = make_person(session, venue=point, full_name="Phạm Văn Phổ An", phone="0900001234")
    form = {"name": "pham van pho an", "digits": "1234", "presence": _code(venue),
            "nonce": "wrong-poster-0001"}
    asked = client.post(f"/c/{venue.code}", data=form)
    html = asked.get_data(as_text=True)
    assert "Bạn được mời dự tại Điểm cầu phường 1." in html
    assert 'name="here" value="1"' in html and attendances(db) == 0
    yes = client.post(f"/c/{venue.code}", data=dict(form, here="1"))
    assert ACCEPTED in yes.get_data(as_text=True)
    row = db.scalar(select(Attendance))
    assert (row.person_id, row.venue_id, row.elsewhere) == (guest.id, venue.id, True)
    organizer = login(make_user(role="organizer"))
    listed = organizer.get(f"/sessions/{session.id}/attendance?elsewhere=1").get_data(
        as_text=True)
    assert "Phạm Văn Phổ An" in listed and "nơi khác; mời tại Điểm cầu phường 1" in listed
    with pytest.raises(CheckInError) as caught:  # the rule itself, without HTTP
        selfcheckin.check_in_self(
            db, card_key=card_key(), presence_key=presence_key(), session=session,
            venue=point, name="Trần Thị Hường", digits="5678", presence=_code(point),
            nonce="wrong-poster-0002", now=datetime.now(timezone.utc))
    assert (caught.value.code, caught.value.params) == ("self_other_venue",
                                                        {"venue": venue.name})
