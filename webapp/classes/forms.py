"""Follow-on class forms: shape only; the rules are attendance.classes'."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TimeField
from wtforms.validators import Length, Optional

from ..errors import MESSAGES
from ..roster.forms import _to_id


class _Date(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(MESSAGES["bad_date"]))


class _Time(TimeField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(MESSAGES["bad_time"]))


class ClassForm(FlaskForm):
    unit_id = SelectField(_l("Đơn vị tổ chức lớp"), coerce=_to_id, validate_choice=False)
    held_on = _Date(_l("Ngày học"), validators=[Optional()])
    starts = _Time(_l("Giờ bắt đầu"), validators=[Optional()])
    place = StringField(_l("Địa điểm"), validators=[Length(max=200, message=MESSAGES["too_long"])])


class RollForm(FlaskForm):
    """Only the CSRF token: the marks are read as mark-<person id> and reason-<person id>."""
