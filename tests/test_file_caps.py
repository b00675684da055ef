"""Files (issue 17, part 7): an XLSX or DOCX is measured before it is parsed (a 210 KiB roster
inflating to 87 MiB of XML held a worker 30 s until it was killed), and a stored action plan
downloads under the name and type its content has (an HTML file starting "%PDF-" is no PDF)."""

import io
import time
import zipfile

import pytest
from sqlalchemy import func, select

from attendance import archives
from attendance.errors import ValidationError
from attendance.models import Person
from attendance.outcomes import reports as rr

from .test_result_reports import PDF, docx_bytes, setting, units  # noqa: F401 (fixtures)


def _bomb(inner: str, size: int = 87 * 1024 * 1024) -> bytes:
    """A small ZIP whose one big entry inflates to ``size`` bytes of XML-ish text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(inner, "w") as entry:
            chunk = b"<row><c><v>1</v></c></row>" * 40_000
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def xlsx_bomb():
    return _bomb("xl/worksheets/sheet1.xml")


def test_an_inflating_roster_is_refused_at_once_and_nothing_changes(
        db, make_session, runner, tmp_path, xlsx_bomb):
    assert len(xlsx_bomb) < 400 * 1024
    session = make_session()
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_bomb)
    started = time.monotonic()
    result = runner.invoke(args=["import-roster", str(session.id), str(path)])
    assert time.monotonic() - started < 5
    assert result.exit_code == 1 and "Tệp nén chứa quá nhiều dữ liệu" in result.output
    assert "Traceback" not in result.output
    assert db.scalar(select(func.count()).select_from(Person)) == 0


def test_the_essays_import_page_refuses_it_too(db, make_session, make_user, login, xlsx_bomb):
    session = make_session()
    client = login(make_user())
    response = client.post(f"/sessions/{session.id}/essays/import", data={
        "file": (io.BytesIO(xlsx_bomb), "essays.xlsx")}, content_type="multipart/form-data")
    assert response.status_code < 500
    assert "Tệp nén chứa quá nhiều dữ liệu" in response.get_data(as_text=True)


def test_too_many_entries_or_too_much_in_total(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(archives.MAX_ENTRIES + 1):
            archive.writestr(f"x/{i}.xml", "<a/>")
    with pytest.raises(archives.DomainError) as error:
        archives.check_archive(buffer.getvalue())
    assert error.value.code == "archive_too_large"
    archives.check_archive(docx_bytes()).close()  # a real document passes
    monkeypatch.setattr(archives, "MAX_TOTAL", 10)
    with pytest.raises(archives.DomainError):
        archives.check_archive(docx_bytes())


def test_a_docx_bomb_is_refused_as_an_action_plan(db, tmp_path, setting):  # noqa: F811
    session, hoa, _ = setting
    report = rr.report_for(db, session, hoa.id)
    with pytest.raises(ValidationError) as error:
        rr.attach_plan(db, report, _bomb("word/document.xml", 50 * 1024 * 1024), "kh.docx",
                       folder=tmp_path, now=report.session.starts_at, actor=None)
    assert error.value.errors == {"plan_file": "archive_too_large"}
    assert report.plan_stored == ""


def test_plans_are_named_by_their_detected_type(db, tmp_path, setting):  # noqa: F811
    session, hoa, _ = setting
    report = rr.report_for(db, session, hoa.id)
    html = b"%PDF-1.4\n<html><script>alert(1)</script></html>"
    with pytest.raises(ValidationError):  # no %%EOF: not a PDF
        rr.attach_plan(db, report, html, "x.html", folder=tmp_path, now=session.starts_at,
                       actor=None)
    rr.attach_plan(db, report, PDF, "x.html", folder=tmp_path, now=session.starts_at,
                   actor=None)
    assert report.plan_filename == "x.pdf" and report.plan_kind == "pdf"
    assert rr.plan_download_name("Kế hoạch.html", "docx") == "Kế hoạch.docx"
    assert rr.plan_download_name("", "pdf") == "ke-hoach.pdf"
