"""Invitation letters (giấy mời) and delegate cards (thẻ đại biểu): two different prints."""

import io
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from attendance.checkin.tokens import card_token
from attendance.models import Unit
from attendance.printing import cards, invitations
from webapp.checkin import card_key

from .factories import NOW

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def text_of(raw: bytes, page: int | None = None) -> str:
    options = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", *options, "-", "-"], input=raw,
                         capture_output=True, check=True).stdout.decode()
    return " ".join(unicodedata.normalize("NFC", out).split())


@pytest.fixture
def invited(db, make_session, make_person):
    ward = Unit(name="Đảng ủy phường Phổ Hòa", kind="committee", code="DUPH")
    town = Unit(name="Thị ủy Đức Phổ", kind="committee", code="TUDP", place="Đức Phổ",
                symbol="TU", children=[ward])
    db.add(town)
    db.flush()
    session = make_session(organizer_unit_id=town.id, signer_name="Nguyễn Văn Bình",
                           signer_title="T/M BAN THƯỜNG VỤ\nPhó Bí thư")
    session.venues[0].address = "Trụ sở UBND thị xã Đức Phổ"
    people = [make_person(session, full_name="Trương Thị Hường", position="Thường trực Thị ủy"),
              make_person(session, venue=session.venues[1], full_name="Lê Văn Ấn",
                          position="Đảng ủy viên", unit_id=ward.id)]
    db.commit()
    return session, people, ward


def build(db, session, **kwargs):
    unit = kwargs.pop("unit", None)
    out = io.BytesIO()
    infos = invitations.invitation_infos(db, session, **kwargs)
    drawn = invitations.build_invitations(out, session, infos, key=card_key(), on=NOW.date(),
                                          unit=unit)
    return out.getvalue(), drawn


def test_one_signed_letter_per_person_with_its_qr(app, db, invited):
    session, people, _ = invited
    raw, drawn = build(db, session)
    assert len(PdfReader(io.BytesIO(raw)).pages) == 2
    assert [(d.person_id, d.page) for d in drawn] == [(people[0].id, 1), (people[1].id, 2)]
    assert drawn[0].token == card_token(card_key(), session.id, people[0].id, 1)
    first = text_of(raw, 1)
    start = session.local_start
    for expected in ("GIẤY MỜI", "Số -GM/TU", "Đức Phổ, ngày 27 tháng 11 năm 2026",
                     "Ban Thường vụ Thị ủy Đức Phổ trân trọng kính mời đồng chí:",
                     "Trương Thị Hường", "Chức vụ: Thường trực Thị ủy",
                     f"Thời gian: {start:%H} giờ {start:%M} phút, thứ Sáu, ngày 27/11/2026.",
                     "Địa điểm: Hội trường UBND thị xã (Trụ sở UBND thị xã Đức Phổ).",
                     "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn Bình", "Mã điểm danh"):
        assert expected in first, expected
    assert "Lê Văn Ấn" not in first and "Lê Văn Ấn" in text_of(raw, 2)


def test_spoken_time_names_the_weekday():
    from datetime import datetime

    assert invitations.spoken_time(datetime(2023, 10, 17, 7, 30)) == \
        "07 giờ 30 phút, thứ Ba, ngày 17/10/2023"
    assert invitations.spoken_time(datetime(2023, 10, 22, 14, 5)).startswith(
        "14 giờ 05 phút, Chủ nhật")


def test_a_unit_letter_lists_its_invitees_first(app, db, invited):
    session, people, ward = invited
    raw, drawn = build(db, session, unit_id=ward.id, unit=ward)
    assert [d.person_id for d in drawn] == [people[1].id]
    first = text_of(raw, 1)
    assert "Kính gửi: Đảng ủy phường Phổ Hòa" in first and "Lê Văn Ấn" in first
    assert "Trương Thị Hường" not in text_of(raw)
    assert drawn[0].page == 2


