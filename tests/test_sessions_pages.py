"""Session set-up pages through the test client: who may do what, forms, errors."""

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from attendance.models import (BRIDGE_POINT, HALL, AuditEntry, Category, ExpectedCount,
                               StudySession, Venue)


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def organizer_client(make_user, login):
    return login(make_user(role="organizer"))


SESSION_FORM = dict(title="Hội nghị quán triệt Nghị quyết 10", plan_number="20-KH/TU",
                    day="01/12/2026", start_time="7:30", end_time="11h00",
                    mode="Trực tiếp kết hợp với trực tuyến", presenter="Ban Tuyên giáo",
                    document_number="57-KL/TW", document_issuer="Bộ Chính trị",
                    document_issued_on="15/06/2023", document_title="Kết luận 57",
                    late_grace_minutes="10", checkin_opens_minutes="60",
                    checkin_closes_minutes="180", report_deadline="15/12/2026",
                    require_presence="y")


def test_list_shows_sessions_and_the_create_button_to_organizers(db, make_session,
                                                                  organizer_client):
    session = make_session(bridge_points=3)
    page = organizer_client.get("/sessions/").get_data(as_text=True)
    assert session.title in page and "145-KH/TU" in page
    assert session.starts_at.astimezone().strftime("%Y") in page
    assert "Tạo hội nghị" in page and 'href="/sessions/new"' in page
    assert '<td class="num">4</td>' in page  # hall + three bridge points


def test_viewer_reads_but_gets_no_buttons_and_403_on_changes(db, make_session, make_user,
                                                             login):
    session = make_session()
    client = login(make_user(role="viewer"))
    assert "Tạo hội nghị" not in client.get("/sessions/").get_data(as_text=True)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Điểm cầu phường 2" in page and "Sửa thông tin" not in page
    venue = session.venues[1]
    for url in ("/sessions/new", f"/sessions/{session.id}/edit",
                f"/sessions/{session.id}/window", f"/sessions/{session.id}/expected",
                f"/sessions/{session.id}/venues/new",
                f"/sessions/{session.id}/venues/{venue.id}/delete",
                f"/sessions/{session.id}/categories/new"):
        assert client.post(url, data={"mode": "open", "name": "x"}).status_code == 403, url
    assert client.get(f"/sessions/{session.id}/edit").status_code == 403
    db.expire_all()
    assert len(session.venues) == 3 and session.checkin_window == "auto"


def test_coordinator_sees_only_their_venue_and_session(db, make_session, make_user, login):
    mine, other = make_session(title="Hội nghị của tôi"), make_session(title="Hội nghị khác")
    client = login(make_user(role="coordinator", venue=mine.venues[1]))
    listing = client.get("/sessions/").get_data(as_text=True)
    assert "Hội nghị của tôi" in listing and "Hội nghị khác" not in listing
    page = client.get(f"/sessions/{mine.id}").get_data(as_text=True)
    assert "Điểm cầu phường 1" in page
    assert "Điểm cầu phường 2" not in page and "Hội trường UBND thị xã" not in page
    assert "Thường trực Thị ủy" not in page  # hall categories are not theirs
    assert client.get(f"/sessions/{other.id}").status_code == 404  # outside their scope
    assert client.get(f"/sessions/{mine.id}/expected").status_code == 403
    assert client.get("/sessions/999999").status_code == 404


def test_staff_see_no_empty_after_the_session_box(db, make_session, make_user, login):
    session = make_session()
    staff = login(make_user(role="staff", venue=session.venues[0]))
    assert "Sau hội nghị" not in staff.get(f"/sessions/{session.id}").get_data(as_text=True)
    viewer = login(make_user(role="viewer"))
    assert "Sau hội nghị" in viewer.get(f"/sessions/{session.id}").get_data(as_text=True)


def test_create_session_parses_local_dates_and_times(db, organizer_client):
    response = organizer_client.post("/sessions/new", data=SESSION_FORM)
    assert response.status_code == 302
    session = db.scalar(select(StudySession))
    assert response.headers["Location"].endswith(f"/sessions/{session.id}")
    assert session.starts_at == datetime(2026, 12, 1, 0, 30, tzinfo=timezone.utc)
    assert session.ends_at == datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)
    assert session.report_deadline == date(2026, 12, 15)
    assert session.document.issued_on == date(2023, 6, 15)
    assert session.require_presence and session.late_grace_minutes == 10
    page = organizer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "07:30–11:00" in page and "01/12/2026" in page and "Đã tạo hội nghị" in page


