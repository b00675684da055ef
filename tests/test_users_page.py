"""The users page over HTTP: who may use it, creating, locking, passwords, device tokens."""

import pytest
from sqlalchemy import func, select

from attendance.accounts import users as accounts
from attendance.models import ApiToken, Unit, User
from tests.factories import NOW, PASSWORD


@pytest.fixture
def organizer(make_user):
    return make_user(role="organizer", username="vanphong", full_name="Lê Thị Văn Phòng")


@pytest.fixture
def as_organizer(login, organizer):
    return login(organizer)


def _count_users(db):
    return db.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("role", ["staff", "coordinator", "viewer", "reporter"])
def test_only_organizers_may_use_the_page(db, make_session, make_user, login, role):
    session = make_session()
    unit = Unit(name="Đảng ủy phường Nguyễn Nghiêm", kind="committee")
    db.add(unit)
    db.commit()
    user = make_user(role=role, venue=session.venues[1] if role in ("staff", "coordinator")
                     else None, unit_id=unit.id if role == "reporter" else None)
    client = login(user)
    before = _count_users(db)
    assert client.get("/users/").status_code == 403
    assert client.post("/users/", data={"username": "x.y", "role": "organizer",
                                         "password": "long-enough-1"}).status_code == 403
    assert client.post(f"/users/{user.id}/tokens", data={}).status_code == 403
    assert _count_users(db) == before


def test_page_needs_sign_in(client):
    response = client.get("/users/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_list_shows_users_with_role_and_scope(db, make_session, make_user, as_organizer):
    session = make_session()
    make_user(role="coordinator", venue=session.venues[1], username="phohoa",
              full_name="Trần Văn Phổ Hòa")
    page = as_organizer.get("/users/").get_data(as_text=True)
    assert "phohoa" in page and "Trần Văn Phổ Hòa" in page
    assert "Người điều phối điểm cầu" in page and "Điểm cầu phường 1" in page
    # The venue select lists venues grouped by their session.
    assert f'<optgroup label="27/11/2026 · {session.title}">' in page


def test_scopes_name_the_session_when_sessions_share_a_date(db, make_session, make_user,
                                                           as_organizer):
    first = make_session(title="Quán triệt Kết luận 57")
    second = make_session(title="Học tập Nghị quyết 18")
    make_user(role="coordinator", venue=first.venues[1], username="dc-a")
    make_user(role="coordinator", venue=second.venues[1], username="dc-b")
    page = as_organizer.get("/users/").get_data(as_text=True)
    assert "Điểm cầu phường 1 <span class=\"muted\">— Quán triệt Kết luận 57, 27/11/2026" in page
    assert "— Học tập Nghị quyết 18, 27/11/2026" in page


def test_create_staff_user_scoped_to_a_venue(db, make_session, as_organizer):
    session = make_session()
    venue = session.venues[2]
    response = as_organizer.post("/users/", data={
        "username": "Cua.So-1", "full_name": "  Nguyễn  Văn Cửa ", "role": "staff",
        "password": "long-enough-1", "venue_id": str(venue.id), "unit_id": ""})
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.username == "cua.so-1"))
    assert (user.role, user.full_name) == ("staff", "Nguyễn Văn Cửa")
    assert [(a.session_id, a.venue_id) for a in user.assignments] == [(session.id, venue.id)]
    assert accounts.authenticate(db, "cua.so-1", "long-enough-1") == user
    assert "Đã tạo tài khoản cua.so-1" in as_organizer.get("/users/").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"username": "bad name!", "role": "viewer", "password": "long-enough-1"},
     "Tên đăng nhập chỉ gồm chữ"),
    ({"username": "vanphong", "role": "viewer", "password": "long-enough-1"},
     "Tên đăng nhập đã có người dùng"),
    ({"username": "newreporter", "role": "reporter", "password": "long-enough-1"},
     "Vai trò này cần gắn với một đơn vị"),
    ({"username": "newviewer", "role": "viewer", "password": "short"},
     "Mật khẩu cần ít nhất 8 ký tự"),
    ({"username": "newviewer", "role": "admin", "password": "long-enough-1"},
     "Lựa chọn không hợp lệ"),
    ({"username": "newstaff", "role": "staff", "password": "long-enough-1", "venue_id": "999"},
     "Lựa chọn không hợp lệ"),
    ({"username": "newstaff", "role": "staff", "password": "long-enough-1", "venue_id": "abc"},
     "Lựa chọn không hợp lệ"),
    ({"username": "", "role": "viewer", "password": "long-enough-1"}, "Không được để trống"),
])
def test_bad_input_changes_nothing_and_says_why(db, as_organizer, data, message):
    before = _count_users(db)
    response = as_organizer.post("/users/", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count_users(db) == before


def test_deactivate_and_reactivate(db, make_user, as_organizer, client):
    viewer = make_user(role="viewer")
    assert as_organizer.post(f"/users/{viewer.id}/deactivate").status_code == 302
    db.expire_all()
    assert viewer.active is False
    assert "Đã khóa tài khoản" in as_organizer.get(f"/users/{viewer.id}").get_data(as_text=True)
    assert as_organizer.post(f"/users/{viewer.id}/reactivate").status_code == 302
    db.expire_all()
    assert viewer.active is True


def test_organizer_cannot_lock_themself(db, organizer, as_organizer):
    response = as_organizer.post(f"/users/{organizer.id}/deactivate", follow_redirects=True)
    assert "Không thể tự khóa tài khoản" in response.get_data(as_text=True)
    db.expire_all()
    assert organizer.active is True


def test_reset_password(db, make_user, as_organizer):
    viewer = make_user(role="viewer")
    response = as_organizer.post(f"/users/{viewer.id}/password", data={"password": "short"})
    assert response.status_code == 400 and "ít nhất 8 ký tự" in response.get_data(as_text=True)
    assert accounts.authenticate(db, viewer.username, PASSWORD) is not None
    response = as_organizer.post(f"/users/{viewer.id}/password",
                                 data={"password": "brand-new-pass"})
    assert response.status_code == 302
    assert accounts.authenticate(db, viewer.username, "brand-new-pass") is not None


def test_token_is_shown_once_works_and_can_be_revoked(db, make_session, make_user,
                                                      as_organizer, app):
    session = make_session()
    staff = make_user(role="staff", venue=session.venues[0])
    response = as_organizer.post(f"/users/{staff.id}/tokens", data={"name": "Cửa số 1"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    token = page.split("<code>")[1].split("</code>")[0]
    assert token.startswith("dc_") and "Cửa số 1" in page
    # Never shown again.
    assert token not in as_organizer.get(f"/users/{staff.id}").get_data(as_text=True)
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/sessions", headers=headers).status_code == 200

    row = db.scalar(select(ApiToken).where(ApiToken.user_id == staff.id))
    response = as_organizer.post(f"/users/{staff.id}/tokens/{row.id}/revoke")
    assert response.status_code == 302
    assert api.get("/api/v1/sessions", headers=headers).status_code == 401


def test_revoke_checks_the_token_belongs_to_the_user(db, make_user, as_organizer):
    one, other = make_user(role="viewer"), make_user(role="viewer")
    accounts.issue_api_token(db, other, now=NOW)
    db.commit()
    row = db.scalar(select(ApiToken).where(ApiToken.user_id == other.id))
    assert as_organizer.post(f"/users/{one.id}/tokens/{row.id}/revoke").status_code == 404
    assert as_organizer.get("/users/99999").status_code == 404
    db.expire_all()
    assert row.revoked_at is None
