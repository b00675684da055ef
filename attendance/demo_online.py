"""The demo session's online side and citizen IDs, through the public services: a few
roster people given a citizen ID number (CCCD) and a birth date by a roster re-import (by
phone, "add and update"), and a few people present online: by a Zoom participants report
imported once the session is over (a misspelt name resolved by its first suggestion, a guest
left out), or, while check-in is open, by opening their personal join links."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin import rule
from attendance.models import Person, StudySession, Venue
from attendance.online import imports, join
from attendance.roster import imports as roster_imports
from attendance.tables import csv_bytes
from attendance.text import fold

CITIZENS = 5
ONLINE = 6


def seed(db: Session, rng: random.Random, *, session: StudySession, venue: Venue,
         now: datetime, card_key: bytes | None, join_key: bytes | None) -> None:
    people = list(db.scalars(select(Person).where(Person.session_id == session.id,
                                                  Person.venue_id == venue.id)
                             .order_by(Person.id)))
    if card_key is not None:
        _citizens(db, rng, session, people[:CITIZENS], now, card_key)
    online = people[CITIZENS:CITIZENS + ONLINE]
    if now >= rule.session_end(session):
        _report(db, session, online, now)
    elif rule.window_open(session, now) and card_key is not None and join_key is not None:
        for person in online[:3]:
            join.open_join_link(db, card_key=card_key, join_key=join_key,
                                token=join.join_token(join_key, person), now=now)


def _citizens(db, rng, session, people, now, card_key) -> None:
    rows = [["Họ và tên", "Thành phần", "Địa điểm", "Số điện thoại", "Ngày sinh", "Số CCCD"]]
    for person in people:
        born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1960, 1995)}"
        rows.append([person.full_name, person.category.name, person.venue.name, person.phone,
                     born, f"0{rng.randint(10**10, 10**11 - 1)}"])
    preview = roster_imports.build_preview(db, session, csv_bytes(rows), "cccd.csv",
                                           mode="update", key=card_key)
    roster_imports.import_roster(db, session, preview, now=now, actor=None)


def _report(db, session, people, now) -> None:
    start = session.starts_at.astimezone(session.zone)
    rows = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    names = [p.full_name for p in people]
    names[1] = fold(names[1]).title()  # typed without diacritics
    names[2] = f"iPhone của {names[2]}"
    words = fold(names[3]).split()  # two letters of the given name swapped
    names[3] = " ".join(words[:-1] + [words[-1][0] + words[-1][2:0:-1] + words[-1][3:]])
    names.append("Khach moi")
    for n, name in enumerate(names):
        joined = start + timedelta(minutes=n * 4 - 10)
        minutes = 40 if n == 4 else int((rule.session_end(session) - joined).total_seconds() / 60)
        rows.append(f"{name},,{joined:%m/%d/%Y %I:%M:%S %p},"
                    f"{joined + timedelta(minutes=minutes):%m/%d/%Y %I:%M:%S %p},{minutes},Yes")
    data = ("\n".join(rows) + "\n").encode()
    first = imports.build_preview(db, session, data)
    choices = {line.index: line.candidates[0].id if line.match == imports.UNMATCHED
               and line.candidates else None for line in first.lines if line.unresolved}
    preview = imports.build_preview(db, session, data, choices=choices)
    imports.import_online(db, session=session, preview=preview, now=now, actor=None)
