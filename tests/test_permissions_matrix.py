"""Who may and who may not: every route of the app, as every role.

The table below is written out by hand and is the specification: one entry per endpoint (a
route missing from it fails the test, so a new route must say who may use it). Each GET is
requested as organizer, entrance staff of the hall, coordinator of bridge point 1, a unit
reporter, a viewer and an anonymous visitor; routes that take a venue or a person are requested
for the hall, the coordinator's own point ("own") and another point ("other"). POSTs are sent
where they are cheap (empty or harmless bodies): what matters is allowed or refused.

Outcomes: "ok" (served, or a 400/redirect that is not to the login page: allowed, bad input),
"login" (redirect to sign in, or 401 on the API), "no" (403), "404".
"""

import pytest

from attendance import jobs
from attendance.models import Member, Unit
from attendance.roll import marks as roll

from . import factories

ROLES = ("organizer", "staff", "coordinator", "reporter", "viewer", "anonymous")
OK, LOGIN, NO, MISSING = "ok", "login", "no", "404"

# Shorthands: role -> outcome, in the order of ROLES.


def _row(*outcomes):
    return dict(zip(ROLES, outcomes))


PUBLIC = _row(OK, OK, OK, OK, OK, OK)
SIGNED_IN = _row(OK, OK, OK, OK, OK, LOGIN)
MANAGE = _row(OK, NO, NO, NO, NO, LOGIN)
READ_ALL = _row(OK, NO, NO, NO, OK, LOGIN)
# Session-wide pages that staff and coordinators see for their own venue only.
VENUE_SCOPED = _row(OK, OK, OK, NO, OK, LOGIN)
# Routes with a venue or person: outcome per role for (hall, own point, other point).
VENUE_READ = {"organizer": (OK, OK, OK), "staff": (OK, NO, NO), "coordinator": (NO, OK, NO),
              "reporter": (NO, NO, NO), "viewer": (OK, OK, OK),
              "anonymous": (LOGIN, LOGIN, LOGIN)}
VENUE_WRITE = {**VENUE_READ, "viewer": (NO, NO, NO)}
VENUE_MANAGE = {"organizer": (OK, OK, OK), "staff": (NO, NO, NO), "coordinator": (NO, NO, NO),
                "reporter": (NO, NO, NO), "viewer": (NO, NO, NO),
                "anonymous": (LOGIN, LOGIN, LOGIN)}
VENUE_READ_ALL = {**VENUE_MANAGE, "viewer": (OK, OK, OK)}

