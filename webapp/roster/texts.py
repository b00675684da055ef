"""Roster problems as Vietnamese text, shared by the import page and the CLI."""

from flask_babel import gettext as _

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
