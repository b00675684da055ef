"""The knowledge check without HTTP: writing, opening, answering once, scoring, results."""

import pytest

from attendance.errors import DomainError, ValidationError
from attendance.outcomes import quiz

from .factories import NOW

QUESTIONS = """Kết luận 57-KL/TW ban hành ngày nào?
- 15/6/2022
* 15/6/2023
- 17/10/2023

Kết luận 57-KL/TW bàn về lĩnh vực nào?
* Thông tin đối ngoại
- Kinh tế tập thể
"""


@pytest.fixture
def open_quiz(db, make_session, make_person):
    session = make_session()
    hall, point = session.venues[0], session.venues[1]
    quiz_ = quiz.save_quiz(db, session, title="Kiểm tra nhận thức", pass_mark=60,
                           text=QUESTIONS, now=NOW, actor=None)
    quiz.set_state(db, quiz_, "open", now=NOW, actor=None)
    db.commit()
    a = make_person(session, phone="0912345678")
    b = make_person(session, venue=point, phone="0987654321")
    return session, quiz_, hall, point, a, b


def answers(q, *chosen):
    return {question.id: choice for question, choice in zip(q.questions, chosen)}


def test_questions_parse_and_write_back():
    parsed = quiz.parse_questions(QUESTIONS)
    assert parsed[0] == ("Kết luận 57-KL/TW ban hành ngày nào?",
                         ["15/6/2022", "15/6/2023", "17/10/2023"], 1)
    assert parsed[1][2] == 0


@pytest.mark.parametrize("text, code, number", [
    ("", "quiz_no_questions", None),
    ("Câu hỏi?\n- một\n- hai", "quiz_correct", 1),
    ("Câu hỏi?\n* một\n* hai", "quiz_correct", 1),
    ("Câu 1?\n* a\n- b\n\nCâu 2?\n* chỉ một", "quiz_options", 2),
    ("Câu hỏi?\nkhông có dấu\n* a", "quiz_question", 1),
])
def test_badly_written_questions_are_refused_with_the_question_number(text, code, number):
    with pytest.raises(ValidationError) as error:
        quiz.parse_questions(text)
    assert error.value.errors == {"questions": code}
    assert error.value.params.get("number") == number


def test_answers_are_scored_once_per_person(db, open_quiz):
    session, q, hall, point, a, b = open_quiz
    first = quiz.submit_answers(db, q, venue=hall, person_id=a.id, digits="5678",
                                answers=answers(q, 1, 0), now=NOW)
    assert (first.correct, first.total, first.score, first.passed) == (2, 2, 100.0, True)
    with pytest.raises(DomainError) as error:
        quiz.submit_answers(db, q, venue=hall, person_id=a.id, digits="5678",
                            answers=answers(q, 0, 0), now=NOW)
    assert error.value.code == "quiz_already_answered"
    second = quiz.submit_answers(db, q, venue=point, person_id=b.id, digits="4321",
                                 answers=answers(q, 0, 0), now=NOW)
    assert (second.correct, second.score, second.passed) == (1, 50.0, False)


def test_wrong_digits_missing_answers_and_a_closed_quiz_are_refused(db, open_quiz):
    session, q, hall, point, a, b = open_quiz
    with pytest.raises(ValidationError) as error:
        quiz.submit_answers(db, q, venue=hall, person_id=a.id, digits="0000",
                            answers=answers(q, 1, 0), now=NOW)
    assert error.value.errors == {"digits": "self_not_found"}
    with pytest.raises(ValidationError) as error:
        quiz.submit_answers(db, q, venue=hall, person_id=a.id, digits="5678",
                            answers=answers(q, 1), now=NOW)
    assert error.value.errors == {"answers": "quiz_incomplete"}
    with pytest.raises(ValidationError):
        quiz.submit_answers(db, q, venue=hall, person_id=a.id, digits="5678",
                            answers=answers(q, 1, 7), now=NOW)
    quiz.set_state(db, q, "closed", now=NOW, actor=None)
    with pytest.raises(DomainError) as error:
        quiz.submit_answers(db, q, venue=hall, person_id=a.id, digits="5678",
                            answers=answers(q, 1, 0), now=NOW)
    assert error.value.code == "quiz_not_open"


def test_questions_cannot_change_once_answered(db, open_quiz):
    session, q, hall, point, a, b = open_quiz
    quiz.save_quiz(db, session, title="Sửa", pass_mark=50, text=QUESTIONS, now=NOW, actor=None)
    quiz.submit_answers(db, q, venue=hall, person_id=a.id, digits="5678",
                        answers=answers(q, 1, 0), now=NOW)
    with pytest.raises(DomainError) as error:
        quiz.save_quiz(db, session, title="Sửa", pass_mark=50, text=QUESTIONS, now=NOW,
                       actor=None)
    assert error.value.code == "quiz_answered"


