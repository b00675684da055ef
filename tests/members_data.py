"""Helpers for the member registry's tests: a small unit tree and member files."""

import io

import openpyxl

from attendance.models import Unit

HEADER = ["Họ và tên", "Mã đơn vị", "Chức vụ", "Số thẻ đảng viên", "Ngày sinh",
          "Số điện thoại", "Đảng viên", "Tình trạng", "Cán bộ chủ chốt"]


def gen_tree(db) -> dict[str, Unit]:
    """Thị ủy -> two wards -> one cell each; plus another town outside."""
    town = Unit(code="TU", name="Thị ủy Đức Phổ", kind="committee")
    other = Unit(code="HU", name="Huyện ủy Mộ Đức", kind="committee")
    ward = Unit(code="PH", name="Đảng ủy phường Phổ Hòa", kind="committee", parent=town)
    ward2 = Unit(code="PM", name="Đảng ủy phường Phổ Minh", kind="committee", parent=town)
    cell = Unit(code="PH-1", name="Chi bộ tổ dân phố 1", kind="cell", parent=ward)
    cell2 = Unit(code="PM-1", name="Chi bộ tổ dân phố 1", kind="cell", parent=ward2)
    db.add_all([town, other, ward, ward2, cell, cell2])
    db.flush()
    return {u.code: u for u in (town, other, ward, ward2, cell, cell2)}


def csv_file(*rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_file(*rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
