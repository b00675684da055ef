"""A committee installs Điểm Cầu fresh and runs its own session, only through what users have:
init-db, import-units, create-user --unit, create-token, the set-up API, the roster API,
check-ins, a commune reporter's result report, the outcomes report and a summary PDF whose
letterhead reads the imported committee. Nothing from the demo, no model built by hand."""

import io
import re
import shutil
import subprocess
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from attendance.checkin import tokens
from attendance.models import Person, Unit
from webapp.extensions import db

from .test_migrations import empty_database  # noqa: F401 - the fixture

pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")

UNITS = ("Mã đơn vị,Tên đơn vị,Loại,Mã cấp trên,Tên trên văn bản,Địa danh,Ký hiệu,Số đảng viên\n"
         "TU-BN,Tỉnh ủy Bình Nguyên,Cấp ủy,,TỈNH ỦY BÌNH NGUYÊN,Bình Nguyên,TU,\n"
         "HU-SL,Huyện ủy Sông Lam,Cấp ủy,TU-BN,HUYỆN ỦY SÔNG LAM,Sông Lam,HU,\n"
         "DU-TA,Đảng ủy xã Tân An,Chi bộ,HU-SL,ĐẢNG ỦY XÃ TÂN AN,Tân An,ĐU,40\n"
         "DU-TA,Đảng ủy xã Tân An,Cấp ủy,HU-SL,ĐẢNG ỦY XÃ TÂN AN,Tân An,ĐU,40\n")


def _invoke(app, *args):
    with app.app_context():  # as `flask --app webapp` gives a command
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
    return result


def _cli(app, *args):
    result = _invoke(app, *args)
    assert result.exit_code == 0, result.output
    return result


