"""The consolidated learning-outcome report: its figures equal the database in CSV (read back
with csv), XLSX (openpyxl) and PDF (pdftotext); the page, its downloads and the CLI."""

import csv
import io
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest

from attendance.models import PRESENT, Attendance, Unit
from attendance.outcomes import essays, quiz
from attendance.outcomes import reports as rr
from attendance.reports.outcomes import build_outcomes
from attendance.reports.outcomes_export import export_outcomes

from .factories import NOW

QUESTIONS = "Năm ban hành?\n- 2022\n* 2023\n\nLĩnh vực?\n* Thông tin đối ngoại\n- Khác"


@pytest.fixture
def filled(db, make_session, make_person):
    """Two reporting units: Phổ Hòa reported (40 members, 38 attended, below nothing), Phổ An
    has not (its 2 roster members, 1 came: 50%). Essays, quiz answers and a formula-like
    unit name."""
    hoa = Unit(name="Đảng ủy phường Phổ Hòa", kind="committee")
    an = Unit(name="=Đảng ủy xã Phổ An", kind="committee")
    db.add_all([hoa, an])
    db.commit()
    session = make_session(report_deadline=date(2026, 12, 31),
                           signer_title="T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ")  # no unit to say it
    h1 = make_person(session, unit_id=hoa.id, phone="0911110001")
    a1 = make_person(session, unit_id=an.id, phone="0911110002")
    a2 = make_person(session, unit_id=an.id, phone="0911110003")
    db.add(Attendance(session_id=session.id, person_id=a1.id, venue_id=a1.venue_id,
                      status=PRESENT, method="manual", at=NOW))
    rr.set_reporting_units(db, session, [hoa.id, an.id], now=NOW, actor=None)
    rr.save_report(db, rr.report_for(db, session, hoa.id), {
        "members_total": 40, "attended": 38, "absent_excused": 2, "makeup_done": 1,
        "essays_submitted": 30, "essays_by_grade": {"Xuất sắc": 5, "Tốt": 20, "Khá": 5},
        "propaganda_activities": 4, "people_reached": 1200}, submit=True, now=NOW, actor=None)
    essays.set_essays(db, session, {a1.id: "Tốt", a2.id: "Khá"}, now=NOW, actor=None)
    q = quiz.save_quiz(db, session, title="KT", pass_mark=60, text=QUESTIONS, now=NOW,
                       actor=None)
    quiz.set_state(db, q, "open", now=NOW, actor=None)
    right = {qq.id: qq.correct for qq in q.questions}
    quiz.submit_answers(db, q, venue=h1.venue, person_id=h1.id, digits="0001", answers=right,
                        now=NOW)
    half = {q.questions[0].id: 0, q.questions[1].id: 0}
    quiz.submit_answers(db, q, venue=a1.venue, person_id=a1.id, digits="0002", answers=half,
                        now=NOW)
    db.commit()
    return session


def test_figures_by_unit_and_in_total(db, filled):
    outcomes = build_outcomes(db, filled, now=NOW)
    hoa, an = outcomes.rows
    assert (hoa.reported, hoa.members, hoa.attended, hoa.rate) == (True, 40, 38, 0.95)
    assert hoa.essays_by_grade == {"Xuất sắc": 5, "Tốt": 20, "Khá": 5}
    assert (an.reported, an.members, an.attended, an.absent_unexcused) == (False, 2, 1, 1)
    assert an.essays_by_grade == {"Tốt": 1, "Khá": 1}
    assert (hoa.quiz.answered, hoa.quiz.mean_score, an.quiz.mean_score) == (1, 100.0, 50.0)
    t = outcomes.total
    assert (t.members, t.attended, t.essays_submitted, t.people_reached) == (42, 39, 32, 1200)
    assert (t.quiz.answered, t.quiz.mean_score, t.quiz.passed) == (2, 75.0, 1)
    assert [r.name for r in outcomes.under_threshold] == [an.name]  # 95% is not under 95%
    assert [r.name for r in outcomes.not_reported] == [an.name]


def test_csv_figures_equal_the_database_and_text_is_formula_safe(db, filled):
    out = io.BytesIO()
    export_outcomes(db, filled, "csv", out, now=NOW, dialect="excel")  # figures, not dialect
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["Đơn vị"] for r in rows] == ["Đảng ủy phường Phổ Hòa", "'=Đảng ủy xã Phổ An",
                                           "Tổng cộng"]
    assert rows[0]["Tổng số đảng viên"] == "40" and rows[0]["Tỷ lệ tham dự"] == "95.00"
    assert rows[0]["Loại Tốt"] == "20" and rows[0]["Lượt người được tuyên truyền"] == "1200"
    assert rows[1]["Tình trạng báo cáo"] == "Chưa gửi" and rows[1]["Tham dự"] == "1"
    assert rows[2]["Tổng số đảng viên"] == "42" and rows[2]["Người làm bài kiểm tra"] == "2"
    assert rows[2]["Điểm kiểm tra trung bình"] == "75.00"


