"""A report table as every format sees it: columns with a kind, then rows of plain values."""

from dataclasses import dataclass

from attendance.numbers import cut

TEXT, INT, RATE = "text", "int", "rate"  # RATE values are fractions (0.975), or None
# A percentage as units publish it: a Decimal with two decimals (95.56), or None.
PUBLISHED = "published"


@dataclass(frozen=True)
class Column:
    title: str  # Vietnamese header, as printed
    kind: str = TEXT
    width: float = 12  # characters in a spreadsheet; relative width in a PDF


class Strong(tuple):
    """A row printed bold: a subtotal or the grand total."""


def rate(numerator: int, denominator: int) -> float | None:
    """A fraction for a percentage cell; None when nothing is expected."""
    return numerator / denominator if denominator else None


def percent(value: float | None) -> str:
    """A rate as text, e.g. 97.56 (cut to two decimals as units publish them, no sign; empty
    when there is no rate)."""
    return "" if value is None else f"{cut(100 * value):.2f}"


def published(value) -> str:
    """A published rate as text in files: 95.56 (empty when there is no rate)."""
    return "" if value is None else f"{cut(value):.2f}"
