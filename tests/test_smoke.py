from tests.factories import gen_session


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"


def test_pages_need_sign_in(client):
    response = client.get("/sessions/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_organizer_signs_in_and_sees_sessions(db, make_user, login):
    session = gen_session(db)
    db.commit()
    client = login(make_user(role="organizer"))
    page = client.get("/sessions/").get_data(as_text=True)
    assert session.title in page
    assert "Đăng xuất" in page


def test_wrong_password_is_refused_in_vietnamese(client, make_user):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)
