"""Streaming XLSX (openpyxl write-only): rows go to disk as they come, never all in memory.

Every text value is stored as a string cell, even one starting with "=": a name typed by a
person never becomes a formula. Each sheet gets column widths, a frozen header row, bold
headers and totals, thousands in #,##0 and rates in 0.00% (Excel shows them with the
reader's separators: 1.234 and 95,56% in Vietnamese settings), Times New Roman throughout (as
the PDFs' Tinos), and an A4 page set-up: landscape when the columns are wide, fitted to one
page wide, the header row repeated on every printed page, page numbers in the footer. A sheet
given a ``heading`` opens, like the PDF, with the letterhead rows and the title.
"""

import math
import re
from copy import copy
from collections.abc import Iterable
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from attendance.numbers import cut

from .cells import text
from .table import INT, PUBLISHED, RATE, Column, Strong

RATE_FORMAT = "0.00%"
PUBLISHED_FORMAT = "0.00%"
INT_FORMAT = "#,##0"
FONT = "Times New Roman"
PORTRAIT_WIDTH = 95  # characters of columns that still print upright on A4
_NORMAL = Font(name=FONT, size=12, family=1)
_BOLD = Font(name=FONT, size=12, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_TITLE_FONT = Font(name=FONT, bold=True, size=13)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEAD_FONTS = {"org": Font(name=FONT, size=13), "org_bold": Font(name=FONT, size=13, bold=True),
               "party": Font(name=FONT, size=13, bold=True, underline="single"),
               "dateline": Font(name=FONT, size=13, italic=True),
               "title": Font(name=FONT, size=15, bold=True),
               "subtitle": Font(name=FONT, size=13, bold=True)}
_RULE = Border(bottom=Side(style="thin", color="7F8C9D"))
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


class Sheet:
    """One write-only sheet: set up widths and the frozen header, then append rows in order."""

    def __init__(self, book: "XlsxBook", title: str, widths: list[float], freeze: str | None,
                 heading: tuple[str, str] | None = None):
        """``freeze`` names the first column that scrolls ("C2": A and B stay); the frozen
        row is the one under the header, wherever the heading puts it."""
        self._ws = _TitledSheet(parent=book.workbook, title=book.unique_title(title))
        book.workbook._add_sheet(self._ws)
        self._styles = book.styles
        for index, width in enumerate(widths, start=1):
            self._ws.column_dimensions[get_column_letter(index)].width = width
        heading_rows = book.heading_rows(heading, len(widths)) if heading else []
        self.header_row = len(heading_rows) + 1  # where table() puts its first header
        if freeze:
            column = freeze.rstrip("0123456789") or "A"
            self._ws.freeze_panes = f"{column}{self.header_row + 1}"
        _page_setup(self._ws, sum(widths), self.header_row if heading else None)
        self.rows = 0
        for cells, merges in heading_rows:
            for first, last in merges:
                self._ws.merged_cells.add(f"{get_column_letter(first)}{self.rows + 1}:"
                                          f"{get_column_letter(last)}{self.rows + 1}")
            self._append([self._cell(value, font=_HEAD_FONTS[style], alignment=_CENTRE)
                          if value else None for value, style in cells])

    def title(self, value: str) -> None:
        self._append([self._cell(text(value), font=_TITLE_FONT)])

    def header(self, columns: list[Column]) -> None:
        # Tall enough for the wrapped titles: spreadsheets do not grow a row on opening.
        lines = max((math.ceil(len(c.title) * 1.1 / max(self._width(i), 1))
                     for i, c in enumerate(columns, 1)), default=1)
        self._ws.row_dimensions[self.rows + 1].height = 16 * max(1, min(lines, 4))
        self._append([self._cell(text(c.title), font=_BOLD, fill=_HEADER_FILL,
                                 alignment=_HEADER_ALIGN, border=_RULE) for c in columns])

    def _width(self, index: int) -> float:
        return self._ws.column_dimensions[get_column_letter(index)].width or 13

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
        if column.kind == RATE:  # cut first: Excel's 0.00% would round 95.569 up
            return self._cell(float(cut(100 * value)) / 100, number_format=RATE_FORMAT,
                              font=_BOLD if strong else None)
        if column.kind == PUBLISHED:  # 95.56 -> 0.9556 shown as 95.56%
            return self._cell(float(value) / 100, number_format=PUBLISHED_FORMAT,
                              font=_BOLD if strong else None)
        if column.kind == INT:
            return self._cell(int(value), number_format=INT_FORMAT,
                              font=_BOLD if strong else None)
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


def _page_setup(ws, width: float, header_row: int | None) -> None:
    """A4, upright unless the columns are wide, one page wide (as many long as it takes),
    the header repeated on every page, page numbers in the footer. Set before the first row:
    a write-only sheet writes its properties with it."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"


class XlsxBook:
    def __init__(self, letterhead=None):
        """``letterhead`` (attendance.reports.document.Letterhead) heads the sheets that are
        given a heading, as on the PDF."""
        self.workbook = Workbook(write_only=True)
        # The default font, used by every unstyled cell: Times New Roman, not Calibri.
        self.workbook._fonts = IndexedList([_NORMAL])
        self.letterhead = letterhead
        self._titles: set[str] = set()
        self.styles: dict = {}

    def sheet(self, title: str, widths: list[float], *, freeze: str | None = "A2",
              heading: tuple[str, str] | None = None) -> Sheet:
        return Sheet(self, title, widths, freeze, heading)

    def heading_rows(self, heading: tuple[str, str], columns: int) -> list:
        """Rows of (value, style) cells with their merged column ranges: the letterhead in two
        halves (issuing body left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the date right), then the
        title and the summary across the sheet."""
        title, subtitle = heading
        rows = []
        lh = self.letterhead
        half = max(1, columns // 2)
        split = [(1, half), (half + 1, columns)] if columns > 1 else []
        if lh is not None:
            from .document import dateline_date

            when = dateline_date(lh.on) if lh.on else ""
            rows += [
                ([(lh.superior.upper(), "org"), *[("", "org")] * (half - 1),
                  ("ĐẢNG CỘNG SẢN VIỆT NAM", "party")], split),
                ([((lh.committee_line or lh.committee).upper(), "org_bold"), *[("", "org")] * (half - 1),
                  (f"{lh.place}, {when}" if lh.place else when, "dateline")], split),
                ([("*", "org")], split[:1]), ([], [])]
        everything = [(1, columns)] if columns > 1 else []
        rows += [([(title, "title")], everything), ([(subtitle, "subtitle")], everything),
                 ([], [])]
        return rows

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
