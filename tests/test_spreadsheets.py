"""Spreadsheets as a clerk prints them: letterhead rows, Times, A4 set-up read back with
openpyxl; printed through LibreOffice, one page wide. CSV in both dialects."""

import csv
import io
import os
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from attendance.models import Unit
from attendance.reports.summary_export import export

from .reports_data import NOW, build


@pytest.fixture
def data(db):
    session, people = build(db)
    session.organizer_unit = Unit(name="Thị ủy Đức Phổ", kind="committee", code="TUDP",
                                  place="Đức Phổ",
                                  parent=Unit(name="Tỉnh ủy Quảng Ngãi", kind="committee",
                                              code="TUQN"))
    db.flush()
    return session, people


def render(db, session, what, fmt, **kwargs) -> bytes:
    out = io.BytesIO()
    export(db, session, what, fmt, out, now=NOW, **kwargs)
    return out.getvalue()


def test_summary_sheet_heads_and_prints_like_a_document(db, data):
    session, _ = data
    book = load_workbook(io.BytesIO(render(db, session, "summary", "xlsx")))
    sheet = book["Tổng hợp"]
    cells = {c.value: c for row in sheet.iter_rows(max_row=7) for c in row if c.value}
    for text in ("ĐẢNG BỘ TỈNH QUẢNG NGÃI", "THỊ ỦY ĐỨC PHỔ", "ĐẢNG CỘNG SẢN VIỆT NAM",
                 "Đức Phổ, ngày 27 tháng 11 năm 2026", "TỔNG HỢP KẾT QUẢ THAM DỰ"):
        assert text in cells, text
    assert cells["THỊ ỦY ĐỨC PHỔ"].font.b and cells["Đức Phổ, ngày 27 tháng 11 năm 2026"].font.i
    assert any(str(r).startswith("A5:") for r in sheet.merged_cells.ranges)  # title across
    head = next(r[0].row for r in sheet.iter_rows() if r[0].value == "Địa điểm")
    assert sheet.print_title_rows == f"${head}:${head}"
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == \
        (9, "landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # Every cell in Times New Roman, including the unstyled ones (the book's default font).
    fonts = {c.font.name for row in sheet.iter_rows() for c in row if c.value is not None}
    assert fonts == {"Times New Roman"}
    narrow = load_workbook(io.BytesIO(render(db, session, "late", "xlsx"))).active
    assert narrow.page_setup.orientation in ("landscape", "portrait")


def test_csv_for_vietnamese_excel(db, data):
    session, _ = data
    plain = render(db, session, "summary", "csv", dialect="excel")
    vietnamese = render(db, session, "summary", "csv")  # the default: Excel set to Vietnamese
    assert plain.startswith(b"\xef\xbb\xbf") and vietnamese.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(vietnamese.decode("utf-8-sig")), delimiter=";"))
    standard = list(csv.reader(io.StringIO(plain.decode("utf-8-sig"))))
    assert len(rows) == len(standard) and len(rows[0]) == len(standard[0]) > 9
    total_vn, total = rows[-1], standard[-1]
    rate = standard[0].index("Tỷ lệ có mặt")
    assert total_vn[rate] == total[rate].replace(".", ",") and "," in total_vn[rate]
    assert total_vn[2:rate] == total[2:rate]  # whole numbers alike, without separators


def test_downloads_are_for_vietnamese_excel_and_offer_the_comma_dialect(db, data, make_user,
                                                                        login):
    session, _ = data
    db.commit()
    client = login(make_user(role="viewer"))
    page = client.get(f"/sessions/{session.id}/report").get_data(as_text=True)
    assert "dialect=excel" in page
    response = client.get(f"/sessions/{session.id}/report/summary.csv")
    header = response.data.splitlines()[0]
    assert response.status_code == 200 and header.count(b";") > 8 and b"," not in header
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # said once
    response.close()
    response = client.get(f"/sessions/{session.id}/report/summary.csv?dialect=excel")
    assert response.status_code == 200 and b";" not in response.data.splitlines()[0]
    response.close()
    assert client.get(f"/sessions/{session.id}/report/summary.csv?dialect=x").status_code == 404


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (libreoffice-calc-nogui) is missing")
        pytest.skip("LibreOffice (libreoffice-calc-nogui) is missing")
    return found


def test_libreoffice_prints_the_summary_one_page_wide(db, data, tmp_path):
    soffice = _soffice()
    session, _ = data
    source = tmp_path / "summary.xlsx"
    source.write_bytes(render(db, session, "summary", "xlsx"))
    home = tmp_path / "home"
    home.mkdir()
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=120,
                   env={**os.environ, "HOME": str(home)})
    printed = (tmp_path / "summary.pdf").read_bytes()
    info = subprocess.run(["pdfinfo", "-"], input=printed, capture_output=True,
                          check=True).stdout.decode()
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    sheets = len(load_workbook(source, read_only=True).sheetnames)
    assert pages == sheets  # each sheet of this small session on one page: no split columns
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=printed,
                           capture_output=True, check=True).stdout.decode()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in first and "Địa điểm" in first and "Đã học bù" in first


def test_an_export_job_writes_the_dialect_asked_for(db, data, make_user, bearer, client):
    session, _ = data
    db.commit()
    headers = bearer(make_user(role="organizer"))
    firsts = {}
    for dialect in (None, "excel", "excel-vn"):
        body = {"what": "summary", "format": "csv", **({"dialect": dialect} if dialect else {})}
        answer = client.post(f"/api/v1/sessions/{session.id}/exports", json=body,
                             headers=headers)
        assert answer.status_code == 202, answer.get_json()
        job = client.get(f"/api/v1/jobs/{answer.get_json()['job']['id']}", headers=headers)
        download = client.get(job.get_json()["download"], headers=headers)
        firsts[dialect] = download.data.splitlines()[0]
        download.close()
    assert firsts[None] == firsts["excel-vn"] and firsts[None].count(b";") > 8
    assert b";" not in firsts["excel"]
    refused = client.post(f"/api/v1/sessions/{session.id}/exports", headers=headers,
                          json={"what": "summary", "format": "csv", "dialect": "tsv"})
    assert refused.status_code == 400 and "dialect" in refused.get_data(as_text=True)


def test_the_units_export_is_for_vietnamese_excel_and_formula_safe(db):
    from attendance import units
    from attendance.models import Unit

    db.add(Unit(code="X1", name="=HYPERLINK(\"http://x\")", kind="committee"))
    db.flush()
    text = units.export_csv(db).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.count(";") >= 7 and "," not in header
    assert "'=HYPERLINK" in row  # kept visible and inert, never a formula
