"""CSV in two dialects, both UTF-8 with a BOM (so Excel reads the Vietnamese letters) and
formula-safe text:

- ``excel-vn`` (the default): ";" between fields, "," in decimals (95,56): what Excel opens in
  columns when Windows is set to Vietnamese, whose list separator is ";" and decimal symbol
  "," (CLDR's vi locale: decimal ",", group ".", list ";"; Excel splits a CSV on the region's
  list separator). The committees' clerks use Excel in Vietnamese: with "," every row would
  open in one column and "95.56" would not be a number.
- ``excel``: "," between fields, "." in decimals (95.56): Excel with English regional
  settings, LibreOffice's default import, Google Sheets and scripts (``?dialect=excel``,
  ``--csv-dialect excel``).

Whole numbers are written without thousands separators in both (1234): "1.234" would be read
as a decimal by the one and "1,234" split or misread by the other.
"""

import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

from .cells import csv_text
from .table import INT, PUBLISHED, RATE, Column, percent, published

DIALECTS = ("excel", "excel-vn")
DEFAULT_DIALECT = "excel-vn"  # the users' Excel is set to Vietnamese


def write_csv(out: BinaryIO, columns: list[Column], rows: Iterable[tuple], *,
              dialect: str = DEFAULT_DIALECT) -> int:
    """Write a header and ``rows`` (streamed) to the binary file ``out``; returns the row count."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect}")
    vietnamese = dialect == "excel-vn"
    stream = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(stream, delimiter=";" if vietnamese else ",")
        writer.writerow([csv_text(c.title) for c in columns])
        count = 0
        for row in rows:
            writer.writerow([_cell(column, value, vietnamese)
                             for column, value in zip(columns, row)])
            count += 1
        stream.flush()
    finally:
        stream.detach()  # leave the caller's file open
    return count


def _cell(column: Column, value, vietnamese: bool):
    if value is None:
        return ""
    if column.kind == INT:
        return int(value)
    if column.kind == RATE:
        return percent(value).replace(".", ",") if vietnamese else percent(value)
    if column.kind == PUBLISHED:
        text = published(value)
        return text.replace(".", ",") if vietnamese else text
    return csv_text(value)
