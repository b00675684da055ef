"""A province's (or the nation's) member registry and the cascade of one plan, for measuring
the learning-outcome computation (attendance.outcomes.cascade).

    .venv/bin/python bench/outcomes_data.py [DATABASE_URL | SQLITE_PATH] [--national]

Province (default): 226 committees (the province, 12 districts, 213 communes), 1,500 cells,
32,000 members, 1,700 classes (the province's session, one class per cell, the rest held by
committees for their key cadres). National: 10,763 committees, 48,000 cells, 960,000 members,
50,000 classes. Members: 3% exempt, 1% moved, 3% key cadres (also on the main session's
roster); each member is on their cell's class roster (or the main session's when the cell
holds none): 93% present, 2% late, 2% absent with reason, 1% without, 2% not marked; half of
the absent make it up. Core bulk inserts in chunks; prints the main session's id last.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attendance.models import (ABSENT_EXCUSED, ABSENT_UNEXCUSED, ACTIVE, BRIDGE_POINT, CELL,  # noqa: E402
                               COMMITTEE, EXEMPT, LATE, MOVED, PRESENT, Attendance, Base,
                               Category, MakeupAttendance, MakeupSession, Member, Person,
                               StudySession, Unit, Venue)
from national import FAMILY, GIVEN, MIDDLE, database_url  # noqa: E402

CHUNK = 20_000
PROVINCE = dict(committees=226, cells=1500, members=32_000, classes=1700)
NATIONAL = dict(committees=10_763, cells=48_000, members=960_000, classes=50_000)


def _insert(conn, table, rows):
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(table), rows[start:start + CHUNK])


def generate(url: str, *, committees: int, cells: int, members: int, classes: int,
             seed: int = 145) -> int:
    rng = random.Random(seed)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    now = datetime.now(timezone.utc)
    starts = datetime(2023, 10, 17, 0, 30, tzinfo=timezone.utc)
    stamp = f"{time.time_ns():x}"
    with engine.begin() as conn:
        def unit(name, kind, parent, code):
            return conn.execute(insert(Unit).values(
                name=name, kind=kind, parent_id=parent, code=code)).inserted_primary_key[0]

        root = unit(f"Tỉnh ủy Bench {stamp}", COMMITTEE, None, f"B{stamp}")
        districts = max(1, (committees - 1) // 18)
        district_ids = [unit(f"Huyện ủy {i:03d}", COMMITTEE, root, f"B{stamp}-H{i}")
                        for i in range(districts)]
        communes = committees - 1 - districts
        _insert(conn, Unit, [dict(name=f"Đảng ủy xã {i:05d}", kind=COMMITTEE,
                                  parent_id=district_ids[i % districts], code=f"B{stamp}-X{i}")
                             for i in range(communes)])
        commune_ids = list(conn.scalars(select(Unit.id).where(
            Unit.code.like(f"B{stamp}-X%")).order_by(Unit.id)))
        _insert(conn, Unit, [dict(name=f"Chi bộ {i:06d}", kind=CELL,
                                  parent_id=commune_ids[i % communes], code=f"B{stamp}-C{i}")
                             for i in range(cells)])
        cell_ids = list(conn.scalars(select(Unit.id).where(
            Unit.code.like(f"B{stamp}-C%")).order_by(Unit.id)))

        main = conn.execute(insert(StudySession).values(
            title="Hội nghị học tập, quán triệt Kết luận số 57-KL/TW", plan_number="145-KH/TU",
            organizer_unit_id=root, starts_at=starts, created_at=now)).inserted_primary_key[0]
        organizers = (cell_ids + commune_ids + district_ids)[:classes - 1]
        _insert(conn, StudySession, [dict(
            title="Lớp học tập Kết luận số 57-KL/TW", plan_number="145-KH/TU",
            organizer_unit_id=u, parent_session_id=main, created_at=now,
            starts_at=starts + timedelta(days=7 + i % 20)) for i, u in enumerate(organizers)])
        session_of = {u: s for s, u in conn.execute(
            select(StudySession.id, StudySession.organizer_unit_id)
            .where(StudySession.parent_session_id == main))}
        session_ids = [main, *session_of.values()]
        _insert(conn, Venue, [dict(session_id=s, kind=BRIDGE_POINT, name="Hội trường",
                                   code=f"o{stamp}-{s}") for s in session_ids])
        _insert(conn, Category, [dict(session_id=s, venue_kind=BRIDGE_POINT, name="Đảng viên")
                                 for s in session_ids])
        venue_of = dict(conn.execute(select(Venue.session_id, Venue.id).where(
            Venue.code.like(f"o{stamp}-%"))).all())
        category_of = dict(conn.execute(select(Category.session_id, Category.id).join(
            Venue, Venue.session_id == Category.session_id).where(
            Venue.code.like(f"o{stamp}-%"))).all())

        rows = []
        for i in range(members):
            draw = rng.random()
            status = EXEMPT if draw < 0.03 else MOVED if draw < 0.04 else ACTIVE
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            rows.append(dict(unit_id=cell_ids[i % cells], full_name=name,
                             search_name=name.lower(), status=status,
                             key_cadre=rng.random() < 0.03, created_at=now))
        _insert(conn, Member, rows)
        people = []
        for member_id, unit_id, key in conn.execute(
                select(Member.id, Member.unit_id, Member.key_cadre)
                .where(Member.unit_id.in_(select(Unit.id).where(Unit.code.like(f"B{stamp}-C%"))))
                .order_by(Member.id)):
            targets = [session_of.get(unit_id, main)]
            if key and targets[0] != main:
                targets.append(main)
            for s in targets:
                people.append(dict(session_id=s, member_id=member_id, unit_id=unit_id,
                                   full_name="Đảng viên", search_name="dang vien",
                                   category_id=category_of[s], venue_id=venue_of[s],
                                   created_at=now))
        _insert(conn, Person, people)
        attendances, absent = [], []
        for person_id, s in conn.execute(select(Person.id, Person.session_id).where(
                Person.session_id.in_(select(StudySession.id).where(
                    (StudySession.id == main) | (StudySession.parent_session_id == main))))):
            draw = rng.random()
            status = PRESENT if draw < 0.93 else LATE if draw < 0.95 else ABSENT_EXCUSED \
                if draw < 0.97 else ABSENT_UNEXCUSED if draw < 0.98 else None
            if status is None:
                continue
            attendances.append(dict(session_id=s, person_id=person_id, venue_id=venue_of[s],
                                    status=status, method="roll", at=starts))
            if status in (ABSENT_EXCUSED, ABSENT_UNEXCUSED) and rng.random() < 0.5:
                absent.append((s, person_id))
        _insert(conn, Attendance, attendances)
        _insert(conn, MakeupSession, [dict(session_id=s, held_on=date(2023, 11, 1),
                                           created_at=now) for s in {s for s, _ in absent}])
        sitting = dict(conn.execute(select(MakeupSession.session_id, MakeupSession.id).where(
            MakeupSession.session_id.in_({s for s, _ in absent}))).all()) if absent else {}
        _insert(conn, MakeupAttendance, [dict(makeup_id=sitting[s], session_id=s, person_id=p)
                                         for s, p in absent])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return main


def generate_timed(url: str, size: dict) -> int:
    started = time.perf_counter()
    session_id = generate(url, **size)
    print(f"  generated {size['members']:,} members, {size['cells']:,} cells, "
          f"{size['committees']:,} committees, {size['classes']:,} classes in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    return session_id


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", nargs="?", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--national", action="store_true")
    args = parser.parse_args(argv)
    if not args.target:
        parser.error("give a DATABASE_URL or an SQLite path (or set DATABASE_URL)")
    print(generate_timed(database_url(args.target), NATIONAL if args.national else PROVINCE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
