"""A bridge point's link checklist: readiness follows from it, its marks are rows as of when they
were made (what it said at the rehearsal and at the start), the roll page posts it. Without HTTP
except the last tests."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from attendance.errors import Forbidden, ValidationError
from attendance.models import AuditEntry, LinkCheck
from attendance.roll import link

from .factories import NOW

ALL_OK = {item: "ok" for item in link.ITEMS}
TECH = {"technician_name": "Lê Văn Kỹ", "technician_phone": "0905 123 456"}


@pytest.mark.parametrize("states, technician, expected", [
    ({}, False, "not_ready"),
    (ALL_OK, False, "not_ready"),  # nobody on site
    (ALL_OK, True, "connected"),
    (dict(ALL_OK, backup_link=""), True, "not_ready"),
    (dict(ALL_OK, sound="fail"), True, "problem"),
    ({"picture": "fail"}, False, "problem"),
])
def test_readiness_follows_from_the_checklist(states, technician, expected):
    assert link.readiness_of(states, technician) == expected


def test_marks_are_rows_and_readiness_follows(db, make_session, make_user):
    session = make_session()
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    link.save_checklist(db, venue=point, fields={"picture": "ok", "sound": "ok"}, now=NOW,
                        actor=coordinator)
    assert point.readiness == "not_ready"
    link.save_checklist(db, venue=point, fields=dict(ALL_OK, **TECH), now=NOW, actor=coordinator)
    assert (point.readiness, point.technician_name, point.technician_phone) == (
        "connected", "Lê Văn Kỹ", "0905123456")
    # picture and sound unchanged: no new rows for them
    assert db.scalar(select(func.count()).select_from(LinkCheck)) == 5
    link.save_checklist(db, venue=point, fields=dict(ALL_OK, link="fail",
                                                     note="Mất mạng cáp quang"),
                        now=NOW, actor=coordinator)
    assert (point.readiness, point.readiness_note) == ("problem", "Mất mạng cáp quang")
    assert link.current_states(db, point)["link"] == "fail"
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "venue.link_check")) == 3


def test_a_form_filled_in_earlier_that_arrives_late_is_history(db, make_session, make_user):
    session = make_session()
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    link.save_checklist(db, venue=point, fields=dict(ALL_OK, **TECH), now=NOW,
                        actor=coordinator)
    link.save_checklist(db, venue=point, fields={"sound": "fail"},
                        now=NOW - timedelta(minutes=30), actor=coordinator)  # queued offline
    assert point.readiness == "connected"
    assert link.current_states(db, point)["sound"] == "ok"
    at_then = link.not_ready_at(db, session.id, NOW - timedelta(minutes=10))
    assert [(p.venue_id, p.failed) for p in at_then if p.venue_id == point.id] == [
        (point.id, ["sound"])]


def test_bad_fields_change_nothing(db, make_session, make_user):
    session = make_session()
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    for fields, error in (({"sound": "maybe"}, "sound"),
                          ({"technician_name": "An", "technician_phone": "12"},
                           "technician_phone"),
                          ({"note": "x" * 301}, "note")):
        with pytest.raises(ValidationError) as refused:
            link.save_checklist(db, venue=point, fields=fields, now=NOW, actor=coordinator)
        assert error in refused.value.errors
    assert db.scalar(select(func.count()).select_from(LinkCheck)) == 0


def test_only_the_points_own_coordinator_marks_it_and_the_hall_has_none(db, make_session,
                                                                       make_user):
    session = make_session()
    hall, point1, point2 = session.venues
    with pytest.raises(Forbidden):
        link.save_checklist(db, venue=point1, fields=ALL_OK, now=NOW,
                            actor=make_user(role="coordinator", venue=point2))
    with pytest.raises(ValidationError):
        link.save_checklist(db, venue=hall, fields=ALL_OK, now=NOW,
                            actor=make_user(role="organizer"))


def test_not_ready_at_the_rehearsal_and_at_the_start(db, make_session, make_user):
    """Point 1 ready before the rehearsal, lost its link after it; point 2 ready only after
    the rehearsal, before the start: each list says what the checklist said then."""
    session = make_session(rehearsal_minutes=60)
    _, point1, point2 = session.venues
    rehearsal, start = session.rehearsal_at, session.starts_at
    organizer = make_user(role="organizer")
    link.save_checklist(db, venue=point1, fields=dict(ALL_OK, **TECH),
                        now=rehearsal - timedelta(minutes=10), actor=organizer)
    link.save_checklist(db, venue=point1, fields={"link": "fail"},
                        now=rehearsal + timedelta(minutes=5), actor=organizer)
    link.save_checklist(db, venue=point2, fields={"picture": "ok"},
                        now=rehearsal - timedelta(minutes=1), actor=organizer)
    link.save_checklist(db, venue=point2, fields=dict(ALL_OK, **TECH),
                        now=start - timedelta(minutes=20), actor=organizer)
    at_rehearsal = link.not_ready_at(db, session.id, rehearsal)
    assert [(p.venue_id, p.readiness) for p in at_rehearsal] == [(point2.id, "not_ready")]
    assert at_rehearsal[0].missing == ["sound", "link", "backup_link", "technician"]
    at_start = link.not_ready_at(db, session.id, start)
    assert [(p.venue_id, p.readiness, p.failed, p.missing) for p in at_start] == [
        (point1.id, "problem", ["link"], [])]
    assert at_start[0].technician == "Lê Văn Kỹ"
    assert link.not_ready_at(db, session.id, start, [point2.id]) == []


# Over HTTP ----------------------------------------------------------------------------------

def test_the_roll_page_shows_and_posts_the_checklist(client, db, make_session, make_user,
                                                     login):
    session = make_session()
    point = session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    login(coordinator)
    url = f"/sessions/{session.id}/venues/{point.id}/roll"
    page = client.get(url).get_data(as_text=True)
    assert 'data-queue="link_check"' in page and "Đường truyền dự phòng" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(url + "/link-check", data=dict(ALL_OK, csrf_token=token, **TECH))
    assert answer.status_code == 302
    db.expire_all()
    assert db.get(type(point), point.id).readiness == "connected"
    bad = client.post(url + "/link-check", data={"csrf_token": token, "sound": "maybe"},
                      follow_redirects=True)
    assert "Lựa chọn không hợp lệ" in bad.get_data(as_text=True)


def test_the_dashboard_lists_points_not_ready_at_the_rehearsal_and_at_the_start(
        client, db, make_session, make_user, login):
    session = make_session(bridge_points=3)  # started days ago: both moments have come
    _, point1, point2, point3 = session.venues
    organizer = make_user(role="organizer")
    link.save_checklist(db, venue=point1, fields=dict(ALL_OK, **TECH),
                        now=session.rehearsal_at - timedelta(minutes=5), actor=organizer)
    link.save_checklist(db, venue=point2, fields=dict(ALL_OK, **TECH),
                        now=session.starts_at - timedelta(minutes=5), actor=organizer)
    link.save_checklist(db, venue=point3, fields={"sound": "fail"},
                        now=session.starts_at - timedelta(minutes=5), actor=organizer)
    db.commit()
    login(make_user(role="viewer"))
    page = client.get(f"/sessions/{session.id}/dashboard?partial=1").get_data(as_text=True)
    rehearsal = page.split('data-not-ready="rehearsal"')[1].split("</details>")[0]
    start = page.split('data-not-ready="start"')[1].split("</details>")[0]
    assert "2 điểm cầu" in rehearsal and "2 điểm cầu" not in start
    assert f'data-not-ready-venue="{point2.id}"' in rehearsal
    assert f'data-not-ready-venue="{point1.id}"' not in rehearsal
    assert f'data-not-ready-venue="{point3.id}"' in start
    assert "Sự cố" in start and "lỗi Âm thanh" in start
    assert "1 điểm cầu" in start


def test_queued_checklists_replay_safely_and_count_as_of_when_filled_in(
        app, db, make_session, make_user, bearer):
    """The roll queue's kind link_check: once per nonce, as of when it was filled in."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    session = make_session(now=now)
    point, other = session.venues[1], session.venues[2]
    headers = bearer(make_user(role="coordinator", venue=point))
    url = f"/api/v1/sessions/{session.id}/roll"
    filled = now - timedelta(minutes=20)  # offline, before it reached the server
    item = {"nonce": "lc-1", "kind": "link_check", "venue_id": point.id,
            "fields": dict(ALL_OK, **TECH), "recorded_at": filled.isoformat()}
    client = app.test_client()
    first = client.post(url, json={"items": [item]}, headers=headers).get_json()["results"]
    assert [(r["outcome"], r["kind"], r["status"]) for r in first] == [
        ("accepted", "link_check", "connected")]
    again = client.post(url, json={"items": [item, dict(item, nonce="lc-2",
                                                          venue_id=other.id)]},
                        headers=headers).get_json()["results"]
    assert [(r["outcome"], r["code"]) for r in again] == [("accepted", "ok"),
                                                          ("rejected", "forbidden")]
    assert db.scalar(select(func.count()).select_from(LinkCheck)) == 5  # once, not twice
    assert {row.at for row in db.scalars(select(LinkCheck))} == {filled}
    # A later form, then the first one again (an answer lost, the phone resends): the resent
    # one changes nothing, so the newer state stays.
    later = dict(item, nonce="lc-4", fields={"link": "fail"}, recorded_at=None)
    assert client.post(url, json={"items": [later]}, headers=headers).get_json()[
        "results"][0]["status"] == "problem"
    resent = client.post(url, json={"items": [item]}, headers=headers).get_json()["results"][0]
    assert resent["outcome"] == "accepted"
    db.expire_all()
    assert db.get(type(point), point.id).readiness == "problem"
    assert db.scalar(select(func.count()).select_from(LinkCheck)) == 6
    bad = client.post(url, json={"items": [dict(item, nonce="lc-3", fields={"sound": "maybe"})]},
                      headers=headers).get_json()["results"][0]
    assert (bad["outcome"], bad["code"]) == ("rejected", "bad_choice")
