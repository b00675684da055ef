"""Answering the knowledge check on one's phone (no login). The venue's secret code in the
link is the key; people find themselves by name and the last four digits of their phone, as in
self check-in, and nothing of the roster beyond names and positions is shown."""

from datetime import datetime, timezone

from flask import abort, render_template, request
from sqlalchemy import select

from attendance.checkin import selfcheckin
from attendance.errors import DomainError, ValidationError
from attendance.models import Person, Venue
from attendance.outcomes import quiz as quiz_service

from ..errors import message, put_form_errors
from ..extensions import db
from .forms import AnswerForm, FindForm


def _venue(code: str) -> Venue:
    venue = db.session.scalar(select(Venue).where(Venue.code == code)) if len(code) <= 40 \
        else None
    return venue or abort(404)


def _open_quiz(venue: Venue):
    quiz = quiz_service.quiz_for(db.session, venue.session)
    return quiz if quiz is not None and quiz.is_open else None


def start(code: str):
    venue = _venue(code)
    quiz = _open_quiz(venue)
    form = FindForm()
    if quiz is None:
        return render_template("quiz/closed.html", venue=venue), 200
    if request.method == "GET":
        return render_template("quiz/start.html", venue=venue, quiz=quiz, form=form)
    if not form.validate():
        return render_template("quiz/start.html", venue=venue, quiz=quiz, form=form), 422
    try:
        matches = selfcheckin.find_self(db.session, venue.session, name=form.name.data,
                                        digits=form.digits.data)
    except ValidationError as error:
        put_form_errors(form, error)
        return render_template("quiz/start.html", venue=venue, quiz=quiz, form=form), 422
    if not matches:
        return render_template("quiz/start.html", venue=venue, quiz=quiz, form=form,
                               error=message("self_not_found")), 404
    if len(matches) > 1:  # never a list of names to a stranger: the staff sort it out
        return render_template("quiz/start.html", venue=venue, quiz=quiz, form=form,
                               error=message("self_ambiguous")), 422
    person = db.session.get(Person, matches[0])
    return _questions(venue, quiz, person, form.digits.data)


def _questions(venue, quiz, person, digits, error=None, status=200):
    answer_form = AnswerForm(formdata=None, person_id=person.id, digits=digits)
    return render_template("quiz/answer.html", venue=venue, quiz=quiz, person=person,
                           form=answer_form, error=error), status


def answer(code: str):
    venue = _venue(code)
    quiz = quiz_service.quiz_for(db.session, venue.session)
    if quiz is None:
        abort(404)
    form = AnswerForm()
    form.validate()
    answers = {}
    for question in quiz.questions:
        value = request.form.get(f"q-{question.id}", "")
        if value.isdigit():
            answers[question.id] = int(value)
    person_id = request.form.get("person_id", type=int)
    try:
        submission = quiz_service.submit_answers(
            db.session, quiz, venue=venue, person_id=person_id, digits=form.digits.data or "",
            answers=answers, now=datetime.now(timezone.utc))
    except ValidationError as error:
        db.session.rollback()
        code_ = next(iter(error.errors.values()))
        if code_ == "quiz_incomplete":
            person = quiz_service.identify(db.session, venue.session, person_id, form.digits.data)
            return _questions(venue, quiz, person, form.digits.data, message(code_), 422)
        return render_template("quiz/start.html", venue=venue, quiz=quiz,
                               form=FindForm(formdata=None), error=message(code_)), 422
    except DomainError as error:
        db.session.rollback()
        return render_template("quiz/done.html", venue=venue, quiz=quiz, submission=None,
                               error=message(error.code)), 409
    db.session.commit()
    return render_template("quiz/done.html", venue=venue, quiz=quiz, submission=submission)
