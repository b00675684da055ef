"""Who issues a session's reports, derived from its organizer unit (e.g. "Thị ủy Đức Phổ").

The unit's own letterhead name, place and symbol, and the session's signer and recipients are
used when they are set; otherwise they are derived from the unit's name as before.
"""

from datetime import date

from ..models import StudySession
from .document import Letterhead

# A committee's name starts with its level; the party organisation (đảng bộ) it leads is
# named by the matching territory ("Thị ủy Đức Phổ" leads "Đảng bộ thị xã Đức Phổ").
_LEVELS = {"Tỉnh ủy": "tỉnh", "Thành ủy": "thành phố", "Thị ủy": "thị xã", "Huyện ủy": "huyện",
           "Quận ủy": "quận", "Đảng ủy": ""}


def place_of(committee: str) -> str:
    """ "Thị ủy Đức Phổ" -> "Đức Phổ" (where the document is signed)."""
    for prefix in _LEVELS:
        if committee.startswith(prefix + " "):
            return committee[len(prefix) + 1:]
    return ""


def party_organisation(committee: str) -> str:
    """ "Tỉnh ủy Quảng Ngãi" -> "Đảng bộ tỉnh Quảng Ngãi" (the line above the committee)."""
    for prefix, level in _LEVELS.items():
        if committee.startswith(prefix + " "):
            rest = committee[len(prefix) + 1:]
            return f"Đảng bộ {level} {rest}" if level else f"Đảng bộ {rest}"
    return committee


def plan_issuer(session: StudySession) -> str:
    """Who issued the session's plan and holds the session: "Ban Thường vụ Thị ủy Đức Phổ"."""
    if session.plan_issuer:
        return session.plan_issuer
    unit = session.organizer_unit
    return f"Ban Thường vụ {unit.name}" if unit else "Ban Thường vụ"


def letterhead_for(session: StudySession, *, on: date, kind: str = "BC") -> Letterhead:
    """The letterhead of a report (kind "BC", báo cáo) of ``session``'s organizer unit.

    The number keeps the symbol of the unit or of the session's plan ("145-KH/TU" -> "-BC/TU")
    and leaves the number itself blank: it is given when the report is signed. 36-HD/VPTW
    writes "Số 12-BC/TU", without a colon.
    """
    unit = session.organizer_unit
    committee = unit.name if unit else "Ban Thường vụ"
    parent = unit.parent if unit else None
    superior = party_organisation(parent.name) if parent else ""
    suffix = session.plan_number.split("/", 1)[1] if "/" in session.plan_number else "TU"
    if unit is not None and unit.symbol:
        suffix = unit.symbol
    above = parent.name if parent else "Tỉnh ủy"
    recipients = [line.strip() for line in (session.recipients or "").splitlines()
                  if line.strip()]
    letterhead = Letterhead(
        committee=(unit.letterhead if unit is not None and unit.letterhead else committee),
        superior=superior, number=f"Số      -{kind}/{suffix}",
        place=(unit.place if unit is not None and unit.place else place_of(committee)), on=on,
        recipients=recipients or [f"Ban Thường vụ {above} (b/c),",
                                  f"Ban Tuyên giáo {above} (b/c),",
                                  f"Thường trực {committee},", f"Lưu Văn phòng {committee}."],
        issuer=f"Ban Thường vụ {committee}" if unit else "Ban Thường vụ")
    if session.signer_title:
        letterhead.signer_title = session.signer_title
    if session.signer_name:
        letterhead.signer_name = session.signer_name
    return letterhead