def test_results_by_venue_and_category(db, open_quiz):
    session, q, hall, point, a, b = open_quiz
    quiz.submit_answers(db, q, venue=hall, person_id=a.id, digits="5678",
                        answers=answers(q, 1, 0), now=NOW)
    quiz.submit_answers(db, q, venue=point, person_id=b.id, digits="4321",
                        answers=answers(q, 0, 0), now=NOW)
    result = quiz.results(db, q)
    venues = {v.name: (f.answered, f.mean_score, f.pass_rate) for v, f in result.by_venue}
    assert venues[hall.name] == (1, 100.0, 100.0)
    assert venues[point.name] == (1, 50.0, 0.0)
    assert venues[session.venues[2].name] == (0, None, None)
    categories = {c.id: f.answered for c, f in result.by_category}
    assert categories[a.category_id] == 1 and categories[b.category_id] == 1
    assert (result.total.answered, result.total.mean_score, result.total.pass_rate) \
        == (2, 75.0, 50.0)


def test_an_empty_quiz_cannot_open(db, make_session):
    session = make_session()
    q = quiz.save_quiz(db, session, title="", pass_mark=50, text=QUESTIONS, now=NOW, actor=None)
    q.questions.clear()
    with pytest.raises(DomainError) as error:
        quiz.set_state(db, q, "open", now=NOW, actor=None)
    assert error.value.code == "quiz_empty"


# Pages --------------------------------------------------------------------------------------

def test_organizer_writes_opens_and_closes_the_quiz(db, make_session, make_user, login):
    session = make_session()
    client = login(make_user(role="organizer"))
    base = f"/sessions/{session.id}/quiz"
    bad = client.post(base, data={"title": "KT", "pass_mark": "60",
                                  "questions": "Câu hỏi?\n- a\n- b"})
    assert bad.status_code == 422
    assert "Câu 1: cần đúng một lựa chọn đúng" in bad.get_data(as_text=True)
    assert quiz.quiz_for(db, session) is None
    assert client.post(base, data={"title": "KT", "pass_mark": "60",
                                   "questions": QUESTIONS}).status_code == 302
    assert QUESTIONS.strip().split("\n")[0] in client.get(base).get_data(as_text=True)
    client.post(f"{base}/state", data={"state": "open"})
    db.expire_all()
    assert quiz.quiz_for(db, session).is_open
    client.post(f"{base}/state", data={"state": "closed"})
    db.expire_all()
    assert quiz.quiz_for(db, session).state == "closed"


def test_only_the_organizer_changes_the_quiz(db, open_quiz, make_user, login):
    session, q, *_ = open_quiz
    client = login(make_user(role="viewer"))
    assert client.post(f"/sessions/{session.id}/quiz/state",
                       data={"state": "closed"}).status_code == 403
    assert client.post(f"/sessions/{session.id}/quiz", data={}).status_code == 403
    db.expire_all()
    assert q.is_open


def test_a_participant_answers_on_the_phone_once(db, client, open_quiz):
    session, q, hall, point, a, b = open_quiz
    page = client.post(f"/q/{hall.code}", data={"name": a.full_name, "digits": "5678"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and q.questions[0].text in html and a.phone not in html
    form = {"person_id": a.id, "digits": "5678"}
    missing = client.post(f"/q/{hall.code}/answer", data=form)
    assert missing.status_code == 422 and "Hãy trả lời tất cả" in missing.get_data(as_text=True)
    answers = {f"q-{qq.id}": str(qq.correct) for qq in q.questions}
    done = client.post(f"/q/{hall.code}/answer", data={**form, **answers})
    assert "đúng 2/2 câu" in done.get_data(as_text=True)
    again = client.post(f"/q/{hall.code}/answer", data={**form, **answers})
    assert again.status_code == 409 and "mỗi người chỉ nộp một lần" in again.get_data(as_text=True)
    forged = client.post(f"/q/{hall.code}/answer", data={"person_id": b.id, "digits": "0000",
                                                           **answers})
    assert forged.status_code == 422
    result = quiz.results(db, q)
    assert result.total.answered == 1


def test_a_closed_quiz_takes_no_answers(db, client, open_quiz):
    session, q, hall, point, a, b = open_quiz
    quiz.set_state(db, q, "closed", now=NOW, actor=None)
    db.commit()
    assert "chưa mở hoặc đã đóng" in client.get(f"/q/{hall.code}").get_data(as_text=True)
    answers = {f"q-{qq.id}": "0" for qq in q.questions}
    response = client.post(f"/q/{hall.code}/answer",
                           data={"person_id": a.id, "digits": "5678", **answers})
    assert response.status_code == 409


def test_venue_screen_shows_the_quiz_qr_and_results_page(db, open_quiz, make_user, login):
    session, q, hall, point, a, b = open_quiz
    quiz.submit_answers(db, q, venue=point, person_id=b.id, digits="4321",
                        answers=answers(q, 1, 0), now=NOW)
    db.commit()
    client = login(make_user(role="coordinator", venue=point))
    screen = client.get(f"/sessions/{session.id}/venues/{point.id}/quiz-screen")
    assert screen.status_code == 200 and f"/q/{point.code}" in screen.get_data(as_text=True)
    png = client.get(f"/sessions/{session.id}/venues/{point.id}/quiz.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert client.get(f"/sessions/{session.id}/venues/{hall.id}/quiz-screen").status_code == 403
    client.post("/logout")
    organizer = login(make_user(role="organizer"))
    html = organizer.get(f"/sessions/{session.id}/quiz/results").get_data(as_text=True)
    assert point.name in html and "100,00\u00a0%" in html
