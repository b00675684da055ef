"""Result report pages: who may see and edit which unit, the form refusing impossible values,
the action plan upload checked by content and its download, the organizer's tracking page."""

from datetime import date, timedelta

import pytest

from attendance.models import ResultReport, Unit
from attendance.outcomes import reports as rr

from .factories import NOW
from .test_result_reports import PDF, docx_bytes


@pytest.fixture
def world(db, make_session, make_person, make_user):
    hoa = Unit(name="Đảng ủy phường Phổ Hòa", kind="committee")
    an = Unit(name="Đảng ủy xã Phổ An", kind="committee")
    db.add_all([hoa, an])
    db.commit()
    session = make_session(report_deadline=date.today() + timedelta(days=3))
    for _ in range(3):
        make_person(session, unit_id=hoa.id)
    rr.set_reporting_units(db, session, [hoa.id, an.id], now=NOW, actor=None)
    db.commit()
    return dict(session=session, hoa=hoa, an=an,
                organizer=make_user(role="organizer"), viewer=make_user(role="viewer"),
                reporter=make_user(role="reporter", unit_id=hoa.id),
                other=make_user(role="reporter", unit_id=an.id))


def url(world, unit, suffix=""):
    return f"/sessions/{world['session'].id}/reports/{world[unit].id}{suffix}"


GOOD = {"members_total": "3", "attended": "3", "absent_excused": "0", "absent_unexcused": "0",
        "propaganda_activities": "2", "people_reached": "120", "strengths": "Nghiêm túc",
        "action": "submit"}


