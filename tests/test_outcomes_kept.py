"""The consolidated page's cascade kept when it is slow to compute (attendance.outcomes.kept):
shared by every process, shown with its time, recomputed in the background by one process."""

from datetime import timedelta

from attendance.models import KeptCascade
from attendance.outcomes import kept
from attendance.outcomes.cascade import cascade_outcomes

from .cascade_data import attend, build_town, gen_member
from .factories import NOW

ALWAYS, NEVER = -1.0, 1e9  # keep_above: keep every computation, or none


def figures(cascade):
    return {u.unit_id: (u.members, u.taught, u.in_class, u.made_up, u.classes, u.unfinished)
            for u in cascade.by_id.values()}


def test_a_slow_cascade_is_kept_and_shown_until_recomputed(db):
    town = build_town(db)
    first = kept.page_cascade(db, town.session, now=NOW, keep_above=ALWAYS)
    db.commit()
    assert first.computed_at == NOW and not first.refresh
    assert figures(first.cascade) == figures(cascade_outcomes(db, town.session))
    assert [u.name for u in first.cascade.units] == [
        u.name for u in cascade_outcomes(db, town.session).units]
    # A Phổ Ninh member studies: the kept figures still show the earlier count...
    ninh = town.ninh
    late = gen_member(db, town.cells["ninh1"], "Đặng Văn Muộn")
    attend(db, town.session, late)
    db.commit()
    soon = kept.page_cascade(db, town.session, now=NOW + timedelta(minutes=5), keep_above=ALWAYS)
    assert soon.computed_at == NOW and not soon.refresh and not soon.refreshing
    assert soon.cascade.by_id[ninh.id].taught == first.cascade.by_id[ninh.id].taught
    # ...until they are FRESH_FOR old: the view claims the recomputation (one process only).
    later = NOW + kept.FRESH_FOR
    old = kept.page_cascade(db, town.session, now=later, keep_above=ALWAYS)
    db.commit()
    assert old.refresh and old.refreshing
    other = kept.page_cascade(db, town.session, now=later, keep_above=ALWAYS)
    assert not other.refresh and other.refreshing  # another process: served the kept copy
    kept.refresh(db, town.session.id, now=later, keep_above=ALWAYS)
    db.commit()
    fresh = kept.page_cascade(db, town.session, now=later, keep_above=ALWAYS)
    assert fresh.computed_at == later and not fresh.refreshing
    assert fresh.cascade.by_id[ninh.id].taught == first.cascade.by_id[ninh.id].taught + 1
    assert figures(fresh.cascade) == figures(cascade_outcomes(db, town.session))


def test_a_claim_left_by_a_dead_process_lapses(db):
    town = build_town(db)
    kept.page_cascade(db, town.session, now=NOW, keep_above=ALWAYS)
    assert kept.claim(db, town.session.id, now=NOW)
    assert not kept.claim(db, town.session.id, now=NOW + kept.CLAIM_LAPSES / 2)
    assert kept.claim(db, town.session.id, now=NOW + kept.CLAIM_LAPSES + timedelta(seconds=1))


def test_a_quick_cascade_is_computed_for_every_view_and_a_kept_one_dropped(db):
    town = build_town(db)
    quick = kept.page_cascade(db, town.session, now=NOW, keep_above=NEVER)
    assert quick.computed_at is None and db.get(KeptCascade, town.session.id) is None
    kept.page_cascade(db, town.session, now=NOW, keep_above=ALWAYS)
    db.commit()
    assert db.get(KeptCascade, town.session.id) is not None
    kept.refresh(db, town.session.id, now=NOW + kept.FRESH_FOR, keep_above=NEVER)
    db.commit()
    assert db.get(KeptCascade, town.session.id) is None


def test_the_page_shows_the_kept_figures_of_another_process(app, db, make_user, login,
                                                             monkeypatch):
    """Two app processes on one database: the figures one computed are the other's, with
    their time; "Tính lại ngay" recomputes them (in the background: at once in tests)."""
    from webapp import create_app

    town = build_town(db)
    db.commit()
    app.config["OUTCOMES_KEEP_ABOVE_SECONDS"] = ALWAYS
    client = login(make_user(role="viewer"))
    url = f"/sessions/{town.session.id}/outcomes"
    page = client.get(url).get_data(as_text=True)
    assert 'id="cascade-kept"' in page and "Tính lại ngay" in page
    other = create_app({**app.config, "OUTCOMES_KEEP_ABOVE_SECONDS": ALWAYS})
    computed = []
    real = kept.cascade_rows
    monkeypatch.setattr(kept, "cascade_rows", lambda *a, **k: computed.append(1) or real(*a, **k))
    with other.app_context():
        from webapp.extensions import db as other_db
        from attendance.models import StudySession

        shown = kept.page_cascade(other_db.session, other_db.session.get(
            StudySession, town.session.id), now=NOW, keep_above=ALWAYS)
        assert shown.computed_at is not None and computed == []
        other_db.session.remove()
        other_db.engine.dispose()  # its connections closed, not left to the collector
    answer = client.post(f"{url}/recompute")
    assert answer.status_code == 303 and computed == [1]
    assert "Đang tính lại số liệu" in client.get(url).get_data(as_text=True)


