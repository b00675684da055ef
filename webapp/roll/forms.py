"""Forms of the roll and make-up pages: they parse, the services in attendance decide."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..sessions.forms import LocalDateField

READINESS_LABELS = {"not_ready": _l("Chưa sẵn sàng"), "connected": _l("Đã kết nối"),
                    "problem": _l("Sự cố")}
# The bridge points' link checklist (roll.link), on the roll page and the dashboard.
LINK_ITEM_LABELS = {"picture": _l("Hình ảnh"), "sound": _l("Âm thanh"),
                    "link": _l("Đường truyền chính"), "backup_link": _l("Đường truyền dự phòng"),
                    "technician": _l("Kỹ thuật viên")}
LINK_STATE_LABELS = {"ok": _l("Đạt"), "fail": _l("Lỗi"), "": _l("Chưa thử")}
STATUS_LABELS = {"present": _l("Có mặt"), "late": _l("Đi muộn"),
                 "absent_excused": _l("Vắng có lý do"),
                 "absent_unexcused": _l("Vắng không lý do")}


class MarkForm(FlaskForm):
    """One tap on a person's row (without JavaScript; with it the page queues marks)."""

    person_id = IntegerField(validators=[Optional()])
    status = HiddenField()
    reason = StringField(_l("Lý do"))
    pick = HiddenField()  # a common reason's button (the typed one is ``reason``)
    nonce = HiddenField()


class ReasonForm(FlaskForm):
    """Sign-off (no field) and the organizer's reopening (with its reason)."""

    reason = StringField(_l("Lý do mở lại"))


class MakeupForm(FlaskForm):
    held_on = LocalDateField(_l("Ngày học bù"), description=_l("dd/mm/yyyy"))
    unit_id = SelectField(_l("Đơn vị tổ chức"), coerce=int, choices=[])
    note = StringField(_l("Ghi chú"))
    person_ids = SelectMultipleField(_l("Người đã học bù"), coerce=int, choices=[],
                                     validate_choice=False, widget=ListWidget(prefix_label=False),
                                     option_widget=CheckboxInput())


class PlainForm(FlaskForm):
    """Only the CSRF token: forms whose fields the view reads itself (headcounts)."""
