"""The demo builds its tree through the units import and its session with the plan's
identity (plan 145-KH/TU of Ban Thường vụ Thị ủy, its signer and Nơi nhận)."""

from sqlalchemy import func, select

from attendance import demo
from attendance.models import AuditEntry, StudySession, Unit
from attendance.reports.letterhead import letterhead_for

from .factories import NOW


def test_demo_units_and_identity(db, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    town = db.scalar(select(Unit).where(Unit.code == "TU-DP"))
    assert (town.letterhead, town.place, town.symbol, town.parent.code) == (
        "THỊ ỦY ĐỨC PHỔ", "Đức Phổ", "TU", "TU-QNG")
    assert db.scalar(select(Unit).where(Unit.code == "DU-PHOHOA")).parent is town
    assert db.scalar(select(AuditEntry.id).where(AuditEntry.action == "units.import"))
    # the main session (the cascade's follow-on classes are sessions too)
    session = db.scalar(select(StudySession).where(StudySession.parent_session_id.is_(None)))
    assert (session.plan_number, session.plan_issuer, session.organizer_unit) == (
        "145-KH/TU", "Ban Thường vụ Thị ủy", town)
    assert session.plan_date is None  # the seed's copy of the plan carries no date
    head = letterhead_for(session, on=NOW.date())
    assert (head.superior, head.committee_line, head.place, head.number) == (
        "ĐẢNG BỘ TỈNH QUẢNG NGÃI", "THỊ ỦY ĐỨC PHỔ", "Đức Phổ", "Số      -BC/TU")
    assert (head.on_behalf, head.signer_title, head.signer_name) == (
        "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Bùi Văn Lý")
    assert head.recipients == demo.RECIPIENTS and len(head.recipients) == 8
    units_before = db.scalar(select(func.count(Unit.id)))
    assert runner.invoke(args=["seed-demo", "--start", "2026-11-27 08:00"]).exit_code == 0
    assert db.scalar(select(func.count(Unit.id))) == units_before  # the same tree, reused


def test_seed_demo_with_a_start_out_of_range_is_a_clear_error(db, runner):
    result = runner.invoke(args=["seed-demo", "--start", "1890-01-01 07:30"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--start: Giá trị vượt quá giới hạn cho phép." in result.stderr
    assert db.scalar(select(func.count(StudySession.id))) == 0
