"""Prepare the morning of a province: a session starting in a quarter of an hour, 226 bridge
points and 32,000 people nobody has checked in yet, and who acts on it.

    .venv/bin/python bench/morning_data.py OUT_JSON   (with the bench's DIEMCAU_INSTANCE and
                                                       DATABASE_URL)

The people (bench/national.py's generator, with phones) are split by venue among the ways a
morning checks them in:
- the hall and points 1–60: entrance staff scanning cards one by one (a staff account per point,
  four at the hall, each with an API token as the scanner page's phone has a signed-in session);
- points 61–120: coordinators whose phones lost the connection, sending their queued scans in
  batches when it comes back;
- points 121–180: coordinators marking their roll (one mark per request, as the roll page sends
  each tap when online), and polling their point's summary;
- points 181–226: participants checking themselves in on their own phones (name, the last four
  digits of their phone and the code on the point's screen); only people whose name and digits
  are unique in the session, since the others are asked to see the staff;
- an organizer account, signed in by the scenario, watching the live dashboard.
Accounts come from the public services a user's actions use (create_user, assign,
issue_api_token). Writes OUT_JSON: everything the load needs (tokens in files beside it).
"""

import json
import os
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from attendance.accounts import assignments, users  # noqa: E402
from attendance.checkin import tokens  # noqa: E402
from attendance.models import (COORDINATOR, ORGANIZER, STAFF, Person, StudySession,  # noqa: E402
                               Venue)
from national import generate  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402

POINTS, PEOPLE = 226, 32_000
SCANNED, BATCHED, ROLLED = range(1, 61), range(61, 121), range(121, 181)  # by venue position
HALL_STAFF = 4
PASSWORD = "bench-morning-pw"


def _account(session, username: str, role: str, venue: Venue | None, now) -> str:
    user = users.create_user(db.session, username=username, role=role, password=PASSWORD,
                             now=now, unit_id=session.organizer_unit_id
                             if role == ORGANIZER else None)
    if venue is not None:
        assignments.assign(db.session, user, venue, now=now, actor=None)
    return users.issue_api_token(db.session, user, now=now, name="bench morning")


def main(out: Path) -> None:
    app = create_app()
    now = datetime.now(timezone.utc)
    session_id = generate(app.config["SQLALCHEMY_DATABASE_URI"], points=POINTS, people=PEOPLE,
                          starts=now + timedelta(minutes=15), attend=False, phones=True,
                          seed=2026)
    with app.app_context():
        session = db.session.get(StudySession, session_id)
        venues = {v.position: v for v in session.venues}
        card = tokens.derive_key(app.config["SECRET_KEY"], "card")
        people = db.session.execute(select(Person.id, Person.venue_id, Person.full_name,
                                           Person.search_name, Person.phone)
                                    .where(Person.session_id == session_id)
                                    .order_by(Person.id)).all()
        by_venue: dict[int, list] = {}
        for row in people:
            by_venue.setdefault(row.venue_id, []).append(row)
        stamp = f"{session_id}"
        load = {"session": session_id, "password": PASSWORD, "scanners": [], "batches": [],
                "rolls": [], "selves": [],
                "presence_key": tokens.derive_key(app.config["SECRET_KEY"], "presence").hex()}
        scanners = [(venues[0], f"m{stamp}-hall-{i}") for i in range(HALL_STAFF)]
        scanners += [(venues[p], f"m{stamp}-staff-{p}") for p in SCANNED]
        for index, (venue, name) in enumerate(scanners):
            # The hall's people shared among its staff, a point's all to its one.
            mine = by_venue[venue.id][index::HALL_STAFF] if venue.position == 0 \
                else by_venue[venue.id]
            load["scanners"].append({"venue": venue.id, "token": _account(
                session, name, STAFF, venue, now), "cards": [
                tokens.card_token(card, session_id, p.id, 1) for p in mine]})
        for position in BATCHED:
            venue = venues[position]
            load["batches"].append({"venue": venue.id, "token": _account(
                session, f"m{stamp}-offline-{position}", COORDINATOR, venue, now), "cards": [
                tokens.card_token(card, session_id, p.id, 1) for p in by_venue[venue.id]]})
        for position in ROLLED:
            venue = venues[position]
            load["rolls"].append({"venue": venue.id, "token": _account(
                session, f"m{stamp}-roll-{position}", COORDINATOR, venue, now),
                "people": [p.id for p in by_venue[venue.id]]})
        unique = Counter((p.search_name, p.phone[-4:]) for p in people)
        for position in range(ROLLED.stop, POINTS + 1):
            venue = venues[position]
            load["selves"].append({"venue": venue.id, "code": venue.code, "people": [
                [p.full_name, p.phone[-4:]] for p in by_venue[venue.id]
                if unique[(p.search_name, p.phone[-4:])] == 1]})
        organizer = f"m{stamp}-organizer"
        _account(session, organizer, ORGANIZER, None, now)
        load["organizer"] = organizer
        load["invited"] = len(people)
        db.session.commit()
    out.write_text(json.dumps(load))
    os.sync()  # the load's rows and WAL on disk now, not 30 s later in the middle of a figure


if __name__ == "__main__":
    main(Path(sys.argv[1]))
