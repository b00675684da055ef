"""What a re-import changes, as Vietnamese text, for the roster and member import previews
(the rows' problems are every import's: webapp/imports.py)."""

from flask_babel import lazy_gettext as _l

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
