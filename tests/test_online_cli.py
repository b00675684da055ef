"""`flask import-online SESSION_ID FILE [--min-share]`: matched, unmatched and ambiguous
names printed; nothing changed and a non-zero exit on a bad file."""

from pathlib import Path

from sqlalchemy import func, select

from attendance.models import Attendance

DATA = Path(__file__).parent / "data" / "online"


def _count(db):
    return db.scalar(select(func.count(Attendance.id)))


def test_import_online_records_and_names_what_it_left_out(db, runner, make_session,
                                                          make_person):
    session = make_session()
    make_person(session, full_name="Trần Thị Bình")
    make_person(session, full_name="Lê Văn Cường")
    result = runner.invoke(args=["import-online", str(session.id),
                                 str(DATA / "zoom_participants.csv")])
    assert result.exit_code == 0, result.output
    assert "zoom: 4 participants, minimum 80%" in result.stdout
    assert "unmatched" in result.stdout and "Khach moi" in result.stdout
    assert "Recorded present online: 2" in result.stdout
    assert db.scalar(select(func.count(Attendance.id)).where(Attendance.mode == "online")) == 2


def test_import_online_min_share(db, runner, make_session, make_person):
    session = make_session()
    make_person(session, full_name="Lê Văn Cường")
    strict = runner.invoke(args=["import-online", str(session.id),
                                 str(DATA / "teams_attendance.csv")])
    assert "Recorded present online: 0" in strict.stdout
    loose = runner.invoke(args=["import-online", str(session.id),
                                str(DATA / "teams_attendance.csv"), "--min-share", "60"])
    assert "Recorded present online: 1" in loose.stdout, loose.output


def test_import_online_bad_file_changes_nothing(db, runner, make_session, make_person,
                                                tmp_path):
    session = make_session()
    make_person(session, full_name="Trần Thị Bình")
    bad = tmp_path / "bad.csv"
    bad.write_text("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
                   "Tran Thi Binh,,11/27/2026 07:28:10 AM,11/27/2026 11:00:02 AM,212\n"
                   "Le Van Cuong,,hôm qua,11/27/2026 11:00:00 AM,89\n", encoding="utf-8")
    result = runner.invoke(args=["import-online", str(session.id), str(bad)])
    assert result.exit_code == 1
    assert "dòng 3" in result.stderr and "Nothing imported" in result.stderr
    assert "Traceback" not in result.output
    assert _count(db) == 0
    for args in (["999999", str(bad)], [str(session.id), str(DATA / "meet_attendance.csv"),
                                         "--min-share", "abc"]):
        other = runner.invoke(args=["import-online", *args])
        assert other.exit_code == 1 and "Traceback" not in other.output
    assert _count(db) == 0
