"""Forms of the users page. Rules (username shape, scope per role, password length) live in
attendance.accounts; these forms only parse and offer choices."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from attendance.models import COORDINATOR, ORGANIZER, REPORTER, STAFF, VIEWER

from .. import venue_picker
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

    venue_large = unit_large = False
    venue_label = unit_label = ""  # the chosen one's, for the search boxes

    def offer(self, venues: list[tuple[int, str]], units: list[tuple[int, str]],
              formdata=None) -> "UserForm":
        """(id, label) of the venues of every session the organizer manages and of their
        units: drop-downs, or past venue_picker.SELECT_MAX search boxes (the typed label
        resolved here when the script did not put the id)."""
        none = SelectChoice(value="", label="—")
        self.venue_large = len(venues) > venue_picker.SELECT_MAX
        self.unit_large = len(units) > venue_picker.SELECT_MAX
        for field, items, large, label in ((self.venue_id, venues, self.venue_large, "venue"),
                                           (self.unit_id, units, self.unit_large, "unit")):
            if not large and label == "venue":  # grouped by session: "name · date · title"
                field.choices = [none] + [
                    SelectChoice(value=str(i), label=text.split(" · ", 1)[0],
                                 optgroup=text.split(" · ", 1)[1]) for i, text in items]
                continue
            if not large:
                field.choices = [none] + [SelectChoice(value=str(i), label=text)
                                          for i, text in items]
                continue
            chosen = venue_picker.picked_label(items, formdata, field.name) \
                if formdata is not None else venue_picker.Picked(None)
            field.choices = [none] + ([SelectChoice(value=str(chosen.venue_id), label="")]
                                      if chosen.venue_id else [])
            field.data = chosen.venue_id
            setattr(self, f"{label}_unknown", chosen.unknown)
            setattr(self, f"{label}_label", dict(items).get(chosen.venue_id, chosen.unknown))
        return self

    venue_unknown = unit_unknown = ""

    def validate_venue_id(self, field) -> None:
        if self.venue_unknown:
            raise ValidationError(_("Không có địa điểm nào tên “%(name)s”.",
                                    name=self.venue_unknown))

    def validate_unit_id(self, field) -> None:
        if self.unit_unknown:
            raise ValidationError(_("Không có đơn vị nào tên “%(name)s”.",
                                    name=self.unit_unknown))


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[
        _required(), Length(max=200, message=MESSAGES["too_long"])])


class TokenForm(FlaskForm):
    name = StringField(_l("Tên thiết bị"), validators=[
        Length(max=100, message=MESSAGES["too_long"])])
