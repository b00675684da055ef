"""Values as spreadsheets receive them: text from users can never become a formula.

Excel, LibreOffice and Google Sheets evaluate a cell typed as ``=...``, and CSV importers also
``+ - @`` and a leading tab or carriage return (CSV/formula injection, OWASP). A name or an
absence reason typed by a person is therefore always written as text.
"""

import re
import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and so XLSX) cannot hold, except tab, newline and carriage return.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value) -> str:
    """NFC text without characters a spreadsheet cannot store."""
    if value is None:
        return ""
    return _ILLEGAL.sub("", unicodedata.normalize("NFC", str(value)))


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def csv_text(value) -> str:
    """Text for a CSV cell: a leading ' keeps a formula-like value inert (and visible)."""
    value = text(value)
    return "'" + value if looks_like_formula(value) else value
