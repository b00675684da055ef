"""Forms of the outcome pages. They carry the fields; the rules (and the messages for
impossible figures) live in attendance.result_reports and attendance.essays."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from attendance.models import REPORT_COUNTS

_NUMBER = {"inputmode": "numeric", "autocomplete": "off"}

COUNT_LABELS = {
    "sessions_held": _l("Số hội nghị, lớp đã tổ chức"),
    "members_total": _l("Tổng số đảng viên"),
    "attended": _l("Số đảng viên tham dự"),
    "absent_excused": _l("Vắng có lý do"),
    "absent_unexcused": _l("Vắng không lý do"),
    "makeup_done": _l("Đã học bù"),
    "key_cadres": _l("Cán bộ chủ chốt tham dự"),
    "non_members": _l("Quần chúng tham dự"),
    "essays_submitted": _l("Số bài thu hoạch đã nộp"),
    "propaganda_activities": _l("Số hoạt động tuyên truyền"),
    "people_reached": _l("Số lượt người được tuyên truyền"),
}


class UnitsForm(FlaskForm):
    units = SelectMultipleField(_l("Đơn vị phải báo cáo"), coerce=int,
                                widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput(), validate_choice=False)
    grades = TextAreaField(_l("Thang đánh giá bài thu hoạch (mỗi mức một dòng, từ cao xuống thấp)"),
                           render_kw={"rows": 5})
    threshold = StringField(_l("Ngưỡng cảnh báo tỷ lệ tham dự (%)"), render_kw=_NUMBER)


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Ý kiến của Ban Tổ chức"), render_kw={"rows": 3})


class FileForm(FlaskForm):
    file = FileField(_l("Tệp CSV hoặc XLSX"))


def report_form(grades: list[str], formdata=None, **data):
    """The report form with one count field per grade of the session's essay scale."""

    class ReportForm(FlaskForm):
        strengths = TextAreaField(_l("Ưu điểm"), render_kw={"rows": 4})
        limits = TextAreaField(_l("Hạn chế"), render_kw={"rows": 4})
        proposals = TextAreaField(_l("Đề xuất, kiến nghị"), render_kw={"rows": 4})
        plan_number = StringField(_l("Số kế hoạch / chương trình hành động"))
        plan_date = StringField(_l("Ngày ban hành (dd/mm/yyyy)"), validators=[Optional()],
                                render_kw={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        plan_file = FileField(_l("Tệp kế hoạch hành động (PDF hoặc DOCX, tối đa 10 MB)"),
                              render_kw={"accept": ".pdf,.docx,application/pdf"})

    for name in REPORT_COUNTS:
        setattr(ReportForm, name, StringField(COUNT_LABELS[name], render_kw=_NUMBER))
    for index, grade in enumerate(grades):
        setattr(ReportForm, f"grade_{index}",
                StringField(_l("Xếp loại %(grade)s", grade=grade), render_kw=_NUMBER))
    form = ReportForm(formdata=formdata, **data) if formdata is not None else ReportForm(**data)
    form.grade_fields = [(grade, getattr(form, f"grade_{i}")) for i, grade in enumerate(grades)]
    form.count_fields = [getattr(form, name) for name in REPORT_COUNTS]
    return form


def parse_date(text: str) -> date | None | str:
    """dd/mm/yyyy -> date; "" -> None; anything else is returned as is (the service refuses it)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return text
