"""The summary exports equal the database: CSV, XLSX and PDF, read back."""

import csv
import io
import shutil
import subprocess
import unicodedata
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from attendance.figures.summary import summarize
from attendance.reports import lists
from attendance.reports.cells import csv_text
from attendance.reports.summary_export import export

from .reports_data import INJECTION, NOW, build

FIGURE_KEYS = ("expected", "present", "present_in_person", "present_online", "late",
               "left_early", "absent_excused", "absent_unexcused", "not_checked_in")
N = len(FIGURE_KEYS)


def _cut(numerator: int, denominator: int) -> float:
    """The rate in percent cut to two decimals, by integer arithmetic (16.666… -> 16.66)."""
    return 10000 * numerator // denominator / 100


@pytest.fixture
def data(db):
    session, people = build(db)
    db.commit()
    return session, people


def render(db, session, what, fmt) -> bytes:
    out = io.BytesIO()
    export(db, session, what, fmt, out, now=NOW + timedelta(days=3))
    return out.getvalue()


def csv_rows(raw: bytes) -> list[list[str]]:
    """The default CSV, for Excel set to Vietnamese: ";" between fields, decimal commas."""
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_summary_equals_database(db, data):
    session, _ = data
    summary = summarize(db, session)
    header, *rows = csv_rows(render(db, session, "summary", "csv"))
    assert header[:12] == ["Địa điểm", "Thành phần", "Dự kiến", "Có mặt", "Trực tiếp",
                           "Trực tuyến", "Đi muộn", "Ra về sớm", "Vắng có lý do",
                           "Vắng không lý do", "Chưa điểm danh", "Tỷ lệ có mặt"]
    by_cell = {(r[0], r[1]): r for r in rows}
    for venue in summary.venues:
        for c in venue.categories:
            row = by_cell[(venue.venue.name, c.category.name)]
            assert [int(v) for v in row[2:2 + N]] == [getattr(c.figures, k)
                                                      for k in FIGURE_KEYS]
        subtotal = by_cell[(venue.venue.name, "Cộng")]
        assert [int(v) for v in subtotal[2:2 + N]] == [getattr(venue.totals, k)
                                                       for k in FIGURE_KEYS]
    total = rows[-1]
    assert total[0] == "Tổng cộng"
    t = summary.totals
    assert [int(v) for v in total[2:2 + N]] == [t.expected, 5, 5, 0, 2, 0, 2, 1, 1]
    assert total[2 + N] == f"{_cut(t.present, t.expected):.2f}".replace(".", ",")
    # The grand total is the sum of the category rows.
    categories = [r for r in rows[:-1] if r[1] != "Cộng"]
    assert sum(int(r[3]) for r in categories) == t.present


def test_csv_absentees_and_late_lists(db, data):
    session, people = data
    header, *rows = csv_rows(render(db, session, "absentees", "csv"))
    names = [r[2] for r in rows]
    assert set(names) == {"'+84 Phạm Quốc Việt", "Võ Minh Khải", "Huỳnh Thị Ngọc Ẩn",
                          "Dương Văn Ổn"}
    excused = rows[names.index("'+84 Phạm Quốc Việt")]
    assert excused[3] == "'@Phó Chủ tịch"
    assert excused[6] == "Vắng có lý do"
    assert excused[7] == "'" + INJECTION  # inert text, still readable
    assert rows[names.index("Huỳnh Thị Ngọc Ẩn")][6] == "Chưa điểm danh"
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4]

    header, *late = csv_rows(render(db, session, "late", "csv"))
    assert header[-1] == "Giờ đến"
    assert [(r[2], r[6], r[7], r[8]) for r in late] == [
        ("Lê Thị Hồng Nhung", "Hội trường UBND thị xã", "Trực tiếp", "07:50"),
        ("Bùi Thị Thu Hằng", "Hội trường UBND thị xã", "Trực tiếp", "08:05"),
    ]


def test_csv_text_neutralises_formulas():
    for bad in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_text(bad).startswith("'")
    assert csv_text("Nguyễn Văn A") == "Nguyễn Văn A"
    assert csv_text("Nguyen\u0303") == unicodedata.normalize("NFC", "Nguyen\u0303")


def header_row(sheet, first: str) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first)


def test_xlsx_summary_book(db, data):
    session, _ = data
    summary = summarize(db, session)
    book = load_workbook(io.BytesIO(render(db, session, "summary", "xlsx")))
    assert book.sheetnames == ["Tổng hợp"] + [v.name for v in session.venues]
    sheet = book["Tổng hợp"]
    head = header_row(sheet, "Địa điểm")  # under the letterhead and the title
    assert sheet.freeze_panes == f"C{head + 1}"
    assert sheet.cell(head, 1).font.b
    assert sheet.column_dimensions["B"].width >= 40
    rows = list(sheet.iter_rows(min_row=head + 1))
    total = rows[-1]
    assert total[0].value == "Tổng cộng" and total[0].font.b
    t = summary.totals
    assert [c.value for c in total[2:2 + N]] == [getattr(t, k) for k in FIGURE_KEYS]
    assert total[2 + N].number_format == "0.00%" and total[2].number_format == "#,##0"
    assert total[2 + N].value == pytest.approx(_cut(t.present, t.expected) / 100)
    categories = [r for r in rows[:-1] if r[1].value != "Cộng"]
    assert sum(r[3].value for r in categories) == t.present

    hall = book["Hội trường UBND thị xã"]
    assert hall.freeze_panes == "A2"
    values = [[c.value for c in row] for row in hall.iter_rows()]
    subtotal = next(r for r in values if r[0] == "Cộng")
    assert subtotal[1:1 + N] == [getattr(summary.venues[0].totals, k) for k in FIGURE_KEYS]
    flat = [v for row in values for v in row if v is not None]
    assert "Danh sách vắng mặt" in flat and "Danh sách đi muộn" in flat
    # The formula-like reason is stored as a string, never as a formula.
    cell = next(c for row in hall.iter_rows() for c in row if c.value == INJECTION)
    assert cell.data_type == "s"
    assert "+84 Phạm Quốc Việt" in flat and "07:50" in flat


