"""What every document of a session says about who issues it: built from the session's
organizer unit (its ``letterhead``, ``place`` and ``symbol``, and its parent's letterhead) and
from the session's own identity (signer, recipients). Nothing here names a real committee:
a fresh install prints whatever its imported units say.

Layout (where these go on the page) is attendance/reports/document.py's.
"""

from datetime import date

from ..models import CELL, COMMITTEE, FRONT, ORGANIZATION, StudySession, Unit
from ..text import clean
from .document import Letterhead

# A committee's letterhead starts with its level; the party organisation (đảng bộ) above the
# next level down is named by the matching territory: "TỈNH ỦY X" leads
# "ĐẢNG BỘ TỈNH X", the line printed above each of its district committees.
_LEVELS = {"TỈNH ỦY": "TỈNH", "THÀNH ỦY": "THÀNH PHỐ", "THỊ ỦY": "THỊ XÃ", "HUYỆN ỦY": "HUYỆN",
           "QUẬN ỦY": "QUẬN", "ĐẢNG ỦY": ""}


def committee_line(unit: Unit) -> str:
    """The unit's own letterhead line, e.g. "THỊ ỦY X" (its name in capitals if unset)."""
    return clean(unit.letterhead) or clean(unit.name).upper()


def place_of(committee: str) -> str:
    """ "Thị ủy Đức Phổ" -> "Đức Phổ": the place a unit's name implies, for units whose place
    is not set (attendance/reports/unit_letterhead.py)."""
    for prefix in _LEVELS:
        if committee.upper().startswith(prefix + " "):
            return committee[len(prefix) + 1:]
    return ""


def party_organisation(committee: str) -> str:
    """ "Tỉnh ủy Quảng Ngãi" -> "Đảng bộ tỉnh Quảng Ngãi" (the line above the committee)."""
    for prefix, level in _LEVELS.items():
        if committee.upper().startswith(prefix + " "):
            rest = committee[len(prefix) + 1:]
            return f"Đảng bộ {level.lower()} {rest}" if level else f"Đảng bộ {rest}"
    return committee


def superior_line(parent: Unit | None) -> str:
    """The line above the issuing committee, from its parent's letterhead: a parent written as
    a committee ("TỈNH ỦY X") becomes its party organisation ("ĐẢNG BỘ TỈNH X")."""
    if parent is None:
        return ""
    text = committee_line(parent)
    for prefix, level in _LEVELS.items():
        if text.startswith(prefix + " "):
            rest = text[len(prefix) + 1:]
            return f"ĐẢNG BỘ {level} {rest}" if level else f"ĐẢNG BỘ {rest}"
    return text


def document_number(session: StudySession, kind: str) -> str:
    """ "Số      -BC/TU": the symbol is the organizer unit's (else the plan's suffix, as in
    "145-KH/TU"); the number itself is left blank, to be given when the report is signed.
    36-HD/VPTW writes "Số 145-KH/TU", without a colon."""
    unit = session.organizer_unit
    symbol = clean(unit.symbol) if unit is not None else ""
    if not symbol and "/" in session.plan_number:
        symbol = session.plan_number.split("/", 1)[1]
    return f"Số      -{kind}/{symbol}" if symbol else f"Số      -{kind}"


def default_recipients(unit: Unit | None) -> list[str]:
    """Nơi nhận as a plan usually has it: the superior committee and its propaganda board for
    their information (b/c), the units below, and the office's archive."""
    if unit is None:
        return []
    lines = []
    if unit.parent is not None:
        lines += [f"Ban Thường vụ {unit.parent.name} (b/c),",
                  f"Ban Tuyên giáo {unit.parent.name} (b/c),"]
    children = [u for u in unit.children if u.retired_at is None]
    if any(u.kind in ("committee", CELL) for u in children):
        lines.append(f"Các đảng ủy, chi bộ trực thuộc {unit.name},")
    if any(u.kind in (FRONT, ORGANIZATION) for u in children):
        lines.append("Mặt trận và các tổ chức chính trị - xã hội,")
    lines.append(f"Lưu Văn phòng {unit.name}.")
    return lines


def signature(title: str) -> tuple[str, str]:
    """ "T/M BAN THƯỜNG VỤ\\nPHÓ BÍ THƯ" -> ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"): the last line
    is the signer's title, the lines above it the body they sign for."""
    lines = [clean(line) for line in (title or "").splitlines() if clean(line)]
    if not lines:
        return "", ""
    return " ".join(lines[:-1]), lines[-1]


# Hướng dẫn 36-HD/VPTW (thể thức đề ký): a collective body signs "T/M" (thay mặt) its name, over
# the signer's function. Without a title on the session, the organizer unit's kind says which:
# a committee with a standing committee (tỉnh, thành, thị, huyện, quận ủy) signs for it, a base
# committee (đảng ủy) and a cell (chi bộ) for themselves, by their secretary.
_STANDING = ("TỈNH ỦY", "THÀNH ỦY", "THỊ ỦY", "HUYỆN ỦY", "QUẬN ỦY")


def default_signature(session: StudySession) -> tuple[str, str] | None:
    """(on behalf, title) for a session without a signer title, or None when nothing says who
    signs (a unit outside the party's committees, or no unit and no plan issuer)."""
    unit = session.organizer_unit
    if unit is None:
        issuer = clean(session.plan_issuer).upper()
        return ("T/M BAN THƯỜNG VỤ", "BÍ THƯ") if issuer.startswith("BAN THƯỜNG VỤ") else None
    if unit.kind == CELL:
        return "T/M CHI BỘ", "BÍ THƯ"
    if unit.kind != COMMITTEE:
        return None
    if committee_line(unit).startswith(_STANDING):
        return "T/M BAN THƯỜNG VỤ", "BÍ THƯ"
    return "T/M ĐẢNG ỦY", "BÍ THƯ"


def plan_issuer(session: StudySession) -> str:
    """Who issued the session's plan and holds the session, as the text names it: "Ban Thường
    vụ Thị ủy Đức Phổ" (the plan's issuer, else the organizer unit's standing committee)."""
    if clean(session.plan_issuer):
        return clean(session.plan_issuer)
    unit = session.organizer_unit
    return f"Ban Thường vụ {clean(unit.name)}" if unit is not None else ""


def letterhead_for(session: StudySession, *, on: date, kind: str = "BC") -> Letterhead:
    """The letterhead, numbering, place, signature and recipients of a report (kind "BC",
    báo cáo) of ``session``. A session without a signer title signs as its unit's kind says
    (default_signature); where nothing says it, the title stays empty and a signed document
    is refused (Letterhead.require_signature) rather than printed with a blank block."""
    unit = session.organizer_unit
    committee = clean(unit.name) if unit is not None else clean(session.plan_issuer)
    on_behalf, title = signature(session.signer_title)
    if not title:  # left empty when nothing says who signs: signed documents refuse it
        on_behalf, title = default_signature(session) or ("", "")
    recipients = [clean(line) for line in (session.recipients or "").splitlines()
                  if clean(line)] or default_recipients(unit)
    return Letterhead(
        committee=committee,
        committee_line=committee_line(unit) if unit is not None else committee.upper(),
        superior=superior_line(unit.parent) if unit is not None else "",
        number=document_number(session, kind), place=clean(unit.place) if unit else "",
        on=on, recipients=recipients, on_behalf=on_behalf, signer_title=title,
        signer_name=clean(session.signer_name), issuer=plan_issuer(session))
