"""OpenAPI description of POST /api/v1/sessions/{id}/link-checks (webapp/roll/link_api.py):
the bridge points' link checklists from a phone's offline queue."""

from .openapi import DATE_TIME, ID, SESSION_ID, STRING, _errors, _nullable, _object, _ok, _ref

_STATE = {"type": "string", "enum": ["ok", "fail", ""],
          "description": "passed, failed, or not tried yet; absent: unchanged"}

LINK_SCHEMAS = {
    "LinkCheckItem": _object(
        ["nonce", "venue_id", "fields"],
        nonce={"type": "string", "minLength": 1, "maxLength": 64,
               "description": "unique per saved checklist; replaying a nonce changes nothing"},
        venue_id=ID,
        fields=_object([], picture=_STATE, sound=_STATE, link=_STATE, backup_link=_STATE,
                       technician_name=STRING, technician_phone=STRING, note=STRING),
        recorded_at={**DATE_TIME, "description": "device time the checklist was saved: it "
                                                 "counts as of then when the clock is believed"}),
    "LinkCheckRequest": _object(["items"], items={
        "type": "array", "minItems": 1, "maxItems": 500, "items": _ref("LinkCheckItem")}),
    "LinkCheckResult": _object(
        ["nonce", "outcome", "code"], nonce=STRING,
        outcome={"type": "string", "enum": ["accepted", "rejected"]},
        code={"type": "string", "description": "ok, or why the checklist was refused "
                                               "(forbidden, bad_choice, bad_phone, ...)"},
        message=STRING, field=_nullable(STRING),
        readiness=_nullable({"type": "string", "enum": ["not_ready", "connected", "problem"],
                             "description": "the point's readiness after it"})),
    "LinkCheckResponse": _object(["results"], results={
        "type": "array", "items": _ref("LinkCheckResult")}, server_time=DATE_TIME),
}

LINK_PATHS = {
    "/api/v1/sessions/{session_id}/link-checks": {"post": {
        "operationId": "postLinkChecks", "tags": ["check-in"],
        "summary": "Record a batch of bridge points' link checklists (picture, sound, link, "
                   "backup link, technician), as a coordinator's phone queue sends them; the "
                   "point's readiness follows from its checklist",
        "parameters": [SESSION_ID],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("LinkCheckRequest")}}},
        "responses": {"200": _ok("LinkCheckResponse", "One result per item, in order"),
                      **_errors(400, 401, 403, 404)}}},
}
