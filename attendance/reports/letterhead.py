"""Who issues a session's reports, derived from its organizer unit (e.g. "Thị ủy Đức Phổ")."""

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


def letterhead_for(session: StudySession, *, on: date, kind: str = "BC") -> Letterhead:
    """The letterhead of a report (kind "BC", báo cáo) of ``session``'s organizer unit.

    The number keeps the suffix of the session's plan ("145-KH/TU" -> "-BC/TU") and leaves the
    number itself blank: it is given when the report is signed.
    """
    unit = session.organizer_unit
    committee = unit.name if unit else "Ban Thường vụ"
    parent = unit.parent if unit else None
    superior = party_organisation(parent.name) if parent else ""
    suffix = session.plan_number.split("/", 1)[1] if "/" in session.plan_number else "TU"
    above = parent.name if parent else "Tỉnh ủy"
    return Letterhead(
        committee=committee, superior=superior, number=f"Số:       -{kind}/{suffix}",
        place=place_of(committee), on=on,
        recipients=[f"Ban Thường vụ {above} (b/c),", f"Ban Tuyên giáo {above} (b/c),",
                    f"Thường trực {committee},", f"Lưu Văn phòng {committee}."])