def test_recompute_is_for_readers_of_every_unit_and_quick_pages_need_none(
        app, db, make_user, login):
    town = build_town(db)
    db.commit()
    url = f"/sessions/{town.session.id}/outcomes"
    client = login(make_user(role="viewer"))
    assert "cascade-kept" not in client.get(url).get_data(as_text=True)  # quick: computed
    answer = client.post(f"{url}/recompute", follow_redirects=True)
    assert answer.status_code == 200 and "Số liệu đang được tính lại" not in answer.get_data(
        as_text=True)
    assert db.get(KeptCascade, town.session.id) is None
    coordinator = login(make_user(role="coordinator", venue=town.session.venues[1]))
    assert coordinator.post(f"{url}/recompute").status_code in (403, 404)


def test_a_large_trees_first_computation_is_made_in_the_background(db):
    """Over large_above units the first view does not wait for the cascade: it is pending,
    claimed by one process, and kept once computed even when it was quick."""
    town = build_town(db)
    first = kept.page_cascade(db, town.session, now=NOW, large_above=0)
    db.commit()
    assert first.pending and first.refresh and first.cascade is None
    other = kept.page_cascade(db, town.session, now=NOW, large_above=0)
    assert other.pending and not other.refresh  # another process: it waits for the first
    assert kept.kept_at(db, town.session.id) is None
    lapsed = NOW + kept.CLAIM_LAPSES + timedelta(seconds=1)  # the claimer died: claimed again
    assert kept.page_cascade(db, town.session, now=lapsed, large_above=0).refresh
    kept.refresh(db, town.session.id, now=lapsed, keep_above=NEVER, large_above=0)
    db.commit()
    shown = kept.page_cascade(db, town.session, now=lapsed, keep_above=NEVER, large_above=0)
    assert not shown.pending and shown.computed_at == lapsed  # quick, but a large tree's: kept
    assert figures(shown.cascade) == figures(cascade_outcomes(db, town.session))
    # Under the size, as before: computed for the view.
    db.delete(db.get(KeptCascade, town.session.id))
    db.flush()
    small = kept.page_cascade(db, town.session, now=NOW, keep_above=NEVER, large_above=10_000)
    assert not small.pending and small.computed_at is None


def test_the_page_of_a_large_tree_waits_for_its_first_figures_and_the_api_does_not(
        app, db, make_user, login, monkeypatch):
    from webapp.jobs import queue

    from attendance.accounts import users as accounts

    town = build_town(db)
    db.commit()
    app.config["JOBS_DIRECT_UNITS"] = 3  # the town's tree (6 units) is "large"
    started = []
    monkeypatch.setattr(queue, "refresh_cascade", lambda app, session_id: started.append(
        session_id))  # a worker that has not run it yet
    viewer = make_user(role="viewer")
    client = login(viewer)
    url = f"/sessions/{town.session.id}/outcomes"
    page = client.get(url).get_data(as_text=True)
    assert 'id="cascade-pending"' in page and 'http-equiv="refresh"' in page
    assert started == [town.session.id]
    assert 'id="cascade-pending"' in client.get(url).get_data(as_text=True)
    assert started == [town.session.id]  # claimed once
    token = accounts.issue_api_token(db, viewer, now=NOW)
    db.commit()
    body = client.get(f"/api/v1{url}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["totals"]["members"] == 11 and body["computed_at"] is not None  # and kept
    page = client.get(url).get_data(as_text=True)
    assert 'id="cascade-kept"' in page and "cascade-pending" not in page


def test_with_jobs_run_at_once_the_first_view_shows_the_figures(app, db, make_user, login):
    town = build_town(db)
    db.commit()
    app.config["JOBS_DIRECT_UNITS"] = 3
    page = login(make_user(role="viewer")).get(
        f"/sessions/{town.session.id}/outcomes").get_data(as_text=True)
    assert 'id="cascade-kept"' in page and "cascade-pending" not in page