GET = {
    "healthz": PUBLIC, "static": PUBLIC, "checkin.service_worker": PUBLIC,
    "auth.login": PUBLIC, "api.openapi": PUBLIC,
    # A one-time sign-in link: the token is the credential (a wrong one answers 400).
    "auth.sign_in_link": PUBLIC,
    # without a password just checked, the second-factor page sends everyone to sign in
    "auth.second_factor": _row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    # Public by design: a participant's own phone, guarded by the venue's secret code.
    "selfcheckin.start": PUBLIC, "selfcheckin.walk_in": PUBLIC, "quiz.start": PUBLIC,
    "home": SIGNED_IN, "sessions.index": SIGNED_IN, "api.sessions": SIGNED_IN,
    "sessions.show": SIGNED_IN,  # reporters see the facts, staff/coordinators their venue
    # the venue picker's suggestions: staff and coordinators find their own venue only,
    # reporters none (tests/test_pickers.py)
    "sessions.venue_search": SIGNED_IN,
    "sessions.new": MANAGE, "sessions.edit": MANAGE, "sessions.expected": MANAGE,
    "sessions.points_from_units": MANAGE, "sessions.points_template": MANAGE,
    "sessions.copy": MANAGE,
    "sessions.venue_new": MANAGE, "sessions.category_new": MANAGE,
    "sessions.category_edit": MANAGE,
    "users.index": MANAGE, "users.show": MANAGE,
    "users.venue_search": MANAGE,  # the users page's venue search box
    "units.search": READ_ALL,  # unit search boxes: organizers and viewers, their scope
    # one's own account; the second factor is the organizers' (a setup page without an offer
    # started sends the organizer back to the account page)
    "account.show": SIGNED_IN, "account.totp_setup": MANAGE,
    "units.index": READ_ALL, "units.export": READ_ALL, "units.add": MANAGE,
    "units.edit": MANAGE, "units.import_file": MANAGE, "units.template": MANAGE,
    "api.units": SIGNED_IN,
    "roster.index": VENUE_SCOPED, "roster.add": MANAGE, "roster.import_file": MANAGE,
    "roster.template": MANAGE,
    "cards.session_pdf": MANAGE, "cards.posters_pdf": MANAGE, "cards.invitations_pdf": MANAGE,
    "api.session": VENUE_SCOPED, "api.roster": VENUE_SCOPED, "summary.api_summary": VENUE_SCOPED,
    "summary.dashboard": VENUE_SCOPED,
    "checkin.scan": _row(OK, OK, OK, NO, NO, LOGIN),
    "checkin.attendance_list": READ_ALL,
    "roll.index": VENUE_SCOPED, "roll.makeup": READ_ALL,
    "reports.summary": READ_ALL, "reports.download": READ_ALL,
    "outcomes.consolidated": READ_ALL, "outcomes.download": READ_ALL, "api.outcomes": READ_ALL,
    "outcomes.units_csv": READ_ALL,
    "outcomes.tracking": _row(OK, NO, NO, OK, OK, LOGIN),
    "outcomes.essays": _row(OK, NO, NO, OK, NO, LOGIN),
    "outcomes.essays_template": _row(OK, NO, NO, OK, NO, LOGIN),
    "outcomes.units": MANAGE, "outcomes.study_record": MANAGE,
    # The unit has no report yet: 404 for those who may look, 403 for the others.
    "outcomes.report": _row(MISSING, NO, NO, MISSING, MISSING, LOGIN),
    "outcomes.plan": _row(MISSING, NO, NO, MISSING, NO, LOGIN),
    "outcomes.report_pdf": _row(MISSING, NO, NO, MISSING, NO, LOGIN),
    "outcomes.signed": _row(MISSING, NO, NO, MISSING, NO, LOGIN),
    "quiz.edit": MANAGE,
    "quiz.results": _row(MISSING, NO, NO, NO, MISSING, LOGIN),  # no quiz yet
    # With a venue, a person or an attendance of (the hall, own point, other point).
    "roll.page": VENUE_READ, "sessions.venue_edit": VENUE_MANAGE,
    "selfcheckin.display": VENUE_WRITE, "selfcheckin.presence_json": VENUE_WRITE,
    "selfcheckin.presence_png": VENUE_WRITE,
    "quiz.screen": VENUE_WRITE, "quiz.screen_png": VENUE_WRITE,
    "cards.person": VENUE_WRITE, "cards.person_pdf": VENUE_WRITE,
    "cards.person_png": VENUE_WRITE, "roster.edit": VENUE_MANAGE,
    "checkin.attendance_detail": VENUE_READ_ALL,
    # The member registry and follow-on classes: organizers (scoped to units: tests of
    # attendance.members and the pages' tests); the world has one member and no class.
    "members.index": MANAGE, "members.add": MANAGE, "members.import_file": MANAGE,
    "members.export": MANAGE, "members.template": MANAGE, "roster.from_members": MANAGE,
    "members.edit": MANAGE, "members.move": MANAGE,
    "classes.index": MANAGE, "classes.add": MANAGE,
    "classes.roll": _row(MISSING, NO, NO, NO, NO, LOGIN),
    # A summary export job still queued: its page and state for readers, no file yet.
    "jobs.show": READ_ALL, "jobs_api.get_job": READ_ALL,
    # the matrix's job is an export, not a member import (tests/test_members_import_job.py)
    "members.import_job": _row(MISSING, NO, NO, NO, NO, LOGIN),
    "jobs_api.download": _row(MISSING, NO, NO, NO, MISSING, LOGIN),
    "metrics": _row(MISSING, MISSING, MISSING, MISSING, MISSING, MISSING),  # no METRICS_TOKEN
    # Modes of presence: closing the roll, the online import and the join links' list are
    # the organizer's; a join link is its own credential (a wrong one is not found).
    "presence.close_page": MANAGE, "presence.online_import": MANAGE,
    "presence.join_links": MANAGE, "presence.venue_exits": VENUE_WRITE,
    "presence.join": _row(MISSING, MISSING, MISSING, MISSING, MISSING, MISSING),
}

