"""Streaming XLSX (openpyxl write-only): rows go to disk as they come, never all in memory.

Every text value is stored as a string cell, even one starting with "=": a name typed by a
person never becomes a formula. Each sheet gets column widths, a frozen header row, bold
headers and totals, and rates in the 0.0% format.
"""

import re
from copy import copy
from collections.abc import Iterable
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .cells import text
from .table import INT, PUBLISHED, RATE, Column, Strong

RATE_FORMAT = "0.0%"
PUBLISHED_FORMAT = "0.00%"
_BOLD = Font(name="Calibri", bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
_TITLE_FONT = Font(name="Calibri", bold=True, size=13)
_RULE = Border(bottom=Side(style="thin", color="7F8C9D"))
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


class Sheet:
    """One write-only sheet: set up widths and the frozen header, then append rows in order."""

    def __init__(self, book: "XlsxBook", title: str, widths: list[float], freeze: str | None):
        self._ws = _TitledSheet(parent=book.workbook, title=book.unique_title(title))
        book.workbook._add_sheet(self._ws)
        self._styles = book.styles
        for index, width in enumerate(widths, start=1):
            self._ws.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            self._ws.freeze_panes = freeze
        self.rows = 0

    def title(self, value: str) -> None:
        self._append([self._cell(text(value), font=_TITLE_FONT)])

    def header(self, columns: list[Column]) -> None:
        self._append([self._cell(text(c.title), font=_BOLD, fill=_HEADER_FILL,
                                 alignment=_HEADER_ALIGN, border=_RULE) for c in columns])

    def row(self, columns: list[Column], values: tuple) -> None:
        strong = isinstance(values, Strong)
        self._append([self._value(c, v, strong) for c, v in zip(columns, values)])

    def table(self, columns: list[Column], rows: Iterable[tuple]) -> int:
        self.header(columns)
        count = 0
        for values in rows:
            self.row(columns, values)
            count += 1
        return count

    def blank(self) -> None:
        self._append([])

    def close(self) -> None:
        """Finish the sheet now (its file is closed; the book keeps few files open)."""
        self._ws.close()

    def _append(self, cells: list) -> None:
        self._ws.append(cells)
        self.rows += 1

    def _value(self, column: Column, value, strong: bool):
        if value is None:
            return None
        if column.kind == RATE:
            return self._cell(float(value), number_format=RATE_FORMAT,
                              font=_BOLD if strong else None)
        if column.kind == PUBLISHED:  # 95.56 -> 0.9556 shown as 95.56%
            return self._cell(float(value) / 100, number_format=PUBLISHED_FORMAT,
                              font=_BOLD if strong else None)
        if column.kind == INT:
            value = int(value)
        else:
            value = text(value)
        if strong or isinstance(value, str) and value.startswith("="):
            return self._cell(value, font=_BOLD if strong else None)
        return value  # plain values take openpyxl's fast path

    def _cell(self, value, *, font=None, fill=None, alignment=None, border=None,
              number_format=None):
        cell = WriteOnlyCell(self._ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the first character
        key = (font, fill, alignment, border, number_format)
        if any(part is not None for part in key):
            cell._style = copy(self._styles.get(key) or self._style(key))
        return cell

    def _style(self, key):
        """The style ids of a combination, computed once per book (setting each attribute on
        every cell costs more than writing the cell)."""
        font, fill, alignment, border, number_format = key
        template = WriteOnlyCell(self._ws)
        if font is not None:
            template.font = font
        if fill is not None:
            template.fill = fill
        if alignment is not None:
            template.alignment = alignment
        if border is not None:
            template.border = border
        if number_format is not None:
            template.number_format = number_format
        self._styles[key] = template._style
        return template._style


class _TitledSheet(WriteOnlyWorksheet):
    """A write-only sheet whose title XlsxBook.unique_title has already made valid and
    unique. openpyxl's own check compares each new title with every sheet's: quadratic,
    13 s of CPU for the 7,401 sheets of a national summary."""

    @property
    def title(self) -> str:
        return self._title

    @title.setter
    def title(self, value: str) -> None:
        self._title = value


class XlsxBook:
    def __init__(self):
        self.workbook = Workbook(write_only=True)
        self._titles: set[str] = set()
        self.styles: dict = {}

    def sheet(self, title: str, widths: list[float], *, freeze: str | None = "A2") -> Sheet:
        return Sheet(self, title, widths, freeze)

    def unique_title(self, title: str) -> str:
        """A valid sheet name: at most 31 characters, none of []:*?/\\, unique in the book."""
        base = _BAD_TITLE.sub(" ", text(title)).strip(" '") or "Sheet"
        candidate, n = base[:31], 1
        while candidate.casefold() in self._titles:
            n += 1
            suffix = f" ({n})"
            candidate = base[:31 - len(suffix)] + suffix
        self._titles.add(candidate.casefold())
        return candidate

    def save(self, out: BinaryIO) -> None:
        self.workbook.save(out)
