"""The demo's cascade (seed-demo only): after the town session, every ward and commune holds
follow-on classes in its cells. A member registry of a few thousand members (some exempt, some
moved away) is imported through the registry's own import; the bridge points' roster people
are linked to their members; the classes are created, pre-filled and marked through the same
services a cell secretary uses; some absentees make up. One commune is left unfinished.

Deterministic: the caller's seeded random generator, no clock but ``now``.
"""

import csv
import io
import random
from dataclasses import dataclass
from datetime import time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.classes import follow_on, roll as class_roll
from attendance.members import imports as member_import
from attendance.models import Member, Person, StudySession, Unit, User
from attendance.roll import makeup

UNFINISHED = "Phổ Khánh"  # the commune whose cells have not all held their class yet
REASONS = ("ốm", "đi công tác", "việc gia đình", "đi làm ăn xa")


@dataclass
class Cascade:
    members: int
    classes: int


def seed(db: Session, rng: random.Random, *, session: StudySession, wards: list[Unit],
         organizer: User, name, now) -> Cascade:
    cells = {ward.id: _cells(db, rng, ward) for ward in wards}
    rows, numbers, links = [], iter(range(1, 10**6)), []
    for ward in wards:
        # The ward's own cadres studied at the bridge point: they are members of the ward.
        people = db.scalars(select(Person).where(
            Person.session_id == session.id, Person.unit_id == ward.id, Person.party_member)
            .order_by(Person.id))
        for person in people:
            rows.append(_row(person.full_name, ward, person.position, next(numbers),
                             rng, person.phone, key_cadre=True))
            links.append((person, rows[-1][3]))
        for cell in cells[ward.id]:
            for i in range(rng.randint(18, 40)):
                status = rng.choices(("đang sinh hoạt", "miễn sinh hoạt", "chuyển đi"),
                                     (95, 3, 2))[0]
                position = "Bí thư chi bộ" if i == 0 else (
                    "Phó Bí thư chi bộ" if i == 1 else "Đảng viên")
                rows.append(_row(name(rng), cell, position, next(numbers), rng,
                                 f"09{rng.randint(10**7, 10**8 - 1)}", status=status,
                                 key_cadre=i == 0))
    preview = member_import.build_preview(db, _csv(rows), "dang-vien-demo.csv", now=now,
                                          actor=None)
    member_import.import_members(db, preview, now=now, actor=None)
    _link(db, links)
    classes = 0
    for ward in wards:
        ward_cells = cells[ward.id]
        if UNFINISHED in ward.name:
            ward_cells = ward_cells[: len(ward_cells) // 2]
        for cell in ward_cells:
            _hold_class(db, rng, session, cell, organizer, now)
            classes += 1
    return Cascade(members=len(rows), classes=classes)


def _cells(db: Session, rng: random.Random, ward: Unit) -> list[Unit]:
    """The ward's cells (chi bộ tổ dân phố / thôn), reused when they exist."""
    word = "tổ dân phố" if "phường" in ward.name else "thôn"
    existing = {u.name: u for u in db.scalars(select(Unit).where(Unit.parent_id == ward.id))}
    count = rng.randint(5, 9)
    cells = []
    for n in range(1, count + 1):
        cell_name = f"Chi bộ {word} {n}"
        if cell_name not in existing:
            existing[cell_name] = Unit(code=f"{ward.code}-{n:02d}", name=cell_name, kind="cell",
                                       parent=ward, symbol="CB")
            db.add(existing[cell_name])
        cells.append(existing[cell_name])
    db.flush()
    return cells


def _row(full_name, unit, position, number, rng, phone, *, status="đang sinh hoạt",
         key_cadre=False) -> list[str]:
    born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1948, 2000)}"
    return [full_name, unit.code, position, f"DP{number:06d}", born, phone, "có", status,
            "có" if key_cadre else ""]


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([list(member_import.HEADERS.values()), *rows])
    return out.getvalue().encode("utf-8")


def _link(db: Session, links: list[tuple[Person, str]]) -> None:
    """Link the bridge points' people to their members by member number, as a roster row
    carrying the number does."""
    numbers = {number for _, number in links}
    ids = dict(db.execute(select(Member.member_no, Member.id)
                          .where(Member.member_no.in_(numbers))).all())
    for person, member_no in links:
        person.member_id = ids[member_no]
    db.flush()


def _hold_class(db, rng, session, cell, organizer, now) -> None:
    place_word = "tổ dân phố" if "tổ dân phố" in cell.name else "thôn"
    held_on = session.local_start.date() + timedelta(days=rng.randint(3, 12))
    cls = follow_on.create_class(
        db, session, unit_id=cell.id, held_on=held_on, starts=time(19, 30),
        place=f"Nhà văn hóa {place_word} {cell.name.rsplit(' ', 1)[-1]}", now=now,
        actor=organizer)
    choices, absent = {}, []
    for person_id in db.scalars(select(Person.id).where(Person.session_id == cls.id)
                                .order_by(Person.id)):
        if rng.random() < 0.955:
            choices[person_id] = ("present", "")
        else:
            reason = rng.choice(REASONS) if rng.random() < 0.8 else ""
            choices[person_id] = ("absent", reason)
            absent.append(person_id)
    class_roll.mark_class(db, cls, choices, now=now, actor=organizer)
    made_up = [i for i in absent if rng.random() < 0.5]
    if made_up:
        makeup.record_makeup(db, session=cls, held_on=held_on + timedelta(days=7),
                             person_ids=made_up, now=now, actor=organizer, unit_id=cell.id,
                             note="Học bù tại nhà văn hóa")

