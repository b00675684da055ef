"""Numbers written the Vietnamese way: "1.234" (dot for thousands), "95,56 %" (comma for
decimals, a space before the sign).

One place for every page, export and PDF, so the web and the documents never disagree. The
space before "%" is a no-break space (U+00A0): a rate never breaks over two lines.
"""

NBSP = "\u00a0"
RATE_PLACES = 2  # units publish rates with two decimals (95,56 %)


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
    """0.9556 -> "95,56 %" (no-break space); ``empty`` when there is no rate."""
    if fraction is None:
        return empty
    return decimal(100 * fraction, places) + NBSP + "%"


def percent_of(value: float | None, places: int = RATE_PLACES, *, empty: str = "—") -> str:
    """A value already in percent: 95.0 -> "95,00 %"."""
    return empty if value is None else decimal(value, places) + NBSP + "%"