# POSTs that are cheap to send with an empty form: allowed (any answer) or refused.
POST = {
    "sessions.new": MANAGE, "sessions.edit": MANAGE, "sessions.window": MANAGE,
    "sessions.points_from_units": MANAGE, "sessions.points_import": MANAGE,
    "sessions.coordinators": MANAGE, "sessions.copy": MANAGE,
    "sessions.expected": MANAGE, "users.create": MANAGE, "roster.add": MANAGE,
    "roll.makeup": MANAGE, "units.add": MANAGE, "units.edit": MANAGE,
    "units.import_file": MANAGE,
    "roll.mark": VENUE_WRITE, "roll.headcount": VENUE_WRITE,
    "roll.link_check": VENUE_WRITE,
    "roll.reopen": VENUE_MANAGE,
    "members.add": MANAGE, "members.import_file": MANAGE, "roster.from_members": MANAGE,
    "classes.add": MANAGE, "members.edit": MANAGE, "members.move": MANAGE,
    "outcomes.recompute": READ_ALL,
    "classes.roll": _row(MISSING, NO, NO, NO, NO, LOGIN),
    "presence.close": MANAGE, "presence.reopen": MANAGE, "presence.online_import": MANAGE,
    "presence.online_confirm": MANAGE, "presence.exit": VENUE_MANAGE,
    "presence.venue_exits": VENUE_WRITE,
    # Last: signing off locks the point (the other checks do not depend on it).
    "roll.sign_off": VENUE_WRITE,
}


@pytest.fixture
def world(db, make_session, make_person, make_user):
    """A session with the hall and two points, a person at each, and a user of every role."""
    unit = Unit(name="Đảng ủy phường 1", kind="committee")
    db.add(unit)
    db.flush()
    member = Member(unit_id=unit.id, full_name="Đảng Viên Một", search_name="dang vien mot",
                    created_at=factories.NOW)
    db.add(member)
    db.commit()
    session = make_session()
    hall, own, other = session.venues
    people = [make_person(session, venue=v) for v in (hall, own, other)]
    users = {"organizer": make_user(role="organizer"),
             "staff": make_user(role="staff", venue=hall),
             "coordinator": make_user(role="coordinator", venue=own),
             "reporter": make_user(role="reporter", unit_id=unit.id),
             "viewer": make_user(role="viewer")}
    other_user = make_user(role="coordinator", venue=other)
    marks = [roll.mark(db, venue=p.venue, person=p, status="absent_excused", reason="ốm",
                       now=factories.NOW, actor=users["organizer"]) for p in people]
    job = jobs.create_export(db, session, what="summary", fmt="csv", venue_id=None,
                             actor=users["organizer"], now=factories.NOW)
    db.commit()
    return dict(session=session, venues=(hall, own, other), people=people, users=users,
                attendances=marks, job=job,
                unit=unit, member=member, other_user=other_user,
                category=session.categories[0])


def _args(rule, world, index=1):
    """Values for the rule's URL arguments; ``index`` picks the hall, own or other venue."""
    values = {"session_id": world["session"].id, "venue_id": world["venues"][index].id,
              "person_id": world["people"][index].id,
              "attendance_id": world["attendances"][index].id, "category_id": world["category"].id,
              "user_id": world["other_user"].id, "unit_id": world["unit"].id,
              "code": world["venues"][1].code, "filename": "css/app.css", "fmt": "csv",
              "what": "summary", "token_id": 1, "token": "not-a-link",
              "member_id": world["member"].id,
              "parent_id": world["session"].id, "class_id": world["session"].id,
              "job_id": world["job"].id}
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.endpoint}: give the matrix a value for {missing}"
    return {name: values[name] for name in rule.arguments}


def outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/login" in location:
        return LOGIN
    return {401: LOGIN, 403: NO, 404: MISSING}.get(response.status_code, OK) \
        if response.status_code < 500 else f"error {response.status_code}"


def _sign_in(client, world, role):
    if role != "anonymous":
        response = client.post("/login", data={"username": world["users"][role].username,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302


def _observe(app, client, world, method, table):
    """endpoint -> outcomes of the table's routes that the app has (others come and go)."""
    seen = {}
    rules = sorted(app.url_map.iter_rules(), key=lambda r: list(table).index(r.endpoint)
                   if r.endpoint in table else -1)
    for rule in rules:
        if method not in rule.methods or rule.endpoint not in table:
            continue
        venue_kind = {"venue_id", "person_id", "attendance_id"} & set(rule.arguments)
        for index in ((0, 1, 2) if venue_kind else (1,)):
            with app.test_request_context():
                from flask import url_for
                url = url_for(rule.endpoint, **_args(rule, world, index))
            response = client.open(url, method=method)
            seen.setdefault(rule.endpoint, []).append(outcome(response))
            response.close()
    return seen


def _expected(table, endpoint, role, count):
    entry = table[endpoint]
    if isinstance(entry[role], tuple):
        return list(entry[role])
    return [entry[role]] * count


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_api_route_as_every_role(app, client, world, role):
    _sign_in(client, world, role)
    seen = _observe(app, client, world, "GET", GET)
    wrong = {endpoint: (result, _expected(GET, endpoint, role, len(result)))
             for endpoint, result in seen.items()
             if result != _expected(GET, endpoint, role, len(result))}
    assert wrong == {}, "endpoint: (seen, expected) per (hall, own point, other point)"


@pytest.mark.parametrize("role", ROLES)
def test_cheap_posts_as_every_role(app, client, world, role):
    _sign_in(client, world, role)
    seen = _observe(app, client, world, "POST", POST)
    wrong = {endpoint: (result, _expected(POST, endpoint, role, len(result)))
             for endpoint, result in seen.items()
             if result != _expected(POST, endpoint, role, len(result))}
    assert wrong == {}


def test_every_route_is_in_the_table(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if "GET" in rule.methods and rule.endpoint not in GET]
    assert missing == [], "say in GET who may use these routes"
    unlisted = [rule.endpoint for rule in app.url_map.iter_rules()
                if "POST" in rule.methods and "GET" not in rule.methods
                and rule.endpoint not in POST and rule.endpoint not in POST_ELSEWHERE]
    assert unlisted == [], "list these POST routes in POST or POST_ELSEWHERE"


# POST routes whose refusals are tested elsewhere (they need real bodies to mean anything).
POST_ELSEWHERE = {
    "auth.logout": "tests/test_smoke.py", "auth.set_language": "tests/test_translations.py",
    "auth.login": "tests/test_smoke.py",
    "account.totp_start": "tests/test_account_totp.py",
    "account.totp_disable": "tests/test_account_totp.py",
    "checkin.api_checkins": "below", "roll.api_roll": "below",
    "presence.api_close": "tests/test_presence_web.py",
    "presence.api_exit": "tests/test_presence_web.py",
    "checkin.api_walkins": "tests/test_scanner_pages.py",
    "sessions.venue_delete": "tests/test_sessions_pages.py",
    "sessions.category_delete": "tests/test_sessions_pages.py",
    "roster.remove": "tests/test_roster_pages.py",
    "roster.import_confirm": "tests/test_roster_pages.py",
    "cards.reissue": "tests/test_cards.py",
    "jobs.start": "tests/test_jobs.py", "jobs_api.post_export": "tests/test_jobs.py",
    "jobs.import_confirm": "tests/test_jobs.py",
    "users.deactivate": "tests/test_users_page.py", "users.reactivate": "tests/test_users_page.py",
    "users.reset_password": "tests/test_users_page.py",
    "users.issue_token": "tests/test_users_page.py",
    "users.revoke_token": "tests/test_users_page.py",
    "quiz.answer": "tests/test_quiz.py", "quiz.state": "tests/test_quiz.py",
    "outcomes.essays_import": "tests/test_essays.py",
    "outcomes.review": "tests/test_result_reports.py",
    "checkin.correct": "tests/test_attendance_pages.py",
    "units.retire": "tests/test_units_web.py", "units.import_confirm": "tests/test_units_web.py",
    "api.create_session": "tests/test_api_setup.py",
    "api.import_roster": "tests/test_api_setup.py",
    "members.import_confirm": "tests/test_members_pages.py",
    "members.import_job": "tests/test_members_import_job.py",
}


def test_a_coordinator_can_neither_read_nor_change_another_point_through_the_api(
        db, client, world):
    session, (_, own, other) = world["session"], world["venues"]
    theirs = world["people"][2]
    _sign_in(client, world, "coordinator")
    base = f"/api/v1/sessions/{session.id}"
    assert client.get(f"{base}/roster?venue_id={other.id}").status_code == 403
    assert client.get(f"{base}/summary?venue_id={other.id}").status_code == 403
    assert [v["id"] for v in client.get(base).get_json()["venues"]] == [own.id]
    assert {p["venue_id"] for p in client.get(f"{base}/roster").get_json()["people"]} == {own.id}
    assert [v["id"] for v in client.get(f"{base}/summary").get_json()["venues"]] == [own.id]
    page = client.get(f"/sessions/{session.id}/dashboard").get_data(as_text=True)
    assert own.name in page and other.name not in page
    marks = client.post(f"{base}/roll", json={"items": [
        {"nonce": "x1", "venue_id": other.id, "person_id": theirs.id, "status": "present"},
        {"nonce": "x2", "venue_id": own.id, "person_id": theirs.id, "status": "present"}]})
    assert [(r["code"], r["person"]) for r in marks.get_json()["results"]] == [
        ("forbidden", None), ("other_venue", None)]
    scans = client.post(f"{base}/checkins", json={"items": [
        {"nonce": "x3", "venue_id": other.id, "person_id": theirs.id, "method": "manual"}]})
    assert scans.get_json()["results"][0]["code"] == "not_allowed_here"
    db.expire_all()
    assert theirs.venue_id == other.id
    assert world["attendances"][2].status == "absent_excused"  # untouched


# Two committees on one server -----------------------------------------------------------------
# Committee A's organizer and viewer (scoped to A's unit) ask for everything of committee B's
# session: every route that names a session answers exactly as for a session that does not
# exist (404 for the organizer), and no list, download or API answer shows B's rows.

@pytest.fixture
def two_committees(db, make_session, make_person, make_user):
    a, b = (Unit(name=name, kind="committee", code=code)
            for name, code in (("Thị ủy A", "A"), ("Thị ủy B", "B")))
    db.add_all([a, b])
    db.flush()
    ward_a = Unit(name="Đảng ủy phường A1", kind="committee", code="A1", parent_id=a.id)
    ward_b = Unit(name="Đảng ủy phường B1", kind="committee", code="B1", parent_id=b.id)
    db.add_all([ward_a, ward_b])
    db.commit()
    theirs = make_session(title="Hội nghị của B", organizer_unit_id=b.id)
    ours = make_session(title="Hội nghị của A", organizer_unit_id=a.id)
    people = [make_person(theirs, venue=v, full_name=f"Người của B {i}")
              for i, v in enumerate(theirs.venues)]
    b_organizer = make_user(role="organizer", unit_id=b.id, username="tochuc-b")
    marks = [roll.mark(db, venue=p.venue, person=p, status="absent_excused", reason="ốm",
                       now=factories.NOW, actor=b_organizer) for p in people]
    db.commit()
    return dict(
        theirs=theirs, ours=ours, people=people, attendances=marks, units=(a, b, ward_a, ward_b),
        b_coordinator=make_user(role="coordinator", venue=theirs.venues[1], username="dc-b"),
        b_organizer=b_organizer,
        a_organizer=make_user(role="organizer", unit_id=a.id, username="tochuc-a"),
        a_viewer=make_user(role="viewer", unit_id=a.id, username="xem-a"),
        ward_organizer=make_user(role="organizer", unit_id=ward_a.id, username="tochuc-a1"))


def _session_urls(app, world, session_id):
    """Every GET and POST route that names a session, with B's venue, person, attendance."""
    values = {"session_id": session_id, "venue_id": world["theirs"].venues[1].id,
              "person_id": world["people"][1].id, "attendance_id": world["attendances"][1].id,
              "category_id": world["theirs"].categories[0].id,
              "unit_id": world["units"][3].id, "fmt": "csv", "what": "summary", "token_id": 1,
              "job_id": "not-a-job", "member_id": 1}
    urls = []
    from flask import url_for
    for rule in app.url_map.iter_rules():
        if "session_id" not in rule.arguments:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
        for method in sorted({"GET", "POST"} & rule.methods):
            urls.append((rule.endpoint, method, url))
    return urls


def _answer(client, method, url) -> str:
    response = client.open(url, method=method)
    response.close()
    return outcome(response)


@pytest.mark.parametrize("who", ["a_organizer", "a_viewer"])
def test_nothing_of_another_committee_is_found(app, client, two_committees, who):
    world = two_committees
    client.post("/login", data={"username": world[who].username,
                                "password": factories.PASSWORD})
    missing_id = world["theirs"].id + 1000
    theirs = _session_urls(app, world, world["theirs"].id)
    nowhere = dict(((e, m), u) for e, m, u in _session_urls(app, world, missing_id))
    assert len(theirs) > 60  # every session route, pages, downloads and API alike
    wrong = {}
    for endpoint, method, url in theirs:
        seen, baseline = (_answer(client, method, u) for u in (url, nowhere[endpoint, method]))
        if seen != baseline or (who == "a_organizer" and seen != MISSING):
            wrong[f"{method} {endpoint}"] = (seen, baseline)
    assert wrong == {}, "(B's session, a session that does not exist)"
    db_people = world["people"]
    for listing in ("/sessions/", "/api/v1/sessions", "/users/"):
        text = client.get(listing).get_data(as_text=True)
        assert "Hội nghị của B" not in text and "tochuc-b" not in text and "dc-b" not in text
        assert all(p.full_name not in text for p in db_people)
    assert client.get(f"/users/{world['b_coordinator'].id}").status_code in (403, 404)
    # Their own committee's session is theirs.
    assert client.get(f"/sessions/{world['ours'].id}").status_code == 200
    assert "Hội nghị của A" in client.get("/sessions/").get_data(as_text=True)


def test_a_token_of_one_committee_changes_nothing_in_another(
        db, client, two_committees, bearer):
    world = two_committees
    headers = bearer(world["a_organizer"])
    theirs, person = world["theirs"], world["people"][1]
    base = f"/api/v1/sessions/{theirs.id}"
    scan = {"nonce": "a-1", "venue_id": theirs.venues[1].id, "person_id": person.id,
            "method": "manual"}
    assert client.post(f"{base}/checkins", json={"items": [scan]},
                       headers=headers).status_code == 404
    mark = {"nonce": "a-2", "venue_id": theirs.venues[1].id, "person_id": person.id,
            "status": "present"}
    assert client.post(f"{base}/roll", json={"items": [mark]}, headers=headers).status_code == 404
    assert client.get(f"{base}/roster", headers=headers).status_code == 404
    assert client.get(f"{base}/summary", headers=headers).status_code == 404
    listed = client.get("/api/v1/sessions", headers=headers).get_json()["sessions"]
    assert [s["title"] for s in listed] == ["Hội nghị của A"]
    db.expire_all()
    assert world["attendances"][1].status == "absent_excused"


def test_a_scope_is_the_unit_and_below_never_above(client, login, two_committees,
                                                   make_session):
    world = two_committees
    ward_session = make_session(title="Lớp của phường A1",
                                organizer_unit_id=world["units"][2].id)
    login(world["ward_organizer"])
    assert client.get(f"/sessions/{ward_session.id}").status_code == 200
    assert client.get(f"/sessions/{world['ours'].id}").status_code == 404  # the town's: above
    client.post("/logout")
    login(world["a_organizer"])
    assert client.get(f"/sessions/{ward_session.id}").status_code == 200  # below the town
