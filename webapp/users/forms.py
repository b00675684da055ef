"""Forms of the users page. Rules (username shape, scope per role, password length) live in
attendance.accounts; these forms only parse and offer choices."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from attendance.models import COORDINATOR, ORGANIZER, REPORTER, STAFF, VIEWER

from .. import pickers
from ..errors import MESSAGES

ROLE_LABELS = {
    ORGANIZER: _l("Ban tổ chức"),
    STAFF: _l("Cán bộ đón tiếp"),
    COORDINATOR: _l("Người điều phối điểm cầu"),
    REPORTER: _l("Người báo cáo của đơn vị"),
    VIEWER: _l("Chỉ xem"),
}


def _optional_id(value) -> int | None:
    """"" means none; anything not a number becomes -1, which no choice has."""
    if value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    return int(value) if str(value).isdigit() else -1


def _required():
    return InputRequired(message=MESSAGES["required"])


def _choice(**kwargs) -> SelectField:
    return SelectField(invalid_choice_message=MESSAGES["bad_choice"],
                       invalid_value_message=MESSAGES["bad_choice"], **kwargs)


class UserForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"),
                           validators=[_required(), Length(max=80, message=MESSAGES["too_long"])])
    full_name = StringField(_l("Họ và tên"),
                            validators=[Length(max=200, message=MESSAGES["too_long"])])
    role = _choice(label=_l("Vai trò"), validators=[_required()],
                   choices=[SelectChoice(value=role, label=label)
                            for role, label in ROLE_LABELS.items()])
    password = PasswordField(_l("Mật khẩu"), validators=[
        _required(), Length(max=200, message=MESSAGES["too_long"])])
    venue_id = _choice(label=_l("Địa điểm (cán bộ đón tiếp, phụ trách điểm cầu)"),
                       coerce=_optional_id)
    unit_id = _choice(label=_l("Đơn vị (báo cáo của đơn vị)"), coerce=_optional_id)

    def offer(self, venues: list[tuple[int, str]], formdata=None) -> "UserForm":
        """(id, label) of the venues of every session the organizer manages ("name · date ·
        title", grouped by session in a drop-down), and the units of their scope; past
        pickers.SELECT_MAX each a search box (webapp/pickers.py)."""
        grouped = [SelectChoice(value=str(i), label=text.split(" · ", 1)[0],
                                optgroup=text.split(" · ", 1)[1]) for i, text in venues]
        pickers.offer(self.venue_id, venues, url=url_for("users.venue_search"),
                      formdata=formdata, blank="—", small=grouped, what="venue")
        pickers.offer_units(self.unit_id, blank="—")
        return self


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[
        _required(), Length(max=200, message=MESSAGES["too_long"])])


class TokenForm(FlaskForm):
    name = StringField(_l("Tên thiết bị"), validators=[
        Length(max=100, message=MESSAGES["too_long"])])
