"""Live dashboard bench at national size (bench/national.py data).

    .venv/bin/python bench/scenario_dashboard.py --database URL_OR_SQLITE_PATH [--session ID]
                                                 [--points 7400] [--people 960000]

Times, in one process without HTTP (the view called as a request would call it), the
dashboard page and its ?partial=1 refresh with the totals cache cold and warm, the summary
page (/sessions/<id>/report: first and last page, cold and warm), the lagging
filter, a name search, and the session's totals aggregate next to the bare GROUP BY over the
same rows (target <= 2x). Without --session it generates the data set first.

Under bench/run.py (`make bench`) it fills the bench's database with a synthetic session of
1,500 bridge points and 200,000 people (about 30 s), or the national 7,400 / 960,000 when
DIEMCAU_BENCH_NATIONAL=1 (about 2.5 min on SQLite, 1.5 min on PostgreSQL), prints the times
above for it, then loads with wrk the dashboard partial (signed in with a cookie, as the
page's script asks) and the summary API of a single point (Bearer token).
"""

import argparse
import http.cookiejar
import os
import re
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

USER, PASSWORD = "bench-dashboard", "bench-dashboard-pw"
# Flask-Login's strong session protection ties the cookie to the browser that signed in: the
# loads send the same User-Agent as the sign-in (else every request is sent back to /login).
AGENT = "diemcau-bench"
SMALL = (1500, 200_000)
NATIONAL = (7400, 960_000)


def _best(func, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def measure(url: str, session_id: int) -> list[str]:
    """In-process times of the dashboard at this session's size; printed and returned."""
    from datetime import datetime, timezone

    from flask_login import login_user
    from sqlalchemy import func, select

    from attendance.accounts import users as accounts
    from attendance.figures import live
    from attendance.models import Attendance, Person, User, Venue
    from webapp import create_app
    from webapp.extensions import db
    from webapp.summary.dashboard import PER_PAGE, dashboard

    os.environ["DATABASE_URL"] = url
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})
    lines = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == USER)) or \
            accounts.create_user(db.session, username=USER, role="viewer", password=PASSWORD,
                                 now=datetime.now(timezone.utc))
        db.session.commit()
        user_id = user.id

    def page(query: str, cache: float):
        app.config["DASHBOARD_CACHE_SECONDS"] = cache
        app.extensions.pop("dashboard_overview", None) if cache == 0 else None
        with app.test_request_context(f"/sessions/{session_id}/dashboard?{query}"):
            login_user(db.session.get(User, user_id))
            html = dashboard(session_id)
            assert "data-venue-id" in html or "lagging" in query
            db.session.remove()

    with app.app_context():
        last = (db.session.scalar(select(func.count()).select_from(Venue).where(
            Venue.session_id == session_id)) + PER_PAGE - 1) // PER_PAGE
    say(f"Dashboard of session {session_id} ({url.split(':')[0]}), best of 3:")
    for label, query in [("page", ""), ("partial=1", "partial=1"),
                         ("lagging=1&partial=1", "lagging=1&partial=1"),
                         ("q=0042&partial=1", "q=0042&partial=1"),
                         (f"page={last}&partial=1", f"page={last}&partial=1")]:
        cold = _best(lambda: page(query, 0))
        page(query, 60)
        warm = _best(lambda: page(query, 60))
        say(f"  {label:<22} totals cold {cold * 1000:7.0f} ms   cached {warm * 1000:7.0f} ms")

    from webapp.reports.views import summary as summary_page

    def report(query: str, cache: float):
        app.config["DASHBOARD_CACHE_SECONDS"] = cache
        app.extensions.pop("dashboard_overview", None) if cache == 0 else None
        with app.test_request_context(f"/sessions/{session_id}/report?{query}"):
            login_user(db.session.get(User, user_id))
            html = summary_page(session_id)
            assert "data-venue-id" in html
            db.session.remove()
        return len(html)

    say(f"Summary page /sessions/{session_id}/report (50 venues a page, its lists' first "
        f"500), best of 3:")
    for label, query in [("page 1", ""), (f"page={last}", f"page={last}")]:
        cold = _best(lambda: report(query, 0))
        size = report(query, 60)
        warm = _best(lambda: report(query, 60))
        say(f"  {label:<22} totals cold {cold * 1000:7.0f} ms   cached {warm * 1000:7.0f} ms"
            f"   {size / 1024:5.0f} KB")

    bare = (select(Person.venue_id, Attendance.status, func.count()).select_from(Person)
            .outerjoin(Attendance, (Attendance.person_id == Person.id)
                       & (Attendance.session_id == Person.session_id))
            .where(Person.session_id == session_id).group_by(Person.venue_id, Attendance.status))
    with app.app_context():
        threshold = live.warning_threshold(db.session, session_id)
        totals = _best(lambda: live.overview(db.session, session_id, threshold))
        bare_s = _best(lambda: db.session.execute(bare).all())
        overview = live.overview(db.session, session_id, threshold)
    ratio = totals / bare_s
    say(f"  totals + lagging + readiness (one query) {totals * 1000:6.0f} ms vs bare GROUP BY "
        f"{bare_s * 1000:6.0f} ms = {ratio:.2f}x (target <= 2x: {'OK' if ratio <= 2 else 'OVER'})")
    say(f"  {overview.totals.invited:,} people, {overview.totals.present:,} present, "
        f"{overview.lagging:,} venues lagging")
    return lines


