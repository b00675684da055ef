"""`flask import-roster SESSION_ID FILE`: all rows or none, row errors on stderr."""

from pathlib import Path

from sqlalchemy import func, select

from attendance.models import Person

DATA = Path(__file__).parent / "data"


def _count(db):
    return db.scalar(select(func.count(Person.id)))


def test_import_roster_command_imports_a_good_file(db, runner, make_session):
    session = make_session()
    result = runner.invoke(args=["import-roster", str(session.id),
                                 str(DATA / "roster_good.csv")])
    assert result.exit_code == 0, result.output
    assert "Imported 4 people" in result.stdout
    assert _count(db) == 4


def test_import_roster_command_reports_every_bad_row_and_saves_nothing(db, runner,
                                                                       make_session):
    session = make_session()
    result = runner.invoke(args=["import-roster", str(session.id), str(DATA / "roster_bad.csv")])
    assert result.exit_code != 0
    assert "Dòng 3: Thiếu họ và tên" in result.stderr
    assert "Dòng 6: Thành phần này không dự tại loại địa điểm đó" in result.stderr
    assert "Dòng 9: Trùng người đã có" in result.stderr
    assert sum(line.startswith("Dòng ") for line in result.stderr.splitlines()) == 7
    assert "Dòng 2" not in result.stderr and "Imported" not in result.stdout
    assert _count(db) == 0


def test_import_roster_command_unusable_file_and_unknown_session(db, runner, make_session,
                                                                 tmp_path):
    session = make_session()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    result = runner.invoke(args=["import-roster", str(session.id), str(broken)])
    assert result.exit_code != 0 and "Không đọc được tệp" in result.stderr
    result = runner.invoke(args=["import-roster", "999999", str(DATA / "roster_good.csv")])
    assert result.exit_code != 0 and "No session" in result.stderr
    assert _count(db) == 0
