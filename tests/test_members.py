"""The member registry's rules, without HTTP: add, edit, move with history, search, scope."""

import pytest

from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.members import registry
from attendance.models import EXEMPT, AuditEntry, Member, MemberMove

from .factories import NOW, gen_user
from .members_data import gen_tree


@pytest.fixture
def units(db):
    return gen_tree(db)


def scoped_organizer(db, unit):
    """An organizer scoped to ``unit`` (set directly: accounts gain unit scopes elsewhere)."""
    user = gen_user(db)
    user.unit_id = unit.id
    db.flush()
    return user


def _add(db, actor, unit, **kwargs):
    data = dict(full_name="Nguyễn Văn An", unit_id=unit.id, position="Đảng viên",
                member_no="", birth_date="05/03/1975", phone="912 345 678",
                party_member="có", status="đang sinh hoạt", key_cadre="")
    data.update(kwargs)
    return registry.add_member(db, data, now=NOW, actor=actor)


def test_add_cleans_fields_and_audits(db, units):
    organizer = gen_user(db)
    member = _add(db, organizer, units["PH-1"], member_no="12.345678", status="miễn sinh hoạt")
    assert (member.phone, member.birth_date.isoformat(), member.status) == (
        "0912345678", "1975-03-05", EXEMPT)
    assert member.search_name == "nguyen van an"
    entry = db.query(AuditEntry).filter_by(action="member.add").one()
    assert entry.target_id == member.id and entry.actor_id == organizer.id


@pytest.mark.parametrize("field, value, code", [
    ("full_name", "", "missing_name"), ("birth_date", "31/02/1980", "bad_birth_date"),
    ("birth_date", "01/01/2990", "bad_birth_date"), ("phone", "12345", "bad_phone"),
    ("status", "nghỉ", "bad_status"), ("party_member", "có lẽ", "bad_party_member"),
])
def test_bad_fields_are_named_and_nothing_is_added(db, units, field, value, code):
    with pytest.raises(ValidationError) as caught:
        _add(db, gen_user(db), units["PH-1"], **{field: value})
    assert caught.value.errors[field] == code
    assert db.query(Member).count() == 0


def test_member_number_is_unique(db, units):
    organizer = gen_user(db)
    _add(db, organizer, units["PH-1"], member_no="100")
    with pytest.raises(ValidationError) as caught:
        _add(db, organizer, units["PM-1"], full_name="Lê Thị Bình", member_no="100")
    assert caught.value.errors == {"member_no": "member_no_taken"}


def test_an_organizer_scoped_to_a_ward_manages_only_its_subtree(db, units):
    ward_organizer = scoped_organizer(db, units["PH"])
    member = _add(db, ward_organizer, units["PH-1"])  # the ward's own cell
    with pytest.raises(ValidationError) as caught:
        _add(db, ward_organizer, units["PM-1"])
    assert caught.value.errors == {"unit_id": "unit_out_of_scope"}
    outsider = scoped_organizer(db, units["PM"])
    with pytest.raises(Forbidden):
        registry.update_member(db, member, {"full_name": "X"}, now=NOW, actor=outsider)
    with pytest.raises(DomainError):
        registry.load_member(db, member.id, outsider)
    assert registry.load_member(db, member.id, ward_organizer) is member
    assert registry.scope_unit_ids(db, ward_organizer) == {units["PH"].id, units["PH-1"].id}
    assert registry.scope_unit_ids(db, gen_user(db)) is None


def test_edit_records_what_changed(db, units):
    organizer = gen_user(db)
    member = _add(db, organizer, units["PH-1"])
    data = dict(full_name="Nguyễn Văn Anh", position="Bí thư chi bộ", member_no="",
                birth_date="05/03/1975", phone="0912345678", party_member="có",
                status="active", key_cadre="x")
    registry.update_member(db, member, data, now=NOW, actor=organizer)
    assert (member.full_name, member.search_name, member.key_cadre) == (
        "Nguyễn Văn Anh", "nguyen van anh", True)
    entry = db.query(AuditEntry).filter_by(action="member.update").one()
    assert set(entry.detail["changes"]) == {"full_name", "position", "key_cadre"}


def test_a_move_keeps_the_history(db, units):
    organizer = gen_user(db)
    member = _add(db, organizer, units["PH-1"])
    registry.move_member(db, member, units["PM-1"].id, now=NOW, actor=organizer,
                         note="Chuyển nơi cư trú")
    registry.move_member(db, member, units["PH"].id, now=NOW, actor=organizer)
    assert member.unit_id == units["PH"].id
    moves = registry.moves_of(db, member)
    assert [(m.from_unit_id, m.to_unit_id) for m in moves] == [
        (units["PH-1"].id, units["PM-1"].id), (units["PM-1"].id, units["PH"].id)]
    assert moves[0].note == "Chuyển nơi cư trú" and moves[0].actor_id == organizer.id
    with pytest.raises(ValidationError) as caught:
        registry.move_member(db, member, units["PH"].id, now=NOW, actor=organizer)
    assert caught.value.errors == {"unit_id": "same_unit"}


def test_a_scoped_organizer_cannot_move_a_member_out_of_its_scope(db, units):
    ward_organizer = scoped_organizer(db, units["PH"])
    member = _add(db, ward_organizer, units["PH-1"])
    with pytest.raises(ValidationError) as caught:
        registry.move_member(db, member, units["HU"].id, now=NOW, actor=ward_organizer)
    assert caught.value.errors == {"unit_id": "unit_out_of_scope"}
    assert db.query(MemberMove).count() == 0 and member.unit_id == units["PH-1"].id


def test_search_by_name_without_accents_number_or_phone_within_scope(db, units):
    organizer = gen_user(db)
    _add(db, organizer, units["PH-1"], full_name="Trần Thị Hoa", member_no="777",
         phone="0905111222")
    _add(db, organizer, units["PM-1"], full_name="Trần Thị Hòa", phone="0905333444")

    def names(scope, **kwargs):
        return sorted(m.full_name for m in db.scalars(registry.search_members(scope, **kwargs)))

    assert names(None, q="tran thi hoa") == ["Trần Thị Hoa", "Trần Thị Hòa"]
    assert names({units["PH-1"].id}, q="Hoa") == ["Trần Thị Hoa"]
    assert names(None, q="777") == ["Trần Thị Hoa"]
    assert names(None, q="333 444") == ["Trần Thị Hòa"]
    assert names(None, status=EXEMPT) == []
