"""The personal join link ``/j/<token>`` (no sign-in: the signed link is the credential) and
the organizer's list of links to send out."""

import csv
import io
from datetime import datetime, timezone

from flask import Response, redirect, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from attendance.checkin.tokens import TokenError
from attendance.errors import DomainError
from attendance.models import Category, Person, Venue
from attendance.online import join

from ..cards import join_links
from ..checkin import card_key, join_key
from ..errors import message
from ..extensions import db
from ..loading import session_or_404


def open_link(token: str):
    """Opened inside the window: present online, then on to the meeting (303). Outside it, or
    a link that is not good, the page says so (and still offers the meeting when known)."""
    try:
        session, joined = join.open_join_link(db.session, card_key=card_key(),
                                              join_key=join_key(), token=token,
                                              now=datetime.now(timezone.utc))
    except (DomainError, TokenError) as error:
        db.session.rollback()
        return render_template("presence/join.html", problem=message(error.code),
                               joined=None, session=None), 404
    db.session.commit()
    result = joined.result
    if result.outcome in ("accepted", "duplicate") and joined.meeting_url:
        return redirect(joined.meeting_url, 303)
    problem = None if result.outcome != "rejected" else message(result.code)
    return render_template("presence/join.html", problem=problem, joined=joined,
                           session=session)


@login_required
def links_csv(session_id: int):
    """Everyone's join link, to send by message or mail (organizers: it names everyone)."""
    session = session_or_404(current_user, session_id, manage=True)
    links = join_links(session)  # the session's public address, as its letters print
    rows = db.session.execute(
        select(Person, Venue.name, Category.name).join(Venue, Venue.id == Person.venue_id)
        .join(Category, Category.id == Person.category_id)
        .where(Person.session_id == session.id).order_by(Venue.position, Person.full_name))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Họ và tên", "Chức vụ", "Địa điểm", "Thành phần", "Số điện thoại",
                     "Đường dẫn tham dự trực tuyến"])
    for person, venue, category in rows:
        writer.writerow([person.full_name, person.position, venue, category, person.phone,
                         links.url(session.id, person.id, person.card_version)])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=duong-dan-truc-tuyen-{session.id}.csv"})
