"""The per-process cache of the check-in hot path: values live TTL seconds, then reload."""

from webapp.snapshots import Snapshots


def test_values_expire_after_the_ttl(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("webapp.snapshots.time.monotonic", lambda: clock[0])
    cache, loads = Snapshots(ttl=10), []

    def load():
        loads.append(1)
        return {"n": len(loads)}
    assert cache.get("k", load) == {"n": 1}
    clock[0] += 9.9
    assert cache.get("k", load) == {"n": 1}
    clock[0] += 0.2
    assert cache.get("k", load) == {"n": 2}
    assert cache.get("missing", lambda: None) is None
    assert cache.get("missing", lambda: "now") == "now"  # None was not cached
    cache.clear()
    assert cache.get("k", load) == {"n": 3}


def test_revoking_through_the_users_page_takes_effect_at_once(client, db, make_user, login):
    from attendance.accounts import users as accounts
    from tests.factories import NOW

    device = make_user(role="viewer")
    token = accounts.issue_api_token(db, device, now=NOW)
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}
    api = client.application.test_client()  # the device: no cookie, only its token
    assert api.get("/api/v1/sessions", headers=headers).status_code == 200
    login(make_user(role="organizer"))
    client.post(f"/users/{device.id}/deactivate")
    assert api.get("/api/v1/sessions", headers=headers).status_code == 401


def test_a_window_changed_in_this_process_applies_to_the_next_scan(app, db, client, make_session,
                                                                    make_person, make_user):
    """The check-in API reads a cached copy of the session; a change committed here clears it."""
    from datetime import datetime, timezone

    from attendance.accounts import users as accounts
    from attendance.checkin import tokens
    from tests.factories import NOW

    session = make_session(now=datetime.now(timezone.utc))  # window open by the clock
    people = [make_person(session) for _ in range(2)]
    token = accounts.issue_api_token(db, make_user(), now=NOW)
    db.commit()
    key = tokens.derive_key(app.config["SECRET_KEY"], "card")

    def scan(person, nonce):
        body = {"items": [{"nonce": nonce, "venue_id": session.venues[0].id,
                           "token": tokens.card_token(key, session.id, person.id, 1)}]}
        return client.post(f"/api/v1/sessions/{session.id}/checkins", json=body,
                           headers={"Authorization": f"Bearer {token}"}).get_json()
    assert scan(people[0], "a")["results"][0]["outcome"] == "accepted"
    session.checkin_window = "closed"
    db.commit()
    assert scan(people[1], "b")["results"][0]["code"] == "window_closed"
