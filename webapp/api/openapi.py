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
    schema = {"type": "object", "properties": properties}
    if required:  # OpenAPI 3.0 wants a non-empty list, or none
        schema["required"] = required
    return schema


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # attendance.ids.MAX_ID
DATE_TIME = {"type": "string", "format": "date-time",
             "description": "ISO 8601 with offset, in the session's zone (+07:00)"}
VENUE_KIND = {"type": "string", "enum": ["hall", "bridge_point"]}

SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": ID}
JOB_ID = {"name": "job_id", "in": "path", "required": True,
          "schema": {"type": "string", "minLength": 1, "maxLength": 32}}
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
         "checkin_open", "organizer_unit", "plan", "parent_session_id", "venues", "categories",
         "expected"],
        id=INTEGER, title=STRING, starts_at=DATE_TIME, ends_at=_nullable(DATE_TIME),
        timezone={"type": "string", "example": "Asia/Ho_Chi_Minh"},
        late_grace_minutes=INTEGER,
        checkin_open={"type": "boolean", "description": "check-ins are taken now"},
        organizer_unit=_nullable(_object(["id", "name"], id=INTEGER, name=STRING)),
        plan=_object(["number", "date", "issuer"], number=STRING,
                     date=_nullable({"type": "string", "format": "date"}), issuer=STRING),
        parent_session_id=_nullable({"type": "integer",
                                     "description": "set on a follow-on class"}),
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
            "code is their card when its digest matches")}),
        checked_in=_nullable(_object(["at", "venue_id"], at=DATE_TIME, venue_id=INTEGER))),
    "Roster": _object(
        ["session_id", "venue_id", "generated_at", "card_check", "people"], session_id=INTEGER,
        venue_id=_nullable({"type": "integer", "description": "null: every venue"}),
        generated_at=DATE_TIME,
        card_check={"type": "string", "enum": ["sha256-128"],
                    "description": "how card_digest is made"},
        people={"type": "array", "items": _ref("RosterPerson")}),
}

SETUP_SCHEMAS = {
    "Unit": _object(["id", "code", "name", "kind", "parent_id", "place"], id=INTEGER,
                    code=STRING, name=STRING,
                    kind={"type": "string", "enum": ["committee", "cell", "front",
                                                     "organization", "office"]},
                    parent_id=_nullable(INTEGER), place=STRING),
    "UnitList": _object(["units"], units={"type": "array", "items": _ref("Unit")}),
    "NewSession": _object(
        ["title", "starts_at"],
        title={"type": "string", "minLength": 1}, organizer_unit_id=ID,
        starts_at={**DATE_TIME, "description": "ISO 8601; without an offset, Asia/Ho_Chi_Minh"},
        ends_at=DATE_TIME, presenter=STRING, mode=STRING,
        plan=_object([], number=STRING, date={"type": "string", "format": "date"},
                     issuer=STRING),
        document=_object([], number=STRING, title=STRING, issuer=STRING,
                         date={"type": "string", "format": "date"}),
        signer=_object([], title={"type": "string",
                                  "description": "lines above the name, e.g. "
                                                 "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ"},
                       name=STRING),
        recipients={"type": "array", "items": STRING,
                    "description": "Nơi nhận, one per line; omitted: from the unit tree"},
        venues={"type": "array", "items": _object(
            ["name", "kind"], name={"type": "string", "minLength": 1}, kind=VENUE_KIND,
            unit_id=ID, address=STRING)},
        categories={"type": "array", "items": _object(
            ["name", "venue_kind"], name={"type": "string", "minLength": 1},
            venue_kind=VENUE_KIND, headcount_only=BOOLEAN)},
        parent_session_id={**ID, "description": "makes it a follow-on class of that session"}),
    "RosterFile": _object(["file"], file={"type": "string", "format": "binary",
                                          "description": "CSV or XLSX, the roster columns"},
                          mode={"type": "string", "enum": ["add", "update"],
                                "description": "update: rows matching someone on the roster "
                                               "by member number or phone update them"}),
    "RosterImported": _object(["session_id", "imported"], session_id=INTEGER,
                              imported=INTEGER, added=INTEGER, updated=INTEGER,
                              unchanged=INTEGER),
    "BadRows": _object(["error"], error=_object(
        ["code", "message", "rows"], code={"type": "string", "enum": ["bad_rows"]},
        message=STRING, rows={"type": "array", "items": _object(
            ["row", "errors"], row={"type": "integer", "description": "spreadsheet row"},
            errors={"type": "array", "items": STRING})})),
}

