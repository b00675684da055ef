"""A unit's result report pre-fills from the computed outcome, and says where figures come
from."""

from attendance.models import REPORT_COUNTS
from attendance.outcomes import reports as rr

from .cascade_data import build_town
from .factories import NOW


def test_a_ward_report_prefills_from_its_registry_and_classes(db):
    town = build_town(db)
    rr.set_reporting_units(db, town.session, [town.hoa.id], now=NOW, actor=None)
    report = rr.report_for(db, town.session, town.hoa.id)
    values = rr.prefill(db, report)
    assert {n: values[n] for n in ("members_total", "attended", "makeup_done", "absent_excused",
                                   "absent_unexcused", "sessions_held", "key_cadres",
                                   "non_members")} == {
        "members_total": 8, "attended": 6, "makeup_done": 1, "absent_excused": 1,
        "absent_unexcused": 1, "sessions_held": 2, "key_cadres": 1, "non_members": 2}
    # What the system pre-fills, the form's own rules accept.
    rr.check_figures({n: values[n] for n in REPORT_COUNTS}, ["Tốt"])
    assert rr.unit_facts(db, town.session, town.hoa.id)["source"] == "registry"


def test_a_unit_without_registry_keeps_the_roster_figures(db):
    town = build_town(db)
    facts = rr.unit_facts(db, town.session, town.town.id + 1000)
    assert facts["source"] == "roster" and facts["members_total"] == 0


def test_the_form_says_where_figures_come_from(db, login, make_user):
    town = build_town(db)
    rr.set_reporting_units(db, town.session, [town.hoa.id], now=NOW, actor=None)
    reporter = make_user(role="reporter", unit_id=town.hoa.id)
    db.commit()
    page = login(reporter).get(f"/sessions/{town.session.id}/reports/{town.hoa.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "7/8" in text and "87,50\u00a0%" in text and 'id="sources"' in text
    assert 'name="members_total" type="text" value="8"' in text \
        or 'value="8"' in text.split('name="members_total"', 1)[1][:80]


def test_a_key_cadre_who_only_made_up_counts_once_as_taught_and_as_a_key_cadre(db):
    # The cell's only key cadre missed its class (excused) and made it up, twice even (the
    # town session's make-up and the class's); the other member never came. The pre-filled
    # report must say: 0 in a class, 1 made up, 1 key cadre taught, and the form's own rules
    # must accept it (they compared key cadres with those in a class only, and refused it).
    from .cascade_data import attend, gen_member, gen_unit, make_up
    from . import factories
    from attendance.models import ABSENT_EXCUSED, ABSENT_UNEXCUSED, CELL
    town = gen_unit(db, "Thị ủy Một")
    cell = gen_unit(db, "Chi bộ Một", kind=CELL, parent=town)
    main = factories.gen_session(db, organizer_unit_id=town.id)
    held = factories.gen_session(db, organizer_unit_id=cell.id, parent_session_id=main.id,
                                 bridge_points=0)
    key = gen_member(db, cell, "Nguyễn Văn Chủ Chốt", key_cadre=True)
    other = gen_member(db, cell, "Trần Văn Vắng")
    make_up(db, held, attend(db, held, key, status=ABSENT_EXCUSED))
    make_up(db, main, attend(db, main, key, status=None))
    attend(db, held, other, status=ABSENT_UNEXCUSED)
    rr.set_reporting_units(db, main, [cell.id], now=NOW, actor=None)
    values = rr.prefill(db, rr.report_for(db, main, cell.id))
    assert {n: values[n] for n in ("members_total", "attended", "makeup_done", "key_cadres",
                                   "absent_excused", "absent_unexcused")} == {
        "members_total": 2, "attended": 0, "makeup_done": 1, "key_cadres": 1,
        "absent_excused": 1, "absent_unexcused": 1}
    rr.check_figures({n: values[n] for n in REPORT_COUNTS}, ["Tốt"])