def _signed_in(app, username):
    """A browser client through the real sign-in form, CSRF on as in production."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf
    response = client.post("/login", data={"username": username, "password": "mat-khau-dai"})
    assert response.status_code == 302
    return client


def test_a_committee_installs_fresh_and_runs_its_session(empty_database, tmp_path):  # noqa: F811
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is missing")
    app = empty_database
    _cli(app, "init-db")

    units_file = tmp_path / "don-vi.csv"
    units_file.write_text(UNITS, encoding="utf-8")
    refused = _invoke(app, "import-units", str(units_file))  # a doubled code: no rows
    assert refused.exit_code == 1 and "Dòng 5: Mã đơn vị trùng" in refused.stderr
    units_file.write_text("\n".join(UNITS.splitlines()[:4] + UNITS.splitlines()[5:]) + "\n",
                          encoding="utf-8")
    _cli(app, "import-units", str(units_file))
    with app.app_context():
        ids = {u.code: u.id for u in db.session.scalars(select(Unit))}
        db.session.remove()
    _cli(app, "create-user", "vp-songlam", "--role", "organizer", "--unit", str(ids["HU-SL"]),
         "--password", "mat-khau-dai")
    token = _cli(app, "create-token", "vp-songlam").output.strip().splitlines()[-1]
    _cli(app, "create-user", "bc-tanan", "--role", "reporter", "--unit", str(ids["DU-TA"]),
         "--password", "mat-khau-dai")

    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert [u["code"] for u in api.get("/api/v1/units").get_json()["units"]] == ["HU-SL", "DU-TA"]
    start = (datetime.now(timezone.utc) + timedelta(minutes=30)).replace(microsecond=0)
    created = api.post("/api/v1/sessions", json={
        "title": "Hội nghị quán triệt Nghị quyết 01", "organizer_unit_id": ids["HU-SL"],
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=3)).isoformat(),
        "plan": {"number": "21-KH/HU", "date": "2026-11-01", "issuer": "Ban Thường vụ Huyện ủy"},
        "signer": {"title": "T/M BAN THƯỜNG VỤ\nBÍ THƯ", "name": "Hoàng Văn Ký"},
        "venues": [{"name": "Hội trường Huyện ủy", "kind": "hall", "unit_id": ids["HU-SL"]},
                   {"name": "Điểm cầu xã Tân An", "kind": "bridge_point",
                    "unit_id": ids["DU-TA"]}],
        "categories": [{"name": "Huyện ủy viên", "venue_kind": "hall"},
                       {"name": "Đảng viên xã", "venue_kind": "bridge_point"}]})
    assert created.status_code == 201, created.get_json()
    session = created.get_json()
    hall, point = (v["id"] for v in session["venues"])
    roster = ("Họ và tên,Đơn vị,Thành phần,Địa điểm,Số điện thoại\n"
              "Nguyễn Văn Một,Huyện ủy Sông Lam,Huyện ủy viên,Hội trường Huyện ủy,0912000001\n"
              "Trần Thị Hai,Đảng ủy xã Tân An,Đảng viên xã,Điểm cầu xã Tân An,0912000002\n"
              "Lê Văn Ba,Đảng ủy xã Tân An,Đảng viên xã,Điểm cầu xã Tân An,0912000003\n")
    imported = api.post(f"/api/v1/sessions/{session['id']}/roster",
                        data={"file": (io.BytesIO(roster.encode()), "danh-sach.csv")},
                        content_type="multipart/form-data")
    assert imported.status_code == 201 and imported.get_json()["imported"] == 3

    with app.app_context():
        people = db.session.scalars(select(Person).order_by(Person.id)).all()
        key = tokens.derive_key(app.config["SECRET_KEY"], "card")
        cards = [(tokens.card_token(key, session["id"], p.id, p.card_version), p.venue_id)
                 for p in people]
        db.session.remove()
    checked = api.post(f"/api/v1/sessions/{session['id']}/checkins", json={"items": [
        {"nonce": f"n{i}", "token": card, "venue_id": venue}
        for i, (card, venue) in enumerate(cards[:2])]})
    assert [r["outcome"] for r in checked.get_json()["results"]] == ["accepted", "accepted"]
    summary = api.get(f"/api/v1/sessions/{session['id']}/summary").get_json()
    assert summary["totals"]["present"] == 2

    web = _signed_in(app, "vp-songlam")
    chosen = web.post(f"/sessions/{session['id']}/reports/units", data={
        "units": [ids["DU-TA"]], "grades": "Đạt\nKhông đạt", "threshold": "90"})
    assert chosen.status_code == 302
    reporter = _signed_in(app, "bc-tanan")
    report_url = f"/sessions/{session['id']}/reports/{ids['DU-TA']}"
    form = reporter.get(report_url).get_data(as_text=True)
    assert 'name="attended" type="text" value="1"' in form  # from the check-ins
    sent = reporter.post(report_url, data={
        "members_total": "2", "attended": "1", "absent_excused": "1", "absent_unexcused": "0",
        "propaganda_activities": "1", "people_reached": "80", "action": "submit"})
    assert sent.status_code == 302

    outcomes = web.get(f"/sessions/{session['id']}/outcomes.csv")
    assert outcomes.status_code == 200 and "Đảng ủy xã Tân An" in outcomes.get_data(as_text=True)

    pdf = tmp_path / "tong-hop.pdf"
    _cli(app, "export", str(session["id"]), "--what", "summary", "--format", "pdf",
         "-o", str(pdf))
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode()
    words = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))
    for phrase in ("ĐẢNG BỘ TỈNH BÌNH NGUYÊN", "HUYỆN ỦY SÔNG LAM", "Số -BC/HU",
                   "Sông Lam, ngày", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Hoàng Văn Ký",
                   "Ban Thường vụ Tỉnh ủy Bình Nguyên (b/c)", "Lưu Văn phòng Huyện ủy Sông Lam"):
        assert phrase in words, phrase
    assert "Đức Phổ" not in words and "Quảng Ngãi" not in words
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
