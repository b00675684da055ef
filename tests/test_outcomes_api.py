"""GET /api/v1/sessions/{id}/outcomes over HTTP: the contract's shape and the unit scope (the
figures themselves are tested in test_outcomes_cascade)."""

import pytest

from attendance.accounts import users as accounts

from .cascade_data import build_town
from .factories import NOW


@pytest.fixture
def town(db):
    town = build_town(db)
    db.commit()
    return town


def _get(client, db, user, session_id):
    token = accounts.issue_api_token(db, user, now=NOW)
    db.commit()
    return client.get(f"/api/v1/sessions/{session_id}/outcomes",
                      headers={"Authorization": f"Bearer {token}"})


def test_outcomes_follow_the_contract(client, db, make_user, town):
    response = _get(client, db, make_user(role="viewer"), town.session.id)
    assert response.status_code == 200
    body = response.get_json()
    assert body["totals"]["members"] == 11 and body["totals"]["taught"] == 8
    assert body["totals"]["rate"] == 72.72
    first = body["units"][0]
    assert {"unit_id", "name", "members", "taught", "rate", "exempt", "classes"} <= set(first)
    assert (first["name"], first["members"], first["taught"], first["rate"], first["exempt"],
            first["classes"]) == ("Đảng ủy phường Phổ Hòa", 8, 7, 87.5, 1, 2)
    assert [u["name"] for u in body["not_finished"]] == ["Đảng ủy phường Phổ Ninh",
                                                         "Chi bộ tổ dân phố 1"]


def _scoped(make_user, role, unit):
    user = make_user(role=role)
    user.unit_id = unit.id  # set directly: create_user keeps a unit for reporters only on main
    return user


def test_scope_is_the_organizer_unit_and_below(client, db, make_user, town):
    ward_viewer = _scoped(make_user, "viewer", town.hoa)
    # The town's session lies above the ward viewer's scope: not there for them.
    assert _get(client, db, ward_viewer, town.session.id).status_code == 404
    town_viewer = _scoped(make_user, "viewer", town.town)
    assert _get(client, db, town_viewer, town.session.id).status_code == 200
    reporter = make_user(role="reporter", unit_id=town.town.id)
    assert _get(client, db, reporter, town.session.id).status_code == 403
    assert _get(client, db, town_viewer, 999999).status_code == 404


def test_a_kept_cascade_is_what_the_api_and_the_page_both_show(app, client, db, make_user,
                                                               login, town):
    """A nation's cascade is kept (attendance.outcomes.kept): the API gives the figures the
    consolidated page shows, of the same time, not a fresher count than the page's."""
    from .cascade_data import attend, gen_member

    app.config["OUTCOMES_KEEP_ABOVE_SECONDS"] = -1.0  # every computation is slow enough
    viewer = make_user(role="viewer")
    first = _get(client, db, viewer, town.session.id).get_json()
    assert first["computed_at"] is not None and first["totals"]["taught"] == 8
    attend(db, town.session, gen_member(db, town.cells["ninh1"], "Đặng Văn Muộn"))
    db.commit()
    again = _get(client, db, viewer, town.session.id).get_json()
    assert (again["computed_at"], again["totals"]) == (first["computed_at"], first["totals"])
    page = login(viewer).get(f"/sessions/{town.session.id}/outcomes").get_data(as_text=True)
    assert 'id="cascade-kept"' in page


def test_a_quick_cascade_is_computed_for_each_request(client, db, make_user, town):
    body = _get(client, db, make_user(role="viewer"), town.session.id).get_json()
    assert body["computed_at"] is None
