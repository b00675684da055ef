"""Account page forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class StartForm(FlaskForm):
    """Only the CSRF token: starting an enrolment is a POST."""


class EnableForm(FlaskForm):
    code = StringField(_l("Mã 6 số ứng dụng đang hiện"), validators=[DataRequired(),
                                                                    Length(max=10)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class DisableForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    code = StringField(_l("Mã xác thực (6 số) hoặc mã khôi phục"),
                       validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
