"""Self check-in forms. They check shape only; the rules live in attendance.selfcheckin."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..errors import MESSAGES

_REQUIRED = DataRequired(MESSAGES["required"])
_LONG = MESSAGES["too_long"]
_DIGITS = Regexp(r"^\d{4}$", message=MESSAGES["bad_digits"])


def new_nonce() -> str:
    """One per form shown: a double submit of that form is then one check-in."""
    return uuid.uuid4().hex


def _category_id(value):
    """The chosen category's id; None for the empty first choice (then "required")."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PresenceMixin:
    presence = StringField(_l("Mã tại chỗ (6 ký tự trên màn hình)"),
                           validators=[Optional(), Length(max=6, message=_LONG)],
                           render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                      "maxlength": 6})


class FindForm(PresenceMixin, FlaskForm):
    name = StringField(_l("Họ và tên"), validators=[_REQUIRED, Length(max=200, message=_LONG)],
                       render_kw={"autocomplete": "name"})
    digits = StringField(_l("4 số cuối điện thoại"), validators=[_REQUIRED, _DIGITS],
                         render_kw={"inputmode": "numeric", "maxlength": 4,
                                    "autocomplete": "off"})
    nonce = HiddenField(validators=[DataRequired()])
    here = HiddenField()  # "1": invited elsewhere, and said they are really here


class WalkInForm(PresenceMixin, FlaskForm):
    full_name = StringField(_l("Họ và tên"),
                            validators=[_REQUIRED, Length(max=200, message=_LONG)])
    position = StringField(_l("Chức vụ"), validators=[Length(max=300, message=_LONG)])
    unit_name = StringField(_l("Đơn vị"), validators=[Length(max=300, message=_LONG)])
    phone = StringField(_l("Số điện thoại"),
                        validators=[_REQUIRED, Length(max=30, message=MESSAGES["bad_phone"])],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    category_id = SelectField(_l("Thành phần"), coerce=_category_id, validate_choice=False,
                              validators=[_REQUIRED])
    nonce = HiddenField(validators=[DataRequired()])