SETUP_PATHS = {
    "/api/v1/units": {"get": {
        "operationId": "listUnits", "tags": ["set-up"],
        "summary": "The units the caller may see (an organizer's unit and below)",
        "responses": {"200": _ok("UnitList", "Units, depth first"), **_errors(401)}}},
}

CREATE_SESSION = {
    "operationId": "createSession", "tags": ["set-up"],
    "summary": "Create a session with its identity, venues and categories (organizer)",
    "description": "All or nothing. A refused field is named in error.fields "
                   "(e.g. plan.date, venues[0].name); an organizer unit outside the "
                   "caller's unit is 403.",
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": _ref("NewSession")}}},
    "responses": {"201": _ok("Session", "The session, as GET returns it"),
                  **_errors(400, 401, 403)}}
IMPORT_ROSTER = {
    "operationId": "importRoster", "tags": ["set-up"],
    "summary": "Import a roster file (CSV or XLSX): all rows or none",
    "parameters": [SESSION_ID],
    "requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": _ref("RosterFile")}}},
    "responses": {"201": _ok("RosterImported", "Every row imported"),
                  "422": {"description": "Rows with errors; nothing imported",
                          "content": {"application/json": {"schema": _ref("BadRows")}}},
                  "413": {"description": "File too large",
                          "content": {"application/json": {"schema": _ref("Error")}}},
                  # werkzeug's router answers 405 for a session_id past the id range here,
                  # because GET on the same path exists.
                  "405": {"description": "session_id out of range",
                          "content": {"application/json": {"schema": _ref("Error")}}},
                  **_errors(400, 401, 403, 404)}}

READ_PATHS = {
    "/api/v1/sessions": {"get": {
        "operationId": "listSessions", "tags": ["sessions"],
        "summary": "Sessions the caller may see (staff/coordinators: their venue's session)",
        "responses": {"200": _ok("SessionList", "Sessions, newest first"), **_errors(401)}},
        "post": CREATE_SESSION},
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
                      **_errors(400, 401, 403, 404)}},
        "post": IMPORT_ROSTER},
}

# ---- Routes of other packages (webapp/checkin, webapp/summary): adjust with them. ----------

FIGURE_NAMES = ["expected", "invited", "present", "present_online", "present_in_person",
                "late", "left_early", "absent_excused", "absent_unexcused", "not_checked_in",
                "not_marked", "made_up"]
FIGURES = {"type": "object", "required": FIGURE_NAMES + ["rate"],
           "description": "present counts everyone checked in (late included), in person "
                          "and online; present_online and present_in_person split it; late "
                          "is the part of them that came late; left_early those who came "
                          "and left before the end; not_marked (= not_checked_in) those "
                          "invited with no record yet (0 once the roll is closed)",
           "properties": {**{name: INTEGER for name in FIGURE_NAMES},
                          "rate": _nullable({"type": "number",
                                             "description": "present / expected, %"})}}

