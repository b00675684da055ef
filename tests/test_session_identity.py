"""A session's identity: organizer unit, plan, signer, recipients, follow-on classes; the
organizer's scope; the form pre-filled from the tree."""

from datetime import date, datetime, timedelta

import pytest

from attendance import sessions
from attendance.errors import Forbidden, ValidationError
from attendance.models import StudySession, Unit
from tests.factories import NOW, gen_user

START = NOW + timedelta(days=3)


def _units(db):
    town = Unit(code="T", name="Thị ủy Hà Tân", kind="committee", letterhead="THỊ ỦY HÀ TÂN",
                place="Hà Tân", symbol="TU")
    ward = Unit(code="W", name="Đảng ủy phường Một", kind="committee", parent=town)
    other = Unit(code="O", name="Huyện ủy Khác", kind="committee")
    db.add_all([town, ward, other])
    db.flush()
    return town, ward, other


def _create(db, actor=None, **fields):
    return sessions.create_session(db, now=NOW, actor=actor, **dict(
        dict(title="Hội nghị học tập", starts_at=START), **fields))


def test_create_keeps_the_identity(db):
    town, _, _ = _units(db)
    session = _create(db, organizer_unit_id=town.id, plan_number="9-KH/TU",
                      plan_date=date(2026, 11, 2), plan_issuer="Ban Thường vụ Thị ủy",
                      signer_title=" T/M BAN THƯỜNG VỤ \n\nBÍ THƯ", signer_name="Lê Văn Ký",
                      recipients=["Ban Thường vụ Tỉnh ủy (b/c),", "Lưu Văn phòng."])
    assert session.organizer_unit is town and session.plan_date == date(2026, 11, 2)
    assert session.signer_title == "T/M BAN THƯỜNG VỤ\nBÍ THƯ"
    assert session.recipients == "Ban Thường vụ Tỉnh ủy (b/c),\nLưu Văn phòng."


def test_bad_identity_fields_are_named(db):
    _units(db)
    with pytest.raises(ValidationError) as refused:
        _create(db, organizer_unit_id=999, plan_date="2026-11-02", signer_name="x" * 201,
                parent_session_id=12345)
    assert refused.value.errors == {"plan_date": "bad_date", "signer_name": "too_long"}
    with pytest.raises(ValidationError) as refused:
        _create(db, organizer_unit_id=999, parent_session_id=12345)
    assert refused.value.errors == {"organizer_unit_id": "unit_not_found",
                                    "parent_session_id": "session_not_found"}


def test_a_scoped_organizer_organises_only_within_their_unit(db):
    town, ward, other = _units(db)
    organizer = gen_user(db, role="organizer", unit_id=town.id)
    assert _create(db, actor=organizer, organizer_unit_id=ward.id).organizer_unit is ward
    with pytest.raises(Forbidden):
        _create(db, actor=organizer, organizer_unit_id=other.id)
    with pytest.raises(ValidationError) as refused:
        _create(db, actor=organizer)
    assert refused.value.errors == {"organizer_unit_id": "required"}
    assert _create(db, actor=gen_user(db, role="organizer")).organizer_unit is None


def test_a_follow_on_class_lies_under_its_main_session(db):
    town, ward, other = _units(db)
    main = _create(db, organizer_unit_id=town.id)
    follow = _create(db, organizer_unit_id=ward.id, parent_session_id=main.id)
    assert follow.parent_session is main
    with pytest.raises(ValidationError) as refused:
        _create(db, organizer_unit_id=other.id, parent_session_id=main.id)
    assert refused.value.errors == {"parent_session_id": "not_under_parent_unit"}
    with pytest.raises(ValidationError) as refused:
        _create(db, organizer_unit_id=ward.id, parent_session_id=follow.id)
    assert refused.value.errors == {"parent_session_id": "parent_is_follow_on"}