def test_the_form_is_prefilled_and_a_reporter_submits_with_a_plan(db, login, world):
    client = login(world["reporter"])
    page = client.get(url(world, "hoa")).get_data(as_text=True)
    assert 'name="members_total" type="text" value="3"' in page  # three people of the unit
    response = client.post(url(world, "hoa"), data={**GOOD, "plan_number": "12-CTr/ĐU",
                                                    "plan_date": "20/10/2023",
                                                    "plan_file": (_file(PDF), "kế hoạch.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    report = db.get(ResultReport, rr.report_for(db, world["session"], world["hoa"].id).id)
    db.refresh(report)
    assert (report.status, report.members_total, report.plan_kind) == ("submitted", 3, "pdf")
    assert report.plan_date == date(2023, 10, 20)
    download = client.get(url(world, "hoa", "/plan"))
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()


def _file(data: bytes):
    import io
    return io.BytesIO(data)


@pytest.mark.parametrize("change, text", [
    ({"members_total": "-5"}, "Không được là số âm."),
    ({"attended": "4"}, "Số tham dự không được lớn hơn tổng số đảng viên."),
    ({"people_reached": "nhiều"}, "Phải là số nguyên không âm."),
    ({"plan_date": "31/02/2023"}, "Ngày không hợp lệ (dd/mm/yyyy)."),
])
def test_impossible_values_are_refused_with_a_clear_message(db, login, world, change, text):
    client = login(world["reporter"])
    response = client.post(url(world, "hoa"), data={**GOOD, **change})
    assert response.status_code == 422 and text in response.get_data(as_text=True)
    assert rr.report_for(db, world["session"], world["hoa"].id).status == "not_submitted"


def test_a_wrong_file_type_is_refused_and_nothing_is_saved(db, login, world, app):
    client = login(world["reporter"])
    response = client.post(url(world, "hoa"),
                           data={**GOOD, "plan_file": (_file(b"MZ\x90\x00exe"), "plan.pdf")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "phải là tệp PDF hoặc Word (DOCX)" in html
    db.expire_all()
    report = rr.report_for(db, world["session"], world["hoa"].id)
    assert report.status == "not_submitted" and report.plan_stored == ""


def test_every_error_at_once_and_the_chosen_file_kept_until_the_figures_are_right(
        db, login, world):
    """Two wrong figures and a missing one are named together (they came one at a time), and
    the chosen plan comes back kept (it was cleared each time): the fixed form sends it."""
    client = login(world["reporter"])
    wrong = {**GOOD, "attended": "", "people_reached": "nhiều", "makeup_done": "-1",
             "strengths": "Giữ nguyên chữ này"}
    response = client.post(url(world, "hoa"), data={**wrong, "plan_file": (_file(PDF), "kh.pdf")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for text in ("Không được để trống.", "Phải là số nguyên không âm.", "Không được là số âm."):
        assert text in html
    assert "Giữ nguyên chữ này" in html and 'value="nhiều"' in html
    assert "Tệp đã chọn: kh.pdf" in html
    token = html.split('name="plan_token" value="')[1].split('"')[0]
    report = rr.report_for(db, world["session"], world["hoa"].id)
    assert report.plan_stored == ""  # nothing saved yet
    fixed = client.post(url(world, "hoa"), data={**GOOD, "plan_token": token})
    assert fixed.status_code == 302
    db.expire_all()
    report = rr.report_for(db, world["session"], world["hoa"].id)
    assert (report.status, report.plan_kind, report.plan_filename) == ("submitted", "pdf",
                                                                       "kh.pdf")
    download = client.get(url(world, "hoa", "/plan"))
    assert download.data == PDF
    download.close()
    # Another report cannot use the token: it names this report's kept file only.
    organizer = login(world["organizer"])
    assert organizer.post(url(world, "an"), data={**GOOD, "plan_token": token}
                          ).status_code == 302
    db.expire_all()
    assert rr.report_for(db, world["session"], world["an"].id).plan_stored == ""


def test_a_docx_plan_is_accepted(db, login, world):
    client = login(world["reporter"])
    response = client.post(url(world, "hoa"),
                           data={**GOOD, "plan_file": (_file(docx_bytes()), "kh.docx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.expire_all()
    assert rr.report_for(db, world["session"], world["hoa"].id).plan_kind == "docx"


def test_a_reporter_cannot_see_or_edit_another_unit(db, login, world):
    client = login(world["other"])
    assert client.get(url(world, "hoa")).status_code == 403
    assert client.post(url(world, "hoa"), data=GOOD).status_code == 403
    assert client.get(url(world, "hoa", "/plan")).status_code == 403
    tracking = client.get(f"/sessions/{world['session'].id}/reports")
    assert tracking.status_code == 302 and tracking.headers["Location"].endswith(url(world, "an"))


def test_a_viewer_reads_but_cannot_edit(db, login, world):
    client = login(world["viewer"])
    page = client.get(url(world, "hoa")).get_data(as_text=True)
    assert "<fieldset disabled>" in page and 'value="submit"' not in page
    assert client.post(url(world, "hoa"), data=GOOD).status_code == 403


def test_tracking_shows_who_has_not_submitted(db, login, world):
    login(world["reporter"]).post(url(world, "hoa"), data=GOOD)
    client = login(world["organizer"])
    page = client.get(f"/sessions/{world['session'].id}/reports").get_data(as_text=True)
    assert 'id="waiting-count">1<' in page and "Đã gửi" in page and "Chưa gửi" in page


def test_choosing_units_and_the_scale(db, login, world):
    client = login(world["organizer"])
    base = f"/sessions/{world['session'].id}/reports/units"
    assert "Phổ An" in client.get(base).get_data(as_text=True)
    response = client.post(base, data={"units": [world["an"].id], "grades": "Đạt\nKhông đạt",
                                       "threshold": "90"})
    assert response.status_code == 302
    assert [r.unit_id for r in rr.reports_of(db, world["session"])] == [world["an"].id]
    bad = client.post(base, data={"units": [world["an"].id], "grades": "Đạt",
                                  "threshold": "x"})
    assert bad.status_code == 422 and "Thang đánh giá cần" in bad.get_data(as_text=True)
