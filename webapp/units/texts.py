"""Unit-file problems as text, shared by the import page and the CLI."""

from flask_babel import gettext as _

from attendance.units.files import UnitRow

from ..errors import message


def row_problems(row: UnitRow) -> list[str]:
    return [message(code).rstrip(".") for code in row.errors]


def row_line(row: UnitRow) -> str:
    """ "Dòng 4: Mã cấp trên không có trong tệp hay trong hệ thống" """
    return _("Dòng %(number)s: %(problems)s", number=row.number,
             problems="; ".join(row_problems(row)))
