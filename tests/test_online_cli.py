"""`flask import-online SESSION_ID FILE [--min-share] [--choose LINE=PERSON_ID] [--skip
LINE]`: matched, unmatched and ambiguous names printed, with numbered candidates; nothing
changed and a non-zero exit on a bad file or a bad choice."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from attendance.models import Attendance, AuditEntry

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


def _meet(tmp_path, *names):
    path = tmp_path / "meet.csv"
    path.write_text("Name,Email,Duration,Time joined,Time exited\n" + "".join(
        f"{name},,3 hr 30 min,7:28 AM,11:00 AM\n" for name in names), encoding="utf-8")
    return str(path)


def _online(db):
    return {a.person_id: a for a in db.scalars(select(Attendance).where(
        Attendance.mode == "online"))}


def test_left_out_lines_are_printed_with_their_numbered_candidates(db, runner, make_session,
                                                                   make_person, tmp_path):
    session = make_session()
    anh = make_person(session, full_name="Nguyễn Văn Anh", venue=session.venues[1])
    twins = [make_person(session, full_name="Lê Văn Cường", venue=venue)
             for venue in session.venues[:2]]
    report = _meet(tmp_path, "Nguyen Van Ahn", "Le Van Cuong", "Khach moi")
    result = runner.invoke(args=["import-online", str(session.id), report])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "   1  unmatched, left out" in out and "Nguyen Van Ahn" in out
    assert f"--choose 1={anh.id}" in out and f"Nguyễn Văn Anh ({session.venues[1].name})" in out
    assert "   2  ambiguous, left out" in out
    for twin in twins:
        assert f"--choose 2={twin.id}" in out and f"({twin.venue.name})" in out
    assert "no one alike on the roster: --choose 3=PERSON_ID or --skip 3" in out
    assert "Matched 0, unmatched 2, ambiguous 1" in out and "left out 3" in out
    assert _online(db) == {}


def test_choose_and_skip_resolve_lines_from_the_command_line(db, runner, make_session,
                                                             make_person, tmp_path):
    session = make_session()
    anh = make_person(session, full_name="Nguyễn Văn Anh")
    twins = [make_person(session, full_name="Lê Văn Cường", venue=venue)
             for venue in session.venues[:2]]
    report = _meet(tmp_path, "Nguyen Van Ahn", "Le Van Cuong", "Khach moi")
    result = runner.invoke(args=["import-online", str(session.id), report,
                                 "--choose", f"1={anh.id}", "--choose", f"2={twins[1].id}",
                                 "--skip", "3"])
    assert result.exit_code == 0, result.output
    assert "   1  present, chosen" in result.stdout and "-> Nguyễn Văn Anh" in result.stdout
    assert "   3  skipped" in result.stdout and "left out 0" in result.stdout
    assert "Recorded present online: 2" in result.stdout
    assert set(_online(db)) == {anh.id, twins[1].id}
    audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "roll.online_import"))
    assert [entry.detail["skipped"] for entry in audit] == [1]


@pytest.mark.parametrize("choice,problem", [
    (["--choose", "4=PERSON"], "is not LINE=PERSON_ID"),
    (["--choose", "9=ANH"], "Line 9 is not a participant of the report (lines 1 to 3)"),
    (["--skip", "0"], "Line 0 is not a participant"),
    (["--choose", "1=ANH", "--skip", "1"], "Line 1 is chosen more than once"),
    (["--choose", "1=OTHER"], "is not on the roster of session"),
    (["--choose", "1=999999"], "Person 999999 (line 1) is not on the roster"),
])
def test_a_bad_choice_is_refused_and_nothing_imported(db, runner, make_session, make_person,
                                                      tmp_path, choice, problem):
    session = make_session()
    anh = make_person(session, full_name="Nguyễn Văn Anh")
    make_person(session, full_name="Trần Thị Bình")
    stranger = make_person(make_session(), full_name="Nguyễn Văn Anh")  # another session's
    args = [a.replace("ANH", str(anh.id)).replace("OTHER", str(stranger.id)) for a in choice]
    report = _meet(tmp_path, "Nguyen Van Ahn", "Tran Thi Binh", "Khach moi")
    result = runner.invoke(args=["import-online", str(session.id), report, *args])
    assert result.exit_code != 0
    assert problem in result.stderr, result.output
    assert "Traceback" not in result.output
    assert _count(db) == 0
