"""Live dashboard at any size: totals, lagging venues and pages come from SQL and agree with
summarize(); the page filters and pages in SQL; the totals are kept a few seconds per process."""

from datetime import date

import pytest

from attendance.figures import live
from attendance.figures.summary import summarize
from attendance.models import ExpectedCount
from attendance.roll import makeup
from attendance.roll import marks as roll
from webapp.summary import dashboard as dashboard_view

from .factories import NOW

THRESHOLD = 95.0


@pytest.fixture
def world(db, make_session, make_person, make_user):
    """Hall and 5 points; the hall and point 1 full, point 2 at 60%, a headcount, a make-up."""
    session = make_session(bridge_points=5)
    hall, p1, p2 = session.venues[:3]
    organizer = make_user(role="organizer")
    for venue in (hall, p1, p2):
        for _ in range(5):
            make_person(session, venue=venue)
    people = {v.id: [p for p in session_people(db, session) if p.venue_id == v.id]
              for v in (hall, p1, p2)}
    for person in people[hall.id][:4]:
        roll.mark(db, venue=hall, person=person, status="present", now=NOW, actor=organizer)
    roll.mark(db, venue=hall, person=people[hall.id][4], status="late", now=NOW, actor=organizer)
    for person in people[p1.id]:
        roll.mark(db, venue=p1, person=person, status="present", now=NOW, actor=organizer)
    for person in people[p2.id][:3]:
        roll.mark(db, venue=p2, person=person, status="present", now=NOW, actor=organizer)
    roll.mark(db, venue=p2, person=people[p2.id][3], status="absent_excused", reason="ốm",
              now=NOW, actor=organizer)
    makeup.record_makeup(db, session=session, held_on=date(2026, 12, 2),
                         person_ids=[people[p2.id][3].id], now=NOW, actor=organizer)
    headcounts = session.categories_for(p1.kind)[1]
    db.get(ExpectedCount, (p1.id, headcounts.id)).headcount = 5
    p1.readiness, p1.signed_off_at = "connected", NOW
    db.commit()
    return session


def session_people(db, session):
    from sqlalchemy import select

    from attendance.models import Person
    return db.scalars(select(Person).where(Person.session_id == session.id)
                      .order_by(Person.id)).all()


def test_overview_equals_summarize_in_one_query(db, world):
    summary = summarize(db, world)
    overview = live.overview(db, world.id, THRESHOLD)
    assert overview.totals == summary.totals
    assert overview.totals.made_up == 1 and overview.totals.present == 5 + 5 + 5 + 3
    lagging = [r.venue.id for r in summary.venues if r.totals.lags(THRESHOLD)]
    assert overview.lagging == len(lagging) == 5  # hall 50%, p2 30%, p3-p5 0%; p1 100%
    assert (overview.not_ready, overview.not_signed) == (4, 4)
    own = world.venues[2]
    scoped = live.overview(db, world.id, THRESHOLD, [own.id])
    assert scoped.totals == summarize(db, world, [own]).totals
    assert (scoped.lagging, scoped.not_ready, scoped.not_signed) == (1, 1, 1)


def test_venue_page_filters_and_pages_in_sql(db, world):
    venues = world.venues
    page, count = live.venue_page(db, world.id, limit=2, offset=2)
    assert count == 6 and page == venues[2:4]
    page, count = live.venue_page(db, world.id, limit=50, offset=0, kind="hall")
    assert (page, count) == ([venues[0]], 1)
    page, count = live.venue_page(db, world.id, limit=2, offset=0, lagging_below=THRESHOLD,
                                  kind="bridge_point")
    assert count == 4 and page == [venues[2], venues[3]]  # p1 (100%) is not lagging
    page, count = live.venue_page(db, world.id, limit=2, offset=10, lagging_below=THRESHOLD)
    assert (page, count) == ([], 5)
    page, count = live.venue_page(db, world.id, limit=50, offset=0, venue_ids=[venues[1].id],
                                  lagging_below=THRESHOLD)
    assert (page, count) == ([], 0)


def test_venue_search_ignores_case_and_diacritics(db, world):
    assert live.matching_venue_ids(db, world.id, "PHUONG 2") == [world.venues[2].id]
    assert len(live.matching_venue_ids(db, world.id, "điểm cầu")) == 5
    assert live.matching_venue_ids(db, world.id, "phường", [world.venues[0].id]) == []


def test_dashboard_pages_filters_and_counts(client, world, make_user, login, monkeypatch):
    monkeypatch.setattr(dashboard_view, "PER_PAGE", 2)
    login(make_user(role="viewer"))
    base = f"/sessions/{world.id}/dashboard"
    page = client.get(base).get_data(as_text=True)
    first = page.split('class="compact live-table"')[1]  # the venues' table
    assert "Hội trường UBND thị xã" in first and "Điểm cầu phường 1" in first
    assert "Điểm cầu phường 2" not in first
    first = page
    assert "5 địa điểm dưới ngưỡng" in first and "4 điểm cầu chưa kết nối" in first
    assert 'data-kpi="present">18<' in first
    second = client.get(base + "?page=2&partial=1").get_data(as_text=True).split(
        'class="compact live-table"')[1]
    assert "Điểm cầu phường 2" in second and "Hội trường UBND thị xã" not in second
    found = client.get(base + "?q=phuong+1").get_data(as_text=True).split("live-table")[1]
    assert "Điểm cầu phường 1" in found and "Điểm cầu phường 2" not in found
    lagging = client.get(base + "?lagging=1&kind=bridge_point&partial=1").get_data(
        as_text=True).split("live-table")[1]
    assert "Điểm cầu phường 1" not in lagging and "Điểm cầu phường 2" in lagging
    assert lagging.count('class="venue-row row-lagging"') == 2
    beyond = client.get(base + "?page=99&partial=1")
    assert beyond.status_code == 200 and "data-venue-id" not in beyond.get_data(as_text=True)


