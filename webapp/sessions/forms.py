"""Forms of the set-up pages. They only parse text (dates, times); the rules live in
attendance.sessions, whose field errors ``put_form_errors`` puts back on the fields."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField

from attendance.models import BRIDGE_POINT, HALL
from attendance.text import clean

from ..errors import message

KIND_CHOICES = [SelectChoice(HALL, _l("Hội trường")), SelectChoice(BRIDGE_POINT, _l("Điểm cầu"))]
MODES = ["Trực tiếp", "Trực tuyến", "Trực tiếp kết hợp với trực tuyến"]
_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_TIME = re.compile(r"(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?")


class Marked:
    """Only marks a field as required (the asterisk); the service says whether it is empty."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        return None


class LocalDateField(StringField):
    """A day typed as dd/mm/yyyy (a browser date picker would show mm/dd on English phones)."""

    def _value(self):
        return self.data.strftime("%d/%m/%Y") if isinstance(self.data, date) else self.data or ""

    def process_formdata(self, valuelist):
        self.data = clean(valuelist[0]) if valuelist else ""
        if self.data:
            match = _DATE.fullmatch(self.data)
            try:
                self.data = date(int(match[3]), int(match[2]), int(match[1]))
            except (TypeError, ValueError):
                raise ValueError(message("bad_date"))
        self.data = self.data or None

    @property
    def value(self) -> date | None:
        return self.data if isinstance(self.data, date) else None


class LocalTimeField(StringField):
    """A 24-hour time typed as HH:MM (7:30, 07.30 and 7h30 are read too)."""

    def _value(self):
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else self.data or ""

    def process_formdata(self, valuelist):
        self.data = clean(valuelist[0]) if valuelist else ""
        if self.data:
            match = _TIME.fullmatch(self.data)
            try:
                self.data = time(int(match[1]), int(match[2] or 0))
            except (TypeError, ValueError):
                raise ValueError(message("bad_time"))
        self.data = self.data or None

    @property
    def value(self) -> time | None:
        return self.data if isinstance(self.data, time) else None




def _optional_id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return 0  # names nothing: the service answers in Vietnamese