def test_new_form_shows_defaults(organizer_client):
    page = organizer_client.get("/sessions/new").get_data(as_text=True)
    assert 'value="15"' in page and 'value="90"' in page and 'value="240"' in page
    assert "dd/mm/yyyy" in page


@pytest.mark.parametrize("changes, field_message", [
    (dict(day="31/02/2026"), "Ngày không hợp lệ (dd/mm/yyyy)."),
    (dict(day="2026-12-01"), "Ngày không hợp lệ (dd/mm/yyyy)."),
    (dict(start_time="25:00"), "Giờ không hợp lệ (HH:MM)."),
    (dict(end_time="07:00"), "Giờ kết thúc phải sau giờ bắt đầu."),
    (dict(title=""), "Không được để trống."),
    (dict(day=""), "Không được để trống."),
    (dict(late_grace_minutes="-5"), "Không được là số âm."),
    (dict(checkin_opens_minutes="một giờ"), "Phải là số nguyên không âm."),
    (dict(checkin_closes_minutes="9" * 40), "Giá trị vượt quá giới hạn cho phép."),
    (dict(report_deadline="30/11/2026"), "Hạn gửi báo cáo không được trước ngày hội nghị."),
])
def test_bad_session_input_rerenders_with_a_message_and_saves_nothing(
        db, organizer_client, changes, field_message):
    response = organizer_client.post("/sessions/new", data=dict(SESSION_FORM, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_message in page
    assert 'aria-invalid="true"' in page
    assert _count(db, StudySession) == 0
    assert not db.scalar(select(AuditEntry).where(AuditEntry.action.like("session.%")))


def test_edit_session_shows_local_values_and_saves(db, make_session, organizer_client):
    session = make_session()  # starts 07:30 on 27/11/2026 in Hà Nội
    page = organizer_client.get(f"/sessions/{session.id}/edit").get_data(as_text=True)
    assert 'value="27/11/2026"' in page and 'value="07:30"' in page
    response = organizer_client.post(f"/sessions/{session.id}/edit",
                                     data=dict(SESSION_FORM, title="Tên đã sửa"))
    assert response.status_code == 302
    db.expire_all()
    assert session.title == "Tên đã sửa"
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "session.update"))


def test_organizer_forces_the_checkin_window(db, make_session, organizer_client):
    session = make_session()
    response = organizer_client.post(f"/sessions/{session.id}/window", data={"mode": "closed"})
    assert response.status_code == 302
    db.expire_all()
    assert session.checkin_window == "closed"
    page = organizer_client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Đang đóng" in page and "Ban tổ chức đã đóng điểm danh bằng tay" in page
    organizer_client.post(f"/sessions/{session.id}/window", data={"mode": "later"})
    db.expire_all()
    assert session.checkin_window == "closed"


def test_overview_shows_venues_categories_and_grid_totals(db, make_session, organizer_client):
    session = make_session(bridge_points=2)
    page = organizer_client.get(f"/sessions/{session.id}").get_data(as_text=True)
    for text in ("Hội trường UBND thị xã", "Điểm cầu phường 2", "Thường trực Thị ủy",
                 "Các thành phần khác", "chỉ đếm số người", "Thêm địa điểm",
                 "Nhập số lượng dự kiến", "Mở ngay"):
        assert text in page, text
    # Bridge-point grid: 2 venues x 2 categories x 5 -> column totals 10, grand total 20.
    assert '<td class="num"><strong>20</strong></td>' in page


