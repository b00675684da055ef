"""The set-up API: GET /api/v1/units, POST /api/v1/sessions, POST .../roster (HTTP only; the
rules behind them are tested in test_units.py and test_session_identity.py)."""

import io
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from attendance.accounts import users as accounts
from attendance.models import Person, StudySession, Unit, Venue

from . import factories

ROSTER = ("Họ và tên,Thành phần,Địa điểm,Số điện thoại\n"
          "Nguyễn Văn An,Bí thư chi bộ,Hội trường A,0912000001\n"
          "Trần Thị Bình,Đảng ủy viên,Điểm cầu xã B,0912000002\n")


@pytest.fixture
def tree(db):
    town = Unit(code="T", name="Thị ủy Hà Tân", kind="committee", place="Hà Tân", symbol="TU")
    ward = Unit(code="W", name="Đảng ủy xã B", kind="committee", parent=town)
    other = Unit(code="O", name="Huyện ủy Khác", kind="committee")
    db.add_all([town, ward, other])
    db.commit()
    return town, ward, other


def _client(app, db, **user):
    user = factories.gen_user(db, **user)
    token = accounts.issue_api_token(db, user, now=datetime.now(timezone.utc))
    db.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _body(town, ward, **extra):
    return {"title": "Hội nghị quán triệt", "organizer_unit_id": town.id,
            "starts_at": "2026-12-05T07:30:00+07:00", "ends_at": "2026-12-05T11:30:00+07:00",
            "plan": {"number": "9-KH/TU", "date": "2026-11-20", "issuer": "Ban Thường vụ"},
            "document": {"number": "57-KL/TW", "title": "Kết luận số 57", "issuer": "Bộ Chính trị",
                         "date": "2023-06-15"},
            "signer": {"title": "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ", "name": "Lê Văn Ký"},
            "venues": [{"name": "Hội trường A", "kind": "hall", "unit_id": town.id},
                       {"name": "Điểm cầu xã B", "kind": "bridge_point", "unit_id": ward.id,
                        "address": "UBND xã B"}],
            "categories": [{"name": "Bí thư chi bộ", "venue_kind": "hall"},
                           {"name": "Đảng ủy viên", "venue_kind": "bridge_point"},
                           {"name": "Khác", "venue_kind": "bridge_point",
                            "headcount_only": True}], **extra}


def test_units_are_those_the_caller_may_see(app, db, tree):
    town, ward, other = tree
    everything = _client(app, db, role="organizer").get("/api/v1/units").get_json()["units"]
    assert [u["code"] for u in everything] == ["O", "T", "W"]
    assert everything[2] == {"id": ward.id, "code": "W", "name": "Đảng ủy xã B",
                             "kind": "committee", "parent_id": town.id, "place": ""}
    scoped = _client(app, db, role="organizer", unit_id=town.id).get("/api/v1/units")
    assert [u["code"] for u in scoped.get_json()["units"]] == ["T", "W"]
    reporter = _client(app, db, role="reporter", unit_id=ward.id).get("/api/v1/units")
    assert [u["code"] for u in reporter.get_json()["units"]] == ["W"]


def test_create_session_answers_201_with_the_session_as_get_returns_it(app, db, tree):
    town, ward, _ = tree
    client = _client(app, db, role="organizer", unit_id=town.id)
    response = client.post("/api/v1/sessions", json=_body(town, ward))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created == client.get(f"/api/v1/sessions/{created['id']}").get_json() | {
        "checkin_open": created["checkin_open"]}
    assert created["organizer_unit"] == {"id": town.id, "name": "Thị ủy Hà Tân"}
    assert created["plan"] == {"number": "9-KH/TU", "date": "2026-11-20",
                               "issuer": "Ban Thường vụ"}
    assert created["parent_session_id"] is None and created["starts_at"].startswith(
        "2026-12-05T07:30:00+07:00")
    assert [v["name"] for v in created["venues"]] == ["Hội trường A", "Điểm cầu xã B"]
    session = db.get(StudySession, created["id"])
    assert session.signer_name == "Lê Văn Ký" and session.document.number == "57-KL/TW"
    follow = client.post("/api/v1/sessions", json={
        "title": "Lớp ở xã B", "organizer_unit_id": ward.id,
        "starts_at": "2026-12-09T08:00:00", "parent_session_id": created["id"]})
    assert follow.status_code == 201 and follow.get_json()["parent_session_id"] == created["id"]


