"""Forms of the users page. Rules (username shape, scope per role, password length) live in
attendance.accounts; these forms only parse and offer choices."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from attendance.models import COORDINATOR, ORGANIZER, REPORTER, STAFF, VIEWER

from ..errors import MESSAGES
from ..i18n import format_date

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

    def offer(self, sessions, units) -> "UserForm":
        """Venues of every session, grouped by session; all units."""
        none = SelectChoice(value="", label="—")
        self.venue_id.choices = [none] + [
            SelectChoice(value=str(venue.id), label=venue.name,
                         optgroup=f"{format_date(session.starts_at)} · {session.title}")
            for session in sessions for venue in session.venues]
        self.unit_id.choices = [none] + [SelectChoice(value=str(unit.id), label=unit.name)
                                         for unit in units]
        return self


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[
        _required(), Length(max=200, message=MESSAGES["too_long"])])


class TokenForm(FlaskForm):
    name = StringField(_l("Tên thiết bị"), validators=[
        Length(max=100, message=MESSAGES["too_long"])])
