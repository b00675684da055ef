"""Numbers written the Vietnamese way: "1.234" (dot for thousands), "95,56 %" (comma for
decimals, a space before the sign).

One place for every page, export and PDF, so the web and the documents never disagree. The
space before "%" is a no-break space (U+00A0): a rate never breaks over two lines.
"""

import math
from decimal import Decimal

NBSP = "\u00a0"
RATE_PLACES = 2  # units publish rates with two decimals (95,56 %)
# A rate n/d in percent, scaled to its last kept decimal, is a whole number or at least 1/d
# away from one; float error is ~1e-12 there. Adding this before cutting undoes the error and
# nothing else for any d below ten million.
_CUT_SLACK = 1e-7


def cut(value: float, places: int = RATE_PLACES) -> Decimal:
    """``value`` cut (never rounded up) to ``places`` decimals, as units publish rates:
    95.5699 -> 95.56, 99.999 -> 99.99 (one member missing never reads 100,00 %)."""
    scale = 10 ** places
    return Decimal(math.floor(float(value) * scale + _CUT_SLACK)) / scale


def cut_rate(numerator: int, denominator: int) -> float | None:
    """numerator / denominator in percent, cut to two decimals; None when nothing is due."""
    return float(cut(100 * numerator / denominator)) if denominator else None


def integer(value: int | None) -> str:
    """1234567 -> "1.234.567"; "" for None."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


def decimal(value: float | None, places: int = 1) -> str:
    """1234.5 -> "1.234,5"; "" for None."""
    if value is None:
        return ""
    text = f"{value:,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(fraction: float | None, places: int = RATE_PLACES, *, empty: str = "—") -> str:
    """0.95569 -> "95,56 %" (cut, no-break space); ``empty`` when there is no rate."""
    if fraction is None:
        return empty
    return decimal(float(cut(100 * fraction, places)), places) + NBSP + "%"


def percent_of(value: float | None, places: int = RATE_PLACES, *, empty: str = "—") -> str:
    """A value already in percent, cut: 95.0 -> "95,00 %", 99.999 -> "99,99 %"."""
    return empty if value is None else decimal(float(cut(value, places)), places) + NBSP + "%"
