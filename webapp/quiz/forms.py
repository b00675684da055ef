"""Quiz forms: shape only; attendance.quiz holds the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from ..errors import MESSAGES


class QuizForm(FlaskForm):
    title = StringField(_l("Tiêu đề"))
    pass_mark = StringField(_l("Điểm đạt (tỷ lệ phần trăm câu đúng)"), render_kw={"inputmode": "numeric"})
    questions = TextAreaField(
        _l("Câu hỏi"), render_kw={"rows": 16, "class": "quiz-source"})


class FindForm(FlaskForm):
    name = StringField(_l("Họ và tên"),
                       validators=[DataRequired(MESSAGES["required"]),
                                   Length(max=200, message=MESSAGES["too_long"])],
                       render_kw={"autocomplete": "name"})
    digits = StringField(_l("4 số cuối điện thoại"),
                         validators=[DataRequired(MESSAGES["required"]),
                                     Regexp(r"^\d{4}$", message=MESSAGES["bad_digits"])],
                         render_kw={"inputmode": "numeric", "maxlength": 4,
                                    "autocomplete": "off"})


class AnswerForm(FlaskForm):
    """Who answers; the choices are read as q-<question id> radio values."""

    person_id = HiddenField()
    digits = HiddenField()
