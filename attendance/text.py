"""Normalising Vietnamese text typed by people: names, search keys, phone numbers."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(value) -> str:
    """NFC, no control characters, single spaces, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text)
    return _SPACES.sub(" ", text).strip()


def fold(value) -> str:
    """Lower case without diacritics, for search: "Nguyễn Văn Đức" -> "nguyen van duc"."""
    text = clean(value).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.casefold()


_PHONE = re.compile(r"^(?:\+?84|0)(\d{9})$")


def normalize_phone(value) -> str | None:
    """A Vietnamese phone number as 0XXXXXXXXX, "" when empty, None when invalid."""
    text = re.sub(r"[\s.\-()]", "", clean(value))
    if not text:
        return ""
    if text.endswith(".0"):  # a number cell from Excel
        text = text[:-2]
    if len(text) == 9 and text.isdigit():  # Excel dropped the leading zero
        text = "0" + text
    match = _PHONE.match(text)
    return "0" + match.group(1) if match else None
