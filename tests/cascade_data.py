"""A small cascade to test the outcome figures on: a town, two wards with cells, a member
registry, the town session, follow-on classes and a make-up. Built with plain rows (the
registry's services land separately); every figure the tests expect is counted by hand here."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from attendance.models import (ABSENT_EXCUSED, ABSENT_UNEXCUSED, ACTIVE, CELL, COMMITTEE,
                               EXEMPT, LATE, MOVED, PRESENT, Attendance, MakeupAttendance,
                               MakeupSession, Member, Unit)
from attendance.text import fold

from . import factories
from .factories import NOW


def gen_unit(db, name, *, kind=COMMITTEE, parent=None, **kwargs) -> Unit:
    unit = Unit(name=name, kind=kind, parent_id=parent.id if parent else None, **kwargs)
    db.add(unit)
    db.flush()
    return unit


def gen_member(db, unit, name, *, status=ACTIVE, **kwargs) -> Member:
    member = Member(unit_id=unit.id, full_name=name, search_name=fold(name), status=status,
                    created_at=NOW, **kwargs)
    db.add(member)
    db.flush()
    return member


def attend(db, session, member=None, *, status=PRESENT, unit=None, **kwargs):
    """A roster line of ``session`` (linked to ``member`` if given) with an attendance."""
    person = factories.gen_person(
        db, session, member_id=member.id if member else None,
        full_name=member.full_name if member else kwargs.pop("full_name", "Khách mời"),
        unit_id=(unit or (member.unit if member else None)).id, **kwargs)
    if status is not None:
        db.add(Attendance(session_id=session.id, person_id=person.id, venue_id=person.venue_id,
                          status=status, method="manual", at=NOW))
    db.flush()
    return person


def make_up(db, session, *people):
    sitting = MakeupSession(session_id=session.id, held_on=date(2026, 12, 1), created_at=NOW)
    db.add(sitting)
    db.flush()
    db.add_all(MakeupAttendance(makeup_id=sitting.id, session_id=session.id, person_id=p.id)
               for p in people)
    db.flush()


@dataclass
class Town:
    town: Unit
    hoa: Unit  # a ward that finishes
    ninh: Unit  # a ward that does not
    cells: dict = field(default_factory=dict)
    session: object = None
    classes: list = field(default_factory=list)


def build_town(db) -> Town:
    """Thị ủy Đức Phổ → Đảng ủy phường Phổ Hòa (cells TDP 1, TDP 2) and Đảng ủy phường Phổ
    Ninh (cell TDP 1).

    Phổ Hòa: 4 members in TDP 1 (one key cadre), 3 in TDP 2, 1 exempt, 1 moved; all taught
    but one (TDP 2's Lê, absent with reason): TDP 1's class, TDP 2's class, the town hall and a
    make-up. Phổ Ninh: 3 members, one taught at the town hall; no class of its own.
    """
    town = gen_unit(db, "Thị ủy Đức Phổ", letterhead="THỊ ỦY ĐỨC PHỔ", place="Đức Phổ",
                    symbol="TU")
    hoa = gen_unit(db, "Đảng ủy phường Phổ Hòa", parent=town, symbol="ĐU", place="Phổ Hòa")
    ninh = gen_unit(db, "Đảng ủy phường Phổ Ninh", parent=town, symbol="ĐU")
    t = Town(town=town, hoa=hoa, ninh=ninh)
    t.cells = {"hoa1": gen_unit(db, "Chi bộ tổ dân phố 1", kind=CELL, parent=hoa),
               "hoa2": gen_unit(db, "Chi bộ tổ dân phố 2", kind=CELL, parent=hoa),
               "ninh1": gen_unit(db, "Chi bộ tổ dân phố 1", kind=CELL, parent=ninh)}
    c = t.cells
    t.session = factories.gen_session(db, organizer_unit_id=town.id)
    hoa1 = factories.gen_session(db, organizer_unit_id=c["hoa1"].id,
                                 parent_session_id=t.session.id, bridge_points=0,
                                 starts_at=NOW + timedelta(days=7))
    hoa2 = factories.gen_session(db, organizer_unit_id=c["hoa2"].id,
                                 parent_session_id=hoa1.id, bridge_points=0,
                                 starts_at=NOW + timedelta(days=8))  # nested: still counted
    t.classes = [hoa1, hoa2]
    a, b, cc, d = (gen_member(db, c["hoa1"], f"Nguyễn Văn {x}", key_cadre=(x == "A"))
                   for x in "ABCD")
    e, f, g = (gen_member(db, c["hoa2"], f"Trần Thị {x}") for x in "EFG")
    lee = gen_member(db, c["hoa2"], "Lê Văn Vắng")
    gen_member(db, c["hoa1"], "Phạm Văn Miễn", status=EXEMPT)
    gen_member(db, c["hoa1"], "Võ Văn Chuyển", status=MOVED)
    # a: the town hall (late) and again in the cell's class: one member taught once.
    attend(db, t.session, a, status=LATE)
    attend(db, hoa1, a)
    attend(db, hoa1, b)
    attend(db, hoa1, cc)
    absent = attend(db, hoa1, d, status=ABSENT_UNEXCUSED)
    make_up(db, hoa1, absent)  # d made it up
    attend(db, hoa2, e)
    attend(db, hoa2, f)
    attend(db, hoa2, g)
    attend(db, hoa2, lee, status=ABSENT_EXCUSED)
    # A non-member (quần chúng) reached in TDP 2's class, counted once though twice on rosters.
    guest = gen_member(db, c["hoa2"], "Đỗ Thị Quần Chúng", party_member=False)
    attend(db, hoa2, guest, party_member=False)
    attend(db, t.session, guest, party_member=False)
    # An unlinked non-member at the town hall, counted at the roster line's unit.
    attend(db, t.session, None, unit=hoa, party_member=False, full_name="Khách Phổ Hòa")
    x, y, z = (gen_member(db, c["ninh1"], f"Hồ Văn {n}") for n in "XYZ")
    attend(db, t.session, x)
    attend(db, t.session, y, status=None)  # invited, never marked
    return t
