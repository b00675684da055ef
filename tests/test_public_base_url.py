"""A session's own public address (issue 15, part 6): set in the session form, checked, and
the start of every link the session prints or shows to phones (posters, the venue's presence
screen, the coordinators' one-time sign-in links), before the server's PUBLIC_BASE_URL."""

import pytest
from sqlalchemy import select

from attendance.errors import ValidationError
from attendance.models import AuditEntry
from attendance.sessions import facts
from tests.factories import NOW
from tests.test_invitations import text_of
from tests.test_sessions_pages import SESSION_FORM


@pytest.mark.parametrize("typed,kept", [
    ("https://hoinghi.example.vn/", "https://hoinghi.example.vn"),
    ("  http://10.0.0.5:8080 ", "http://10.0.0.5:8080"),
    ("https://example.vn/diem-cau/", "https://example.vn/diem-cau"),
    ("", ""),
])
def test_a_good_address_is_kept_without_its_trailing_slash(db, make_session, typed, kept):
    session = make_session()
    facts.update_session(db, session, now=NOW, actor=None, public_base_url=typed)
    assert session.public_base_url == kept


@pytest.mark.parametrize("typed", [
    "hoinghi.example.vn", "ftp://hoinghi.example.vn", "https://", "javascript:alert(1)",
    "https://hoinghi.example.vn/?a=1", "https://hoinghi.example.vn/#x",
    "https://user:pass@hoinghi.example.vn", "https://hoi nghi.vn", "https://x.vn:port",
    "https://" + "a" * 200 + ".vn",
])
def test_a_bad_address_is_refused_and_changes_nothing(db, make_session, typed):
    session = make_session(public_base_url="https://truoc.example.vn")
    with pytest.raises(ValidationError) as error:
        facts.update_session(db, session, now=NOW, actor=None, public_base_url=typed)
    assert error.value.errors == {"public_base_url": "bad_base_url"}
    db.rollback()
    assert session.public_base_url == "https://truoc.example.vn"


def test_the_form_takes_it_and_names_a_bad_one(db, make_session, make_user, login):
    session = make_session()
    client = login(make_user(role="organizer"))
    bad = client.post(f"/sessions/{session.id}/edit",
                      data=dict(SESSION_FORM, public_base_url="diemcau.vn"))
    assert bad.status_code in (200, 400)
    assert "phải bắt đầu bằng https://" in bad.get_data(as_text=True)
    db.expire_all()
    assert session.public_base_url == ""
    good = client.post(f"/sessions/{session.id}/edit",
                       data=dict(SESSION_FORM, public_base_url="https://hoinghi.example.vn/"))
    assert good.status_code == 302
    db.expire_all()
    assert session.public_base_url == "https://hoinghi.example.vn"
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "session.update"))
    assert 'value="https://hoinghi.example.vn"' in client.get(
        f"/sessions/{session.id}/edit").get_data(as_text=True)


def test_posters_screens_and_sign_in_links_start_with_the_sessions_address(
        app, db, make_session, make_user, login, runner, tmp_path):
    session = make_session(signer_title="T/M BAN THƯỜNG VỤ\nBÍ THƯ")
    app.config["PUBLIC_BASE_URL"] = "https://may-chu.example.vn"
    client = login(make_user(role="organizer"))
    try:
        code = session.venues[0].code
        poster = client.get(f"/sessions/{session.id}/posters.pdf")
        assert f"https://may-chu.example.vn/c/{code}" in text_of(poster.data)  # the server's
        poster.close()
        session.public_base_url = "https://hoinghi.example.vn"
        db.commit()
        poster = client.get(f"/sessions/{session.id}/posters.pdf")
        assert f"https://hoinghi.example.vn/c/{code}" in text_of(poster.data)
        poster.close()
        screen = client.get(f"/sessions/{session.id}/venues/{session.venues[0].id}/display")
        assert f"https://hoinghi.example.vn/c/{code}" in screen.get_data(as_text=True)
        target = tmp_path / "p.pdf"
        assert runner.invoke(args=["print-posters", str(session.id), "-o",
                                   str(target)]).exit_code == 0
        assert f"https://hoinghi.example.vn/c/{code}" in text_of(target.read_bytes())
        sheet = client.post(f"/sessions/{session.id}/coordinators")
        assert sheet.status_code == 200
        assert "https://hoinghi.example.vn/sign-in/" in text_of(sheet.data)
    finally:
        del app.config["PUBLIC_BASE_URL"]


def test_the_loopback_warning_goes_once_the_session_has_an_address(db, make_session,
                                                                    make_user, login):
    session = make_session()
    client = login(make_user(role="organizer"))
    assert 'id="poster-warning"' in client.get(f"/sessions/{session.id}").get_data(as_text=True)
    session.public_base_url = "https://hoinghi.example.vn"
    db.commit()
    assert 'id="poster-warning"' not in client.get(
        f"/sessions/{session.id}").get_data(as_text=True)
