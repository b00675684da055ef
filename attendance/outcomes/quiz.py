"""The knowledge check (kiểm tra nhận thức): a short multiple-choice quiz on the document.

The organizer writes the questions as plain text (a question line, then its options, the
correct one marked with "*"), sets a pass mark and opens the quiz at the end of the session.
Participants answer on their phones from the venue's QR, identified as in self check-in (name
and the last four phone digits); one submission per person, scored on receipt.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attendance import audit
from attendance.errors import DomainError, ValidationError
from attendance.models import (
    QUIZ_CLOSED,
    QUIZ_DRAFT,
    QUIZ_OPEN,
    Category,
    Person,
    Quiz,
    QuizQuestion,
    QuizSubmission,
    StudySession,
    User,
    Venue,
)
from attendance.numbers import cut_rate
from attendance.text import clean

MAX_QUESTIONS, MIN_OPTIONS, MAX_OPTIONS = 30, 2, 8
_OPTION = re.compile(r"^\s*([*\-])\s*(.*)$")
_DIGITS = re.compile(r"^\d{4}$")


def quiz_for(db: Session, session: StudySession) -> Quiz | None:
    return db.scalar(select(Quiz).where(Quiz.session_id == session.id))


def parse_questions(text: str) -> list[tuple[str, list[str], int]]:
    """Blocks separated by blank lines: the first line is the question, then lines starting
    with "-" (a wrong option) or "*" (the correct one). Raises ValidationError on the
    "questions" field with the question's number."""
    blocks = [b for b in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if b.strip()]
    if not blocks:
        raise ValidationError({"questions": "quiz_no_questions"})
    if len(blocks) > MAX_QUESTIONS:
        raise ValidationError({"questions": "quiz_too_many"}, limit=MAX_QUESTIONS)
    parsed = []
    for number, block in enumerate(blocks, start=1):
        lines = [line for line in block.split("\n") if line.strip()]
        question, options, correct = clean(lines[0]), [], []
        if _OPTION.match(lines[0]) or len(question) > 1000:
            raise ValidationError({"questions": "quiz_question"}, number=number)
        for line in lines[1:]:
            match = _OPTION.match(line)
            option = clean(match.group(2)) if match else ""
            if not match or not option or len(option) > 500:
                raise ValidationError({"questions": "quiz_question"}, number=number)
            if match.group(1) == "*":
                correct.append(len(options))
            options.append(option)
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            raise ValidationError({"questions": "quiz_options"}, number=number)
        if len(correct) != 1:
            raise ValidationError({"questions": "quiz_correct"}, number=number)
        parsed.append((question, options, correct[0]))
    return parsed


