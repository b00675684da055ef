"""Row ids that arrive from outside (JSON bodies, form fields)."""

MAX_ID = 2**31 - 1  # an INTEGER column: 32 bits on PostgreSQL


def row_id(value) -> int | None:
    """The value as a row id, or None when it cannot be one (not an integer, a boolean, below 1
    or beyond the column): an absurd id then reads as "no such row", never as a database
    error."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None


def is_nonce(value: str) -> bool:
    """A device's id of one scan or mark: 1 to 64 printable characters (no NUL, control or
    lone surrogate, which no database text column takes)."""
    return 0 < len(value) <= 64 and value.isprintable()