def test_dashboard_totals_are_kept_a_few_seconds_rows_are_fresh(app, client, db, world,
                                                                make_user, make_person, login):
    organizer = make_user(role="organizer")
    login(organizer)
    url = f"/sessions/{world.id}/dashboard?partial=1&kind=hall"
    assert 'data-kpi="present">18<' in client.get(url).get_data(as_text=True)
    newcomer = make_person(world, venue=world.venues[0])
    roll.mark(db, venue=world.venues[0], person=newcomer, status="present", now=NOW,
              actor=organizer)
    db.commit()
    cached = client.get(url).get_data(as_text=True)
    assert 'data-kpi="present">18<' in cached  # the totals: up to 3 s old
    assert 'data-label="Có mặt">6</td>' in cached  # the hall's row: fresh
    app.config["DASHBOARD_CACHE_SECONDS"] = 0
    app.extensions["dashboard_overview"].clear()
    assert 'data-kpi="present">19<' in client.get(url).get_data(as_text=True)


def test_dashboard_of_a_coordinator_counts_only_their_point(client, world, make_user, login):
    login(make_user(role="coordinator", venue=world.venues[2]))
    page = client.get(f"/sessions/{world.id}/dashboard").get_data(as_text=True)
    assert "1 địa điểm dưới ngưỡng" in page and 'data-kpi="present">3<' in page
    assert "Điểm cầu phường 1" not in page
    assert client.get(f"/sessions/{world.id}/dashboard?q=phuong+1").status_code == 200


def test_the_sessions_own_threshold_marks_venues_and_categories_in_words(
        client, db, world, make_user, login):
    """Point 2 is at 30 %: under the default 95 %, not under a threshold of 25 %. Every venue
    and category row under the threshold says so ("Dưới ngưỡng"), not only by a colour."""
    from attendance.outcomes.reports import settings_for, update_settings

    organizer = make_user(role="organizer")
    login(organizer)
    url = f"/sessions/{world.id}/dashboard?kind=bridge_point&partial=1"
    page = client.get(url).get_data(as_text=True)
    assert "5 địa điểm dưới ngưỡng 95" in page
    point2 = world.venues[2]
    assert f'class="venue-row row-lagging" data-venue-id="{point2.id}"' in page
    rows = page.count('<tr class="venue-row row-lagging"') + page.count('<tr id="cat-')
    assert page.count('class="lag-flag"') == page.count("row-lagging") > 0
    assert rows > page.count('class="venue-row row-lagging"')  # categories are rows too
    assert page.count(f'data-category-of="{point2.id}"') == len(
        world.categories_for("bridge_point"))

    update_settings(db, world, grades=list(settings_for(db, world).essay_grades),
                    threshold="25", now=NOW, actor=organizer)
    db.commit()
    client.application.extensions["dashboard_overview"].clear()
    page = client.get(url).get_data(as_text=True)
    assert "3 địa điểm dưới ngưỡng 25" in page  # points 3-5 expect people and have none
    assert f'class="venue-row" data-venue-id="{point2.id}"' in page
    lagging = client.get(url + "&lagging=1").get_data(as_text=True)
    assert f'data-venue-id="{point2.id}"' not in lagging


def test_a_dashboard_refresh_writes_nothing(client, db, world, make_user, login):
    from sqlalchemy import func, select

    from attendance.models import OutcomeSettings

    login(make_user(role="viewer"))
    assert client.get(f"/sessions/{world.id}/dashboard?partial=1").status_code == 200
    assert db.scalar(select(func.count()).select_from(OutcomeSettings)) == 0


def test_in_person_and_online_side_by_side(client, db, make_session, make_person, make_user,
                                           login):
    from attendance.checkin import tokens
    from attendance.checkin.scan import record_scan

    from .factories import SECRET_KEY

    session = make_session(checkin_window="open")
    hall = session.venues[0]
    here, online = make_person(session, venue=hall), make_person(session, venue=hall)
    key = tokens.derive_key(SECRET_KEY, "card")
    for person, method in ((here, "manual"), (online, "join")):
        record_scan(db, key=key, session=session, venue=hall, nonce=f"m-{person.id}",
                    method=method, now=NOW, actor=None, person_id=person.id)
    db.commit()
    login(make_user(role="viewer"))
    page = client.get(f"/sessions/{session.id}/dashboard?partial=1").get_data(as_text=True)
    assert 'data-kpi="present">2<' in page
    assert 'data-kpi="in_person">1<' in page and 'data-kpi="online">1<' in page
    row = page.split(f'data-venue-id="{hall.id}"')[1].split("</tr>")[0]
    assert 'data-label="Trực tiếp">1<' in row and 'data-label="Trực tuyến">1<' in row
