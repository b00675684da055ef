"""Party documents read back from the files themselves: fonts embedded, 36-HD sizes, wording,
the attached lists, rates that never break, no signature left alone on a last page."""

import io
import re
import subprocess
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader

from attendance.models import Unit
from attendance.reports import document
from attendance.reports.document import Letterhead, PartyDocument
from attendance.reports.summary_export import export
from attendance.reports.table import INT, RATE, TEXT, Column

from .reports_data import NOW, build

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def pdf_text(raw: bytes, *, layout: bool = False, page: int | None = None) -> str:
    options = ["-layout"] if layout else []
    if page is not None:
        options += ["-f", str(page), "-l", str(page)]
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *options, "-", "-"], input=raw,
                          capture_output=True, check=True)
    return unicodedata.normalize("NFC", done.stdout.decode())


def fonts_of(raw: bytes) -> dict[str, bool]:
    """Every font the pages use -> whether its file is embedded."""
    found = {}
    for page in PdfReader(io.BytesIO(raw)).pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2"))
            found[str(font["/BaseFont"]).split("+")[-1]] = embedded
    return found


def sizes_of(raw: bytes, page: int = 0) -> list[tuple[str, str, float]]:
    """(text, font, size) of every run drawn on a page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            runs.append((unicodedata.normalize("NFC", text.strip()),
                         str(font["/BaseFont"]).split("+")[-1], round(size * tm[0], 1)))

    PdfReader(io.BytesIO(raw)).pages[page].extract_text(visitor_text=visit)
    return runs


def size_of(runs, text: str) -> tuple[str, float]:
    return next((font, size) for t, font, size in runs if t.startswith(text))


@pytest.fixture
def organised(db):
    session, people = build(db)
    province = Unit(name="Tỉnh ủy Quảng Ngãi", kind="committee", code="TUQN")
    session.organizer_unit = Unit(name="Thị ủy Đức Phổ", kind="committee", code="TUDP",
                                  parent=province, symbol="TU", place="Đức Phổ")
    session.plan_date = date(2023, 10, 5)
    session.plan_issuer = "Ban Thường vụ Thị ủy Đức Phổ"
    session.signer_title = "T/M BAN THƯỜNG VỤ\nPhó Bí thư Thường trực"
    session.signer_name = "Nguyễn Văn Bình"
    db.flush()
    return session, people


def render(db, session, what) -> bytes:
    out = io.BytesIO()
    export(db, session, what, "pdf", out, now=NOW)
    return out.getvalue()


def test_every_font_is_embedded_tinos(db, organised):
    session, _ = organised
    for what in ("summary", "absentees"):
        fonts = fonts_of(render(db, session, what))
        assert fonts and all(embedded for embedded in fonts.values()), fonts
        assert set(fonts) <= {"Tinos", "Tinos-Bold", "Tinos-Italic", "Tinos-BoldItalic"}, fonts


def test_summary_follows_36_hd_sizes_and_wording(db, organised):
    session, _ = organised
    raw = render(db, session, "summary")
    runs = sizes_of(raw)
    assert size_of(runs, "ĐẢNG CỘNG SẢN VIỆT NAM") == ("Tinos-Bold", 15)
    assert size_of(runs, "ĐẢNG BỘ TỈNH QUẢNG NGÃI") == ("Tinos", 14)
    assert size_of(runs, "THỊ ỦY ĐỨC PHỔ") == ("Tinos-Bold", 14)
    assert size_of(runs, "BÁO CÁO") == ("Tinos-Bold", 16)
    assert size_of(runs, "Đức Phổ, ngày 27 tháng 11 năm 2026") == ("Tinos-Italic", 14)
    text = " ".join(pdf_text(raw).split())
    assert "Số:" not in text and re.search(r"Số -BC/TU", text)
    # The plan with its own date and issuer; the session held by the standing committee.
    assert ("Thực hiện Kế hoạch số 145-KH/TU, ngày 05-10-2023 của Ban Thường vụ Thị ủy Đức Phổ"
            ", ngày 27/11/2026, Ban Thường vụ Thị ủy Đức Phổ tổ chức hội nghị") in text
    assert "của Bộ Chính trị của" not in text and "Thị ủy Đức Phổ tổ chức" not in text.replace(
        "Ban Thường vụ Thị ủy Đức Phổ tổ chức", "")
    assert "PHÓ BÍ THƯ THƯỜNG TRỰC" in text and "Nguyễn Văn Bình" in text


def test_lists_are_attached_to_the_report(db, organised):
    session, _ = organised
    raw = render(db, session, "absentees")
    text = " ".join(pdf_text(raw).split())
    assert text.count("DANH SÁCH") == 1 and "BÁO CÁO" not in text
    assert "(Kèm theo Báo cáo số -BC/TU, ngày 27 tháng 11 năm 2026 của Ban Thường vụ" in text
    assert "T/M BAN THƯỜNG VỤ" not in text  # an attached list is not signed on its own
    summary = " ".join(pdf_text(render(db, session, "summary")).split())
    # absentees, late arrivals, early leavers
    assert summary.count("DANH SÁCH") == 3 and summary.count("(Kèm theo Báo cáo số") == 3
    # The signature closes the report, before the lists.
    assert summary.index("T/M BAN THƯỜNG VỤ") < summary.index("DANH SÁCH")


def test_rates_never_break_over_lines():
    letterhead = Letterhead(committee="Thị ủy Đức Phổ", place="Đức Phổ", on=NOW.date())
    doc = PartyDocument(letterhead, "BÁO CÁO", "Tỷ lệ")
    columns = [Column("Đơn vị", TEXT, 60)] + [Column(f"Tỷ lệ {i}", RATE, 8) for i in range(5)]
    doc.table(columns, [(f"Đơn vị {n}", 1.0, 0.9556, 0.5, None, 0.001) for n in range(5)])
    out = io.BytesIO()
    doc.build(out)
    layout = pdf_text(out.getvalue(), layout=True)
    assert layout.count("100,00") == 5 and layout.count("95,56") == 5
    for line in layout.splitlines():
        tokens = line.split()
        for before, token in zip([""] + tokens, tokens):
            if token == "%":
                assert re.fullmatch(r"[\d.]+,\d\d", before), line


def _signature_page_rows(rows: int) -> tuple[int, str]:
    letterhead = Letterhead(committee="Thị ủy Đức Phổ", place="Đức Phổ", on=NOW.date(),
                            recipients=["Ban Thường vụ Tỉnh ủy (b/c),", "Lưu."])
    doc = PartyDocument(letterhead, "BÁO CÁO", "Kết quả")
    doc.paragraph("Nội dung báo cáo. " * 20)
    doc.table([Column("STT", INT, 8), Column("Đơn vị", TEXT, 60)],
              [(n, f"Đơn vị số {n}") for n in range(1, rows + 1)])
    doc.closing("Trên đây là báo cáo./.")
    out = io.BytesIO()
    doc.build(out)
    pages = len(PdfReader(io.BytesIO(out.getvalue())).pages)
    return pages, pdf_text(out.getvalue(), page=pages)


def test_signature_never_stands_alone_on_the_last_page():
    """Whatever the length, the last page carries table rows with the signature, never only
    the closing sentence (the outcomes PDF used to end on one line and the signature)."""
    tried = set()
    for rows in range(24, 62, 2):
        pages, last = _signature_page_rows(rows)
        if pages == 1:
            continue
        tried.add(rows)
        assert "T/M BAN THƯỜNG VỤ" in last
        assert re.search(r"Đơn vị số \d+", last), (rows, last[:200])
    assert tried  # the range reaches a second page


def test_dates_as_36_hd_writes_them():
    assert document.dateline_date(date(2018, 4, 3)) == "ngày 03 tháng 4 năm 2018"
    assert document.dateline_date(date(2023, 2, 15)) == "ngày 15 tháng 02 năm 2023"
    assert document.cited_date(date(2023, 6, 15)) == "15-6-2023"


def test_pages_write_numbers_the_vietnamese_way(app, db, organised, make_user, login):
    session, _ = organised
    from attendance.models import ExpectedCount

    count = db.query(ExpectedCount).filter_by(venue_id=session.venues[0].id).first()
    count.expected = 1234
    db.commit()
    client = login(make_user(role="viewer"))
    page = client.get(f"/sessions/{session.id}/report").get_data(as_text=True)
    assert ">1.23" in page and ">1234<" not in page  # thousands with a dot
    assert re.search(r"\d,\d\d\u00a0%", page) and not re.search(r"\d\.\d%", page)
    assert "Vắng có LD" not in page and "Vắng có lý do" in page
    client.post("/lang/en")
    page = client.get(f"/sessions/{session.id}/report").get_data(as_text=True)
    assert re.search(r"\d\.\d\d\u00a0%", page)
