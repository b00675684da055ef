"""A member's study record: what they studied, where, made up or not; scope and audit."""

from attendance.models import AuditEntry
from attendance.outcomes.study_record import study_record
from attendance.permissions import can_manage_lineage

from .cascade_data import build_town
from .factories import NOW


def _member(db, name):
    from attendance.models import Member
    return db.query(Member).filter_by(full_name=name).one()


def test_every_class_with_its_result_and_make_up(db):
    town = build_town(db)
    a = _member(db, "Nguyễn Văn A")
    entries = study_record(db, a, now=NOW, actor=None)
    # The cell's class (a week later) first, then the town hall where A came late.
    assert [(e.session_id, e.status, e.parent_title != "") for e in entries] == [
        (town.classes[0].id, "present", True), (town.session.id, "late", False)]
    assert entries[1].organizer == "Thị ủy Đức Phổ" and entries[1].plan_number == "145-KH/TU"
    d = study_record(db, _member(db, "Nguyễn Văn D"), now=NOW, actor=None)
    assert d[0].status == "absent_unexcused" and d[0].made_up_on is not None and d[0].studied
    entry = db.query(AuditEntry).filter_by(action="member.study_record").first()
    assert entry.target_type == "Member" and entry.target_id == a.id


def test_scope_is_the_members_unit_and_above():
    class U:
        role, unit_id = "organizer", None
    user = U()
    assert can_manage_lineage(user, [5, 2, 1])
    user.unit_id = 2
    assert can_manage_lineage(user, [5, 2, 1]) and not can_manage_lineage(user, [7, 3, 1])
    user.role = "viewer"
    assert not can_manage_lineage(user, [5, 2, 1])


def test_page_for_organizers_covering_the_unit_and_audited(db, login, make_user, client):
    town = build_town(db)
    a = _member(db, "Nguyễn Văn A")
    town_organizer, ward_organizer = make_user(role="organizer"), make_user(role="organizer")
    town_organizer.unit_id, ward_organizer.unit_id = town.town.id, town.ninh.id
    db.commit()
    login(ward_organizer)
    assert client.get(f"/members/{a.id}/study-record").status_code == 403
    login(town_organizer)
    page = client.get(f"/members/{a.id}/study-record")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nguyễn Văn A" in text and "Đi muộn" in text
    assert db.query(AuditEntry).filter_by(action="member.study_record",
                                          actor_id=town_organizer.id).count() == 1
    assert client.get("/members/999999/study-record").status_code == 404
