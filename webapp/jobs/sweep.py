"""What the job worker clears every ten minutes: finished jobs past their keeping time (and
their files), counts of failed sign-ins under unknown names once forgotten, and plan files a
reporter chose but never saved."""

from datetime import datetime, timezone

from attendance.accounts import signin
from attendance.outcomes import report_send

from ..extensions import db
from ..outcomes.reports import plans_folder
from . import runner


def sweep(app) -> dict[str, int]:
    """Clear all three; returns how many of each went."""
    expired = runner.expire(app)
    with app.app_context():
        now = datetime.now(timezone.utc)
        names = signin.forget_unknown_names(db.session, now=now)
        db.session.commit()
        held = report_send.sweep(plans_folder(), now=now)
    return {"jobs": expired, "sign_in_names": names, "held_plans": held}