OTHER_SCHEMAS = {
    "CheckinItem": _object(
        ["nonce", "venue_id"],
        nonce={"type": "string", "minLength": 1, "maxLength": 64,
               "description": "unique per scan; replaying a nonce changes nothing"},
        token={"type": "string", "description": "the QR card token (DC1:...), or the text "
                                                "of a citizen ID card's QR (seven "
                                                "|-separated fields): its holder is found "
                                                "by the ID number, else by name and birth "
                                                "date"},
        person_id={"type": "integer", "description": "manual pick, when there is no token"},
        method={"type": "string", "enum": ["manual", "walk_in"]},
        venue_id=ID,
        scanned_at={**DATE_TIME, "description": "device time of a queued offline scan"},
        last_contact={**DATE_TIME, "description": "the server_time the device last heard "
                      "when it scanned: a scanned_at before it (or in the future) is not "
                      "believed, and the scan counts when it arrived"}),
    "CheckinRequest": _object(["items"], items={
        "type": "array", "minItems": 1, "maxItems": 500, "items": _ref("CheckinItem")}),
    "CheckinResult": _object(
        ["nonce", "outcome", "code", "person", "venue", "status"],
        nonce=STRING,
        outcome={"type": "string", "enum": ["accepted", "duplicate", "rejected"]},
        code={"type": "string", "description": "ok, already_checked_in or a refusal code"},
        message=STRING,
        person=_nullable(_object(["id", "full_name"], id=INTEGER, full_name=STRING,
                                 position=STRING, category=STRING,
                                 venue_id={"type": "integer",
                                           "description": "the venue they were invited to"})),
        venue=_nullable(_object(["id", "name"], id=INTEGER, name=STRING)),
        status=_nullable({"type": "string", "enum": ["present", "late"]}),
        at=_nullable(DATE_TIME)),
    "CheckinResponse": _object(["results"], results={
        "type": "array", "items": _ref("CheckinResult")},
        server_time={**DATE_TIME, "description": "the server's time: send it back as "
                     "last_contact with later scans"}),
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
        ["nonce", "venue_id"],
        nonce={"type": "string", "minLength": 1, "maxLength": 64,
               "description": "unique per item; replaying a nonce changes nothing"},
        kind={"type": "string", "default": "mark",
              "description": "mark (a person's status), or a point's action: headcount, "
                             "link_check (the readiness follows from it), sign_off"},
        fields={"type": "object", "additionalProperties": {"type": "string"},
                "description": "a point action's form fields: count_<category id> for "
                               "headcount; picture, sound, "
                               "link, backup_link (ok, fail or empty), technician_name, "
                               "technician_phone and note for link_check"},
        venue_id=ID, person_id={"type": "integer", "description": "a mark: on this venue's "
                                                                  "roster"},
        status={"type": "string",
                "enum": ["present", "late", "absent_excused", "absent_unexcused"]},
        reason={"type": "string", "maxLength": 300,
                "description": "required for absent_excused (e.g. ốm, đi công tác)"},
        recorded_at={**DATE_TIME, "description": "device time of a queued offline mark"}),
    "RollRequest": _object(["items"], items={
        "type": "array", "minItems": 1, "maxItems": 500, "items": _ref("RollItem")}),
    "RollResult": _object(
        ["nonce", "outcome", "code", "person", "status"], nonce=STRING, kind=STRING,
        outcome={"type": "string", "enum": ["accepted", "rejected"]},
        code={"type": "string", "description": "ok, or why the mark was refused (signed_off, "
                                               "forbidden, other_venue, required, ...)"},
        message=STRING,
        person=_nullable(_object(["id", "full_name"], id=INTEGER, full_name=STRING)),
        status=_nullable({"type": "string", "description": "the person's status now; for "
                                                           "link_check the point's readiness"})),
    "RollResponse": _object(["results"], results={
        "type": "array", "items": _ref("RollResult")}),
    "Figures": FIGURES,
    "SummaryCategory": {"allOf": [
        _object(["id", "name"], id=INTEGER, name=STRING, headcount_only=BOOLEAN),
        _ref("Figures")]},
    "SummaryVenue": _object(
        ["id", "name", "kind", "categories", "totals"], id=INTEGER, name=STRING,
        kind=VENUE_KIND, readiness=STRING, signed_off=BOOLEAN, roll_closed=BOOLEAN,
        categories={"type": "array", "items": _ref("SummaryCategory")},
        totals=_ref("Figures")),
    "ExportRequest": _object(
        ["what", "format"],
        what={"type": "string", "enum": ["cards", "invitations", "posters", "summary",
                                         "absentees", "late", "outcomes"]},
        # zip: cards or invitations of the whole session, one PDF per venue (a large
        # session's whole-session PDF is refused: whole_export_too_large, 409)
        format={"type": "string", "enum": ["pdf", "xlsx", "csv", "zip"]},
        venue_id=_nullable(ID),
        # of a CSV: ";" and decimal commas for Excel set to Vietnamese (default), or ","
        dialect={"type": "string", "enum": ["excel-vn", "excel"]}),
    "JobState": _object(["id", "state", "progress"], id=STRING,
                        state={"type": "string", "enum": ["queued", "running", "done", "failed"]},
                        progress={**INTEGER, "minimum": 0, "maximum": 100}),
    "ExportAccepted": _object(["job"], job=_ref("JobState")),
    "Job": {"allOf": [_ref("JobState"), _object(
        ["error", "download"],
        error=_nullable(_object(["code", "message"], code=STRING, message=STRING)),
        download=_nullable({**STRING, "description": "URL of the file once done"}),
        what=STRING, format=STRING,
        session_id=_nullable({**INTEGER, "description": "null: a member registry's import"}),
        venue_id=_nullable(INTEGER), result={"type": "object"})]},
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
                      **_errors(400, 401, 403, 404)}}},
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
        "summary": "Record a batch of roll items at the caller's venue, as a phone's offline "
                   "queue sends them: marks (present, late, absent with or without reason), "
                   "headcounts, the link checklist and sign-off, in order",
        "parameters": [SESSION_ID],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("RollRequest")}}},
        "responses": {"200": _ok("RollResponse", "One result per item, in order"),
                      **_errors(400, 401, 403, 404)}}},
    "/api/v1/sessions/{session_id}/exports": {"post": {
        "operationId": "postExport", "tags": ["jobs"],
        "summary": "Start a long export (cards, invitations, posters, summary, lists, "
                   "outcomes) as a background job; poll GET /api/v1/jobs/{job_id}",
        "parameters": [SESSION_ID],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("ExportRequest")}}},
        "responses": {"202": _ok("ExportAccepted", "The job, queued"),
                      "409": {"description": "Too many people for one PDF of the whole "
                                             "session: ask for the ZIP (one PDF per venue) "
                                             "or one venue (code: whole_export_too_large)"},
                      **_errors(400, 401, 403, 404)}}},
    "/api/v1/jobs/{job_id}": {"get": {
        "operationId": "getJob", "tags": ["jobs"],
        "summary": "A job's state, progress (0-100), error and, once done, its file's URL",
        "parameters": [JOB_ID],
        "responses": {"200": _ok("Job", "The job"), **_errors(401, 403, 404)}}},
    "/api/v1/jobs/{job_id}/download": {"get": {
        "operationId": "downloadJob", "tags": ["jobs"],
        "summary": "The finished file of a job (same authorization as the session)",
        "parameters": [JOB_ID],
        "responses": {"200": {"description": "The file (PDF, XLSX, CSV or ZIP)", "content": {
            "application/pdf": {}, "text/csv": {}, "application/zip": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
            **_errors(401, 403, 404)}}},
    "/api/v1/sessions/{session_id}/summary": {"get": {
        "operationId": "getSummary", "tags": ["summary"],
        "summary": "Expected and actual attendance per venue and category",
        "parameters": [SESSION_ID, {**VENUE_ID_QUERY, "description": "One venue only."}],
        "responses": {"200": _ok("Summary", "Figures per venue, category and in total"),
                      **_errors(400, 401, 403, 404)}}},
}

from .openapi_outcomes import OUTCOME_PATHS, OUTCOME_SCHEMAS  # noqa: E402 (uses the helpers)
from .openapi_presence import PRESENCE_PATHS, PRESENCE_SCHEMAS  # noqa: E402

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
    "tags": [{"name": "sessions"}, {"name": "set-up"}, {"name": "check-in"},
             {"name": "summary"}, {"name": "outcomes"}, {"name": "jobs"}],
    "paths": {**READ_PATHS, **SETUP_PATHS, **OTHER_PATHS, **OUTCOME_PATHS, **PRESENCE_PATHS},
    "components": {
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "API token (dc_...) of a user's device"},
            "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session",
                           "description": "browser login; POST also needs X-CSRFToken"},
        },
        "schemas": {**READ_SCHEMAS, **SETUP_SCHEMAS, **OTHER_SCHEMAS, **OUTCOME_SCHEMAS,
                    **PRESENCE_SCHEMAS},
        "responses": RESPONSES,
    },
}
