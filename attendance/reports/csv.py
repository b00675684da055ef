"""CSV that Excel opens correctly: UTF-8 with a BOM, comma-separated, formula-safe text."""

import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

from .cells import csv_text
from .table import INT, PUBLISHED, RATE, Column, percent, published


def write_csv(out: BinaryIO, columns: list[Column], rows: Iterable[tuple]) -> int:
    """Write a header and ``rows`` (streamed) to the binary file ``out``; returns the row count."""
    stream = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(stream)
        writer.writerow([csv_text(c.title) for c in columns])
        count = 0
        for row in rows:
            writer.writerow([_cell(column, value) for column, value in zip(columns, row)])
            count += 1
        stream.flush()
    finally:
        stream.detach()  # leave the caller's file open
    return count


def _cell(column: Column, value):
    if value is None:
        return ""
    if column.kind == INT:
        return int(value)
    if column.kind == RATE:
        return percent(value)
    if column.kind == PUBLISHED:
        return published(value)
    return csv_text(value)
