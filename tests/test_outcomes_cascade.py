"""The learning outcome computed from the registry and every class of the plan (no HTTP)."""

from decimal import Decimal

from attendance.models import PRESENT
from attendance.outcomes.cascade import cascade_outcomes, publish_rate
from attendance.outcomes.tree import lineage

from . import factories
from .cascade_data import attend, build_town, gen_member, gen_unit


def test_rate_is_cut_to_two_decimals_as_units_publish_it():
    assert publish_rate(2909, 3044) == Decimal("95.56")  # Đức Linh's report (95.565…)
    assert publish_rate(35599, 35900) == Decimal("99.16")  # Tây Ninh's
    assert publish_rate(9999, 10000) == Decimal("99.99")  # never 100,00 % with one missing
    assert publish_rate(3, 3) == Decimal("100.00")
    assert publish_rate(0, 0) is None


def test_each_unit_counts_its_registry_and_every_class_of_the_plan(db):
    town = build_town(db)
    result = cascade_outcomes(db, town.session)
    by = result.by_id
    hoa1, hoa2 = by[town.cells["hoa1"].id], by[town.cells["hoa2"].id]
    # Exempt and moved members are not to be taught; a member taught twice counts once; the
    # make-up counts; a nested follow-on class (TDP 2's, under TDP 1's) counts.
    assert (hoa1.members, hoa1.taught, hoa1.in_class, hoa1.made_up, hoa1.exempt) == (4, 4, 3, 1, 1)
    assert (hoa1.key_cadres, hoa1.key_cadres_taught, hoa1.classes_cells) == (1, 1, 1)
    assert (hoa2.members, hoa2.taught, hoa2.absent_excused, hoa2.non_members) == (4, 3, 1, 1)
    hoa = by[town.hoa.id]
    assert (hoa.members, hoa.taught, hoa.in_class, hoa.made_up, hoa.exempt) == (8, 7, 6, 1, 1)
    assert (hoa.non_members, hoa.classes_committee, hoa.classes_cells) == (2, 0, 2)
    assert hoa.rate == Decimal("87.50") and hoa.finished
    ninh = by[town.ninh.id]
    assert (ninh.members, ninh.taught, ninh.classes, ninh.rate) == (3, 1, 0, Decimal("33.33"))
    assert not ninh.finished
    total = result.total
    assert total.unit_id == town.town.id
    assert (total.members, total.taught, total.rate) == (11, 8, Decimal("72.72"))
    assert (total.classes_committee, total.classes_cells, total.non_members) == (1, 2, 2)
    assert [u.name for u in result.units] == [
        "Đảng ủy phường Phổ Hòa", "Chi bộ tổ dân phố 1", "Chi bộ tổ dân phố 2",
        "Đảng ủy phường Phổ Ninh", "Chi bộ tổ dân phố 1"]
    assert [u.unit_id for u in result.not_finished] == [town.ninh.id, town.cells["ninh1"].id]


def test_sums_roll_up_every_level(db):
    town = build_town(db)
    province = gen_unit(db, "Tỉnh ủy Quảng Ngãi")
    town.town.parent_id = province.id
    other = gen_unit(db, "Huyện ủy Mộ Đức", parent=province)
    member = gen_member(db, other, "Ngô Văn Huyện")
    session = factories.gen_session(db, organizer_unit_id=province.id)
    town.session.parent_session_id = session.id  # the town's session is the province's class
    attend(db, session, member)
    db.flush()
    result = cascade_outcomes(db, session)
    assert (result.total.members, result.total.taught) == (12, 9)
    assert result.by_id[town.town.id].taught == 8
    assert result.by_id[town.hoa.id].members == 8
    # The town's figures alone are unchanged by the province above it.
    assert cascade_outcomes(db, town.session).total.taught == 8


def test_other_plans_and_other_organisations_do_not_count(db):
    town = build_town(db)
    elsewhere = gen_unit(db, "Thị ủy Khác")
    outsider = gen_member(db, elsewhere, "Người Ngoài")
    other_plan = factories.gen_session(db, organizer_unit_id=town.town.id)
    member = gen_member(db, town.cells["ninh1"], "Hồ Văn Khác")
    attend(db, other_plan, member, status=PRESENT)
    attend(db, town.session, outsider)  # on the roster, but outside the town's registry
    result = cascade_outcomes(db, town.session)
    assert (result.total.members, result.total.taught) == (12, 8)
    assert elsewhere.id not in result.by_id


