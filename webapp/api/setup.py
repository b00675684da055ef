"""The set-up API: the units the caller may see, a session created in one request, a roster
file imported into it (all rows or none). Parsing only: the rules are attendance's, and a
refusal names the field as the request wrote it ("plan.date", "venues[0].name")."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import abort, request
from flask_login import current_user, login_required

from attendance import sessions, units
from attendance.errors import DomainError, ValidationError
from attendance.models import ORGANIZER, VIEWER, Unit
from attendance.permissions import can_manage
from attendance.roster import imports as roster_import

from ..checkin import card_key
from ..errors import json_error, message
from ..extensions import db
from ..imports import row_problems
from ..loading import session_or_404
from . import serialize
from .views import session as session_view

ZONE = ZoneInfo(sessions.SESSION_TIMEZONE)
# Service field -> the request's own name for it.
API_NAMES = {"plan_number": "plan.number", "plan_date": "plan.date", "plan_issuer": "plan.issuer",
             "signer_title": "signer.title", "signer_name": "signer.name",
             "document_number": "document.number", "document_title": "document.title",
             "document_issuer": "document.issuer", "document_issued_on": "document.date"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


@login_required
def list_units():
    """Organizers and viewers: their unit's subtree (everything without a unit); other roles:
    their own unit, if they have one."""
    if current_user.role in (ORGANIZER, VIEWER):
        found = [row.unit for row in units.unit_tree(db.session, root_id=current_user.unit_id)]
    else:
        own = db.session.get(Unit, current_user.unit_id) if current_user.unit_id else None
        found = [own] if own is not None and own.retired_at is None else []
    return {"units": [serialize.unit_json(u) for u in found]}


class _Body:
    """Reads typed values out of the JSON body, collecting errors by field name."""

    def __init__(self, data):
        self.errors: dict[str, str] = {}
        self.data = data if isinstance(data, dict) else None

    def part(self, name: str) -> dict:
        value = self.data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.errors[name] = "invalid"
            return {}
        return value

    def text(self, obj: dict, key: str, name: str) -> str:
        value = obj.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.errors[name] = "invalid"
            return ""
        return value

    def flag(self, obj: dict, key: str, name: str) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            self.errors[name] = "invalid"
            return False
        return value

    def ident(self, obj: dict, key: str, name: str) -> int | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**31:
            self.errors[name] = "invalid"
            return None
        return value

    def day(self, obj: dict, key: str, name: str) -> date | None:
        value = obj.get(key)
        if value is None:
            return None
        try:
            return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 \
                else _raise()
        except ValueError:
            self.errors[name] = "bad_iso_date"  # the API's own format, not the pages' dd/mm
            return None

    def moment(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else _raise()
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=ZONE)  # a local time of the session's zone
            return moment.astimezone(timezone.utc)
        except (ValueError, OverflowError):
            self.errors[key] = "bad_moment"
            return None

    def items(self, key: str) -> list[dict]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or len(value) > 10_000:
            self.errors[key] = "invalid"
            return []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.errors[f"{key}[{index}]"] = "invalid"
        return [item if isinstance(item, dict) else {} for item in value]


def _raise():
    raise ValueError


def _session_fields(body: _Body) -> dict:
    data = body.data
    plan, doc, signer = body.part("plan"), body.part("document"), body.part("signer")
    recipients = data.get("recipients")
    if recipients is not None and not (isinstance(recipients, list) and all(
            isinstance(line, str) for line in recipients)):
        body.errors["recipients"] = "invalid"
        recipients = None
    document = {"number": body.text(doc, "number", "document.number"),
                "title": body.text(doc, "title", "document.title"),
                "issuer": body.text(doc, "issuer", "document.issuer"),
                "issued_on": body.day(doc, "date", "document.date")}
    return dict(
        title=body.text(data, "title", "title"),
        organizer_unit_id=body.ident(data, "organizer_unit_id", "organizer_unit_id"),
        parent_session_id=body.ident(data, "parent_session_id", "parent_session_id"),
        starts_at=body.moment("starts_at"), ends_at=body.moment("ends_at"),
        plan_number=body.text(plan, "number", "plan.number"),
        plan_date=body.day(plan, "date", "plan.date"),
        plan_issuer=body.text(plan, "issuer", "plan.issuer"),
        signer_title=body.text(signer, "title", "signer.title"),
        signer_name=body.text(signer, "name", "signer.name"),
        recipients=recipients or "", document=document,
        presenter=body.text(data, "presenter", "presenter"),
        mode=body.text(data, "mode", "mode"))


def _parts(body: _Body) -> tuple[list[dict], list[dict]]:
    venues = [dict(name=body.text(v, "name", f"venues[{i}].name"),
                   kind=body.text(v, "kind", f"venues[{i}].kind"),
                   address=body.text(v, "address", f"venues[{i}].address"),
                   unit_id=body.ident(v, "unit_id", f"venues[{i}].unit_id"))
              for i, v in enumerate(body.items("venues"))]
    categories = [dict(name=body.text(c, "name", f"categories[{i}].name"),
                       venue_kind=body.text(c, "venue_kind", f"categories[{i}].venue_kind"),
                       headcount_only=body.flag(c, "headcount_only",
                                                f"categories[{i}].headcount_only"))
                  for i, c in enumerate(body.items("categories"))]
    return venues, categories


def _refused(errors: dict[str, str]):
    fields = {API_NAMES.get(name, name): message(code) for name, code in errors.items()}
    first = next(iter(fields))
    return json_error("validation", 400, text=f"{first}: {fields[first]}", fields=fields)


@login_required
def create_session():
    if not can_manage(current_user):
        abort(403)
    body = _Body(request.get_json(silent=True))
    if body.data is None:
        return json_error("bad_request", 400)
    fields = _session_fields(body)
    venues, categories = _parts(body)
    if body.errors:
        return _refused(body.errors)
    try:
        session = sessions.set_up_session(db.session, now=_now(), actor=current_user,
                                          venues=venues, categories=categories, **fields)
    except ValidationError as error:
        db.session.rollback()
        return _refused(error.errors)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    response = session_view(session.id)
    return response, 201


@login_required
def import_roster(session_id: int):
    # Another committee's session is not there for this organizer (404); a viewer's is 403.
    session = session_or_404(current_user, session_id, manage=True)
    file = request.files.get("file")
    if file is None:
        return json_error("validation", 400, text=f"file: {message('required')}",
                          fields={"file": message("required")})
    mode = request.form.get("mode") or "add"  # "update": add and update (matched people)
    if mode not in roster_import.MODES:
        return json_error("validation", 400, text=f"mode: {message('bad_choice')}",
                          fields={"mode": message("bad_choice")})
    data = file.read(roster_import.MAX_FILE_BYTES + 1)
    try:
        preview = roster_import.build_preview(db.session, session, data, file.filename or "",
                                              mode=mode, key=card_key())
        if preview.bad_rows:
            return json_error("bad_rows", 422, text=message("bad_rows", count=len(
                preview.bad_rows)), rows=[{"row": row.number, "errors": row_problems(
                    row, sentences=True)} for row in preview.bad_rows])
        count = roster_import.import_roster(db.session, session, preview, now=_now(),
                                            actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return json_error(error.code, text=message(error.code, **error.params))
    db.session.commit()
    return {"session_id": session.id, "imported": count, "added": preview.count("add"),
            "updated": preview.count("update"), "unchanged": preview.count("unchanged")}, 201
