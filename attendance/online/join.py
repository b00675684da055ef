"""A personal join link (đường dẫn tham dự trực tuyến): opened inside the check-in window, it
records its holder present online, then sends them on to the meeting.

The link reads ``/j/DJ1:<session>:<person>:<card version>:<signature>``, signed under a key of
its own (a join link cannot be used as a card at a door, nor a card as a join link); a card
reissued revokes the person's join link with it. The check-in itself is ``record_scan``'s
(method "join", so the rule decides and the attempt is logged like any other).

Whoever sends or prints links (the organizer's list, the invitation letters) is given a
``JoinLinks``: the public address the link starts with and the join key, both the web
layer's to know.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from attendance.checkin import tokens
from attendance.checkin.scan import ScanResult, record_scan
from attendance.errors import DomainError
from attendance.models import Person, StudySession, Venue

_JOIN = re.compile(r"^DJ1:(\d{1,10}):(\d{1,12}):(\d{1,6}):([A-Z2-7]{16})$")
PATH = "/j/"  # the link's route (webapp.presence): /j/<token>


@dataclass
class Joined:
    result: ScanResult
    meeting_url: str  # "" when neither the venue nor the session has one


def join_token(key: bytes, person: Person) -> str:
    return signed_token(key, person.session_id, person.id, person.card_version)


def signed_token(key: bytes, session_id: int, person_id: int, card_version: int) -> str:
    """``join_token`` from the plain ids (a print works from rows, not Person objects)."""
    payload = f"DJ1:{session_id}:{person_id}:{card_version}"
    return f"{payload}:{tokens.sign(key, payload)}"


@dataclass(frozen=True)
class JoinLinks:
    """Where a session's join links point and the key they are signed with."""

    base_url: str  # the public address, e.g. "https://diemcau.example.vn"
    key: bytes

    def url(self, session_id: int, person_id: int, card_version: int) -> str:
        token = signed_token(self.key, session_id, person_id, card_version)
        return f"{self.base_url.rstrip('/')}{PATH}{token}"


def read_join_token(key: bytes, token: str) -> tuple[int, int, int]:
    """(session id, person id, card version) of a genuine link; TokenError otherwise."""
    match = _JOIN.match(token or "")
    if not match:
        raise tokens.TokenError("malformed")
    payload = token.rsplit(":", 1)[0]
    if not secrets.compare_digest(tokens.sign(key, payload), match.group(4)):
        raise tokens.TokenError("bad_signature")
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def meeting_url(session: StudySession, venue_video_url: str) -> str:
    """The meeting a person of a venue takes part in online: the venue's own link, else the
    session's ("" when neither has one: the person is not invited online)."""
    return venue_video_url or session.video_url or ""


def open_join_link(db: Session, *, card_key: bytes, join_key: bytes, token: str,
                   now: datetime) -> tuple[StudySession, Joined]:
    """Check the link's holder in online (or say why not) and name the meeting to open."""
    session_id, person_id, version = read_join_token(join_key, token)
    person = db.get(Person, person_id)
    if person is None or person.session_id != session_id:
        raise DomainError("unknown_person")
    session = db.get(StudySession, session_id)
    venue = db.get(Venue, person.venue_id)
    url = meeting_url(session, venue.video_url if venue is not None else "")
    if version != person.card_version:
        raise tokens.TokenError("revoked")
    result = record_scan(db, key=card_key, session=session, venue=venue,
                         nonce=f"join-{secrets.token_hex(12)}", method="join", now=now,
                         actor=None, person_id=person.id)
    return session, Joined(result=result, meeting_url=url)
