"""Result reports without HTTP: reporting units, pre-fill, impossible figures, states, plans."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from attendance.errors import DomainError, ValidationError
from attendance.models import (
    ABSENT_EXCUSED,
    LATE,
    PRESENT,
    Attendance,
    AuditEntry,
    Essay,
    MakeupAttendance,
    MakeupSession,
    Unit,
)
from attendance.outcomes import reports as rr

from .factories import NOW


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def units(db):
    made = [Unit(name="Đảng ủy phường Phổ Hòa", kind="committee"),
            Unit(name="Đảng ủy xã Phổ An", kind="committee"),
            Unit(name="Hội Liên hiệp Phụ nữ", kind="organization")]
    db.add_all(made)
    db.commit()
    return made


@pytest.fixture
def setting(db, make_session, make_person, units):
    """A session whose Phổ Hòa unit has 4 members (2 came, 1 excused, 1 never came) and one
    non-member who came."""
    session = make_session(report_deadline=date(2026, 12, 5))
    hoa = units[0]
    people = [make_person(session, unit_id=hoa.id) for _ in range(4)]
    guest = make_person(session, unit_id=hoa.id, party_member=False)
    for person, status in [(people[0], PRESENT), (people[1], LATE), (people[2], ABSENT_EXCUSED),
                           (guest, PRESENT)]:
        db.add(Attendance(session_id=session.id, person_id=person.id,
                          venue_id=person.venue_id, status=status, method="manual", at=NOW))
    db.commit()
    rr.set_reporting_units(db, session, [u.id for u in units], now=NOW, actor=None)
    db.commit()
    return session, hoa, people


def test_reporting_units_are_chosen_and_a_started_one_cannot_be_dropped(db, setting, units):
    session, hoa, _ = setting
    assert [r.unit.name for r in rr.reports_of(db, session)] == [u.name for u in units]
    rr.set_reporting_units(db, session, [units[2].id, hoa.id], now=NOW, actor=None)
    assert [r.unit_id for r in rr.reports_of(db, session)] == [units[2].id, hoa.id]
    report = rr.report_for(db, session, hoa.id)
    rr.save_report(db, report, {"members_total": 4, "attended": 2}, submit=True, now=NOW,
                   actor=None)
    with pytest.raises(DomainError) as error:
        rr.set_reporting_units(db, session, [units[2].id], now=NOW, actor=None)
    assert error.value.code == "report_started"
    with pytest.raises(ValidationError):
        rr.set_reporting_units(db, session, [999999], now=NOW, actor=None)


def test_prefill_comes_from_attendance_essays_and_makeup(db, setting):
    session, hoa, people = setting
    db.add(Essay(session_id=session.id, person_id=people[0].id, grade="Tốt", recorded_at=NOW))
    db.add(Essay(session_id=session.id, person_id=people[1].id, grade="", recorded_at=NOW))
    makeup = MakeupSession(session_id=session.id, unit_id=hoa.id, held_on=date(2026, 12, 1),
                           created_at=NOW)
    db.add(makeup)
    db.flush()
    db.add(MakeupAttendance(makeup_id=makeup.id, session_id=session.id, person_id=people[3].id))
    db.flush()
    values = rr.prefill(db, rr.report_for(db, session, hoa.id))
    assert values["members_total"] == 4
    assert values["attended"] == 2
    assert values["absent_excused"] == 1
    assert values["absent_unexcused"] == 1  # never checked in
    assert values["non_members"] == 1
    assert values["makeup_done"] == 1
    assert values["essays_submitted"] == 2
    assert values["essays_by_grade"] == {"Tốt": 1}


@pytest.mark.parametrize("data, field, code", [
    ({"members_total": -1}, "members_total", "negative"),
    ({"members_total": "abc"}, "members_total", "not_a_number"),
    ({"members_total": 10, "attended": 11}, "attended", "attended_over_members"),
    ({"members_total": 10, "attended": 8, "absent_excused": 2, "absent_unexcused": 1},
     "absent_unexcused", "absent_over_members"),
    ({"members_total": 10, "attended": 5, "makeup_done": 1, "key_cadres": 7}, "key_cadres",
     "over_taught"),
    ({"members_total": 10, "attended": 9, "absent_excused": 1, "makeup_done": 2},
     "makeup_done", "makeup_over_absent"),
    ({"essays_submitted": 1, "essays_by_grade": {"Tốt": 2}}, "essays_submitted",
     "grades_over_essays"),
    ({"essays_by_grade": {"Tốt": -2}}, "grade:Tốt", "negative"),
])
def test_impossible_figures_are_refused_and_nothing_changes(db, setting, data, field, code):
    session, hoa, _ = setting
    report = rr.report_for(db, session, hoa.id)
    with pytest.raises(ValidationError) as error:
        rr.save_report(db, report, data, submit=False, now=NOW, actor=None)
    assert error.value.errors[field] == code
    assert report.members_total is None and report.status == "not_submitted"


def test_submit_needs_members_and_attended(db, setting):
    session, hoa, _ = setting
    report = rr.report_for(db, session, hoa.id)
    with pytest.raises(ValidationError) as error:
        rr.save_report(db, report, {"people_reached": 5}, submit=True, now=NOW, actor=None)
    assert error.value.errors == {"members_total": "required", "attended": "required"}


def test_states_submitted_late_returned_accepted(db, setting, make_user):
    session, hoa, _ = setting
    reporter = make_user(role="reporter", unit_id=hoa.id)
    report = rr.report_for(db, session, hoa.id)
    figures = {"members_total": 4, "attended": 3, "absent_excused": 1,
               "propaganda_activities": 2, "people_reached": 150}
    rr.save_report(db, report, figures, submit=True, now=NOW, actor=reporter)
    assert report.status == "submitted" and report.rate == 75.0
    with pytest.raises(ValidationError):  # returning needs a comment
        rr.review(db, report, accept=False, comment=" ", now=NOW, actor=None)
    rr.review(db, report, accept=False, comment="Bổ sung số liệu tuyên truyền", now=NOW,
              actor=None)
    assert report.status == "returned" and report.review_comment
    after_deadline = NOW + timedelta(days=9)  # 06/12, the deadline was 05/12
    rr.save_report(db, report, figures, submit=True, now=after_deadline, actor=reporter)
    assert report.status == "late"
    rr.review(db, report, accept=True, comment="", now=after_deadline, actor=None)
    assert report.status == "accepted"
    with pytest.raises(DomainError) as error:
        rr.save_report(db, report, figures, submit=False, now=after_deadline, actor=reporter)
    assert error.value.code == "report_accepted"
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "ResultReport"))
    assert list(actions) == ["report.submit", "report.review", "report.submit", "report.review"]


def test_review_of_an_unsent_report_is_refused(db, setting):
    session, hoa, _ = setting
    with pytest.raises(DomainError) as error:
        rr.review(db, rr.report_for(db, session, hoa.id), accept=True, comment="", now=NOW,
                  actor=None)
    assert error.value.code == "report_not_submitted"


def test_tracking_marks_unreported_units_overdue_after_the_deadline(db, setting):
    session, hoa, _ = setting
    rr.save_report(db, rr.report_for(db, session, hoa.id), {"members_total": 4, "attended": 2},
                   submit=True, now=NOW, actor=None)
    before = rr.tracking(db, session, now=NOW)
    assert not any(row.overdue for row in before)
    after = rr.tracking(db, session, now=NOW + timedelta(days=10))
    assert [row.overdue for row in after] == [False, True, True]


def test_plan_type_is_judged_by_content(tmp_path, db, setting):
    session, hoa, _ = setting
    report = rr.report_for(db, session, hoa.id)
    assert rr.plan_kind(PDF) == "pdf" and rr.plan_kind(docx_bytes()) == "docx"
    for bad in (b"MZ\x90\x00 not a document", b"PK\x03\x04 broken zip", _zip_without_word()):
        with pytest.raises(ValidationError) as error:
            rr.attach_plan(db, report, bad, "ke-hoach.pdf", folder=tmp_path, now=NOW,
                           actor=None)
        assert error.value.errors == {"plan_file": "bad_file_type"}
    with pytest.raises(ValidationError) as error:
        rr.attach_plan(db, report, b"%PDF-" + b"0" * rr.MAX_PLAN_BYTES, "big.pdf",
                       folder=tmp_path, now=NOW, actor=None)
    assert error.value.errors == {"plan_file": "file_too_large"}
    assert report.plan_stored == ""
    rr.attach_plan(db, report, docx_bytes(), "../../KH 12-KH/ĐU.docx", folder=tmp_path,
                   now=NOW, actor=None)
    first = rr.plan_path(report, tmp_path)
    assert report.plan_kind == "docx" and first.read_bytes() == docx_bytes()
    assert first.parent == tmp_path / str(session.id) and "/" not in report.plan_filename
    replaced = rr.attach_plan(db, report, PDF, "kh.pdf", folder=tmp_path, now=NOW, actor=None)
    assert first.exists()  # kept until the change is committed
    rr.discard_plan_file(tmp_path, session.id, replaced)
    assert not first.exists() and rr.plan_path(report, tmp_path).read_bytes() == PDF


def _zip_without_word() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return buffer.getvalue()


def test_settings_scale_and_threshold(db, setting):
    session, _, _ = setting
    assert rr.settings_for(db, session).essay_grades[0] == "Xuất sắc"
    with pytest.raises(ValidationError) as error:
        rr.update_settings(db, session, grades=["Đạt"], threshold=101, now=NOW, actor=None)
    assert error.value.errors == {"grades": "bad_grades", "threshold": "out_of_range"}
    rr.update_settings(db, session, grades=["Đạt", " Không đạt "], threshold="90", now=NOW,
                       actor=None)
    assert rr.settings_for(db, session).essay_grades == ["Đạt", "Không đạt"]


def test_review_page_route_returns_with_comment_and_refuses_others(db, setting, login,
                                                                   make_user):
    session, hoa, _ = setting
    report = rr.report_for(db, session, hoa.id)
    rr.save_report(db, report, {"members_total": 4, "attended": 2}, submit=True, now=NOW,
                   actor=None)
    db.commit()
    route = f"/sessions/{session.id}/reports/{hoa.id}/review"
    reporter = login(make_user(role="reporter", unit_id=hoa.id))
    assert reporter.post(route, data={"decision": "accept"}).status_code == 403
    reporter.post("/logout")
    organizer = login(make_user(role="organizer"))
    empty = organizer.post(route, data={"decision": "return", "comment": ""},
                           follow_redirects=True)
    assert "Cần ghi ý kiến khi trả lại" in empty.get_data(as_text=True)
    db.expire_all()
    assert report.status == "submitted"
    organizer.post(route, data={"decision": "return", "comment": "Thiếu kế hoạch"})
    db.expire_all()
    assert (report.status, report.review_comment) == ("returned", "Thiếu kế hoạch")
    page = organizer.get(f"/sessions/{session.id}/reports/{hoa.id}").get_data(as_text=True)
    assert "Thiếu kế hoạch" in page