def test_overview_pages_its_venues_and_keeps_the_totals_of_all(db, make_session,
                                                               organizer_client, monkeypatch):
    from webapp.sessions import views

    monkeypatch.setattr(views, "VENUES_PER_PAGE", 2)
    session = make_session(bridge_points=3)  # the hall and 3 points, 5 expected a cell
    hall, p1, p2, p3 = session.venues
    first = organizer_client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert hall.name in first and p1.name in first and p3.name not in first
    assert "(4)" in first and "Trang 1 / 2" in first
    # the bridge points' grid: p1 alone on this page, the totals of all three (3 x 5 x 2)
    assert '<td class="num"><strong>30</strong></td>' in first
    second = organizer_client.get(f"/sessions/{session.id}?page=2").get_data(as_text=True)
    assert p2.name in second and p3.name in second and p1.name not in second
    found = organizer_client.get(f"/sessions/{session.id}?q=PHUONG%203").get_data(as_text=True)
    assert p3.name in found and p1.name not in found and "1 địa điểm khớp" in found
    past = organizer_client.get(f"/sessions/{session.id}?page=99")
    assert past.status_code == 200 and p3.name in past.get_data(as_text=True)


def test_expected_grid_of_one_page_saves_that_page_only(db, make_session, organizer_client,
                                                       monkeypatch):
    from webapp.sessions import views

    monkeypatch.setattr(views, "VENUES_PER_PAGE", 2)
    monkeypatch.setattr("webapp.sessions.venues.VENUES_PER_PAGE", 2)
    session = make_session(bridge_points=3)
    hall, p1, p2, p3 = session.venues
    cat = session.categories_for(BRIDGE_POINT)[0]
    url = f"/sessions/{session.id}/expected?page=2"
    page = organizer_client.get(url).get_data(as_text=True)
    assert f'name="n-{p2.id}-{cat.id}"' in page and f'name="n-{p1.id}-{cat.id}"' not in page
    assert 'data-others="5"' in page  # p1's count of that category, on the other page
    assert organizer_client.post(url, data={f"n-{p3.id}-{cat.id}": "9"}).status_code == 302
    db.expire_all()
    assert db.get(ExpectedCount, (p3.id, cat.id)).expected == 9
    assert db.get(ExpectedCount, (p1.id, cat.id)).expected == 5


def test_add_edit_and_delete_a_venue(db, make_session, organizer_client):
    session = make_session(bridge_points=1)
    url = f"/sessions/{session.id}/venues/new"
    response = organizer_client.post(url, data=dict(
        kind=BRIDGE_POINT, name="Điểm cầu xã Phổ An", address="UBND xã",
        coordinator_name="Lê Văn Tâm", coordinator_phone="0905 123 456", unit_id=""))
    assert response.status_code == 302
    venue = db.scalar(select(Venue).where(Venue.name == "Điểm cầu xã Phổ An"))
    assert venue.coordinator_phone == "0905123456" and venue.code
    edit = f"/sessions/{session.id}/venues/{venue.id}/edit"
    assert "Lê Văn Tâm" in organizer_client.get(edit).get_data(as_text=True)
    organizer_client.post(edit, data=dict(kind=BRIDGE_POINT, name="Điểm cầu xã Phổ An",
                                          address="Nhà văn hóa xã", unit_id=""))
    db.expire_all()
    assert venue.address == "Nhà văn hóa xã"
    response = organizer_client.post(f"/sessions/{session.id}/venues/{venue.id}/delete")
    assert response.status_code == 302
    assert db.get(Venue, venue.id) is None