def sign_in(base_url: str, username: str = USER, password: str = PASSWORD) -> str:
    """The session cookie of a browser sign-in (CSRF token from the form), as a header."""
    assert base_url.startswith("http://127.0.0.1:")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    form = opener.open(base_url + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', form)
    body = urllib.parse.urlencode({"csrf_token": token[1] if token else "", "username": username,
                                   "password": password}).encode()
    opener.open(base_url + "/login", body, timeout=10).read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    assert "session=" in cookies, "sign-in gave no session cookie"
    return cookies


def generate(url: str, points: int, people: int) -> int:
    from national import generate_timed

    return generate_timed(url, points, people)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True, help="a database URL or SQLite path")
    parser.add_argument("--session", type=int, help="an existing session (no generation)")
    parser.add_argument("--points", type=int, default=NATIONAL[0])
    parser.add_argument("--people", type=int, default=NATIONAL[1])
    args = parser.parse_args(argv)
    from national import database_url

    url = database_url(args.database)
    session_id = args.session or generate(url, args.points, args.people)
    measure(url, session_id)
    return 0


try:  # as a plug-in of bench/run.py
    from run import Figures, scenario
except ImportError:
    scenario = None

if scenario is not None:
    _state: dict = {}

    def _prepare(bench) -> None:
        if _state:
            return
        points, people = NATIONAL if os.environ.get("DIEMCAU_BENCH_NATIONAL") == "1" else SMALL
        url = bench.env["DATABASE_URL"]
        print(f"Dashboard at {points:,} points / {people:,} people (bench database):", flush=True)
        import subprocess

        done = subprocess.run(
            [sys.executable, "-c", "import sys; sys.path[:0] = sys.argv[1:3]; "
             "import scenario_dashboard as s; from national import database_url; "
             "url = database_url(sys.argv[3]); sid = s.generate(url, int(sys.argv[4]), "
             "int(sys.argv[5])); s.measure(url, sid); print(sid)",
             str(HERE), str(ROOT), url, str(points), str(people)],
            cwd=ROOT, env=bench.env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"dashboard set-up failed:\n{done.stderr[-3000:]}")
        out = done.stdout.strip().splitlines()
        print("\n".join(out[:-1]), flush=True)
        _state["session"] = int(out[-1])
        _state["cookie"] = sign_in(bench.base_url)
        _state["token"] = bench.flask("create-token", USER).strip().splitlines()[-1]
        _state["point"] = bench.sql("SELECT max(id) FROM venues WHERE session_id = :s",
                                    s=_state["session"])[0][0]

    def _wrk(bench, path: str, connections: int, header: str) -> Figures:
        import subprocess

        from run import parse_wrk

        url = bench.base_url + path
        assert url.startswith("http://127.0.0.1:")
        done = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{bench.duration}s", "--timeout", "10s",
             "--latency", "-H", header, "-H", f"User-Agent: {AGENT}", url],
            capture_output=True, text=True, check=True, timeout=bench.duration + 60)
        return parse_wrk(done.stdout)

    @scenario("dashboard ?partial=1", prepare=_prepare)
    def dashboard_partial(bench, connections: int) -> Figures:
        _prepare(bench)
        return _wrk(bench, f"/sessions/{_state['session']}/dashboard?partial=1", connections,
                    f"Cookie: {_state['cookie']}")

    @scenario("summary API, one point", prepare=_prepare)
    def summary_api(bench, connections: int) -> Figures:
        _prepare(bench)
        return _wrk(bench, f"/api/v1/sessions/{_state['session']}/summary?venue_id="
                    f"{_state['point']}", connections, f"Authorization: Bearer {_state['token']}")


if __name__ == "__main__":
    sys.exit(main())
