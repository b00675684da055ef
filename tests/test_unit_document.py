"""A unit's result report as its own party document, and the signed copy attached to it."""

import io
import shutil
import subprocess

import pytest
from PIL import Image

from attendance.errors import DomainError, ValidationError
from attendance.models import ACCEPTED, AuditEntry
from attendance.outcomes import reports as rr
from attendance.outcomes import signed_copy
from attendance.reports.unit_report_pdf import write_unit_report

from .cascade_data import build_town
from .factories import NOW


def _png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def ward(db):
    town = build_town(db)
    town.hoa.letterhead = "ĐẢNG ỦY PHƯỜNG PHỔ HÒA"
    rr.set_reporting_units(db, town.session, [town.hoa.id], now=NOW, actor=None)
    db.commit()
    return town, rr.report_for(db, town.session, town.hoa.id)


def test_the_scan_is_judged_by_its_content():
    assert signed_copy.scan_kind(PDF) == "pdf"
    assert signed_copy.scan_kind(_png()) == "png"
    assert signed_copy.scan_kind(_jpeg()) == "jpeg"
    assert signed_copy.scan_kind(b"%PDF-1.4 cut short") is None
    assert signed_copy.scan_kind(_png()[:60]) is None  # a picture cut short
    assert signed_copy.scan_kind(b"GIF89a" + b"\0" * 40) is None
    assert signed_copy.scan_kind("Báo cáo.pdf".encode()) is None


def test_attaching_keeps_the_file_and_audits_refusals_change_nothing(db, ward, tmp_path):
    _, report = ward
    tmp_path = tmp_path / "uploads"
    with pytest.raises(ValidationError) as refused:
        signed_copy.attach_scan(db, report, b"not a scan", "scan.pdf", folder=tmp_path,
                                now=NOW, actor=None)
    assert refused.value.errors == {"scan_file": "bad_scan_type"}
    assert report.scan_stored == "" and not tmp_path.exists()
    signed_copy.attach_scan(db, report, _png(), "../../ban ky.png", folder=tmp_path, now=NOW,
                            actor=None)
    assert report.scan_filename == "ban ky.png" and report.scan_kind == "png"
    assert signed_copy.scan_path(report, tmp_path).read_bytes() == _png()
    assert db.query(AuditEntry).filter_by(action="report.signed_copy").count() == 1
    report.status = ACCEPTED
    with pytest.raises(DomainError):
        signed_copy.attach_scan(db, report, PDF, "x.pdf", folder=tmp_path, now=NOW, actor=None)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_is_in_the_units_own_letterhead(db, ward, tmp_path):
    _, report = ward
    path = tmp_path / "r.pdf"
    with path.open("wb") as out:
        write_unit_report(db, report, out, now=NOW)
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    for expected in ("ĐẢNG BỘ THỊ XÃ ĐỨC PHỔ", "ĐẢNG ỦY PHƯỜNG PHỔ HÒA", "-BC/ĐU",
                     "Phổ Hòa, ngày 27 tháng 11 năm 2026", "T/M ĐẢNG ỦY", "BÍ THƯ",
                     "đã học tập: 7, đạt 87,50 %", "Ban Thường vụ Thị ủy Đức Phổ (b/c)",
                     "Tổng số đảng viên 8"):
        assert expected in text, expected


def test_reporter_attaches_and_organizer_downloads_both(db, ward, login, make_user, client):
    town, report = ward
    reporter = make_user(role="reporter", unit_id=town.hoa.id)
    other = make_user(role="reporter", unit_id=town.ninh.id)
    organizer = make_user(role="organizer")
    db.commit()
    base = f"/sessions/{town.session.id}/reports/{town.hoa.id}"
    login(other)
    assert client.get(f"{base}.pdf").status_code == 403
    login(reporter)
    response = client.post(f"{base}/signed", data={"scan_file": (io.BytesIO(b"MZ\x90"), "a.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "PDF hoặc ảnh" in response.get_data(as_text=True)
    response = client.post(f"{base}/signed", data={"scan_file": (io.BytesIO(PDF), "ky.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    login(organizer)
    page = client.get(base).get_data(as_text=True)
    assert 'id="signed-link"' in page and 'id="report-pdf"' in page
    signed = client.get(f"{base}/signed")
    assert signed.data == PDF
    signed.close()
    pdf = client.get(f"{base}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    pdf.close()
