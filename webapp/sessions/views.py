"""Session pages: thin handlers that load or 404, call one service, render or redirect."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from attendance import sessions, units
from attendance.checkin import rule
from attendance.errors import ValidationError
from attendance.models import StudySession, Unit
from attendance.permissions import can_manage, reads_scope, session_actions
from attendance.reports.letterhead import default_recipients
from attendance.text import fold

from .. import pickers
from ..auth import role_required
from ..errors import put_form_errors
from ..extensions import db
from ..loading import session_or_404
from ..paging import Page, page_count, page_of
from .forms import MODES, PlainForm, SessionForm

# Other features' pages linked from the overview, shown once their blueprint is there.
LINKS = ("roster.index", "checkin.scan", "summary.dashboard", "cards.session_pdf",
         "cards.posters_pdf", "selfcheckin.display", "checkin.attendance_list", "roll.index",
         "roll.makeup", "reports.summary")


VENUES_PER_PAGE = 100
SESSIONS_PER_PAGE = 50


def now() -> datetime:
    return datetime.now(timezone.utc)


def load(session_id: int, *, manage: bool = False) -> StudySession:
    return session_or_404(current_user, session_id, manage=manage)


@login_required
def index():
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = sessions.session_rows(db.session, current_user, per_page=SESSIONS_PER_PAGE,
                                        page=number)
    pages = page_count(total, SESSIONS_PER_PAGE)
    if number > pages:  # past the end: the last page
        number = pages
        rows, total = sessions.session_rows(db.session, current_user,
                                            per_page=SESSIONS_PER_PAGE, page=number)
    return render_template("sessions/index.html", rows=rows, page=Page(number, pages,
                                                                        total=total),
                           can_manage=can_manage(current_user),
                           reads_scope=reads_scope(current_user))


@login_required
def show(session_id: int):
    session = load(session_id)
    venues = sessions.visible_venues(current_user, session)
    # A national session has 7,400 venues: the list and the grids show a page of them
    # (found by name with ?q=); the counts and totals are of all.
    q = request.args.get("q", "").strip()[:100]
    listed = [v for v in venues if fold(q) in fold(v.name)] if q else venues
    shown, page = page_of(listed, VENUES_PER_PAGE)
    grids = sessions.expected_grids(db.session, session, venues, shown)
    may = session_actions(current_user, session, venues)
    kinds = {venue.kind for venue in venues} if not may.manage else None
    return render_template(
        "sessions/show.html", session=session, venues=shown, venue_count=len(venues),
        listed_count=len(listed), page=page, q=q, grids=grids,
        totals=sessions.expected_totals(grids), checkin_open=rule.window_open(session, now()),
        late_after=session.late_after, window_opens=rule.window_opens(session),
        window_closes=rule.window_closes(session),
        may=may, window_form=PlainForm(),
        categories={kind: session.categories_for(kind) for kind in ("hall", "bridge_point")
                    if kinds is None or kind in kinds},
        links={name for name in LINKS if name in current_app.view_functions})


def _identity_defaults(unit: Unit | None) -> dict:
    """What the form offers before the organizer types: their unit, its plan issuer and the
    recipients its place in the tree suggests (the organizer edits them freely)."""
    if unit is None:
        return {}
    issuer = f"Ban Thường vụ {unit.name}" if unit.kind == "committee" else unit.name
    return dict(organizer_unit_id=unit.id, plan_issuer=issuer,
                recipients="\n".join(default_recipients(unit)))


def _offer_units(form) -> None:
    """The units the user may organise under: the tree indented by depth (or a search box)."""
    pickers.offer_units(form.organizer_unit_id, blank="—", small=lambda: [
        SelectChoice(str(row.unit.id), "\u00a0\u00a0" * row.depth + row.unit.name)
        for row in units.unit_tree(db.session, root_id=current_user.unit_id)])


def _render_form(form, session):
    form.offer_parents(sessions.parent_choices(db.session, current_user, session),
                       ZoneInfo(sessions.SESSION_TIMEZONE))
    return render_template("sessions/form.html", form=form, session=session, modes=MODES)


@role_required(can_manage)
def new():
    zone = ZoneInfo(sessions.SESSION_TIMEZONE)
    own = db.session.get(Unit, current_user.unit_id) if current_user.unit_id else None
    form = SessionForm(data=dict(sessions.SESSION_DEFAULTS, document=None, mode=MODES[2],
                                 **_identity_defaults(own))
                       if request.method == "GET" else None)
    _offer_units(form)
    if form.validate_on_submit():
        try:
            session = sessions.create_session(db.session, now=now(), actor=current_user,
                                              **form.session_fields(zone))
        except ValidationError as error:
            db.session.rollback()
            put_form_errors(form, error, form.rename())
        else:
            db.session.commit()
            flash(_("Đã tạo hội nghị. Hãy thêm địa điểm và thành phần."), "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    return _render_form(form, None)


@role_required(can_manage)
def edit(session_id: int):
    session = load(session_id, manage=True)
    values = sessions.session_values(session)
    if not values["recipients"]:
        values["recipients"] = "\n".join(default_recipients(session.organizer_unit))
    form = SessionForm(data=SessionForm.initial(values, session.zone)
                       if request.method == "GET" else None)
    _offer_units(form)
    if form.validate_on_submit():
        try:
            sessions.update_session(db.session, session, now=now(), actor=current_user,
                                    **form.session_fields(session.zone))
        except ValidationError as error:
            db.session.rollback()
            put_form_errors(form, error, form.rename())
        else:
            db.session.commit()
            flash(_("Đã lưu thông tin hội nghị."), "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    return _render_form(form, session)


@role_required(can_manage)
def window(session_id: int):
    session = load(session_id, manage=True)
    form = PlainForm()
    if form.validate_on_submit():
        try:
            sessions.set_checkin_window(db.session, session, request.form.get("mode", ""),
                                        now=now(), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            put_form_errors(form, error)
        else:
            db.session.commit()
            flash(_("Đã đổi chế độ điểm danh."), "success")
    return redirect(url_for("sessions.show", session_id=session.id) + "#checkin-window")
