"""Roster forms. Flask-WTF checks only shape (lengths, CSRF); the roster rules live in
attendance.roster and their errors are put back on these fields."""

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from attendance.models import StudySession

from .. import pickers
from ..errors import MESSAGES
from .uploads import UPLOAD_ID

_REQUIRED = DataRequired(MESSAGES["required"])
_LONG = MESSAGES["too_long"]


def _to_id(value) -> int | None:
    """A posted id; junk becomes None so the roster rules answer in Vietnamese."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _PicksVenue:
    """A form whose venue_id is a picker (webapp/pickers.py) in a large session: the id
    from the hidden field, else the venue named in the text box."""

    venue_unknown = ""

    def _venue_choices(self, session: StudySession) -> None:
        if not pickers.is_large(session):
            self.venue_id.choices = [(v.id, v.name) for v in session.venues]
            return
        self.venue_id.choices = []  # the picker, not a drop-down of thousands
        if request.method == "POST" and self.venue_id.data is None:
            chosen = pickers.picked(session, request.form)
            self.venue_id.data, self.venue_unknown = chosen.id, chosen.unknown

    def validate_venue_id(self, field) -> None:
        if self.venue_unknown:
            raise ValidationError(_("Không có địa điểm nào tên “%(name)s”.",
                                    name=self.venue_unknown))


class PersonForm(_PicksVenue, FlaskForm):
    full_name = StringField(_l("Họ và tên"), validators=[_REQUIRED, Length(max=200, message=_LONG)])
    position = StringField(_l("Chức vụ"), validators=[Length(max=300, message=_LONG)])
    unit_name = StringField(_l("Đơn vị"), validators=[Length(max=300, message=_LONG)])
    venue_id = SelectField(_l("Địa điểm"), coerce=_to_id, validate_choice=False)
    category_id = SelectField(_l("Thành phần"), coerce=_to_id, validate_choice=False)
    phone = StringField(_l("Số điện thoại"), validators=[Length(max=30, message=MESSAGES["bad_phone"])])
    party_member = BooleanField(_l("Đảng viên"), default=True)

    def set_choices(self, session: StudySession) -> None:
        self._venue_choices(session)
        kinds = {"hall": _l("Hội trường"), "bridge_point": _l("Điểm cầu")}
        self.category_id.choices = [(c.id, f"{kinds.get(c.venue_kind, '')}: {c.name}")
                                    for c in session.categories]

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "full_name", "position", "unit_name", "venue_id", "category_id", "phone",
            "party_member")}


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp danh sách (CSV hoặc XLSX)"),
                     validators=[FileRequired(_l("Hãy chọn một tệp CSV hoặc XLSX."))])


class ConfirmForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired(), Regexp(UPLOAD_ID)])


_MODES = [("add", _l("Chỉ thêm người mới")),
          ("update", _l("Thêm và cập nhật (người đã có được nhận ra theo số thẻ đảng viên "
                        "hoặc số điện thoại)"))]


class RosterUploadForm(UploadForm):
    mode = SelectField(_l("Cách nhập"), default="add", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode.choices = _MODES


class RosterConfirmForm(ConfirmForm):
    mode = HiddenField(validators=[Optional(), Regexp(r"^(add|update)$")])  # blank: add


class RemoveForm(FlaskForm):
    """Only the CSRF token."""


class FromMembersForm(_PicksVenue, FlaskForm):
    unit_ids = SelectMultipleField(_l("Đơn vị (gồm cả đơn vị trực thuộc)"), coerce=_to_id,
                                   validate_choice=False)
    positions = StringField(_l("Chức vụ có chứa (cách nhau bởi dấu phẩy; để trống: mọi chức vụ)"),
                            validators=[Length(max=300, message=_LONG)])
    venue_id = SelectField(_l("Địa điểm"), coerce=_to_id, validate_choice=False)
    category_id = SelectField(_l("Thành phần"), coerce=_to_id, validate_choice=False)

    def set_choices(self, session: StudySession) -> None:
        """The venue and category choices; the units' are pickers.offer_units's."""
        self._venue_choices(session)
        kinds = {"hall": _l("Hội trường"), "bridge_point": _l("Điểm cầu")}
        self.category_id.choices = [(c.id, f"{kinds.get(c.venue_kind, '')}: {c.name}")
                                    for c in session.categories if not c.headcount_only]
