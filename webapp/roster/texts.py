"""Roster problems as Vietnamese text, shared by the import page and the CLI."""

from flask_babel import gettext as _, lazy_gettext as _l

from attendance.errors import DomainError
from attendance.roster.imports import PreviewRow

from ..errors import message


def file_problem(error: DomainError) -> str:
    """A file-level error; missing columns are named."""
    text = message(error.code, **error.params)
    if error.code == "missing_columns" and error.params.get("columns"):
        text = f"{text.rstrip('.')}: {error.params['columns']}."
    return text


def row_problems(row: PreviewRow) -> list[str]:
    return [message(code).rstrip(".") for code in row.errors]


def row_line(row: PreviewRow) -> str:
    """ "Dòng 5: Thiếu họ và tên; Số điện thoại không hợp lệ" """
    return _("Dòng %(number)s: %(problems)s", number=row.number,
             problems="; ".join(row_problems(row)))


# Names of the fields a re-import changes, for the preview's "Cập nhật: ..." column.
CHANGE_LABELS = {
    "full_name": _l("họ tên"), "position": _l("chức vụ"), "unit_name": _l("đơn vị"),
    "unit": _l("đơn vị"), "phone": _l("số điện thoại"), "party_member": _l("đảng viên"),
    "category_id": _l("thành phần"), "venue_id": _l("địa điểm"), "birth_date": _l("ngày sinh"),
    "member_id": _l("gắn đảng viên"), "member_no": _l("số thẻ"), "status": _l("tình trạng"),
    "key_cadre": _l("cán bộ chủ chốt"), "cccd_hash": _l("số CCCD"),
}


def change_text(changes: list[str]) -> str:
    return ", ".join(str(CHANGE_LABELS.get(name, name)) for name in changes)