def test_cli_and_download(app, db, invited, runner, tmp_path, make_user, login):
    session, people, ward = invited
    target = tmp_path / "giay-moi.pdf"
    result = runner.invoke(args=["print-invitations", str(session.id), "--unit", str(ward.id),
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Kính gửi: Đảng ủy phường Phổ Hòa" in text_of(target.read_bytes())
    result = runner.invoke(args=["print-invitations", str(session.id), "--unit", "9999",
                                 "-o", str(target)])
    assert result.exit_code == 1 and "No unit with id 9999" in result.output
    assert "Traceback" not in result.output
    outsider = Unit(name="Huyện ủy khác", kind="committee", code="HUK")
    db.add(outsider)
    db.commit()
    result = runner.invoke(args=["print-invitations", str(session.id), "--unit",
                                 str(outsider.id), "-o", str(target)])
    assert result.exit_code == 1 and "not under the organizer" in result.output

    client = login(make_user(role="organizer"))
    response = client.get(f"/sessions/{session.id}/invitations.pdf?venue_id="
                          f"{session.venues[1].id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "Lê Văn Ấn" in text_of(response.data) and "Trương" not in text_of(response.data)
    assert client.get(f"/sessions/{session.id}/invitations.pdf?unit_id={outsider.id}"
                      ).status_code == 404
    assert client.get(f"/sessions/{session.id}/invitations.pdf?venue_id=x").status_code == 404


def test_staff_may_not_print_invitations(app, db, invited, make_user, login):
    session, _, _ = invited
    client = login(make_user(role="staff", venue=session.venues[0]))
    assert client.get(f"/sessions/{session.id}/invitations.pdf").status_code == 403


def test_delegate_card_is_not_an_invitation_and_says_each_line_once(app, db, invited):
    session, people, _ = invited
    out = io.BytesIO()
    cards.build_cards(out, session, cards.card_infos(db, session), key=card_key())
    text = text_of(out.getvalue())
    assert "THẺ ĐẠI BIỂU" in text and "GIẤY MỜI" not in text and "THỊ ỦY ĐỨC PHỔ" in text
    # Position and category are both "Thường trực Thị ủy": printed once.
    assert text.count("Thường trực Thị ủy") == 1
    assert cards.card_lines("Đảng ủy viên phường", "Đảng ủy viên") == ["Đảng ủy viên phường"]
    assert cards.card_lines("Bí thư chi bộ", "Đảng ủy viên") == ["Bí thư chi bộ",
                                                                  "Đảng ủy viên"]


def test_posters_follow_the_public_address_and_warn_about_loopback(app, db, invited, runner,
                                                                    tmp_path, make_user, login):
    session, _, _ = invited
    client = login(make_user(role="organizer"))
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert 'id="poster-warning"' in page and "http://localhost" in page  # the test client's
    app.config["PUBLIC_BASE_URL"] = "https://diemcau.example.vn/"
    try:
        page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
        assert 'id="poster-warning"' not in page
        poster = client.get(f"/sessions/{session.id}/posters.pdf").data
        assert f"https://diemcau.example.vn/c/{session.venues[0].code}" in text_of(poster)
        assert "THỊ ỦY ĐỨC PHỔ" in text_of(poster)  # the organizing committee
        target = tmp_path / "posters.pdf"
        result = runner.invoke(args=["print-posters", str(session.id), "-o", str(target)])
        assert result.exit_code == 0 and "Warning" not in result.output
        assert "https://diemcau.example.vn/c/" in text_of(target.read_bytes())
    finally:
        del app.config["PUBLIC_BASE_URL"]
    result = runner.invoke(args=["print-posters", str(session.id), "-o", str(target)])
    assert result.exit_code == 0 and "Warning: the posters' QR codes point at" in result.output


def test_invitations_export_job_and_large_sessions_offer_it(app, db, invited, make_user,
                                                           login):
    from attendance.accounts import users as accounts

    session, people, _ = invited
    organizer = make_user(role="organizer")
    headers = {"Authorization": f"Bearer {accounts.issue_api_token(db, organizer, now=NOW)}"}
    db.commit()
    client = app.test_client()
    answer = client.post(f"/api/v1/sessions/{session.id}/exports",
                         json={"what": "invitations", "format": "pdf"}, headers=headers)
    assert answer.status_code == 202, answer.get_json()
    state = client.get(f"/api/v1/jobs/{answer.get_json()['job']['id']}",
                       headers=headers).get_json()
    assert (state["state"], state["result"]) == ("done", {"count": 2}), state
    file = client.get(state["download"], headers=headers)
    assert "Trương Thị Hường" in text_of(file.data) and "GIẤY MỜI" in text_of(file.data)
    file.close()
    browser = login(organizer)
    app.config["JOBS_DIRECT_CARDS"] = 4  # a quarter of it: one letter
    try:
        page = browser.get(f"/sessions/{session.id}/invitations.pdf")
        assert page.status_code == 200 and not page.data.startswith(b"%PDF")
    finally:
        app.config["JOBS_DIRECT_CARDS"] = 2000