def test_xlsx_absentee_list(db, data):
    session, _ = data
    book = load_workbook(io.BytesIO(render(db, session, "absentees", "xlsx")))
    sheet = book.active
    head = header_row(sheet, "STT")
    assert sheet.title == "Danh sách vắng mặt" and sheet.freeze_panes == f"A{head + 1}"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=head + 1)]
    assert len(rows) == sum(1 for _ in lists.absentees(db, session)) == 4
    formula_cells = [c for row in sheet.iter_rows() for c in row
                     if isinstance(c.value, str) and c.value.startswith("=")]
    assert formula_cells and all(c.data_type == "s" for c in formula_cells)


def pdf_text(raw: bytes, tmp_path, *, layout: bool = False) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is missing")
    path = tmp_path / "report.pdf"
    path.write_bytes(raw)
    options = ["-layout"] if layout else []
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],
                          capture_output=True, check=True)
    return unicodedata.normalize("NFC", done.stdout.decode("utf-8"))


def test_pdf_summary_reads_back(db, data, tmp_path):
    session, _ = data
    summary = summarize(db, session)
    raw = render(db, session, "summary", "pdf")
    text = pdf_text(raw, tmp_path)
    squashed = "".join(text.split())  # table cells wrap names over lines
    for phrase in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO", "Kết quả tham dự hội nghị quán triệt",
                   "ngày 30 tháng 11 năm 2026", "Nơi nhận:", "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ",
                   "Trần Văn Ký",
                   "Huỳnh Thị Ngọc Ẩn", "Dương Văn Ổn", "Ốm,", "nằm viện", "Lê Thị Hồng Nhung",
                   "07:50", "Kết quả theo địa điểm", "Kết quả theo thành phần"):
        assert "".join(phrase.split()) in squashed, phrase
    t = summary.totals
    total_line = next(line for line in pdf_text(raw, tmp_path, layout=True).splitlines()
                      if line.strip().startswith("Tổng cộng"))
    numbers = total_line.split()[2:]  # a rate's no-break space splits it too
    shown = [k for k in FIGURE_KEYS if k != "present_in_person"]  # A4: the text says it
    assert numbers[:len(shown)] == [str(getattr(t, k)) for k in shown]
    assert numbers[len(shown):len(shown) + 2] == [
        f"{_cut(t.present, t.expected):.2f}".replace(".", ","), "%"]
    hall = summary.venues[0].totals.present_in_person
    assert (f"trongđótạihộitrường:{hall},tạicácđiểmcầu:{t.present_in_person - hall},"
            f"trựctuyến:{t.present_online}") in squashed


def test_pdf_lists(db, data, tmp_path):
    session, _ = data
    text = "".join(pdf_text(render(db, session, "absentees", "pdf"), tmp_path).split())
    assert "DANHSÁCHngườivắngmặt" in text and "VõMinhKhải" in text
    assert "(KèmtheoBáocáosố-BC/" in text and "BÁOCÁO" not in text
    assert "LêThịHồngNhung" not in text
    text = "".join(pdf_text(render(db, session, "late", "pdf"), tmp_path).split())
    assert "BùiThịThuHằng" in text and "08:05" in text


def test_xlsx_summary_of_many_venues_lists_on_one_sheet_each(db, data, monkeypatch):
    """Past VENUE_SHEETS_MAX venues (a nation's 7,400) no sheet per venue: the summary sheet
    and each list on one sheet with the venue as a column, the same people."""
    from attendance.reports import summary_export

    session, _ = data
    monkeypatch.setattr(summary_export, "VENUE_SHEETS_MAX", 1)
    book = load_workbook(io.BytesIO(render(db, session, "summary", "xlsx")))
    assert book.sheetnames == ["Tổng hợp", "Danh sách vắng mặt", "Danh sách đi muộn",
                               "Danh sách ra về sớm"]
    absent = book["Danh sách vắng mặt"]
    head = header_row(absent, "STT")
    listed = [(r[1].value, r[2].value) for r in absent.iter_rows(min_row=head + 1)]
    assert listed == [(a.venue, a.full_name) for a in lists.absentees(db, session)]
    assert listed and {venue for venue, _ in listed} <= {v.name for v in session.venues}
    cell = next(c for row in absent.iter_rows() for c in row if c.value == INJECTION)
    assert cell.data_type == "s"
    late = book["Danh sách đi muộn"]
    assert "07:50" in [c.value for row in late.iter_rows() for c in row]
