"""The letterhead of a unit's own document (a ward's or a cell's result report), from the
unit's letterhead, place and symbol columns and its parent: "ĐẢNG BỘ THỊ XÃ ĐỨC PHỔ / ĐẢNG ỦY
PHƯỜNG PHỔ HÒA / Số …-BC/ĐU", signed on the unit's behalf and sent up to its parent."""

from datetime import date

from ..models import CELL, Unit
from .document import Letterhead
from .letterhead import party_organisation, place_of

# A unit without a symbol of its own: what its kind's documents carry.
_DEFAULT_SYMBOLS = {CELL: "CB"}
# Lower-case level words left by place_of ("Đảng ủy phường Phổ Hòa" -> "phường Phổ Hòa").
_LEVEL_WORDS = ("phường ", "xã ", "thị trấn ", "thị xã ", "huyện ", "quận ", "thành phố ", "tỉnh ")


def unit_place(unit: Unit) -> str:
    if unit.place:
        return unit.place
    place = place_of(unit.name)
    for word in _LEVEL_WORDS:
        if place.startswith(word):
            return place[len(word):]
    return place or (unit_place(unit.parent) if unit.parent is not None else "")


def unit_letterhead(unit: Unit, *, on: date, kind: str = "BC", signer_name: str = ""
                    ) -> Letterhead:
    parent = unit.parent
    symbol = unit.symbol or _DEFAULT_SYMBOLS.get(unit.kind, "ĐU")
    body = "CHI BỘ" if unit.kind == CELL else "ĐẢNG ỦY"
    recipients = []
    if parent is not None:
        recipients += [f"Ban Thường vụ {parent.name} (b/c),", f"Ban Tuyên giáo {parent.name} (b/c),"]
    recipients.append(f"Lưu {unit.name}.")
    return Letterhead(
        committee=unit.letterhead or unit.name,
        superior=party_organisation(parent.name) if parent is not None else "",
        number=f"Số:       -{kind}/{symbol}", place=unit_place(unit), on=on,
        recipients=recipients, on_behalf=f"T/M {body}", signer_title="BÍ THƯ",
        signer_name=signer_name)
