"""Video platforms' participant reports, read and matched without HTTP. The sample files in
tests/data/online carry the platforms' real headers (Zoom's participants CSV with its meeting
block, Google Meet's attendance CSV, Microsoft Teams' UTF-16 attendance report)."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from attendance.errors import DomainError
from attendance.models import Attendance, AuditEntry
from attendance.online import imports
from attendance.online.reports import ReportError, parse_duration, read_report

DATA = Path(__file__).parent / "data" / "online"


def _file(name):
    return (DATA / name).read_bytes()


@pytest.fixture
def roster(make_session, make_person):
    session = make_session()  # 07:30-11:00 Hà Nội on 27/11/2026
    people = {name: make_person(session, full_name=name, venue=session.venues[1])
              for name in ("Trần Thị Bình", "Lê Văn Cường", "Nguyễn Văn Dũng")}
    return session, people


def test_durations_as_the_platforms_write_them():
    assert parse_duration("212") == 212 * 60  # Zoom: minutes
    assert parse_duration("1 hr 2 min") == 3720  # Meet
    assert parse_duration("42m") == 2520
    assert parse_duration("3h 31m 52s") == 3 * 3600 + 31 * 60 + 52  # Teams
    assert parse_duration("1:00:00") == 3600
    assert parse_duration("soon") is None


@pytest.mark.parametrize("name,platform", [("zoom_participants.csv", "zoom"),
                                           ("meet_attendance.csv", "meet"),
                                           ("teams_attendance.csv", "teams")])
def test_each_platform_is_recognised_by_its_headers(roster, name, platform):
    session, _ = roster
    found, participants = read_report(_file(name), day=session.local_start.date(),
                                      zone=session.zone)
    assert found == platform
    binh = next(p for p in participants if "Bình" in p.name or "Binh" in p.name)
    assert binh.joined_at.astimezone(session.zone).strftime("%H:%M") == "07:28"
    assert binh.seconds >= 211 * 60


def test_zoom_preview_matches_without_diacritics_and_adds_up_rejoins(db, roster):
    session, people = roster
    preview = imports.build_preview(db, session, _file("zoom_participants.csv"))
    by_name = {line.participant.name: line for line in preview.lines}
    assert by_name["Tran Thi Binh"].person_id == people["Trần Thị Bình"].id
    assert by_name["Tran Thi Binh"].outcome == "present"
    cuong = by_name["Pho Hoa - Le Van Cuong"]  # renamed; original name in brackets
    assert cuong.person_id == people["Lê Văn Cường"].id
    assert cuong.participant.seconds == 189 * 60 and cuong.outcome == "late"
    assert by_name["Nguyen Van Dung"].outcome == "too_short"
    assert by_name["Khach moi"].match == "unmatched" and not preview.ok
    with pytest.raises(DomainError) as unresolved:
        imports.import_online(db, session=session, preview=preview, now=session.ends_at,
                              actor=_organizer(db))
    assert unresolved.value.code == "online_unresolved"
    assert db.scalar(select(func.count(Attendance.id))) == 0


def _organizer(db):
    from .factories import gen_user
    return gen_user(db, role="organizer")


def test_resolved_by_hand_then_all_written_online(db, roster):
    session, people = roster
    first = imports.build_preview(db, session, _file("zoom_participants.csv"))
    guest = next(line for line in first.lines if line.participant.name == "Khach moi")
    preview = imports.build_preview(db, session, _file("zoom_participants.csv"),
                                    choices={guest.index: None})
    assert preview.ok
    counts = imports.import_online(db, session=session, preview=preview, now=session.ends_at,
                                   actor=_organizer(db))
    assert counts == {"recorded": 2, "already": 0, "not_counted": 1, "skipped": 1}
    rows = {r.person_id: r for r in db.scalars(select(Attendance))}
    assert {r.mode for r in rows.values()} == {"online"}
    assert rows[people["Lê Văn Cường"].id].status == "late"
    assert db.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "attendance.online_import")) == 2


def test_ambiguous_names_wait_for_a_choice(db, roster, make_person):
    session, people = roster
    twin = make_person(session, full_name="Trần Thị Bình", venue=session.venues[0])
    preview = imports.build_preview(db, session, _file("meet_attendance.csv"))
    binh = next(line for line in preview.lines if line.participant.name == "Trần Thị Bình")
    assert binh.match == "ambiguous" and {c.id for c in binh.candidates} == {
        twin.id, people["Trần Thị Bình"].id}
    chosen = imports.build_preview(db, session, _file("meet_attendance.csv"),
                                   choices={binh.index: twin.id})
    assert chosen.ok and chosen.lines[binh.index].person_id == twin.id


def test_teams_share_is_configurable_and_an_early_leave_is_kept(db, roster):
    session, people = roster
    strict = imports.build_preview(db, session, _file("teams_attendance.csv"), min_share=0.8)
    assert [line.outcome for line in strict.lines] == ["present", "too_short"]
    loose = imports.build_preview(db, session, _file("teams_attendance.csv"), min_share=60)
    assert [line.outcome for line in loose.lines] == ["present", "late"]
    imports.import_online(db, session=session, preview=loose, now=session.ends_at,
                          actor=_organizer(db))
    cuong = db.scalar(select(Attendance).where(
        Attendance.person_id == people["Lê Văn Cường"].id))
    assert cuong.left_at.astimezone(session.zone).strftime("%H:%M") == "10:10"


def test_an_import_never_overwrites_a_check_in_at_the_door(db, roster):
    from attendance.checkin.scan import record_scan
    session, people = roster
    record_scan(db, key=b"k" * 32, session=session, venue=session.venues[1], nonce="door-1",
                method="manual", now=session.starts_at, actor=None,
                person_id=people["Trần Thị Bình"].id)
    preview = imports.build_preview(db, session, _file("meet_attendance.csv"))
    counts = imports.import_online(db, session=session, preview=preview, now=session.ends_at,
                                   actor=_organizer(db))
    assert counts["already"] == 1
    binh = db.scalar(select(Attendance).where(
        Attendance.person_id == people["Trần Thị Bình"].id))
    assert binh.mode == "in_person" and binh.method == "manual"


@pytest.mark.parametrize("data,code", [
    (b"", "online_empty"),
    (b"Ho va ten,So dien thoai\nA,0912\n", "online_unknown_format"),
    (b"\xc3\x28 not utf-8", "online_encoding"),
    (b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
     b"Tran Thi Binh,,11/27/2026 07:28:10 AM,11/27/2026 11:00:02 AM,212,Yes\n"
     b"Le Van Cuong,,yesterday,11/27/2026 11:00:00 AM,89,Yes\n", "online_bad_rows"),
    (b"First name,Last name,Email,Duration,Time joined,Time exited\n"
     b"Ada,,,forever,,\n", "online_bad_rows"),
])
def test_bad_files_are_refused_whole(db, roster, data, code):
    session, _ = roster
    with pytest.raises(ReportError) as error:
        imports.build_preview(db, session, data)
    assert error.value.code == code
    if code == "online_bad_rows":
        assert error.value.params["rows"][0][0] >= 2  # the file's line is named
    assert db.scalar(select(func.count(Attendance.id))) == 0


def test_a_share_that_is_no_share_is_refused(db, roster):
    session, _ = roster
    for share in ("abc", 0, 150, -1):
        with pytest.raises(DomainError):
            imports.build_preview(db, session, _file("meet_attendance.csv"), min_share=share)


def test_joined_outside_the_window_does_not_count(db, make_session, make_person):
    session = make_session(checkin_closes_minutes=10)
    make_person(session, full_name="Trần Thị Bình")
    preview = imports.build_preview(db, session, _file("teams_attendance.csv"), min_share=0.5)
    assert preview.lines[0].outcome == "present"
    late = make_session(starts_at=session.starts_at - timedelta(hours=6),
                        ends_at=session.starts_at - timedelta(hours=3))
    make_person(late, full_name="Trần Thị Bình")
    preview = imports.build_preview(db, late, _file("teams_attendance.csv"), min_share=0.1)
    assert preview.lines[0].outcome == "window_closed"


def test_names_that_differ_by_diacritics_are_two_people(db, make_session, make_person):
    session = make_session()
    an = make_person(session, full_name="Lê Văn An")
    an_hat = make_person(session, full_name="Lê Văn Ân")
    data = ("First name,Last name,Email,Duration,Time joined,Time exited\n"
            "Lê Văn,An,,3 hr 30 min,7:28 AM,11:00 AM\n"
            "Lê Văn,Ân,,3 hr 30 min,7:29 AM,11:00 AM\n").encode()
    preview = imports.build_preview(db, session, data)
    assert [(line.match, line.person_id) for line in preview.lines] == [
        ("matched", an.id), ("matched", an_hat.id)]  # spelt exactly: no doubt
    # Without diacritics both read "le van an": ambiguous until chosen by hand.
    bare = imports.build_preview(db, session, data.decode().replace("Ân", "An").replace(
        "Lê", "Le").replace("Văn", "Van").encode())
    assert len(bare.lines) == 1 and bare.lines[0].match == "ambiguous"


SUGGESTED = ["Nguyễn Văn Anh", "Nguyễn Văn An", "Trần Thị Thu Hoa", "Trần Thị Thu Hà",
             "Trần Văn Hoa", "Lê Văn Cường", "Hoàng Thị Lan", "Phạm Minh Tuấn"]


def _meet(*names):
    rows = "".join(f"{name},,3 hr 30 min,7:28 AM,11:00 AM\n" for name in names)
    return ("Name,Email,Duration,Time joined,Time exited\n" + rows).encode()


@pytest.mark.parametrize("shown,meant", [
    ("Nguyen Van Ahn", "Nguyễn Văn Anh"),  # two letters swapped
    ("Tran Thi Hoa", "Trần Thị Thu Hoa"),  # middle name left out
    ("An Nguyen Van", "Nguyễn Văn An"),  # given name first
    # What platforms and phones add is left out (exact names inside are matched already).
    ("iPhone của Le Van Cuogn", "Lê Văn Cường"),
    ("Galaxy A52s - Hoang Lan", "Hoàng Thị Lan"),
    ("UBND xã Phổ Hòa - Hoàng Thi Lna", "Hoàng Thị Lan"),
    ("UBND xa Pho Hoa Pham Tuan 2", "Phạm Minh Tuấn"),
    ("02. Phạm Minh Tuna (khách)", "Phạm Minh Tuấn"),
])
def test_an_unmatched_name_suggests_the_person_meant_first(db, make_session, make_person,
                                                           shown, meant):
    session = make_session()
    people = {name: make_person(session, full_name=name) for name in SUGGESTED}
    line = imports.build_preview(db, session, _meet(shown)).lines[0]
    assert line.match == "unmatched"
    assert 1 <= len(line.candidates) <= 3
    assert line.candidates[0].id == people[meant].id, [c.full_name for c in line.candidates]
    assert line.candidates[0].venue == people[meant].venue.name


def test_suggestions_are_scored_best_first_and_strangers_get_none(db, make_session,
                                                                  make_person):
    session = make_session()
    for name in SUGGESTED:
        make_person(session, full_name=name)
    preview = imports.build_preview(db, session, _meet(
        "Tran Thi Hoa", "Khach moi", "Nguyen Van Binh", "Hoa", "Galaxy A52s"))
    hoa, guest, binh, bare, phone = preview.lines
    assert [c.full_name for c in hoa.candidates] == ["Trần Thị Thu Hoa", "Trần Thị Thu Hà"]
    # Sharing a family and middle name, or a given name alone, is no suggestion; nor is
    # sharing the family and given names only ("Trần Văn Hoa").
    assert guest.candidates == binh.candidates == bare.candidates == phone.candidates == []
