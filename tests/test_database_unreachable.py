"""Every answer given while the database cannot be reached is 503 with Retry-After, never a
500 (issue 17, part 8: a PostgreSQL restart mid-burst answered 27 × 500 beside the 8 × 503
promised: connections refused or failing while the server restarts were not counted as lost).
Here the app points at a database that is not there, on either engine."""

import socket

import pytest

from webapp import create_app
from webapp.database import dispose_engines

from .conftest import ON_POSTGRES
from .factories import SECRET_KEY


def _unreachable_url(tmp_path) -> str:
    if ON_POSTGRES:
        with socket.socket() as probe:  # a free port: nothing listens there
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return f"postgresql+psycopg://app:app@127.0.0.1:{port}/app?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}"


@pytest.fixture
def dead(tmp_path, monkeypatch):
    monkeypatch.setenv("DIEMCAU_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET_KEY, "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": _unreachable_url(tmp_path)})
    yield app
    with app.app_context():
        dispose_engines()


@pytest.mark.parametrize("method,path,kwargs", [
    ("get", "/api/v1/sessions", {"headers": {"Authorization": "Bearer dc_anything"}}),
    ("post", "/api/v1/sessions/1/checkins", {"headers": {"Authorization": "Bearer dc_x"},
                                             "json": {"items": []}}),
    ("post", "/login", {"data": {"username": "vanphong", "password": "whatever-it-is"}}),
    ("get", "/c/some-venue-code", {}),
    ("post", "/c/some-venue-code", {"data": {"name": "Ai Đó", "digits": "1234", "nonce": "n1"}}),
])
def test_lost_database_is_503_with_retry_after(dead, method, path, kwargs):
    client = dead.test_client()
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers["Retry-After"] == "1"
    body = response.get_data(as_text=True)
    assert "Vừa mất kết nối tới cơ sở dữ liệu" in body and "Traceback" not in body
