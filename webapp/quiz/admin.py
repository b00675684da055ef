"""The organizer's side of the knowledge check: write the quiz, open and close it, read the
results; and each venue's screen with the QR of its quiz link."""

from datetime import datetime, timezone

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from attendance import permissions
from attendance.errors import DomainError, ValidationError
from attendance.models import StudySession, Venue
from attendance.outcomes import quiz as quiz_service
from attendance.printing import qr

from ..auth import role_required
from ..errors import flash_error, put_form_errors
from ..extensions import db
from ..loading import session_or_404, venue_or_404
from ..public_links import public_url
from .forms import QuizForm

EXAMPLE = ("Kết luận 57-KL/TW được ban hành năm nào?\n- 2021\n* 2023\n- 2024\n\n"
           "Câu hỏi tiếp theo?\n* Lựa chọn đúng\n- Lựa chọn sai")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _session(session_id: int, **wanted) -> StudySession:
    return session_or_404(current_user, session_id, **wanted)


@role_required(permissions.can_manage)
def edit(session_id: int):
    session = _session(session_id, manage=True)
    quiz = quiz_service.quiz_for(db.session, session)
    form = QuizForm()
    status = 200
    if request.method == "GET":
        form.title.data = quiz.title if quiz else _("Kiểm tra nhận thức")
        form.pass_mark.data = str(quiz.pass_mark if quiz else 50)
        form.questions.data = quiz_service.questions_text(quiz)
    else:
        form.validate()
        try:
            quiz_service.save_quiz(db.session, session, title=form.title.data or "",
                                   pass_mark=form.pass_mark.data, text=form.questions.data,
                                   now=_now(), actor=current_user)
        except ValidationError as error:
            db.session.rollback()
            put_form_errors(form, error)
            status = 422
        except DomainError as error:
            db.session.rollback()
            flash_error(error)
            status = 422
        else:
            db.session.commit()
            flash(_("Đã lưu bài kiểm tra."), "success")
            return redirect(url_for(".edit", session_id=session.id))
    answered = quiz is not None and quiz_service.has_answers(db.session, quiz)
    return render_template("quiz/edit.html", session=session, quiz=quiz, form=form,
                           example=EXAMPLE, answered=answered), status


@role_required(permissions.can_manage)
def state(session_id: int):
    session = _session(session_id, manage=True)
    quiz = quiz_service.quiz_for(db.session, session) or abort(404)
    try:
        quiz_service.set_state(db.session, quiz, request.form.get("state", ""), now=_now(),
                               actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
    else:
        db.session.commit()
        flash(_("Đã mở bài kiểm tra.") if quiz.is_open else _("Đã đóng bài kiểm tra."),
              "success")
    return redirect(url_for(".edit", session_id=session.id))


@login_required
def results(session_id: int):
    session = _session(session_id, read_all=True)
    quiz = quiz_service.quiz_for(db.session, session) or abort(404)
    return render_template("quiz/results.html", session=session, quiz=quiz,
                           results=quiz_service.results(db.session, quiz))


def _venue(session_id: int, venue_id: int) -> Venue:
    venue = venue_or_404(_session(session_id), venue_id)
    if not permissions.can_check_in_at(current_user, venue):
        abort(403)
    return venue


@login_required
def screen(session_id: int, venue_id: int):
    venue = _venue(session_id, venue_id)
    quiz = quiz_service.quiz_for(db.session, venue.session)
    return render_template("quiz/screen.html", venue=venue, session=venue.session, quiz=quiz,
                           url=public_url(venue.session, ".start", code=venue.code))


@login_required
def screen_png(session_id: int, venue_id: int):
    venue = _venue(session_id, venue_id)
    return Response(qr.png(public_url(venue.session, ".start", code=venue.code), box_size=12),
                    mimetype="image/png")
