"""The sentences every report of a session shares: the plan it carries out, what was studied,
who held it. Written as a Văn phòng writes them, from the session's own fields."""

from ..models import StudySession
from .document import cited_date
from .letterhead import plan_issuer

_SESSION_WORD = "Hội nghị "


def lower_first(value: str) -> str:
    """ "Hội nghị ..." -> "hội nghị ..." inside a sentence (document numbers keep their case)."""
    return value[:1].lower() + value[1:] if value else value


def plan_citation(session: StudySession) -> str:
    """ "Thực hiện Kế hoạch số 145-KH/TU, ngày 05-10-2023 của Ban Thường vụ Thị ủy Đức Phổ":
    the plan with its own date (never the session's) and its issuer; "" without a plan."""
    if not session.plan_number:
        return ""
    dated = f", ngày {cited_date(session.plan_date)}" if session.plan_date else ""
    return f"Thực hiện Kế hoạch số {session.plan_number}{dated} của {plan_issuer(session)}"


def studying(session: StudySession) -> str:
    """What the session did, without "Hội nghị": "nghiên cứu, học tập, quán triệt Kết luận số
    57-KL/TW của Bộ Chính trị" (so "kết quả học tập" never precedes "hội nghị học tập")."""
    title = session.title.strip()
    if title.casefold().startswith(_SESSION_WORD.casefold()):
        return title[len(_SESSION_WORD):]
    return lower_first(title)


def session_name(session: StudySession) -> str:
    """The session inside a sentence: "hội nghị nghiên cứu, học tập, quán triệt ..."."""
    return lower_first(session.title.strip())
