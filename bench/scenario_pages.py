"""Every page an organizer opens for a session, timed at the session's size (issue 20: each
under 2 s at national size on PostgreSQL).

    .venv/bin/python bench/scenario_pages.py --database URL_OR_SQLITE_PATH [--session ID]
                                             [--repeat 3] [--only TEXT]

In one process without a server: each page is requested through Flask's test client, signed
in as an organizer of the whole instance (the user bench-pages, created when missing), so
the request runs every hook a real one runs. "cold" is the min of --repeat requests with
this process's short-lived caches emptied before each (the dashboard's totals, kept 3 s: the
first viewer after they expire waits for this); "warm" is the min of --repeat requests
right after one that filled them. The database's own buffers are warm in both: the first
request of a page is made and thrown away before any figure. Prints page, cold ms, warm ms,
bytes and the status (every page must answer 200). Without --session it generates the
national data set first (bench/national.py, about 1.5 min on PostgreSQL).

Under bench/run.py (`--only pages`) it times the pages of a province-size session
(226 points / 32,000 people) in the bench's database, or the national one when
DIEMCAU_BENCH_NATIONAL=1, before any load.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

USER, PASSWORD = "bench-pages", "bench-pages-password"
LIMIT_MS = 2000
PROVINCE = (226, 32_000)
NATIONAL = (7400, 960_000)


# Answers other than 200 that are right: home sends each user to their landing page, and the
# quiz results are 404 until the session has a quiz (the national data sets have none).
EXPECTED = {"home": {302}, "quiz results": {200, 404}}


def _answered(label: str, status: int) -> bool:
    return status in EXPECTED.get(label, {200})


def pages(ids: dict) -> list[tuple[str, str]]:
    """(label, path) of every GET page an organizer opens for session ``ids['s']``."""
    s, v, hall, p, a = ids["s"], ids["point"], ids["hall"], ids["person"], ids["attendance"]
    rows = [
        ("sessions list", "/sessions/"),
        ("session page", f"/sessions/{s}"),
        ("dashboard", f"/sessions/{s}/dashboard"),
        ("dashboard partial", f"/sessions/{s}/dashboard?partial=1"),
        ("dashboard lagging partial", f"/sessions/{s}/dashboard?lagging=1&partial=1"),
        ("dashboard search partial", f"/sessions/{s}/dashboard?q=0042&partial=1"),
        ("dashboard last page partial", f"/sessions/{s}/dashboard?page={ids['last']}&partial=1"),
        ("summary page 1", f"/sessions/{s}/report"),
        ("summary last page", f"/sessions/{s}/report?page={ids['last']}"),
        ("roster first page", f"/sessions/{s}/roster/"),
        ("roster search", f"/sessions/{s}/roster/?q=nguyen%20van%20an"),
        ("roster filter venue", f"/sessions/{s}/roster/?venue_id={v}"),
        ("roster filter category", f"/sessions/{s}/roster/?category_id={ids['category']}"),
        ("roster last page", f"/sessions/{s}/roster/?page={ids['roster_last']}"),
        ("person edit", f"/sessions/{s}/roster/{p}/edit"),
        ("person card", f"/sessions/{s}/people/{p}/card"),
        ("roster import", f"/sessions/{s}/roster/import"),
        ("roster from members", f"/sessions/{s}/roster/from-members"),
        ("add person", f"/sessions/{s}/roster/new"),
        ("session edit", f"/sessions/{s}/edit"),
        ("session copy", f"/sessions/{s}/copy"),
        ("expected counts", f"/sessions/{s}/expected"),
        ("points from units", f"/sessions/{s}/points-from-units"),
        ("new venue", f"/sessions/{s}/venues/new"),
        ("venue edit (point)", f"/sessions/{s}/venues/{v}/edit"),
        ("venue edit (hall)", f"/sessions/{s}/venues/{hall}/edit"),
        ("new category", f"/sessions/{s}/categories/new"),
        ("roll, all points", f"/sessions/{s}/roll"),
        ("roll of a point", f"/sessions/{s}/venues/{v}/roll"),
        ("roll of the hall", f"/sessions/{s}/venues/{hall}/roll"),
        ("roll counts partial", f"/sessions/{s}/venues/{v}/roll?partial=counts"),
        ("exits of a point", f"/sessions/{s}/venues/{v}/exits"),
        ("self check-in display", f"/sessions/{s}/venues/{v}/display"),
        ("attendance list", f"/sessions/{s}/attendance"),
        ("attendance search", f"/sessions/{s}/attendance?q=nguyen%20van%20an"),
        ("attendance filter late", f"/sessions/{s}/attendance?status=late"),
        ("attendance elsewhere", f"/sessions/{s}/attendance?elsewhere=1"),
        ("attendance of a venue", f"/sessions/{s}/attendance?venue_id={v}"),
        ("attendance record", f"/sessions/{s}/attendance/{a}"),
        ("scanner", f"/sessions/{s}/scan"),
        ("scanner of a point", f"/sessions/{s}/scan?venue_id={v}"),
        ("close page", f"/sessions/{s}/close"),
        ("online import", f"/sessions/{s}/online"),
        ("make-up", f"/sessions/{s}/makeup"),
        ("outcomes", f"/sessions/{s}/outcomes"),
        ("result reports tracking", f"/sessions/{s}/reports"),
        ("result reports units", f"/sessions/{s}/reports/units"),
        ("essays", f"/sessions/{s}/essays"),
        ("quiz", f"/sessions/{s}/quiz"),
        ("quiz results", f"/sessions/{s}/quiz/results"),
        ("units", "/units/"),
        ("members", "/members/"),
        ("members search", "/members/?q=nguyen"),
        ("classes", "/classes/"),
        ("users", "/users/"),
        ("home", "/"),
    ]
    return rows


def _ids(db, session_id: int) -> dict:
    from sqlalchemy import func, select

    from attendance.models import BRIDGE_POINT, HALL, Attendance, Category, Person, Venue
    from webapp.roster.views import PER_PAGE as ROSTER_PER_PAGE
    from webapp.summary.dashboard import PER_PAGE

    venues = db.scalar(select(func.count()).select_from(Venue)
                       .where(Venue.session_id == session_id))
    people = db.scalar(select(func.count()).select_from(Person)
                       .where(Person.session_id == session_id))
    point = db.scalar(select(func.max(Venue.id)).where(Venue.session_id == session_id,
                                                       Venue.kind == BRIDGE_POINT))
    return {
        "s": session_id, "point": point,
        "hall": db.scalar(select(func.min(Venue.id)).where(Venue.session_id == session_id,
                                                           Venue.kind == HALL)) or point,
        "person": db.scalar(select(func.max(Person.id)).where(Person.venue_id == point)),
        "attendance": db.scalar(select(func.max(Attendance.id))
                                .where(Attendance.session_id == session_id)) or 0,
        "category": db.scalar(select(func.max(Category.id))
                              .where(Category.session_id == session_id)),
        "last": max((venues + PER_PAGE - 1) // PER_PAGE, 1),
        "roster_last": max((people + ROSTER_PER_PAGE - 1) // ROSTER_PER_PAGE, 1),
        "venues": venues, "people": people}


def _signed_in_client(app):
    """A test client signed in through the login form (CSRF token and all)."""
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', form)
    answer = client.post("/login", data={"csrf_token": token[1] if token else "",
                                         "username": USER, "password": PASSWORD})
    assert answer.status_code in (302, 303), f"sign-in failed: {answer.status_code}"
    return client


def measure(url: str, session_id: int, repeat: int = 3, only: str | None = None) -> list[dict]:
    """Time every page; print the table; return its rows."""
    from datetime import datetime, timezone

    from sqlalchemy import select

    from attendance.accounts import users as accounts
    from attendance.models import User
    from webapp import create_app
    from webapp.extensions import db

    os.environ["DATABASE_URL"] = url
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        if db.session.scalar(select(User).where(User.username == USER)) is None:
            accounts.create_user(db.session, username=USER, role="organizer",
                                 password=PASSWORD, now=datetime.now(timezone.utc))
            db.session.commit()
        ids = _ids(db.session, session_id)
    client = _signed_in_client(app)

    def get(path: str, cold: bool) -> tuple[float, int, int]:
        if cold:
            app.extensions.pop("dashboard_overview", None)
        started = time.perf_counter()
        answer = client.get(path)
        body = answer.get_data()
        return time.perf_counter() - started, len(body), answer.status_code

    print(f"Pages of session {session_id} ({url.split(':')[0]}, {ids['venues']:,} venues, "
          f"{ids['people']:,} people), min of {repeat}:", flush=True)
    print(f"  {'page':<30}{'cold ms':>9}{'warm ms':>9}{'bytes':>10}  status", flush=True)
    rows = []
    for label, path in pages(ids):
        if only and only not in label:
            continue
        get(path, cold=True)  # the database's buffers, the templates' compilation
        cold = min(get(path, cold=True)[0] for _ in range(repeat))
        get(path, cold=False)
        warm, size, status = min(get(path, cold=False) for _ in range(repeat))
        flag = "" if cold * 1000 < LIMIT_MS and _answered(label, status) else "  <-- OVER" \
            if _answered(label, status) else "  <-- WRONG ANSWER"
        print(f"  {label:<30}{cold * 1000:9.0f}{warm * 1000:9.0f}{size:10,}  {status}{flag}",
              flush=True)
        rows.append({"page": label, "path": path, "cold_ms": cold * 1000,
                     "warm_ms": warm * 1000, "bytes": size, "status": status})
    over = [r["page"] for r in rows
            if r["cold_ms"] >= LIMIT_MS or not _answered(r["page"], r["status"])]
    print(f"  {len(rows)} pages; over 2 s cold or a wrong answer: {', '.join(over) or 'none'}",
          flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="a database URL or SQLite path")
    parser.add_argument("--session", type=int, help="an existing session (no generation)")
    parser.add_argument("--repeat", type=int, default=3, help="requests per figure (min)")
    parser.add_argument("--only", help="only pages whose label contains this")
    args = parser.parse_args(argv)
    from national import database_url, generate_timed

    url = database_url(args.database)
    session_id = args.session or generate_timed(url, *NATIONAL)
    rows = measure(url, session_id, args.repeat, args.only)
    return 1 if any(not _answered(r["page"], r["status"]) for r in rows) else 0


try:  # as a plug-in of bench/run.py
    from run import Figures, scenario
except ImportError:
    scenario = None

if scenario is not None:
    _done: dict = {}

    def _prepare(bench) -> None:
        """Generate the session in the bench's database and time its pages (a subprocess:
        the bench's own process never opens the database)."""
        if _done:
            return
        import subprocess

        points, people = NATIONAL if os.environ.get("DIEMCAU_BENCH_NATIONAL") == "1" \
            else PROVINCE
        print(f"Pages at {points:,} points / {people:,} people (bench database):", flush=True)
        done = subprocess.run(
            [sys.executable, "-c", "import sys; sys.path[:0] = sys.argv[1:3]; "
             "import scenario_pages as s; from national import database_url, generate_timed; "
             "url = database_url(sys.argv[3]); "
             "s.measure(url, generate_timed(url, int(sys.argv[4]), int(sys.argv[5])))",
             str(HERE), str(ROOT), bench.env["DATABASE_URL"], str(points), str(people)],
            cwd=ROOT, env=bench.env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"pages set-up failed:\n{done.stderr[-3000:]}")
        print(done.stdout, flush=True)
        _done["rows"] = True

    @scenario("pages (table), dashboard partial", prepare=_prepare)
    def dashboard_partial(bench, connections: int) -> Figures:
        """After the table, the page asked most often under load: the dashboard's refresh
        of the session just timed, signed in as the bench's organizer (a browser cookie)."""
        import subprocess

        from run import parse_wrk
        from scenario_dashboard import AGENT, sign_in

        if "cookie" not in _done:
            _done["session"] = bench.sql("SELECT max(id) FROM study_sessions")[0][0]
            _done["cookie"] = sign_in(bench.base_url, USER, PASSWORD)
        url = f"{bench.base_url}/sessions/{_done['session']}/dashboard?partial=1"
        assert url.startswith("http://127.0.0.1:")
        done = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{bench.duration}s", "--timeout", "10s",
             "--latency", "-H", f"Cookie: {_done['cookie']}", "-H", f"User-Agent: {AGENT}",
             url], capture_output=True, text=True, check=True, timeout=bench.duration + 60)
        return parse_wrk(done.stdout)


if __name__ == "__main__":
    sys.exit(main())
