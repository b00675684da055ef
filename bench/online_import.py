"""The online import at province size: a Zoom participants report of 3,000 lines matched to a
roster of 32,000 people (bench/national.py's session), previewed and written.

    .venv/bin/python bench/online_import.py [SQLITE_PATH | DATABASE_URL] [--people 32000]
                                            [--lines 3000]

Prints the seconds (wall and CPU) of reading and matching the file (the preview, run twice
per import: once to show, once to confirm) and of writing the records; then the suggestions
for ``--typos`` names of roster people written as platforms show them wrong (two letters
swapped, middle name left out, given name first, a phone's or a unit's name around them):
the time per unmatched name and how often the person meant is suggested first.
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, delete, select
from sqlalchemy.orm import Session

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import national  # noqa: E402

from attendance.models import Attendance, Person, StudySession  # noqa: E402
from attendance.online import imports  # noqa: E402
from attendance.online.reports import Participant  # noqa: E402
from attendance.text import fold  # noqa: E402


SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Lâm", "Trương"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Quốc", "Thanh", "Ngọc", "Đức", "Xuân", "Thu",
          "Hồng", "Kim", "Công", "Đình", "Bảo", "Quang", "Anh", "Tuấn", "Mỹ", "Gia"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hòa", "Hùng",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Ngân", "Phúc", "Quân", "Sơn",
         "Tâm", "Thảo", "Trang", "Tú", "Uyên", "Việt", "Vy", "Yến", "Ẩn"]


def zoom_report(session, names: list[str]) -> bytes:
    start = session.starts_at.astimezone(session.zone)
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    for n, name in enumerate(names):
        joined = start + timedelta(minutes=n % 20 - 10)
        shown = fold(name).title() if n % 2 else name  # half typed without diacritics
        lines.append(f"{shown},,{joined:%m/%d/%Y %I:%M:%S %p},"
                     f"{joined + timedelta(hours=3):%m/%d/%Y %I:%M:%S %p},{180},Yes")
    lines.append(f"Khach {len(names)},,{start:%m/%d/%Y %I:%M:%S %p},"
                 f"{start + timedelta(hours=3):%m/%d/%Y %I:%M:%S %p},180,Yes")
    return ("\n".join(lines) + "\n").encode()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", nargs="?")
    parser.add_argument("--people", type=int, default=32_000)
    parser.add_argument("--lines", type=int, default=3_000)
    parser.add_argument("--typos", type=int, default=300)
    args = parser.parse_args(argv)
    target = args.target or str(Path(tempfile.mkdtemp()) / "online.sqlite")
    url = national.database_url(target)
    session_id = national.generate(url, points=226, people=args.people)
    engine = create_engine(url)
    with Session(engine) as db:
        session = db.get(StudySession, session_id)
        # The report's people: ``lines`` of the roster, given names of their own (national.py
        # draws names from small pools, where most would be ambiguous) and no record yet.
        rng = random.Random(1)
        chosen = list(db.scalars(select(Person).where(Person.session_id == session_id)
                                 .order_by(Person.id).limit(args.lines)))
        combos = rng.sample([(a, b, c) for a in SURNAMES for b in MIDDLE for c in GIVEN],
                            len(chosen))
        for person, (a, b, c) in zip(chosen, combos):
            person.full_name = f"{a} {b} {c}"
            person.search_name = fold(person.full_name)
        db.execute(delete(Attendance).where(Attendance.session_id == session_id,
                                            Attendance.person_id.in_([p.id for p in chosen])))
        session.checkin_window = "open"  # the bench's session lies in the past
        session.ends_at = session.starts_at + timedelta(hours=3)
        db.flush()
        data = zoom_report(session, [p.full_name for p in chosen])
        wall, cpu = time.perf_counter(), time.process_time()
        preview = imports.build_preview(db, session, data)
        print(f"preview of {len(preview.lines)} lines against {args.people} people: "
              f"{time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU; "
              f"matched {preview.count('matched')}, ambiguous {preview.count('ambiguous')}, "
              f"unmatched {preview.count('unmatched')}")
        choices = {line.index: None for line in preview.lines if line.unresolved}
        wall, cpu = time.perf_counter(), time.process_time()
        preview = imports.build_preview(db, session, data, choices=choices)
        counts = imports.import_online(db, session=session, preview=preview,
                                       now=datetime.now(timezone.utc), actor=None)
        db.commit()
        print(f"confirm (preview again + write): {time.perf_counter() - wall:.2f} s wall, "
              f"{time.process_time() - cpu:.2f} s CPU; {counts}")
        suggestions(db, session, args.typos)


def _swap(word: str) -> str:
    return word[0] + word[2] + word[1] + word[3:] if len(word) > 2 else word[::-1]


KINDS = ("letters swapped", "family name misspelt", "given name first", "phone's name",
         "unit's name")


def misspelt(name: str, kind: int) -> str:
    """``name`` as a platform may show it, wrong in the way KINDS[kind] says."""
    words = fold(name).split()
    if kind == 0:  # two letters of the given name swapped: "Nguyen Van Ahn"
        return " ".join(words[:-1] + [_swap(words[-1])])
    if kind == 1:  # a letter of the family name lost: "Ngyen Van An"
        family = words[0][:2] + words[0][3:] if len(words[0]) > 3 else words[0] + "h"
        return " ".join([family] + words[1:])
    if kind == 2:  # given name first: "An Nguyen Van"
        return " ".join(words[-1:] + words[:-1])
    if kind == 3:  # a phone's name, two letters swapped
        return f"iPhone của {' '.join(words[:-1])} {_swap(words[-1])}"
    return f"UBND xã Phổ Hòa - {' '.join(words[:-1])} {_swap(words[-1])} 2"


def suggestions(db, session, count: int) -> None:
    rng = random.Random(2)
    people = list(db.execute(select(Person.id, Person.full_name)
                             .where(Person.session_id == session.id)))
    namesakes: dict[str, set[int]] = {}  # the person meant: any of the same name
    for pid, name in people:
        namesakes.setdefault(fold(name), set()).add(pid)
    roster = imports._Roster(db, session)
    wall = time.perf_counter()
    roster.suggest(Participant("x y", (), "", None, None, 0, [1]))
    built = time.perf_counter() - wall
    times, first, listed = [], [0] * len(KINDS), [0] * len(KINDS)
    tried = [0] * len(KINDS)
    for pid, name in rng.sample(people, count * 2):
        kind = sum(tried) % len(KINDS)
        participant = Participant(misspelt(name, kind), (), "", None, None, 0, [1])
        if roster.find(participant) or sum(tried) >= count:
            continue  # another person's name as it is: matched, not suggested
        tried[kind] += 1
        wall = time.perf_counter()
        found = roster.suggest(participant)
        times.append(time.perf_counter() - wall)
        meant = namesakes[fold(name)]
        first[kind] += bool(found) and found[0] in meant
        listed[kind] += bool(meant & set(found))
    times.sort()
    print(f"suggestions against {len(people)} people: index built in {built:.2f} s; "
          f"{len(times)} unmatched names, {sum(times) / len(times) * 1000:.1f} ms each on "
          f"average (median {times[len(times) // 2] * 1000:.1f}, slowest "
          f"{times[-1] * 1000:.1f})")
    for kind, what in enumerate(KINDS):
        print(f"  {what}: the person meant first {first[kind]}/{tried[kind]}, among the "
              f"three {listed[kind]}/{tried[kind]}")


if __name__ == "__main__":
    main()
