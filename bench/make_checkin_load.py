"""Prepare a check-in load: N extra people in the bench session with their card tokens.

Run with the bench's environment (DIEMCAU_INSTANCE, DATABASE_URL). Prints JSON:
{"session", "venue", "api_token", "tokens_file", "count"}.
"""

import json
import os
import sys
from datetime import datetime, timezone

from sqlalchemy import insert, select, text

from attendance.accounts import users as accounts
from attendance.checkin import tokens
from attendance.models import Category, Person, StudySession, User, Venue
from webapp import create_app
from webapp.extensions import db


def main(count: int, tokens_file: str) -> None:
    app = create_app()
    now = datetime.now(timezone.utc)
    with app.app_context():
        session = db.session.scalars(select(StudySession).order_by(StudySession.id)).first()
        hall = db.session.scalars(select(Venue).where(Venue.session_id == session.id,
                                                      Venue.kind == "hall")).one()
        category = db.session.scalars(select(Category).where(
            Category.session_id == session.id, Category.venue_kind == "hall")).first()
        rows = [dict(session_id=session.id, full_name=f"Người thử tải {i}",
                     search_name=f"nguoi thu tai {i}", position="", unit_name="", phone="",
                     party_member=True, category_id=category.id, venue_id=hall.id,
                     card_version=1, walk_in=False, created_at=now) for i in range(count)]
        for start in range(0, count, 5000):
            db.session.execute(insert(Person), rows[start:start + 5000])
        db.session.flush()
        ids = db.session.scalars(select(Person.id).where(
            Person.session_id == session.id, Person.full_name.like("Người thử tải %"))
            .order_by(Person.id)).all()
        organizer = db.session.scalars(select(User).where(User.role == "organizer")).first()
        api_token = accounts.issue_api_token(db.session, organizer, now=now, name="bench")
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # The new rows vacuumed and their planner statistics gathered, as autovacuum would
            # have done by the morning of a session whose roster was imported days before;
            # else autovacuum takes a core for seconds on this fresh million in the middle of
            # the figures.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE people"))
                # Not attendances and scan_attempts: on the morning they hold no statistics of
                # the new session either, and the check-in path must cope with that.
        key = tokens.derive_key(app.config["SECRET_KEY"], "card")
        with open(tokens_file, "w") as out:
            for person_id in ids:
                out.write(tokens.card_token(key, session.id, person_id, 1) + "\n")
        # The load wrote up to a gigabyte (rows, WAL, the token file): flush it to disk now,
        # or the kernel writes it back 30 s later, in the middle of the first figures.
        os.sync()
        print(json.dumps({"session": session.id, "venue": hall.id, "api_token": api_token,
                          "tokens_file": tokens_file, "count": len(ids)}))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
