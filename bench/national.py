"""A national-size session for measuring reports: 7,400 bridge points, 960,000 people,
about 95% checked in (2% late), 2% absent with a reason, 1% without, 2% never checked in.

    .venv/bin/python bench/national.py [DATABASE_URL | SQLITE_PATH] [--points 7400]
                                       [--people 960000]

Without an argument it uses $DATABASE_URL. Tables are created when missing; the data go in
with Core bulk inserts (no ORM objects), in chunks. Prints the new session's id last.
"""

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from attendance.models import (ABSENT_EXCUSED, ABSENT_UNEXCUSED, BRIDGE_POINT, HALL, LATE,  # noqa: E402
                               PRESENT, Attendance, Base, Category, ExpectedCount, Person,
                               StudySession, Unit, Venue)
from attendance.text import fold  # noqa: E402

CHUNK = 20_000
HALL_CATEGORIES = ["Ủy viên Bộ Chính trị, Ban Bí thư", "Ủy viên Trung ương Đảng",
                   "Lãnh đạo các ban, bộ, ngành Trung ương"]
POINT_CATEGORIES = ["Bí thư, phó bí thư cấp ủy", "Cấp ủy viên", "Bí thư chi bộ",
                    "Báo cáo viên, tuyên truyền viên", "Đảng viên"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hằng", "Hùng", "Lan", "Long", "Mai",
         "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Tuấn", "Việt", "Yến"]
REASONS = ["Ốm", "Đi công tác", "Việc gia đình", "Trực cơ quan", "Học tập ngoài tỉnh"]


def database_url(target: str) -> str:
    if "://" in target:
        from webapp.config import _sqlalchemy_url

        return _sqlalchemy_url(target)
    return f"sqlite:///{Path(target).resolve()}"


def generate(url: str, *, points: int = 7400, people: int = 960_000, seed: int = 2021,
             starts: datetime | None = None, attend: bool = True, phones: bool = False) -> int:
    """The session's id. ``attend=False`` leaves everyone unmarked (a morning before the
    doors open, with ``starts`` in the near future); ``phones`` gives everyone a mobile
    number (self check-in asks for its last four digits)."""
    rng = random.Random(seed)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    now = datetime.now(timezone.utc)
    starts = starts or datetime(2021, 12, 17, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hà Nội
    stamp = f"{time.time_ns():x}"
    with engine.begin() as conn:
        unit_id = conn.execute(insert(Unit).values(
            name=f"Ban Chấp hành Trung ương {stamp}", kind="committee")).inserted_primary_key[0]
        session_id = conn.execute(insert(StudySession).values(
            title="Hội nghị toàn quốc nghiên cứu, học tập, quán triệt Nghị quyết Đại hội XIII",
            plan_number="01-KH/TW", organizer_unit_id=unit_id, starts_at=starts,
            ends_at=starts + timedelta(hours=4), mode="Trực tiếp kết hợp với trực tuyến",
            created_at=now)).inserted_primary_key[0]
        venues = [dict(session_id=session_id, kind=HALL, name="Hội trường Diên Hồng",
                       position=0, code=f"n{stamp}-0")]
        venues += [dict(session_id=session_id, kind=BRIDGE_POINT, name=f"Điểm cầu số {i:04d}",
                        position=i, code=f"n{stamp}-{i}") for i in range(1, points + 1)]
        conn.execute(insert(Venue), venues)
        venue_rows = conn.execute(select(Venue.id, Venue.kind).where(
            Venue.session_id == session_id).order_by(Venue.position)).all()
        categories = [dict(session_id=session_id, venue_kind=HALL, name=n, position=i)
                      for i, n in enumerate(HALL_CATEGORIES)]
        categories += [dict(session_id=session_id, venue_kind=BRIDGE_POINT, name=n, position=i)
                       for i, n in enumerate(POINT_CATEGORIES)]
        conn.execute(insert(Category), categories)
        by_kind = {HALL: [], BRIDGE_POINT: []}
        for cid, kind in conn.execute(select(Category.id, Category.venue_kind).where(
                Category.session_id == session_id).order_by(Category.position)):
            by_kind[kind].append(cid)

        hall_people = 500
        per_point, extra = divmod(people - hall_people, points)
        expected, batch = [], []
        for index, (venue_id, kind) in enumerate(venue_rows):
            count = hall_people if kind == HALL else per_point + (1 if index <= extra else 0)
            cats = by_kind[kind]
            shares = [count // len(cats)] * len(cats)
            shares[-1] += count - sum(shares)
            for cid, share in zip(cats, shares):
                expected.append(dict(venue_id=venue_id, category_id=cid, expected=share))
                for _ in range(share):
                    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                    phone = f"09{rng.randrange(10 ** 8):08d}" if phones else ""
                    batch.append(dict(session_id=session_id, full_name=name,
                                      search_name=fold(name), position="Đảng viên",
                                      unit_name="Chi bộ", phone=phone, category_id=cid,
                                      venue_id=venue_id, created_at=now))
                if len(batch) >= CHUNK:
                    conn.execute(insert(Person), batch)
                    batch = []
        if batch:
            conn.execute(insert(Person), batch)
        conn.execute(insert(ExpectedCount), expected)

        batch = []
        for person_id, venue_id in conn.execute(select(Person.id, Person.venue_id).where(
                Person.session_id == session_id).order_by(Person.id)).all() if attend else ():
            draw = rng.random()
            if draw < 0.93:
                status, at = PRESENT, starts - timedelta(minutes=rng.randint(0, 30))
            elif draw < 0.95:
                status, at = LATE, starts + timedelta(minutes=rng.randint(16, 60))
            elif draw < 0.97:
                status, at = ABSENT_EXCUSED, starts
            elif draw < 0.98:
                status, at = ABSENT_UNEXCUSED, starts
            else:
                continue  # never checked in
            batch.append(dict(session_id=session_id, person_id=person_id, venue_id=venue_id,
                              status=status, method="card", at=at, device="",
                              absence_reason=rng.choice(REASONS)
                              if status == ABSENT_EXCUSED else ""))
            if len(batch) >= CHUNK:
                conn.execute(insert(Attendance), batch)
                batch = []
        if batch:
            conn.execute(insert(Attendance), batch)
        total = conn.scalar(select(func.count()).select_from(Person).where(
            Person.session_id == session_id))
    if engine.dialect.name == "postgresql":
        # As autovacuum would a minute later: planning on a bulk load not yet analyzed
        # measures the wrong plans.
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    assert total == people, (total, people)
    return session_id


def generate_timed(url: str, points: int, people: int) -> int:
    """generate(), saying how long it took (the bench scenarios' set-up)."""
    started = time.perf_counter()
    session_id = generate(url, points=points, people=people)
    print(f"  generated {people:,} people at {points:,} bridge points in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    return session_id


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", nargs="?", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--points", type=int, default=7400)
    parser.add_argument("--people", type=int, default=960_000)
    args = parser.parse_args(argv)
    if not args.target:
        parser.error("give a DATABASE_URL or an SQLite path (or set DATABASE_URL)")
    started = time.perf_counter()
    session_id = generate(database_url(args.target), points=args.points, people=args.people)
    print(f"{args.people} people at {args.points} bridge points generated in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(session_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
