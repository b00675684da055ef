"""OpenAPI 3.0 description of every /api/v1 route, served at /api/openapi.json.

READ_PATHS are the routes of this package (webapp/api/views.py). OTHER_PATHS describe routes
registered by other packages (webapp/checkin: checkins, walkins; webapp/summary): keep them
in step with those packages. tests/test_api_openapi.py checks that every /api/v1 rule of the
app is described."""


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref(schema)}}}


def _errors(*statuses: int) -> dict:
    names = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound"}
    return {str(s): {"$ref": f"#/components/responses/{names[s]}"} for s in statuses}


def _nullable(schema: dict) -> dict:
    if "$ref" in schema:  # siblings of $ref are ignored in 3.0
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def _object(required: list[str], **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # attendance.ids.MAX_ID
DATE_TIME = {"type": "string", "format": "date-time",
             "description": "ISO 8601 with offset, in the session's zone (+07:00)"}
VENUE_KIND = {"type": "string", "enum": ["hall", "bridge_point"]}

SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": ID}
VENUE_ID_QUERY = {"name": "venue_id", "in": "query", "required": False, "schema": ID,
                  "allowEmptyValue": True,  # ?venue_id= is the same as no venue_id
                  "description": "One venue. Staff and coordinators: their own (the default); "
                                 "another venue is 403."}

READ_SCHEMAS = {
    "Error": _object(["error"], error=_object(
        ["code", "message"], code={"type": "string", "description": "stable error code"},
        message={"type": "string", "description": "human-readable, in the user's language"},
        fields={"type": "object", "additionalProperties": {"type": "string"},
                "description": "per-field messages of a validation error"})),
    "Document": _object(["id", "number", "title"], id=INTEGER, number=STRING, issuer=STRING,
                        issued_on=_nullable({"type": "string", "format": "date"}),
                        title=STRING),
    "SessionItem": _object(
        ["id", "title", "starts_at", "ends_at", "plan_number", "document", "venue_count"],
        id=INTEGER, title=STRING, starts_at=DATE_TIME, ends_at=_nullable(DATE_TIME),
        plan_number=STRING, document=_nullable(_ref("Document")), venue_count=INTEGER),
    "SessionList": _object(["sessions"],
                           sessions={"type": "array", "items": _ref("SessionItem")}),
    "Venue": _object(["id", "name", "kind", "address"], id=INTEGER, name=STRING,
                     kind=VENUE_KIND, address=STRING),
    "Category": _object(["id", "name", "venue_kind", "headcount_only"], id=INTEGER,
                        name=STRING, venue_kind=VENUE_KIND, headcount_only=BOOLEAN),
    "Expected": _object(["venue_id", "category_id", "expected"], venue_id=INTEGER,
                        category_id=INTEGER, expected=INTEGER),
    "Session": _object(
        ["id", "title", "starts_at", "ends_at", "timezone", "late_grace_minutes",
         "checkin_open", "venues", "categories", "expected"],
        id=INTEGER, title=STRING, starts_at=DATE_TIME, ends_at=_nullable(DATE_TIME),
        timezone={"type": "string", "example": "Asia/Ho_Chi_Minh"},
        late_grace_minutes=INTEGER,
        checkin_open={"type": "boolean", "description": "check-ins are taken now"},
        venues={"type": "array", "items": _ref("Venue")},
        categories={"type": "array", "items": _ref("Category")},
        expected={"type": "array", "items": _ref("Expected")}),
    "RosterPerson": _object(
        ["id", "full_name", "position", "unit", "category_id", "venue_id", "phone_last4",
         "card_version", "card_digest"],
        id=INTEGER, full_name=STRING, position=STRING, unit=STRING, category_id=INTEGER,
        venue_id=INTEGER,
        phone_last4=_nullable({"type": "string", "description": "never the full number"}),
        card_version={"type": "integer", "description": "cards of older versions are revoked"},
        card_digest=_nullable({"type": "string", "description": (
            "first 32 hex digits of the SHA-256 of the person's live card token: a scanned "
            "code is their card when its digest matches")})),
    "Roster": _object(
        ["session_id", "venue_id", "generated_at", "card_check", "people"], session_id=INTEGER,
        venue_id=_nullable({"type": "integer", "description": "null: every venue"}),
        generated_at=DATE_TIME,
        card_check={"type": "string", "enum": ["sha256-128"],
                    "description": "how card_digest is made"},
        people={"type": "array", "items": _ref("RosterPerson")}),
}

READ_PATHS = {
    "/api/v1/sessions": {"get": {
        "operationId": "listSessions", "tags": ["sessions"],
        "summary": "Sessions the caller may see (staff/coordinators: their venue's session)",
        "responses": {"200": _ok("SessionList", "Sessions, newest first"), **_errors(401)}}},
    "/api/v1/sessions/{session_id}": {"get": {
        "operationId": "getSession", "tags": ["sessions"],
        "summary": "A session's venues, categories and expected counts",
        "description": "Staff and coordinators see only their own venue and its categories.",
        "parameters": [SESSION_ID],
        "responses": {"200": _ok("Session", "The session"), **_errors(401, 403, 404)}}},
    "/api/v1/sessions/{session_id}/roster": {"get": {
        "operationId": "getRoster", "tags": ["sessions"],
        "summary": "The roster snapshot an offline scanner keeps",
        "parameters": [SESSION_ID, VENUE_ID_QUERY],
        "responses": {"200": _ok("Roster", "People of the venue(s)"),
                      **_errors(400, 401, 403, 404)}}},
}

# ---- Routes of other packages (webapp/checkin, webapp/summary): adjust with them. ----------

FIGURE_NAMES = ["expected", "invited", "present", "late", "absent_excused", "absent_unexcused",
                "not_checked_in", "made_up"]
FIGURES = {"type": "object", "required": FIGURE_NAMES + ["rate"],
           "description": "present counts everyone checked in (late included); late is the "
                          "part of them that came late",
           "properties": {**{name: INTEGER for name in FIGURE_NAMES},
                          "rate": _nullable({"type": "number",
                                             "description": "present / expected, %"})}}

OTHER_SCHEMAS = {
    "CheckinItem": _object(
        ["nonce", "venue_id"],
        nonce={"type": "string", "minLength": 1, "maxLength": 64,
               "description": "unique per scan; replaying a nonce changes nothing"},
        token={"type": "string", "description": "the QR card token (DC1:...)"},
        person_id={"type": "integer", "description": "manual pick, when there is no token"},
        method={"type": "string", "enum": ["manual", "walk_in"]},
        venue_id=ID,
        scanned_at={**DATE_TIME, "description": "device time of a queued offline scan"}),
    "CheckinRequest": _object(["items"], items={
        "type": "array", "minItems": 1, "maxItems": 500, "items": _ref("CheckinItem")}),
    "CheckinResult": _object(
        ["nonce", "outcome", "code", "person", "venue", "status"],
        nonce=STRING,
        outcome={"type": "string", "enum": ["accepted", "duplicate", "rejected"]},
        code={"type": "string", "description": "ok, already_checked_in or a refusal code"},
        message=STRING,
        person=_nullable(_object(["id", "full_name"], id=INTEGER, full_name=STRING,
                                 position=STRING, category=STRING)),
        venue=_nullable(_object(["id", "name"], id=INTEGER, name=STRING)),
        status=_nullable({"type": "string", "enum": ["present", "late"]}),
        at=_nullable(DATE_TIME)),
    "CheckinResponse": _object(["results"], results={
        "type": "array", "items": _ref("CheckinResult")}),
    "WalkInRequest": _object(
        ["nonce", "venue_id", "full_name", "category_id"],
        nonce={"type": "string", "minLength": 1, "maxLength": 64,
               "description": "unique per registration; replaying it changes nothing"},
        venue_id=ID, full_name={"type": "string", "minLength": 1}, position=STRING,
        unit=STRING, category_id=ID, phone=STRING, party_member={"type": "boolean", "default": True},
        scanned_at={**DATE_TIME, "description": "device time of a queued offline entry"}),
    "WalkInPerson": _object(
        ["id", "full_name", "category_id", "venue_id"], id=INTEGER, full_name=STRING,
        position=STRING, unit=STRING, category_id=INTEGER, venue_id=INTEGER,
        phone_last4=STRING, walk_in=BOOLEAN),
    "WalkInResponse": _object(["person", "result"], person=_ref("WalkInPerson"),
                              result=_ref("CheckinResult")),
    "RollItem": _object(
        ["nonce", "venue_id", "person_id", "status"],
        nonce={"type": "string", "minLength": 1, "maxLength": 64,
               "description": "unique per mark; replaying a nonce changes nothing"},
        venue_id=ID, person_id={"type": "integer", "description": "on this venue's roster"},
        status={"type": "string",
                "enum": ["present", "late", "absent_excused", "absent_unexcused"]},
        reason={"type": "string", "maxLength": 300,
                "description": "required for absent_excused (e.g. ốm, đi công tác)"},
        recorded_at={**DATE_TIME, "description": "device time of a queued offline mark"}),
    "RollRequest": _object(["items"], items={
        "type": "array", "minItems": 1, "maxItems": 500, "items": _ref("RollItem")}),
    "RollResult": _object(
        ["nonce", "outcome", "code", "person", "status"], nonce=STRING,
        outcome={"type": "string", "enum": ["accepted", "rejected"]},
        code={"type": "string", "description": "ok, or why the mark was refused (signed_off, "
                                               "forbidden, other_venue, required, ...)"},
        message=STRING,
        person=_nullable(_object(["id", "full_name"], id=INTEGER, full_name=STRING)),
        status=_nullable({"type": "string", "description": "the person's status now"})),
    "RollResponse": _object(["results"], results={
        "type": "array", "items": _ref("RollResult")}),
    "Figures": FIGURES,
    "SummaryCategory": {"allOf": [
        _object(["id", "name"], id=INTEGER, name=STRING, headcount_only=BOOLEAN),
        _ref("Figures")]},
    "SummaryVenue": _object(
        ["id", "name", "kind", "categories", "totals"], id=INTEGER, name=STRING,
        kind=VENUE_KIND, readiness=STRING, signed_off=BOOLEAN,
        categories={"type": "array", "items": _ref("SummaryCategory")},
        totals=_ref("Figures")),
    "Summary": _object(["venues", "totals"], session_id=INTEGER,
                       venues={"type": "array", "items": _ref("SummaryVenue")},
                       totals=_ref("Figures")),
}

OTHER_PATHS = {
    "/api/v1/sessions/{session_id}/checkins": {"post": {
        "operationId": "postCheckins", "tags": ["check-in"],
        "summary": "Record a batch of scans (a single scan is a batch of one)",
        "parameters": [SESSION_ID],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("CheckinRequest")}}},
        "responses": {"200": _ok("CheckinResponse", "One result per item, in order"),
                      **_errors(400, 401, 404)}}},
    "/api/v1/sessions/{session_id}/walkins": {"post": {
        "operationId": "postWalkIn", "tags": ["check-in"],
        "summary": "Register a walk-in (not on the roster) and check them in at once",
        "parameters": [SESSION_ID],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("WalkInRequest")}}},
        "responses": {"201": _ok("WalkInResponse", "The new person and their check-in"),
                      **_errors(400, 401, 404)}}},
    "/api/v1/sessions/{session_id}/roll": {"post": {
        "operationId": "postRoll", "tags": ["check-in"],
        "summary": "Record a batch of roll marks (present, late, absent with or without reason) "
                   "at the caller's venue, as a phone's offline queue sends them",
        "parameters": [SESSION_ID],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("RollRequest")}}},
        "responses": {"200": _ok("RollResponse", "One result per item, in order"),
                      **_errors(400, 401, 404)}}},
    "/api/v1/sessions/{session_id}/summary": {"get": {
        "operationId": "getSummary", "tags": ["summary"],
        "summary": "Expected and actual attendance per venue and category",
        "parameters": [SESSION_ID, {**VENUE_ID_QUERY, "description": "One venue only."}],
        "responses": {"200": _ok("Summary", "Figures per venue, category and in total"),
                      **_errors(400, 401, 403, 404)}}},
}

# ---- The document ---------------------------------------------------------------------------

RESPONSES = {
    name: {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}
    for name, text in [("BadRequest", "Malformed request"),
                       ("Unauthorized", "No valid token or login (code: unauthorized)"),
                       ("Forbidden", "Not allowed for this user or venue (code: forbidden)"),
                       ("NotFound", "No such session or venue (code: not_found)")]
}

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Điểm Cầu API", "version": "1.0.0",
             "description": "Sessions, rosters, check-ins and attendance of hybrid study "
                            "sessions. Send `Authorization: Bearer TOKEN` (a token from the "
                            "users page or `flask --app webapp create-token`), or use the "
                            "browser's login with the X-CSRFToken header on POST."},
    "servers": [{"url": "/"}],
    "security": [{"bearerAuth": []}, {"cookieAuth": []}],
    "tags": [{"name": "sessions"}, {"name": "check-in"}, {"name": "summary"}],
    "paths": {**READ_PATHS, **OTHER_PATHS},
    "components": {
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "API token (dc_...) of a user's device"},
            "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session",
                           "description": "browser login; POST also needs X-CSRFToken"},
        },
        "schemas": {**READ_SCHEMAS, **OTHER_SCHEMAS},
        "responses": RESPONSES,
    },
}
