"""Member forms. Flask-WTF checks only shape (lengths, CSRF); the registry's rules live in
attendance.members and their errors are put back on these fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from attendance.models import ACTIVE, EXEMPT, MOVED

from ..errors import MESSAGES
from ..roster.forms import _to_id

_REQUIRED = DataRequired(MESSAGES["required"])
_LONG = MESSAGES["too_long"]
STATUS_LABELS = {ACTIVE: _l("Đang sinh hoạt"), EXEMPT: _l("Miễn sinh hoạt"),
                 MOVED: _l("Chuyển đi")}


class MemberForm(FlaskForm):
    full_name = StringField(_l("Họ và tên"), validators=[_REQUIRED, Length(max=200, message=_LONG)])
    unit_id = SelectField(_l("Đơn vị"), coerce=_to_id, validate_choice=False)
    position = StringField(_l("Chức vụ"), validators=[Length(max=300, message=_LONG)])
    member_no = StringField(_l("Số thẻ đảng viên"), validators=[Length(max=30, message=_LONG)])
    birth_date = StringField(_l("Ngày sinh (dd/mm/yyyy)"), validators=[Length(max=20)])
    phone = StringField(_l("Số điện thoại"), validators=[Length(max=30, message=MESSAGES["bad_phone"])])
    party_member = BooleanField(_l("Đảng viên"), default=True)
    status = SelectField(_l("Tình trạng"), default=ACTIVE, validate_choice=False)
    key_cadre = BooleanField(_l("Cán bộ chủ chốt"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = list(STATUS_LABELS.items())

    def values(self, *, with_unit: bool) -> dict:
        names = ["full_name", "position", "member_no", "birth_date", "phone", "party_member",
                 "status", "key_cadre"] + (["unit_id"] if with_unit else [])
        return {name: getattr(self, name).data for name in names}


class MoveForm(FlaskForm):
    unit_id = SelectField(_l("Chuyển đến đơn vị"), coerce=_to_id, validate_choice=False)
    note = StringField(_l("Ghi chú (số quyết định, lý do)"), validators=[Length(max=300, message=_LONG)])
