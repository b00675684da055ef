"""GET /api/v1/sessions/{id}/outcomes: the plan's learning outcome for every unit under the
session's organizer unit (attendance.outcomes.cascade), the figures the consolidated report
shows, of the same time: a nation's cascade is kept (webapp/outcomes/shown.py) and
`computed_at` says when it was computed (null: for this request). Organizers and viewers whose
scope covers the organizer unit."""

from flask_login import current_user, login_required

from datetime import datetime

from attendance.outcomes.cascade import Cascade, UnitOutcome

from ..loading import session_or_404
from ..outcomes.scope import require_unit_readable
from ..outcomes.shown import shown_cascade


def _rate(outcome: UnitOutcome) -> float | None:
    return float(outcome.rate) if outcome.rate is not None else None


def unit_json(outcome: UnitOutcome) -> dict:
    return {"unit_id": outcome.unit_id, "name": outcome.name, "code": outcome.code,
            "kind": outcome.kind, "parent_id": outcome.parent_id, "members": outcome.members,
            "taught": outcome.taught, "rate": _rate(outcome), "exempt": outcome.exempt,
            "classes": outcome.classes,
            "classes_by_level": {"committee": outcome.classes_committee,
                                 "cell": outcome.classes_cells},
            "in_class": outcome.in_class, "made_up": outcome.made_up,
            "key_cadres": outcome.key_cadres, "key_cadres_taught": outcome.key_cadres_taught,
            "non_members": outcome.non_members, "finished": outcome.finished}


def outcomes_json(cascade: Cascade, computed_at: datetime | None = None) -> dict:
    total = unit_json(cascade.total)
    for name in ("unit_id", "name", "code", "kind", "parent_id"):
        total.pop(name)
    return {"session_id": cascade.session.id,
            "organizer_unit": {"id": cascade.root.id, "name": cascade.root.name}
            if cascade.root else None,
            "units": [unit_json(u) for u in cascade.units], "totals": total,
            "not_finished": [{"unit_id": u.unit_id, "name": u.name}
                             for u in cascade.not_finished],
            "computed_at": computed_at.isoformat() if computed_at else None}


@login_required
def get_outcomes(session_id: int):
    session = session_or_404(current_user, session_id)
    require_unit_readable(session.organizer_unit_id)
    shown = shown_cascade(session, wait=True)
    return outcomes_json(shown.cascade, shown.computed_at)
