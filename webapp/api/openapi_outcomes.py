"""OpenAPI description of GET /api/v1/sessions/{id}/outcomes (webapp/api/outcomes.py)."""

from .openapi import INTEGER, SESSION_ID, STRING, _errors, _nullable, _object, _ok, _ref

RATE = _nullable({"type": "number", "example": 95.56,
                  "description": "taught / members in percent, cut to two decimals as units "
                                 "publish it; null when there are no members"})
_COUNTS = dict(
    members={"type": "integer", "description": "to be taught: active party members in the "
                                               "registry (not exempt, not moved)"},
    taught={"type": "integer", "description": "distinct members present or late in the "
                                              "session, a follow-on class or a make-up"},
    rate=RATE, exempt={"type": "integer", "description": "exempt from party activities"},
    classes={"type": "integer", "description": "the session and follow-on classes organised "
                                               "by the unit or below it"},
    classes_by_level=_object(["committee", "cell"], committee=INTEGER, cell=INTEGER),
    in_class={"type": "integer", "description": "taught in a class"},
    made_up={"type": "integer", "description": "taught only by make-up study"},
    key_cadres=INTEGER, key_cadres_taught=INTEGER,
    non_members={"type": "integer", "description": "non-members (quần chúng) reached"},
    finished={"type": "boolean", "description": "the unit and every unit below it held a "
                                                "class or has nobody left to teach"})
_REQUIRED = ["members", "taught", "rate", "exempt", "classes"]

OUTCOME_SCHEMAS = {
    "UnitOutcome": _object(["unit_id", "name", *_REQUIRED], unit_id=INTEGER, name=STRING,
                           code=STRING, kind=STRING, parent_id=_nullable(INTEGER), **_COUNTS),
    "OutcomeTotals": _object(_REQUIRED, **_COUNTS),
    "Outcomes": _object(
        ["units", "totals"], session_id=INTEGER,
        organizer_unit=_nullable(_object(["id", "name"], id=INTEGER, name=STRING)),
        units={"type": "array", "items": _ref("UnitOutcome"),
               "description": "the organizer unit's descendants that have members, parents "
                              "before children; each counts its own subtree"},
        totals=_ref("OutcomeTotals"),
        not_finished={"type": "array", "items": _object(["unit_id", "name"], unit_id=INTEGER,
                                                        name=STRING)},
        computed_at=_nullable({"type": "string", "format": "date-time",
                               "description": "when the figures were computed, when the "
                                             "cascade is kept because computing it is slow "
                                             "(a nation's; recomputed in the background once "
                                             "10 minutes old); null: computed for this "
                                             "request"})),
}

OUTCOME_PATHS = {
    "/api/v1/sessions/{session_id}/outcomes": {"get": {
        "operationId": "getOutcomes", "tags": ["outcomes"],
        "summary": "The plan's learning outcome per unit, rolled up the unit tree",
        "description": "Across the session, its follow-on classes and make-up study. "
                       "Organizers and viewers whose unit covers the session's organizer unit. "
                       "The same figures as the consolidated report page, of the same time.",
        "parameters": [SESSION_ID],
        "responses": {"200": _ok("Outcomes", "Figures per unit and in total"),
                      **_errors(401, 403, 404)}}},
}