def test_the_form_offers_the_tree_and_saves_the_identity(db, login, make_user):
    town, ward, other = _units(db)
    db.commit()
    client = login(make_user(role="organizer", unit_id=town.id))
    page = client.get("/sessions/new").get_data(as_text=True)
    assert f'<option selected value="{town.id}">' in page or (
        f'value="{town.id}" selected' in page)
    assert "Lưu Văn phòng Thị ủy Hà Tân." in page and "Huyện ủy Khác" not in page
    assert "Các đảng ủy, chi bộ trực thuộc Thị ủy Hà Tân," in page
    response = client.post("/sessions/new", data={
        "title": "Hội nghị quán triệt", "organizer_unit_id": str(ward.id), "day": "05/12/2026",
        "start_time": "07:30", "plan_number": "3-KH/ĐU", "plan_date": "01/12/2026",
        "plan_issuer": "Ban Thường vụ Đảng ủy", "signer_title": "T/M ĐẢNG ỦY\r\nBÍ THƯ",
        "signer_name": "Phạm Thị Ký", "recipients": "Thị ủy Hà Tân (b/c),\r\nLưu."})
    assert response.status_code == 302, response.get_data(as_text=True)
    session = db.query(StudySession).one()
    assert (session.organizer_unit_id, session.plan_date, session.signer_name) == (
        ward.id, date(2026, 12, 1), "Phạm Thị Ký")
    assert session.recipients == "Thị ủy Hà Tân (b/c),\nLưu."
    refused = client.post("/sessions/new", data={
        "title": "x", "organizer_unit_id": str(other.id), "day": "05/12/2026",
        "start_time": "07:30"})
    assert refused.status_code == 403
    assert db.query(StudySession).count() == 1
    assert isinstance(session.starts_at, datetime)


def test_the_form_makes_a_follow_on_class_of_a_session_the_organizer_may_reach(
        db, login, make_user):
    town, ward, other = _units(db)
    main = _create(db, organizer_unit_id=town.id, title="Hội nghị của Thị ủy")
    elsewhere = _create(db, organizer_unit_id=other.id, title="Hội nghị của Huyện ủy")
    instance = _create(db, title="Hội nghị của hệ thống")
    db.commit()
    # The ward's organizer reaches the town's session (its unit lies under it), not another
    # committee's nor the instance's own.
    client = login(make_user(role="organizer", unit_id=ward.id))
    page = client.get("/sessions/new").get_data(as_text=True)
    assert "Là lớp ở cơ sở của hội nghị" in page and "Hội nghị của Thị ủy" in page
    assert "Hội nghị của Huyện ủy" not in page and "Hội nghị của hệ thống" not in page
    form = {"title": "Lớp chi bộ", "organizer_unit_id": str(ward.id), "day": "05/12/2026",
            "start_time": "07:30"}
    for parent in (elsewhere, instance):
        refused = client.post("/sessions/new", data=dict(form, parent_session_id=str(parent.id)))
        assert refused.status_code == 200 and "Không có hội nghị này." in refused.get_data(
            as_text=True)
    assert db.query(StudySession).count() == 3
    response = client.post("/sessions/new", data=dict(form, parent_session_id=str(main.id)))
    assert response.status_code == 302, response.get_data(as_text=True)
    follow = db.query(StudySession).filter_by(title="Lớp chi bộ").one()
    assert follow.parent_session_id == main.id
    # Editing shows the parent chosen and keeps it; choosing none makes it a main session.
    page = client.get(f"/sessions/{follow.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{main.id}">' in page
    client.post(f"/sessions/{follow.id}/edit", data=dict(form, parent_session_id=str(main.id),
                                                         title="Lớp chi bộ (sửa)"))
    db.expire_all()
    assert (follow.title, follow.parent_session_id) == ("Lớp chi bộ (sửa)", main.id)
    client.post(f"/sessions/{follow.id}/edit", data=dict(form, parent_session_id=""))
    db.expire_all()
    assert follow.parent_session_id is None
