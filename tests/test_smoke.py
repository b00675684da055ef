from tests.factories import SECRET_KEY, gen_session


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


def test_cli_on_a_database_never_initialised_says_what_to_do(tmp_path, monkeypatch):
    from webapp import create_app

    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET_KEY, "RATELIMIT_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["export", "1", "--what", "summary",
                                                    "--format", "csv", "-o", str(tmp_path / "x")])
        from webapp.extensions import db
        db.engine.dispose()
    assert result.exit_code == 1
    assert "init-db" in result.output and "Traceback" not in result.output