def test_bad_fields_are_named_and_nothing_is_created(app, db, tree):
    town, ward, other = tree
    client = _client(app, db, role="organizer", unit_id=town.id)
    bad = client.post("/api/v1/sessions", json=_body(town, ward, plan={"date": "20/11/2026"},
                                                     starts_at="hôm qua"))
    assert bad.status_code == 400
    assert bad.get_json()["error"]["fields"] == {  # the API's formats, not the pages' dd/mm
        "plan.date": "Ngày không hợp lệ (yyyy-mm-dd, ví dụ 2026-10-17).",
        "starts_at": "Thời điểm không hợp lệ (ISO 8601, ví dụ 2026-10-17T07:30:00+07:00)."}
    body = _body(town, ward)
    body["venues"][1]["name"] = ""
    body["venues"].append({"name": "Hội trường 2", "kind": "hall"})
    bad = client.post("/api/v1/sessions", json=body)
    assert bad.status_code == 400
    assert set(bad.get_json()["error"]["fields"]) == {"venues[1].name", "venues[2].kind"}
    assert bad.get_json()["error"]["message"].startswith("venues[")
    missing = client.post("/api/v1/sessions", json={"organizer_unit_id": town.id})
    assert set(missing.get_json()["error"]["fields"]) == {"title", "starts_at"}
    assert client.post("/api/v1/sessions", data="[1]",
                       content_type="application/json").status_code == 400
    outside = client.post("/api/v1/sessions", json=_body(other, ward))
    assert outside.status_code == 403
    not_organizer = _client(app, db, role="viewer").post("/api/v1/sessions", json=_body(town, ward))
    assert not_organizer.status_code == 403
    assert db.scalar(select(func.count(StudySession.id))) == 0
    assert db.scalar(select(func.count(Venue.id))) == 0


def test_roster_file_all_rows_or_none(app, db, tree):
    town, ward, other = tree
    client = _client(app, db, role="organizer", unit_id=town.id)
    session_id = client.post("/api/v1/sessions", json=_body(town, ward)).get_json()["id"]
    url = f"/api/v1/sessions/{session_id}/roster"

    def send(text, name="roster.csv", who=client):
        return who.post(url, data={"file": (io.BytesIO(text.encode()), name)},
                        content_type="multipart/form-data")

    refused = send(ROSTER + "Lê Văn C,Không có,Hội trường A,\n,Bí thư chi bộ,Hội trường A,\n")
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "bad_rows" and [r["row"] for r in error["rows"]] == [4, 5]
    assert error["rows"][0]["errors"] == ["Thành phần không có trong hội nghị."]
    assert db.scalar(select(func.count(Person.id))) == 0
    assert send("", "x.csv").status_code == 400
    assert client.post(url, data={}, content_type="multipart/form-data").get_json()[
        "error"]["fields"] == {"file": "Không được để trống."}
    elsewhere = _client(app, db, role="organizer", unit_id=other.id)
    assert send(ROSTER, who=elsewhere).status_code == 404
    done = send(ROSTER)
    assert done.status_code == 201 and done.get_json() == {
        "session_id": session_id, "imported": 2, "added": 2, "updated": 0, "unchanged": 0}
    # Sent again in "add and update" mode: the same people, matched, nothing doubled.
    again = client.post(url, data={"file": (io.BytesIO(ROSTER.encode()), "r.csv"),
                                   "mode": "update"}, content_type="multipart/form-data")
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["unchanged"] == 2 and again.get_json()["imported"] == 0
    assert client.post(url, data={"file": (io.BytesIO(ROSTER.encode()), "r.csv"),
                                  "mode": "merge"}, content_type="multipart/form-data"
                       ).get_json()["error"]["fields"] == {"mode": "Lựa chọn không hợp lệ."}
    assert client.get(url).get_json()["people"][0]["full_name"] == "Nguyễn Văn An"