def test_lineage_lists_the_unit_and_its_ancestors(db):
    town = build_town(db)
    assert lineage(db, town.cells["hoa2"].id) == [town.cells["hoa2"].id, town.hoa.id,
                                                  town.town.id]
    assert lineage(db, None) == []


def test_a_class_held_through_the_registry_services_counts(db):
    """End to end with the public services users' actions go through: members added to the
    registry, a cell's follow-on class with its members pre-filled, its one-screen roll."""
    from datetime import date, time

    from attendance.classes import follow_on
    from attendance.classes import roll as class_roll
    from attendance.members import registry

    from .members_data import gen_tree
    from .test_members import scoped_organizer

    units = gen_tree(db)
    add = lambda name, **kw: registry.add_member(  # noqa: E731
        db, dict(full_name=name, unit_id=units["PH-1"].id, birth_date="01/01/1970", **kw),
        now=factories.NOW, actor=None)
    an, binh, _ = add("Nguyễn Văn An"), add("Lê Thị Bình"), add("Trần Cường", status="exempt")
    session = factories.gen_session(db, organizer_unit_id=units["TU"].id)
    secretary = scoped_organizer(db, units["PH-1"])
    cls = follow_on.create_class(db, session, unit_id=units["PH-1"].id,
                                 held_on=date(2026, 11, 30), starts=time(19, 30),
                                 place="Nhà văn hóa", now=factories.NOW, actor=secretary)
    lines = {line.person.member_id: line.person.id for line in class_roll.roll_lines(db, cls)}
    class_roll.mark_class(db, cls, {lines[an.id]: ("present", ""),
                                    lines[binh.id]: ("absent", "ốm")},
                          now=factories.NOW, actor=secretary)
    result = cascade_outcomes(db, session)
    cell = result.by_id[units["PH-1"].id]
    assert (cell.members, cell.taught, cell.absent_excused, cell.exempt, cell.classes_cells) \
        == (2, 1, 1, 1, 1)
    assert (result.total.members, result.total.taught, result.total.rate) == \
        (2, 1, Decimal("50.00"))
    assert cell.finished  # it held its class, though Bình still owes a make-up


def test_a_member_on_two_roster_lines_is_counted_once_at_every_level(db):
    """Two lines of one member (the town hall and the cell's class, or one class's roster
    twice): one member to teach and at most one taught, in the cell's figures and rolled up;
    the best of their lines decides (present beats absent; a make-up beats an absence)."""
    from attendance.models import ABSENT_EXCUSED, ABSENT_UNEXCUSED, CELL

    from .cascade_data import make_up

    town = gen_unit(db, "Thị ủy Đức Phổ")
    ward = gen_unit(db, "Đảng ủy phường Phổ Vinh", parent=town)
    cell = gen_unit(db, "Chi bộ tổ dân phố 3", kind=CELL, parent=ward)
    session = factories.gen_session(db, organizer_unit_id=town.id)
    cls = factories.gen_session(db, organizer_unit_id=cell.id, parent_session_id=session.id,
                                bridge_points=0)
    an, binh, cuong = (gen_member(db, cell, name, key_cadre=(name == "Lê Văn Bình"))
                       for name in ("Nguyễn Văn An", "Lê Văn Bình", "Trần Văn Cường"))
    # An: twice on the class's roster, absent with reason on one line, present on the other.
    attend(db, cls, an, status=ABSENT_EXCUSED)
    attend(db, cls, an, status=PRESENT)
    # Bình (a key cadre): absent at the town hall, absent from the class but made it up.
    attend(db, session, binh, status=ABSENT_UNEXCUSED)
    make_up(db, cls, attend(db, cls, binh, status=ABSENT_UNEXCUSED))
    # Cường: one line, absent with reason, not made up (keeps the rate under 100 %).
    attend(db, cls, cuong, status=ABSENT_EXCUSED)
    result = cascade_outcomes(db, session)
    for unit in (cell, ward):
        figures = result.by_id[unit.id]
        assert (figures.members, figures.taught, figures.in_class, figures.made_up,
                figures.absent_excused) == (3, 2, 1, 1, 1), unit.name
        assert (figures.key_cadres, figures.key_cadres_taught) == (1, 1), unit.name
    assert (result.total.members, result.total.taught, result.total.rate) == \
        (3, 2, Decimal("66.66"))