def test_bad_venue_input_rerenders_and_changes_nothing(db, make_session, organizer_client):
    session = make_session(bridge_points=1)
    response = organizer_client.post(f"/sessions/{session.id}/venues/new", data=dict(
        kind=HALL, name="điểm cầu phường 1", coordinator_phone="123", unit_id="77"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Hội nghị chỉ có một hội trường.", "Tên này đã có trong hội nghị.",
                 "Số điện thoại không hợp lệ.", "Lựa chọn không hợp lệ."):
        assert text in page, text
    assert _count(db, Venue) == 2


def test_deleting_a_venue_in_use_is_refused_with_a_message(db, make_session, make_person,
                                                           organizer_client):
    session = make_session(bridge_points=1)
    venue = session.venues[1]
    make_person(session, venue=venue)
    response = organizer_client.post(f"/sessions/{session.id}/venues/{venue.id}/delete",
                                     follow_redirects=True)
    assert "Đang được sử dụng, không thể xóa." in response.get_data(as_text=True)
    assert db.get(Venue, venue.id) is not None


def test_venue_of_another_session_is_404(db, make_session, organizer_client):
    first, second = make_session(), make_session()
    venue = second.venues[1]
    assert organizer_client.get(
        f"/sessions/{first.id}/venues/{venue.id}/edit").status_code == 404


def test_add_edit_and_delete_a_category(db, make_session, make_person, organizer_client):
    session = make_session()
    page = organizer_client.get(f"/sessions/{session.id}/categories/new?kind=hall")
    assert '<option selected value="hall">' in page.get_data(as_text=True)
    response = organizer_client.post(f"/sessions/{session.id}/categories/new", data=dict(
        venue_kind=BRIDGE_POINT, name="Tuyên truyền viên nòng cốt"))
    assert response.status_code == 302
    category = db.scalar(select(Category).where(Category.name == "Tuyên truyền viên nòng cốt"))
    edit = f"/sessions/{session.id}/categories/{category.id}/edit"
    organizer_client.post(edit, data=dict(venue_kind=BRIDGE_POINT, name=category.name,
                                          headcount_only="y"))
    db.expire_all()
    assert category.headcount_only
    response = organizer_client.post(edit, data=dict(venue_kind=BRIDGE_POINT,
                                                     name="Đảng ủy viên"))
    assert "Tên này đã có trong hội nghị." in response.get_data(as_text=True)
    used = session.categories_for(HALL)[0]
    make_person(session, venue=session.venues[0], category=used)
    response = organizer_client.post(f"/sessions/{session.id}/categories/{used.id}/delete",
                                     follow_redirects=True)
    assert "Đang được sử dụng, không thể xóa." in response.get_data(as_text=True)
    organizer_client.post(f"/sessions/{session.id}/categories/{category.id}/delete")
    assert db.get(Category, category.id) is None and db.get(Category, used.id) is not None


def test_expected_grid_saves_all_or_nothing(db, make_session, organizer_client):
    session = make_session(bridge_points=1)
    hall, point = session.venues
    hall_cat, hall_cat2 = session.categories_for(HALL)
    bridge_cat, other_cat = session.categories_for(BRIDGE_POINT)
    url = f"/sessions/{session.id}/expected"
    page = organizer_client.get(url).get_data(as_text=True)
    assert f'name="n-{hall.id}-{hall_cat.id}"' in page
    assert f'name="n-{hall.id}-{bridge_cat.id}"' not in page  # not a hall category

    bad = {f"n-{hall.id}-{hall_cat.id}": "8", f"n-{point.id}-{bridge_cat.id}": "-2",
           f"n-{point.id}-{other_cat.id}": "abc"}
    response = organizer_client.post(url, data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Không được là số âm." in page and "Phải là số nguyên không âm." in page
    assert 'value="abc"' in page  # what was typed stays in the box
    db.expire_all()
    assert db.get(ExpectedCount, (hall.id, hall_cat.id)).expected == 5

    good = dict(bad, **{f"n-{point.id}-{bridge_cat.id}": "12",
                        f"n-{point.id}-{other_cat.id}": "30"})
    assert organizer_client.post(url, data=good).status_code == 302
    db.expire_all()
    assert db.get(ExpectedCount, (hall.id, hall_cat.id)).expected == 8
    assert db.get(ExpectedCount, (point.id, other_cat.id)).expected == 30
    page = organizer_client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert '<td class="num"><strong>42</strong></td>' in page  # 12 + 30 at the bridge point


def test_the_list_folds_follow_on_classes_under_their_main_session(db, make_session,
                                                                   organizer_client):
    main = make_session(title="Hội nghị chính của Thị ủy")
    classes = [make_session(title=f"Lớp chi bộ số {n}", parent_session_id=main.id,
                            bridge_points=0) for n in range(1, 4)]
    alone = make_session(title="Một hội nghị khác")
    page = organizer_client.get("/sessions/").get_data(as_text=True)
    folded = page[page.index("<details>"):page.index("</details>")]
    assert "3 lớp ở cơ sở của hội nghị này" in folded
    assert all(f"/sessions/{c.id}\"" in folded for c in classes)
    assert f"/sessions/{alone.id}\"" not in folded and f"/sessions/{main.id}\"" not in folded
    assert page.count("<details>") == 1  # one fold, under the main session only
