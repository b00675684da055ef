"""Reading an uploaded table (CSV or XLSX) the same way for every import: rosters, members,
units, bridge points, essays; and writing their templates and exports as CSV.

Rows come back as (row number, cleaned cells), the number being the spreadsheet's own (the
header is row 1 when it is the first row), so "Dòng 5" points at the row the organizer sees in
Excel. Headers are matched in any order, in English or Vietnamese, ignoring case, accents and
spaces, among the first rows (office lists often carry a title and a date above the table).
"""

import codecs
import csv
import io
import re
from datetime import date, datetime

import openpyxl

from .archives import check_archive
from .errors import DomainError
from .reports.cells import csv_text
from .text import clean, fold

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_ROWS = 100_000  # far above a province (32,000 people); the file size (8 MB) binds first
MAX_COLUMNS = 60
HEADER_SEARCH_ROWS = 10

Table = list[tuple[int, list[str]]]
# The CSV the app writes: ";" between fields, UTF-8 with a BOM. Excel on Windows set to
# Vietnamese splits a CSV on the list separator of the region, ";" (the decimal symbol is ","):
# with "," it would open every row in one column. The reader takes ",", ";" and tabs alike.
CSV_DELIMITER = ";"


class RowsPreview:
    """What every import's preview (a dataclass with ``rows``, each with ``errors``) says of
    its rows: all rows or none, so one bad row stops the whole file."""

    @property
    def bad_rows(self) -> list:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.bad_rows


def read_table(data: bytes, filename: str) -> Table:
    """Non-blank rows as (row number, cleaned cells); stops soon after MAX_ROWS rows."""
    if not data.strip():
        raise DomainError("empty_file")
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # old binary .xls
        raise DomainError("unreadable_file")
    else:
        rows = _csv_rows(data)
    table = []
    try:
        for number, cells in rows:
            # Columns past the limit are refused, not dropped: the file is not what we expect.
            if any(_cell(value) for value in cells[MAX_COLUMNS:]):
                raise DomainError("too_many_columns", limit=MAX_COLUMNS)
            cells = [_cell(value) for value in cells[:MAX_COLUMNS]]
            if any(cells):
                table.append((number, cells))
                if len(table) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise DomainError("too_many_rows", limit=MAX_ROWS)
    except DomainError:
        raise
    except Exception as error:  # a damaged file fails in many ways inside csv or openpyxl
        raise DomainError("unreadable_file") from error
    if not table:
        raise DomainError("empty_file")
    return table


def csv_bytes(rows: list[list]) -> bytes:
    """Rows as a CSV file for Excel (see CSV_DELIMITER); text typed by people never becomes
    a formula (reports.cells)."""
    out = io.StringIO()
    csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n").writerows(
        [[csv_text(value) for value in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def header_key(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(value))


def match_headers(cells: list[str], aliases: dict[str, set[str]]) -> dict[str, int]:
    """Field -> column index, the first column whose header is one of the field's aliases."""
    columns = {}
    for index, cell in enumerate(cells):
        key = header_key(cell)
        for name, keys in aliases.items():
            if key in keys and name not in columns:
                columns[name] = index
    return columns


def find_header(table: Table, aliases: dict[str, set[str]], required: tuple[str, ...],
                headers: dict[str, str]) -> tuple[int, dict[str, int]]:
    """The first row (among the first few) naming every required column, and its columns;
    otherwise ``missing_columns`` naming (by ``headers``) those the first row lacks."""
    for index, (_, cells) in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns = match_headers(cells, aliases)
        if all(name in columns for name in required):
            return index, columns
    found = match_headers(table[0][1], aliases)
    missing = [headers[name] for name in required if name not in found]
    raise DomainError("missing_columns", columns=", ".join(missing))


def _csv_rows(data: bytes):
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        encoding = "utf-8-sig"  # Excel's "CSV UTF-8" starts with a BOM
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DomainError("unreadable_file") from error
    if "\x00" in text:
        raise DomainError("unreadable_file")
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    # Excel in a Vietnamese locale saves with ";"; "Unicode text" uses tabs.
    delimiter = max(",;\t", key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return enumerate(reader, start=1)


def _xlsx_rows(data: bytes):
    check_archive(data).close()  # before openpyxl inflates anything
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # not a zip, not a workbook, damaged XML...
        raise DomainError("unreadable_file") from error
    try:
        sheet = book.worksheets[0]
        # One column past the limit is enough to tell a too-wide file (read_table refuses it).
        yield from enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1)
    finally:
        book.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed as a number
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return clean(value)
