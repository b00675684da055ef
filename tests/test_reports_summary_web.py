"""The summary page, its downloads and the export CLI."""

import csv
import io
import sys

import pytest
from openpyxl import load_workbook

from .reports_data import build


@pytest.fixture
def data(db):
    session, people = build(db)
    db.commit()
    return session, people


@pytest.mark.parametrize("role", ["organizer", "viewer"])
def test_page_shows_figures_and_lists(data, make_user, login, role):
    session, _ = data
    client = login(make_user(role=role))
    page = client.get(f"/sessions/{session.id}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-total="present">5<' in html
    for text in ("Huỳnh Thị Ngọc Ẩn", "Chưa điểm danh", "Lê Thị Hồng Nhung", "07:50",
                 "Điểm cầu phường 1", "Đảng ủy viên", "Tổng cộng"):
        assert text in html
    assert f"/sessions/{session.id}/report/summary.xlsx" in html
    assert "&lt;" not in html.split("<main", 1)[0]  # sanity: page rendered, not escaped
    assert "=HYPERLINK(&#34;" in html or "=HYPERLINK(&quot;" in html  # escaped, shown as text


def test_page_refuses_other_roles(data, make_user, login, client):
    session, _ = data
    assert client.get(f"/sessions/{session.id}/report").status_code == 302  # to sign-in
    staff = make_user(role="staff", venue=session.venues[0])
    assert login(staff).get(f"/sessions/{session.id}/report").status_code == 403
    assert client.get(f"/sessions/{session.id}/report/summary.csv").status_code == 403


def test_unknown_session_or_format(data, make_user, login):
    session, _ = data
    client = login(make_user())
    assert client.get("/sessions/9999/report").status_code == 404
    assert client.get(f"/sessions/{session.id}/report/summary.doc").status_code == 404
    assert client.get(f"/sessions/{session.id}/report/everything.csv").status_code == 404


@pytest.mark.parametrize("fmt,mimetype,magic", [
    ("csv", "text/csv", b"\xef\xbb\xbf"), ("xlsx", "application/vnd.openxmlformats", b"PK"),
    ("pdf", "application/pdf", b"%PDF"),
])
def test_downloads(data, make_user, login, fmt, mimetype, magic):
    session, _ = data
    client = login(make_user())
    for what in ("summary", "absentees", "late"):
        answer = client.get(f"/sessions/{session.id}/report/{what}.{fmt}")
        assert answer.status_code == 200
        assert answer.mimetype.startswith(mimetype.split(";")[0])
        assert answer.data.startswith(magic)
        assert "attachment" in answer.headers["Content-Disposition"]
        answer.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_cli_writes_each_format(data, runner, tmp_path, fmt):
    session, _ = data
    for what in ("summary", "absentees"):
        target = tmp_path / f"{what}.{fmt}"
        result = runner.invoke(args=["export", str(session.id), "--what", what,
                                     "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
        raw = target.read_bytes()
        assert raw
        assert not (tmp_path / f"{what}.{fmt}.part").exists()
        if fmt == "csv" and what == "absentees":
            rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
            assert len(rows) == 1 + 4
        if fmt == "xlsx" and what == "summary":
            book = load_workbook(io.BytesIO(raw))
            assert book.sheetnames[0] == "Tổng hợp" and len(book.sheetnames) == 4


def test_cli_refuses_unknown_session_and_format(runner, tmp_path, data):
    session, _ = data
    result = runner.invoke(args=["export", "9999", "--what", "summary", "--format", "csv",
                                 "-o", str(tmp_path / "x.csv")])
    assert result.exit_code != 0 and "No session" in result.output
    result = runner.invoke(args=["export", str(session.id), "--what", "summary",
                                 "--format", "doc", "-o", str(tmp_path / "x.doc")])
    assert result.exit_code != 0


def test_cli_outcomes_not_available(runner, tmp_path, data, monkeypatch):
    session, _ = data
    monkeypatch.setitem(sys.modules, "attendance.reports.outcomes_export", None)  # import fails
    target = tmp_path / "outcomes.csv"
    result = runner.invoke(args=["export", str(session.id), "--what", "outcomes",
                                 "--format", "csv", "-o", str(target)])
    assert result.exit_code == 1
    assert "outcomes report not available yet" in result.output
    assert not target.exists()


def test_the_summary_page_shows_the_venues_a_page_at_a_time(app, client, db, login,
                                                           make_session, make_person,
                                                           make_user, monkeypatch):
    """A national session has 7,400 venues: the page lists them by pages, its lists (absent,
    late) those of the page's venues, and the totals stay the session's."""
    from webapp.reports import views

    monkeypatch.setattr(views, "VENUES_SHOWN", 2)
    session = make_session(bridge_points=3)  # the hall and 3 points: 2 pages
    make_person(session, venue=session.venues[0], full_name="Trần Trang Một")
    make_person(session, venue=session.venues[3], full_name="Lê Trang Hai")
    login(make_user())
    first = client.get(f"/sessions/{session.id}/report").get_data(as_text=True)
    second = client.get(f"/sessions/{session.id}/report?page=2").get_data(as_text=True)
    ids = [v.id for v in session.venues]
    assert [f'data-venue-id="{i}"' in first for i in ids] == [True, True, False, False]
    assert [f'data-venue-id="{i}"' in second for i in ids] == [False, False, True, True]
    assert "page=2" in first and "Tổng cộng" in second
    assert "Trần Trang Một" in first and "Lê Trang Hai" not in first
    assert "Lê Trang Hai" in second and "Trần Trang Một" not in second
    assert client.get(f"/sessions/{session.id}/report?page=99").status_code == 200