class SessionForm(FlaskForm):
    title = StringField(_l("Tên hội nghị"), validators=[Marked()])
    organizer_unit_id = SelectField(_l("Đơn vị tổ chức"), coerce=_optional_id,
                                    validate_choice=False)
    parent_session_id = SelectField(
        _l("Là lớp ở cơ sở của hội nghị"), coerce=_optional_id, validate_choice=False,
        description=_l("Để trống nếu đây là hội nghị chính; chọn hội nghị chính nếu đơn vị "
                       "trực thuộc học lại cùng kế hoạch"))
    plan_number = StringField(_l("Số kế hoạch"), description=_l("Ví dụ: 145-KH/TU"))
    plan_date = LocalDateField(_l("Ngày ban hành kế hoạch"), description=_l("dd/mm/yyyy"))
    plan_issuer = StringField(_l("Cơ quan ban hành kế hoạch"),
                              description=_l("Ví dụ: Ban Thường vụ Thị ủy"))
    signer_title = TextAreaField(_l("Chức danh người ký"), description=_l(
        "Mỗi dòng một dòng in trên văn bản, ví dụ: T/M BAN THƯỜNG VỤ rồi PHÓ BÍ THƯ. Để "
        "trống: theo đơn vị tổ chức (T/M BAN THƯỜNG VỤ, T/M ĐẢNG ỦY hoặc T/M CHI BỘ; BÍ THƯ)"))
    signer_name = StringField(_l("Họ tên người ký"))
    recipients = TextAreaField(_l("Nơi nhận"), description=_l(
        "Mỗi dòng một nơi nhận; để trống thì lấy theo cây đơn vị"))
    day = LocalDateField(_l("Ngày họp"), validators=[Marked()], description=_l("dd/mm/yyyy"))
    start_time = LocalTimeField(_l("Giờ bắt đầu"), validators=[Marked()],
                                description=_l("HH:MM, ví dụ 07:30"))
    end_time = LocalTimeField(_l("Giờ kết thúc"), description=_l("HH:MM"))
    mode = StringField(_l("Hình thức"))
    presenter = StringField(_l("Báo cáo viên"))
    video_url = StringField(_l("Đường dẫn phòng họp trực tuyến"), description=_l(
        "Zoom, Google Meet, Teams…: người dự trực tuyến được chuyển tới đây sau khi điểm danh"))
    document_number = StringField(_l("Số hiệu văn bản"), description=_l("Ví dụ: 57-KL/TW"))
    document_issuer = StringField(_l("Cơ quan ban hành"))
    document_issued_on = LocalDateField(_l("Ngày ban hành"), description=_l("dd/mm/yyyy"))
    document_title = StringField(_l("Tên văn bản (trích yếu)"))
    late_grace_minutes = StringField(_l("Tính đi muộn sau giờ bắt đầu (phút)"))
    checkin_opens_minutes = StringField(_l("Mở điểm danh trước giờ bắt đầu (phút)"))
    checkin_closes_minutes = StringField(_l("Đóng điểm danh sau giờ bắt đầu (phút)"))
    rehearsal_minutes = StringField(_l("Tổng duyệt kỹ thuật các điểm cầu trước giờ bắt đầu (phút)"))
    report_deadline = LocalDateField(_l("Hạn gửi báo cáo kết quả"), description=_l("dd/mm/yyyy"))
    public_base_url = StringField(
        _l("Địa chỉ công khai của hội nghị"),
        description=_l("Địa chỉ điện thoại của đại biểu mở được, in trên mã QR của áp phích, "
                       "màn hình mã điểm danh và đường link đăng nhập của người điều phối, ví "
                       "dụ https://diemcau.example.vn. Để trống: theo cài đặt máy chủ "
                       "(PUBLIC_BASE_URL)."),
        render_kw={"inputmode": "url", "autocomplete": "url",
                   "placeholder": "https://diemcau.example.vn"})
    require_presence = BooleanField(
        _l("Tự điểm danh phải nhập mã đang hiện trên màn hình tại địa điểm"),
        description=_l("Nên để bật. Nếu tắt, ai có đường link hoặc ảnh chụp áp phích cũng "
                       "tự điểm danh được khi không có mặt tại địa điểm."))

    # Service field -> form field, for errors.
    RENAME = {"starts_at": "start_time", "ends_at": "end_time"}

    @classmethod
    def initial(cls, values: dict, zone: ZoneInfo) -> dict:
        """Form data from ``attendance.sessions.session_values``."""
        start, end = values["starts_at"].astimezone(zone), values["ends_at"]
        document = values["document"] or {}
        data = {k: v for k, v in values.items()
                if k not in ("starts_at", "ends_at", "document")}
        data.update(day=start.date(), start_time=start.time(),
                    end_time=end.astimezone(zone).time() if end else None,
                    **{f"document_{k}": v for k, v in document.items()})
        return data

    def session_fields(self, zone: ZoneInfo) -> dict:
        day = self.day.value
        start, end = self.start_time.value, self.end_time.value
        document = {name: getattr(self, f"document_{name}").data
                    for name in ("number", "issuer", "title")}
        document["issued_on"] = self.document_issued_on.value
        return dict(
            title=self.title.data, plan_number=self.plan_number.data, mode=self.mode.data,
            presenter=self.presenter.data, require_presence=self.require_presence.data,
            video_url=self.video_url.data,
            starts_at=datetime.combine(day, start, tzinfo=zone) if day and start else None,
            ends_at=datetime.combine(day, end, tzinfo=zone) if day and end else None,
            late_grace_minutes=self.late_grace_minutes.data,
            checkin_opens_minutes=self.checkin_opens_minutes.data,
            checkin_closes_minutes=self.checkin_closes_minutes.data,
            rehearsal_minutes=self.rehearsal_minutes.data,
            report_deadline=self.report_deadline.value, document=document,
            organizer_unit_id=self.organizer_unit_id.data, plan_date=self.plan_date.value,
            plan_issuer=self.plan_issuer.data, signer_title=self.signer_title.data,
            signer_name=self.signer_name.data, recipients=self.recipients.data,
            public_base_url=self.public_base_url.data,
            parent_session_id=self.parent_session_id.data)

    def offer_parents(self, parents, zone: ZoneInfo) -> "SessionForm":
        """Main sessions this one may be a follow-on class of, with their date."""
        self.parent_session_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(s.id), f"{s.starts_at.astimezone(zone):%d/%m/%Y} · {s.title}")
            for s in parents]
        return self

    def rename(self) -> dict:
        # A missing start is shown on the day when the day is what is missing.
        return dict(self.RENAME, starts_at="day" if not self.day.value else "start_time")


class VenueForm(FlaskForm):
    kind = SelectField(_l("Loại địa điểm"), choices=KIND_CHOICES, default=BRIDGE_POINT,
                       validate_choice=False)
    name = StringField(_l("Tên địa điểm"), validators=[Marked()],
                       description=_l("Ví dụ: Điểm cầu phường 1"))
    address = StringField(_l("Địa chỉ"))
    unit_id = SelectField(_l("Đơn vị phụ trách"), validate_choice=False)
    coordinator_name = StringField(_l("Người điều phối"))
    coordinator_phone = StringField(_l("Số điện thoại người điều phối"))
    video_url = StringField(_l("Đường dẫn phòng họp riêng của địa điểm"),
                            description=_l("Để trống: dùng đường dẫn của hội nghị"))
    position = StringField(_l("Thứ tự hiển thị"), description=_l("Để trống: xếp cuối danh sách"))

    def venue_fields(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "kind", "name", "address", "unit_id", "coordinator_name", "coordinator_phone",
            "position", "video_url")}


class CategoryForm(FlaskForm):
    venue_kind = SelectField(_l("Dự tại"), choices=KIND_CHOICES, default=BRIDGE_POINT,
                             validate_choice=False)
    name = StringField(_l("Tên thành phần"), validators=[Marked()])
    position = StringField(_l("Thứ tự hiển thị"), description=_l("Để trống: xếp cuối danh sách"))
    headcount_only = BooleanField(_l("Chỉ đếm số người, không lập danh sách từng người"))

    def category_fields(self) -> dict:
        return {name: getattr(self, name).data
                for name in ("venue_kind", "name", "position", "headcount_only")}


class PlainForm(FlaskForm):
    """No fields: the CSRF token of a button or of the expected-counts grid."""
