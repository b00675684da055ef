"""OpenAPI description of closing the roll and exits (webapp/presence)."""

from .openapi import BOOLEAN, INTEGER, SESSION_ID, STRING, _errors, _nullable, _object, _ok, _ref

PRESENCE_SCHEMAS = {
    "CloseRequest": _object([], venue_id=_nullable({**INTEGER, "description": "one venue; "
                                                    "absent or null: every venue"})),
    "CloseResponse": _object(["closed"], closed={
        **INTEGER, "description": "people not yet marked who became absent without reason"}),
    "ExitRequest": _object(
        [], token=_nullable({**STRING, "description": "the person's card (an exit scan)"}),
        person_id=_nullable({**INTEGER, "description": "or the person picked by id"}),
        venue_id=_nullable({**INTEGER, "description": "where the exit is recorded (staff, "
                                                      "coordinators: their venue)"}),
        left_at=_nullable({**STRING, "format": "date-time", "description": "the time stated; "
                           "default: scanned_at as the device's clock is believed, else now"}),
        scanned_at=_nullable({**STRING, "description": "a scanner's own clock when it "
                              "read the card (believed as an arrival scan's: not in the "
                              "future, not before last_contact)"}),
        last_contact=_nullable({**STRING, "description": "the server's time the scanner "
                                "last heard (server_time of a check-in answer)"})),
    "ExitResponse": _object(
        ["person", "left_at", "left_early"],
        person=_object(["id", "full_name"], id=INTEGER, full_name=STRING),
        venue=_nullable(_object(["id", "name"], id=INTEGER, name=STRING)),
        left_at={**STRING, "format": "date-time"}, left_early=BOOLEAN,
        minutes_present=_nullable(INTEGER),
        replaced=_nullable({**STRING, "format": "date-time",
                            "description": "the earlier exit this one replaced"})),
}

PRESENCE_PATHS = {
    "/api/v1/sessions/{session_id}/close": {"post": {
        "operationId": "postClose", "tags": ["check-in"],
        "summary": "Close the roll after the session (organizer): everyone not yet marked "
                   "becomes absent without reason; reopening is a page action, audited",
        "parameters": [SESSION_ID],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("CloseRequest")}}},
        "responses": {"200": _ok("CloseResponse", "How many were marked absent"),
                      "409": {"description": "The session has not ended yet "
                                             "(code: session_not_ended)"},
                      **_errors(400, 401, 403, 404)}}},
    "/api/v1/sessions/{session_id}/exits": {"post": {
        "operationId": "postExit", "tags": ["check-in"],
        "summary": "Record a person's exit (leaving early): a card scanned at the door or a "
                   "pick by id",
        "parameters": [SESSION_ID],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("ExitRequest")}}},
        "responses": {"200": _ok("ExitResponse", "The exit as recorded"),
                      **_errors(400, 401, 403, 404)}}},
}
