"""What a session's documents say about who issues them: the organizer unit's letterhead,
place and symbol, its parent's line above it, the session's signer and recipients."""

from attendance.models import Unit
from attendance.reports.letterhead import default_recipients, letterhead_for, superior_line
from tests.factories import NOW, gen_session


def _tree(db):
    province = Unit(code="TU-QN", name="Tỉnh ủy Hòa Bình Xanh", kind="committee",
                    letterhead="TỈNH ỦY HÒA BÌNH XANH")
    town = Unit(code="HU-ST", name="Huyện ủy Sơn Tây Nam", kind="committee", parent=province,
                letterhead="HUYỆN ỦY SƠN TÂY NAM", place="Sơn Tây Nam", symbol="HU")
    db.add_all([province, town,
                Unit(code="DU-1", name="Đảng ủy xã Một", kind="committee", parent=town),
                Unit(code="MT", name="Ủy ban MTTQ huyện", kind="front", parent=town)])
    db.flush()
    return province, town


def test_letterhead_reads_the_units_fields_and_the_sessions_identity(db):
    _, town = _tree(db)
    session = gen_session(db, plan_number="12-KH/XX", organizer_unit=town,
                          signer_title="T/M BAN THƯỜNG VỤ\nBÍ THƯ", signer_name="Lê Văn Ký",
                          recipients="Ban Thường vụ Tỉnh ủy (b/c),\n\n Lưu Văn phòng. ")
    head = letterhead_for(session, on=NOW.date())
    assert head.committee == "Huyện ủy Sơn Tây Nam"
    assert head.committee_line == "HUYỆN ỦY SƠN TÂY NAM"
    assert head.superior == "ĐẢNG BỘ TỈNH HÒA BÌNH XANH"
    assert head.place == "Sơn Tây Nam"
    assert head.number == "Số      -BC/HU"  # no colon (36-HD); the unit's symbol
    assert (head.on_behalf, head.signer_title, head.signer_name) == (
        "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Lê Văn Ký")
    assert head.recipients == ["Ban Thường vụ Tỉnh ủy (b/c),", "Lưu Văn phòng."]


def test_without_recipients_they_come_from_the_tree(db):
    _, town = _tree(db)
    session = gen_session(db, organizer_unit=town)
    assert letterhead_for(session, on=NOW.date()).recipients == default_recipients(town) == [
        "Ban Thường vụ Tỉnh ủy Hòa Bình Xanh (b/c),", "Ban Tuyên giáo Tỉnh ủy Hòa Bình Xanh (b/c),",
        "Các đảng ủy, chi bộ trực thuộc Huyện ủy Sơn Tây Nam,",
        "Mặt trận và các tổ chức chính trị - xã hội,", "Lưu Văn phòng Huyện ủy Sơn Tây Nam."]


def test_superior_line_is_the_parents_party_organisation():
    assert superior_line(Unit(name="Thành ủy Z", kind="committee")) == "ĐẢNG BỘ THÀNH PHỐ Z"
    assert superior_line(Unit(name="x", letterhead="ĐẢNG ỦY KHỐI CƠ QUAN",
                              kind="committee")) == "ĐẢNG BỘ KHỐI CƠ QUAN"
    assert superior_line(Unit(name="x", letterhead="ĐẢNG BỘ TỈNH Q",
                              kind="committee")) == "ĐẢNG BỘ TỈNH Q"
    assert superior_line(None) == ""


def test_a_session_without_a_unit_prints_no_invented_committee(db):
    session = gen_session(db, plan_number="", plan_issuer="")
    head = letterhead_for(session, on=NOW.date())
    assert (head.committee, head.superior, head.place, head.recipients) == ("", "", "", [])
    assert head.number == "Số      -BC"


def test_without_a_signer_title_the_unit_kind_signs_as_36_hd_says(db):
    province, town = _tree(db)
    ward = next(u for u in town.children if u.code == "DU-1")
    cell = Unit(code="CB-1", name="Chi bộ thôn 1", kind="cell", parent=ward)
    db.add(cell)
    db.flush()
    for unit, expected in ((province, "T/M BAN THƯỜNG VỤ"), (town, "T/M BAN THƯỜNG VỤ"),
                           (ward, "T/M ĐẢNG ỦY"), (cell, "T/M CHI BỘ")):
        head = letterhead_for(gen_session(db, organizer_unit=unit), on=NOW.date())
        assert (head.on_behalf, head.signer_title) == (expected, "BÍ THƯ"), unit.name
        head.require_signature()
    # No unit: the plan's issuer, when it is a standing committee, says it.
    issued = gen_session(db, plan_issuer="Ban Thường vụ Huyện ủy Sơn Tây Nam")
    assert letterhead_for(issued, on=NOW.date()).on_behalf == "T/M BAN THƯỜNG VỤ"


def test_a_signed_document_nobody_can_sign_is_refused_not_printed_blank(db, make_user, login,
                                                                        runner, tmp_path):
    import pytest

    from attendance.errors import DomainError
    from attendance.reports.document import PartyDocument
    _, town = _tree(db)
    front = next(u for u in town.children if u.kind == "front")
    session = gen_session(db, organizer_unit=front)
    head = letterhead_for(session, on=NOW.date())
    assert head.signer_title == ""
    with pytest.raises(DomainError) as error:
        PartyDocument(head, "BÁO CÁO", "")
    assert error.value.code == "signer_missing"
    PartyDocument(head, "DANH SÁCH", "", attached_to="Báo cáo số …")  # a list is not signed
    db.commit()
    client = login(make_user(role="organizer"))
    for path in ("report/summary.pdf", "invitations.pdf"):
        page = client.get(f"/sessions/{session.id}/{path}")
        assert page.status_code == 409 and "Chức danh người ký" in page.get_data(as_text=True)
    sheet = client.get(f"/sessions/{session.id}/report/summary.xlsx")  # not signed: made
    assert sheet.status_code == 200
    sheet.close()
    result = runner.invoke(args=["export", str(session.id), "--what", "summary", "--format",
                                 "pdf", "-o", str(tmp_path / "s.pdf")])
    assert result.exit_code == 1 and "Chức danh người ký" in result.output
    assert not (tmp_path / "s.pdf").exists()
    result = runner.invoke(args=["print-invitations", str(session.id), "-o",
                                 str(tmp_path / "i.pdf")])
    assert result.exit_code == 1 and "Traceback" not in result.output
