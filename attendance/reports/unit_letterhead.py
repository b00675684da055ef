"""The letterhead of a unit's own document (a ward's or a cell's result report), from the
unit's letterhead, place and symbol columns and its parent: "ĐẢNG BỘ THỊ XÃ ĐỨC PHỔ / ĐẢNG ỦY
PHƯỜNG PHỔ HÒA / Số …-BC/ĐU", signed on the unit's behalf and sent up to its parent."""

from datetime import date

from ..models import CELL, Unit
from ..text import clean
from .document import Letterhead
from .letterhead import committee_line, superior_line

# A unit without a symbol of its own: what its kind's documents carry.
_DEFAULT_SYMBOLS = {CELL: "CB"}


def unit_place(unit: Unit) -> str:
    """Where the unit signs: its own place, else the nearest ancestor's."""
    while unit is not None:
        if clean(unit.place):
            return clean(unit.place)
        unit = unit.parent
    return ""


def unit_letterhead(unit: Unit, *, on: date, kind: str = "BC", signer_name: str = ""
                    ) -> Letterhead:
    parent = unit.parent
    symbol = clean(unit.symbol) or _DEFAULT_SYMBOLS.get(unit.kind, "ĐU")
    body = "CHI BỘ" if unit.kind == CELL else "ĐẢNG ỦY"
    recipients = []
    if parent is not None:
        recipients += [f"Ban Thường vụ {parent.name} (b/c),", f"Ban Tuyên giáo {parent.name} (b/c),"]
    recipients.append(f"Lưu {unit.name}.")
    return Letterhead(
        committee=clean(unit.name), committee_line=committee_line(unit),
        superior=superior_line(parent), number=f"Số:       -{kind}/{symbol}",
        place=unit_place(unit), on=on, recipients=recipients, on_behalf=f"T/M {body}",
        signer_title="BÍ THƯ", signer_name=signer_name)
