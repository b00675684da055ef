"""Invitation letters (giấy mời) and delegate cards (thẻ đại biểu): two different prints."""

import io
import subprocess
import unicodedata
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from attendance.checkin.tokens import TokenError, card_token
from attendance.models import Attendance, Unit
from attendance.online import join
from attendance.online.join import JoinLinks
from attendance.printing import cards, invitations
from webapp.checkin import card_key, join_key

from .factories import NOW
from .qr_read import read_codes
from .test_cards import page_png

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


MEETING = "https://zoom.example.vn/j/8675309"
PUBLIC = "https://diemcau.example.vn"


def online_build(db, session, base_url=PUBLIC):
    """The letters with join links on ``base_url``; the bridge point has a meeting link."""
    session.venues[1].video_url = MEETING
    db.commit()
    out = io.BytesIO()
    drawn = invitations.build_invitations(
        out, session, invitations.invitation_infos(db, session), key=card_key(), on=NOW.date(),
        join=JoinLinks(base_url, join_key()))
    return out.getvalue(), drawn


def test_an_online_invitee_s_letter_carries_the_join_link_and_its_own_qr(app, db, invited,
                                                                        tmp_path):
    session, people, _ = invited
    raw, drawn = online_build(db, session)
    url = f"{PUBLIC}/j/{join.join_token(join_key(), people[1])}"
    assert [d.join_url for d in drawn] == ["", url]  # the hall has no meeting link
    assert join.read_join_token(join_key(), url.rsplit("/", 1)[1]) == (
        session.id, people[1].id, 1)
    with pytest.raises(TokenError):  # signed with the join key, not the card's
        join.read_join_token(card_key(), url.rsplit("/", 1)[1])
    assert len(PdfReader(io.BytesIO(raw)).pages) == 2  # still one page a letter
    letter = text_of(raw, 2)
    assert f"Tham dự trực tuyến: {url}" in letter and "Quét để tham dự trực tuyến" in letter
    assert "Mã điểm danh" in letter
    # Both codes read back from the printed page, each what it should be.
    codes = read_codes(page_png(raw, 2, 200, tmp_path))
    assert sorted(codes) == sorted([drawn[1].token, url])


def test_a_letter_without_a_meeting_link_is_unchanged(app, db, invited):
    session, people, _ = invited
    plain, _ = build(db, session)
    raw, drawn = online_build(db, session)
    assert text_of(raw, 1) == text_of(plain, 1)
    assert "trực tuyến" not in text_of(raw, 1) and "/j/" not in text_of(raw, 1)
    session.venues[1].video_url = ""
    session.video_url = "https://meet.example.vn/abc-defg-hij"  # now everyone may join online
    db.commit()
    raw, drawn = online_build(db, session)
    session.venues[1].video_url = ""
    assert all(d.join_url for d in drawn) and "Tham dự trực tuyến" in text_of(raw, 1)


def test_opening_the_printed_link_records_present_online(app, db, client, invited):
    session, people, _ = invited
    _, drawn = online_build(db, session)
    session.checkin_window = "open"
    db.commit()
    response = client.get(urlsplit(drawn[1].join_url).path)
    assert response.status_code == 303 and response.headers["Location"] == MEETING
    row = db.scalar(select(Attendance))
    assert (row.person_id, row.mode, row.method) == (people[1].id, "online", "join")


def test_a_long_public_address_still_fits_one_page_and_is_printed_whole(app, db, invited):
    session, people, _ = invited
    session.presenter = "Đồng chí Nguyễn Văn Hùng, Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy"
    base = "https://hoi-nghi-truc-tuyen.ban-tuyen-giao-va-dan-van.tinh-uy-quang-ngai.example.vn" \
        "/diem-cau/thi-xa-duc-pho"
    raw, drawn = online_build(db, session, base_url=base)
    assert len(PdfReader(io.BytesIO(raw)).pages) == 2
    assert drawn[1].join_url.startswith(f"{base}/j/DJ1:")
    assert drawn[1].join_url in "".join(text_of(raw, 2).split())  # wrapped, never cut


def test_downloads_job_and_cli_print_the_same_join_links(app, db, invited, runner, tmp_path,
                                                         make_user, login):
    from attendance.accounts import users as accounts

    session, people, _ = invited
    session.venues[1].video_url = MEETING
    session.public_base_url = PUBLIC
    db.commit()
    url = f"{PUBLIC}/j/{join.join_token(join_key(), people[1])}"
    organizer = make_user(role="organizer")
    browser = login(organizer)
    assert url in text_of(browser.get(f"/sessions/{session.id}/invitations.pdf").data)
    assert url in browser.get(f"/sessions/{session.id}/join-links.csv").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {accounts.issue_api_token(db, organizer, now=NOW)}"}
    db.commit()
    api = app.test_client()
    answer = api.post(f"/api/v1/sessions/{session.id}/exports",
                      json={"what": "invitations", "format": "pdf"}, headers=headers)
    state = api.get(f"/api/v1/jobs/{answer.get_json()['job']['id']}", headers=headers).get_json()
    assert state["state"] == "done", state
    file = api.get(state["download"], headers=headers)
    assert url in text_of(file.data)
    file.close()

    target = tmp_path / "giay-moi.pdf"
    other = "https://hoinghi.example.vn"
    result = runner.invoke(args=["print-invitations", str(session.id), "--base-url", other,
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert url.replace(PUBLIC, other) in text_of(target.read_bytes())
    assert "Warning" not in result.output


def test_cli_refuses_a_bad_base_url_and_warns_about_loopback(app, db, invited, runner, tmp_path):
    session, people, _ = invited
    session.venues[1].video_url = MEETING
    db.commit()
    target = tmp_path / "giay-moi.pdf"
    result = runner.invoke(args=["print-invitations", str(session.id), "--base-url",
                                 "diemcau.example.vn", "-o", str(target)])
    assert result.exit_code == 1 and "phải bắt đầu bằng https://" in result.output
    assert "Traceback" not in result.output and not target.exists()
    result = runner.invoke(args=["print-posters", str(session.id), "--base-url",
                                 "https://diemcau.example.vn?x=1", "-o", str(target)])
    assert result.exit_code == 1 and "phải bắt đầu bằng https://" in result.output
    assert not target.exists()  # the posters' address is checked the same way
    result = runner.invoke(args=["print-invitations", str(session.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Warning: the letters' join links point at http://127.0.0.1:5000" in result.output
    assert "http://127.0.0.1:5000/j/DJ1:" in text_of(target.read_bytes())
    session.venues[1].video_url = ""  # no one invited online: nothing to warn about
    db.commit()
    result = runner.invoke(args=["print-invitations", str(session.id), "-o", str(target)])
    assert result.exit_code == 0 and "Warning" not in result.output
    assert "/j/" not in text_of(target.read_bytes())