def test_xlsx_figures_equal_the_database(db, filled):
    out = io.BytesIO()
    export_outcomes(db, filled, "xlsx", out, now=NOW)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["Theo đơn vị", "Theo hệ thống đơn vị", "Kiểm tra nhận thức",
                               "Cần chú ý"]
    sheet = book["Theo đơn vị"]
    head = next(row[0].row for row in sheet.iter_rows() if row[0].value == "STT")
    header = [c.value for c in sheet[head]]
    rows = [dict(zip(header, [c.value for c in row]))
            for row in sheet.iter_rows(min_row=head + 1)]
    assert rows[1]["Đơn vị"] == "=Đảng ủy xã Phổ An" and sheet[f"B{head + 2}"].data_type == "s"
    assert rows[0]["Tỷ lệ tham dự"] == pytest.approx(0.95)
    assert sheet[f"F{head + 1}"].number_format == "0.00%"
    assert sheet.freeze_panes == f"C{head + 1}"
    assert (rows[2]["Đơn vị"], rows[2]["Tổng số đảng viên"], rows[2]["Tham dự"]) == \
        ("Tổng cộng", 42, 39)
    assert rows[2]["Loại Khá"] == 6 and rows[2]["Hoạt động tuyên truyền"] == 4
    attention = [[c.value for c in row] for row in book["Cần chú ý"].iter_rows()]
    assert ["=Đảng ủy xã Phổ An", "Chưa gửi", 0.5] in attention


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_is_a_party_document_with_the_figures_in_vietnamese(db, filled, tmp_path):
    path = tmp_path / "outcomes.pdf"
    with path.open("wb") as out:
        export_outcomes(db, filled, "pdf", out, now=NOW)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())  # lines wrap wherever the page width says
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO", "Kết quả quán triệt Kết luận",
                     "Đảng ủy phường Phổ Hòa", "Tổng số đảng viên: 42; tham dự: 39",
                     "1/2 đơn vị đã gửi báo cáo", "Đơn vị chưa báo cáo", "Nơi nhận",
                     "1.200", "95,00 %", "75,00 %", "Kiểm tra nhận thức", "Hội trường UBND thị xã"):
        assert expected in text, expected
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_page_downloads_and_cli(db, filled, make_user, login, runner, tmp_path):
    client = login(make_user(role="viewer"))
    page = client.get(f"/sessions/{filled.id}/outcomes").get_data(as_text=True)
    assert "Đảng ủy phường Phổ Hòa" in page and "Đơn vị chưa báo cáo" in page
    for fmt, magic in (("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"), ("pdf", b"%PDF-")):
        response = client.get(f"/sessions/{filled.id}/outcomes.{fmt}")
        assert response.status_code == 200 and response.data.startswith(magic)
        response.close()
    assert client.get(f"/sessions/{filled.id}/outcomes.exe").status_code == 404
    target = tmp_path / "o.csv"
    result = runner.invoke(args=["export", str(filled.id), "--what", "outcomes", "--format",
                                 "csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Tổng cộng" in target.read_bytes().decode("utf-8-sig")


def test_the_report_of_a_large_tree_is_made_in_the_background(app, db, make_session, make_user,
                                                                login):
    """Past JOBS_DIRECT_UNITS units under the organizer (a nation's 58,763: 36 s as XLSX, past
    gunicorn's 30 s) the download links offer a job; a smaller tree downloads at once."""
    town = Unit(name="Thị ủy Đức Phổ", kind="committee")
    db.add(town)
    db.flush()
    db.add_all([Unit(name=f"Chi bộ {n}", kind="cell", parent_id=town.id) for n in range(3)])
    db.commit()
    session = make_session(organizer_unit_id=town.id)
    client = login(make_user(role="viewer"))
    app.config.update(JOBS_DIRECT_UNITS=4)  # the town and its 3 cells: at the limit
    assert client.get(f"/sessions/{session.id}/outcomes.xlsx").data.startswith(b"PK")
    app.config.update(JOBS_DIRECT_UNITS=3)
    for fmt in ("pdf", "xlsx", "csv"):
        page = client.get(f"/sessions/{session.id}/outcomes.{fmt}")
        assert page.status_code == 200 and page.mimetype == "text/html", fmt
        text = page.get_data(as_text=True)
        assert f'action="/sessions/{session.id}/exports"' in text
        assert 'value="outcomes"' in text and f'value="{fmt}"' in text
    # The offered button's job (immediate in tests) makes the file a viewer may download.
    answer = client.post(f"/sessions/{session.id}/exports",
                         data={"what": "outcomes", "format": "xlsx"})
    assert answer.status_code == 303
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'value="100"' in page and "Tải tệp về" in page