def questions_text(quiz: Quiz | None) -> str:
    """The questions written back in the editing format."""
    if quiz is None:
        return ""
    blocks = []
    for q in quiz.questions:
        lines = [q.text] + [("* " if i == q.correct else "- ") + o for i, o in enumerate(q.options)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def has_answers(db: Session, quiz: Quiz) -> bool:
    return db.scalar(select(QuizSubmission.id).where(QuizSubmission.quiz_id == quiz.id)
                     .limit(1)) is not None


def save_quiz(db: Session, session: StudySession, *, title: str, pass_mark, text: str,
              now: datetime, actor: User | None) -> Quiz:
    """Create or replace the session's quiz; refused once anyone has answered."""
    errors = {}
    title = clean(title)
    if len(title) > 300:
        errors["title"] = "too_long"
    try:
        pass_mark = int(pass_mark)
        if not 0 <= pass_mark <= 100:
            errors["pass_mark"] = "out_of_range"
    except (TypeError, ValueError):
        errors["pass_mark"] = "not_a_number"
    if errors:
        raise ValidationError(errors)
    questions = parse_questions(text)
    quiz = quiz_for(db, session)
    if quiz is not None and has_answers(db, quiz):
        raise DomainError("quiz_answered")
    if quiz is None:
        quiz = Quiz(session_id=session.id, state=QUIZ_DRAFT)
        db.add(quiz)
    quiz.title, quiz.pass_mark = title, pass_mark
    quiz.questions.clear()
    db.flush()
    for position, (question, options, correct) in enumerate(questions):
        quiz.questions.append(QuizQuestion(position=position, text=question, options=options,
                                           correct=correct))
    audit.record(db, now=now, actor=actor, action="quiz.save", session_id=session.id,
                 target=quiz, questions=len(questions), pass_mark=pass_mark)
    db.flush()
    return quiz


def set_state(db: Session, quiz: Quiz, state: str, *, now: datetime,
              actor: User | None) -> Quiz:
    """Open or close the quiz (a closed quiz may be opened again)."""
    if state not in (QUIZ_OPEN, QUIZ_CLOSED):
        raise DomainError("bad_choice")
    if state == QUIZ_OPEN and not quiz.questions:
        raise DomainError("quiz_empty")
    quiz.state = state
    if state == QUIZ_OPEN:
        quiz.opened_at = now
    else:
        quiz.closed_at = now
    audit.record(db, now=now, actor=actor, action=f"quiz.{state}", session_id=quiz.session_id,
                 target=quiz)
    db.flush()
    return quiz


def identify(db: Session, session: StudySession, person_id, digits: str) -> Person:
    """The person answering, checked again by their phone's last four digits."""
    digits = (digits or "").strip()
    if not _DIGITS.match(digits):
        raise ValidationError({"digits": "bad_digits"})
    person = db.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None or person.session_id != session.id or not person.phone.endswith(digits):
        raise ValidationError({"digits": "self_not_found"})
    return person


def submit_answers(db: Session, quiz: Quiz, *, venue: Venue, person_id, digits: str,
                   answers: dict[int, int], now: datetime) -> QuizSubmission:
    """Score and keep one person's answers: question id -> option index, all questions."""
    if not quiz.is_open:
        raise DomainError("quiz_not_open")
    if venue.session_id != quiz.session_id:
        raise DomainError("wrong_venue_session")
    person = identify(db, quiz.session, person_id, digits)
    if submission_of(db, quiz, person.id) is not None:
        raise DomainError("quiz_already_answered")
    chosen = []
    for question in quiz.questions:
        answer = answers.get(question.id)
        if not isinstance(answer, int) or not 0 <= answer < len(question.options):
            raise ValidationError({"answers": "quiz_incomplete"})
        chosen.append(answer)
    right = sum(1 for q, a in zip(quiz.questions, chosen) if q.correct == a)
    total = len(quiz.questions)
    score = round(100 * right / total, 1)
    submission = QuizSubmission(quiz_id=quiz.id, person_id=person.id, venue_id=venue.id,
                                answers=chosen, correct=right, total=total, score=score,
                                passed=score >= quiz.pass_mark, submitted_at=now)
    try:
        with db.begin_nested():  # two phones sending at once: the second is refused
            db.add(submission)
    except IntegrityError:
        raise DomainError("quiz_already_answered") from None
    return submission


def submission_of(db: Session, quiz: Quiz, person_id: int) -> QuizSubmission | None:
    return db.scalar(select(QuizSubmission).where(QuizSubmission.quiz_id == quiz.id,
                                                  QuizSubmission.person_id == person_id))


# Results -------------------------------------------------------------------------------------

@dataclass
class QuizFigures:
    answered: int = 0
    mean_score: float | None = None  # percent
    passed: int = 0

    @property
    def pass_rate(self) -> float | None:
        return cut_rate(self.passed, self.answered)


@dataclass
class QuizResults:
    quiz: Quiz
    by_venue: list[tuple[Venue, QuizFigures]] = field(default_factory=list)
    by_category: list[tuple[Category, QuizFigures]] = field(default_factory=list)
    total: QuizFigures = field(default_factory=QuizFigures)


def _figures(row) -> QuizFigures:
    answered, mean, passed = row
    return QuizFigures(answered=answered or 0,
                       mean_score=round(float(mean), 1) if mean is not None else None,
                       passed=int(passed or 0))


def _aggregate(quiz: Quiz, *keys):
    passed = func.sum(case((QuizSubmission.passed.is_(True), 1), else_=0))
    query = (select(*keys, func.count(QuizSubmission.id), func.avg(QuizSubmission.score), passed)
             .join(Person, Person.id == QuizSubmission.person_id)
             .where(QuizSubmission.quiz_id == quiz.id))
    return query.group_by(*keys) if keys else query


def results(db: Session, quiz: Quiz) -> QuizResults:
    """Mean score and pass rate by the venue where people answered and by their category."""
    out = QuizResults(quiz=quiz)
    session = quiz.session
    by_venue = {row[0]: _figures(row[1:]) for row in db.execute(
        _aggregate(quiz, QuizSubmission.venue_id))}
    by_category = {row[0]: _figures(row[1:]) for row in db.execute(
        _aggregate(quiz, Person.category_id))}
    out.by_venue = [(v, by_venue.get(v.id, QuizFigures())) for v in session.venues]
    out.by_category = [(c, by_category.get(c.id, QuizFigures())) for c in session.categories]
    out.total = _figures(db.execute(_aggregate(quiz)).one())
    return out


def results_by_unit(db: Session, quiz: Quiz | None) -> dict[int | None, QuizFigures]:
    if quiz is None:
        return {}
    return {row[0]: _figures(row[1:]) for row in db.execute(_aggregate(quiz, Person.unit_id))}
