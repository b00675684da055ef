"""A member's study record page: organizers whose scope covers the member's unit; audited."""

from datetime import datetime, timezone

from flask import abort, render_template
from flask_login import current_user, login_required

from attendance.models import Member
from attendance.outcomes.study_record import study_record

from ..extensions import db
from .scope import require_unit_managed


@login_required
def page(member_id: int):
    member = db.session.get(Member, member_id) or abort(404)
    require_unit_managed(member.unit_id)
    entries = study_record(db.session, member, now=datetime.now(timezone.utc),
                           actor=current_user)
    db.session.commit()  # the audit entry of this reading
    return render_template("outcomes/study_record.html", member=member, entries=entries)
