"""Unit forms: shape only (lengths, CSRF); the rules are attendance.units' and come back as
field errors."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from attendance.models import UNIT_KINDS

KIND_LABELS = {"committee": _l("Cấp ủy"), "cell": _l("Chi bộ"), "front": _l("Mặt trận"),
               "organization": _l("Đoàn thể"), "office": _l("Cơ quan")}


def _optional_id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1  # names no unit: the service answers "unknown parent"


class UnitForm(FlaskForm):
    code = StringField(_l("Mã đơn vị"))
    name = StringField(_l("Tên đơn vị"))
    kind = SelectField(_l("Loại"), validate_choice=False, choices=[
        SelectChoice(value=k, label=KIND_LABELS[k]) for k in UNIT_KINDS])
    parent_id = SelectField(_l("Cấp trên"), coerce=_optional_id, validate_choice=False)
    letterhead = StringField(_l("Tên trên văn bản (in hoa, ví dụ THỊ ỦY …)"))
    place = StringField(_l("Địa danh (ghi trước ngày tháng của văn bản)"))
    symbol = StringField(_l("Ký hiệu văn bản (ví dụ TU, ĐU, CB)"))
    member_count = StringField(_l("Số đảng viên"))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "code", "name", "kind", "parent_id", "letterhead", "place", "symbol",
            "member_count")}


class UnitsUploadForm(FlaskForm):
    file = FileField(_l("Tệp đơn vị (CSV hoặc XLSX)"),
                     validators=[FileRequired(_l("Hãy chọn một tệp CSV hoặc XLSX."))])
