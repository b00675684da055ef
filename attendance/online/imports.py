"""Importing a video platform's participant report (``reports.read_report``) into the roll.

Each participant is matched to the roster by name without diacritics or case ("Nguyen Van
An" is "Nguyễn Văn An"; Zoom's original name in brackets counts too; a name with a prefix
such as "Phổ Hòa - Nguyễn Văn An" matches by its words). The preview shows every line: matched,
ambiguous (two people alike: the organizer picks one), unmatched (the organizer picks someone
or leaves it out), or not counted (stayed under the minimum share of the session, or joined
outside the check-in window). Nothing is written until every line that would count is
resolved; then all are written or none (one flush, the caller commits).

Who counts is ``rule.online_stay``'s decision; the records are written by the same arrival
statement as any check-in (``store.write_arrival``), so an import never overwrites someone
checked in at a door, and it replaces an absence. Every person recorded is audited.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import audit, permissions
from attendance.checkin import rule, store
from attendance.checkin.rule import CheckInError
from attendance.errors import DomainError, Forbidden, ValidationError
from attendance.models import Attendance, Person, StudySession, User, Venue
from attendance.online.reports import Participant, read_report
from attendance.online.suggest import Suggester
from attendance.text import clean, fold

MATCHED, AMBIGUOUS, UNMATCHED, SKIPPED = "matched", "ambiguous", "unmatched", "skipped"
NOT_COUNTED = ("too_short", "window_closed")
DEFAULT_MIN_SHARE = 0.8
MAX_NGRAM = 6  # words of the longest roster name looked for inside a platform name
# Platforms' clocks and people's last goodbyes: leaving this close to the end is not leaving early.
END_GRACE = timedelta(minutes=10)


@dataclass
class Candidate:
    id: int
    full_name: str
    venue: str


@dataclass
class Line:
    index: int
    participant: Participant
    match: str  # MATCHED, AMBIGUOUS, UNMATCHED, SKIPPED (left out by hand)
    person_id: int | None = None
    candidates: list[Candidate] = field(default_factory=list)
    outcome: str = ""  # present / late, or a NOT_COUNTED code, once matched
    chosen: bool = False  # resolved by hand
    person: Candidate | None = None  # who the line is, once matched

    @property
    def unresolved(self) -> bool:
        return self.match in (AMBIGUOUS, UNMATCHED) and self.outcome not in NOT_COUNTED


@dataclass
class Preview:
    platform: str
    min_share: float
    lines: list[Line]

    @property
    def unresolved(self) -> list[Line]:
        return [line for line in self.lines if line.unresolved]

    @property
    def ok(self) -> bool:
        return not self.unresolved

    def count(self, what: str) -> int:
        return sum(1 for line in self.lines if what in (line.match, line.outcome))


def _exact(name: str) -> str:
    return " ".join(clean(name).casefold().split())


class _Roster:
    """The session's people by folded name (and by their words, for suggestions)."""

    def __init__(self, db: Session, session: StudySession):
        venues = {v.id: v.name for v in session.venues}
        self.people: dict[int, Candidate] = {}
        self.by_exact: dict[str, list[int]] = {}  # with diacritics, case ignored
        self.by_name: dict[str, list[int]] = {}  # folded
        self._suggester: Suggester | None = None
        for pid, name, venue_id in db.execute(
                select(Person.id, Person.full_name, Person.venue_id)
                .where(Person.session_id == session.id).order_by(Person.id)):
            self.people[pid] = Candidate(pid, name, venues.get(venue_id, ""))
            words = fold(name).split()
            self.by_exact.setdefault(_exact(name), []).append(pid)
            self.by_name.setdefault(" ".join(words), []).append(pid)

    def find(self, participant: Participant) -> list[int]:
        names = (participant.name, *participant.other_names)
        for name in names:  # spelt as on the roster: "Lê Văn Ân" is not "Lê Văn An"
            hits = self.by_exact.get(_exact(name))
            if hits:
                return hits
        for name in names:
            hits = self.by_name.get(" ".join(fold(name).split()))
            if hits:
                return hits
        hits = set()  # a roster name of two words or more inside the platform's name
        for name in (participant.name, *participant.other_names):
            words = fold(name).split()
            for size in range(min(MAX_NGRAM, len(words) - 1), 1, -1):
                for start in range(len(words) - size + 1):
                    hits.update(self.by_name.get(" ".join(words[start:start + size]), []))
                if hits:
                    return sorted(hits)
        return []

    def suggest(self, participant: Participant) -> list[int]:
        """Up to three people an unmatched name may be, best first (``suggest.Suggester``)."""
        if self._suggester is None:  # built on the first unmatched line only
            self._suggester = Suggester((pid, c.full_name) for pid, c in self.people.items())
        return self._suggester.suggest((participant.name, *participant.other_names))


def _judge(session: StudySession, lines: list[Line], min_share: float) -> None:
    """The rule's word on each person matched (lines of one person added up)."""
    groups: dict[int, list[Line]] = {}
    for line in lines:
        if line.person_id is not None and line.match == MATCHED:
            groups.setdefault(line.person_id, []).append(line)
    for group in groups.values():
        seconds = sum(line.participant.seconds for line in group)
        joined = min((line.participant.joined_at for line in group
                      if line.participant.joined_at), default=session.starts_at)
        try:
            outcome = rule.online_stay(session, joined, seconds, min_share)
        except CheckInError as error:
            outcome = error.code
        for line in group:
            line.outcome = outcome
    for line in lines:
        if line.match in (AMBIGUOUS, UNMATCHED):  # not counted whoever it is?
            try:
                joined = line.participant.joined_at or session.starts_at
                rule.online_stay(session, joined, line.participant.seconds, min_share)
            except CheckInError as error:
                line.outcome = error.code


def check_share(value) -> float:
    try:
        share = float(value)
    except (TypeError, ValueError):
        raise ValidationError({"min_share": "not_a_number"}) from None
    if share > 1:
        share /= 100  # typed as a percentage: 80
    if not 0 < share <= 1:
        raise ValidationError({"min_share": "out_of_range"})
    return share


def build_preview(db: Session, session: StudySession, data: bytes, *,
                  min_share: float = DEFAULT_MIN_SHARE,
                  choices: dict[int, int | None] | None = None) -> Preview:
    """Read and match the file. ``choices``: line index -> person id picked by hand, or None
    to leave the line out. Raises ReportError for a file that cannot be read."""
    min_share = check_share(min_share)
    platform, participants = read_report(data, day=session.local_start.date(),
                                         zone=session.zone)
    roster = _Roster(db, session)
    lines = []
    for index, participant in enumerate(participants):
        hits = roster.find(participant)
        line = Line(index, participant, MATCHED if len(hits) == 1 else
                    AMBIGUOUS if hits else UNMATCHED, person_id=hits[0] if len(hits) == 1
                    else None)
        if line.match != MATCHED:
            line.candidates = [roster.people[i] for i in (hits or roster.suggest(participant))]
        if choices and index in choices:
            picked = choices[index]
            if picked is None:
                line.match, line.person_id, line.chosen = SKIPPED, None, True
            elif picked in roster.people:
                line.match, line.person_id, line.chosen = MATCHED, picked, True
            else:
                raise ValidationError({f"line_{index}": "bad_choice"})
        line.person = roster.people.get(line.person_id)
        lines.append(line)
    _judge(session, lines, min_share)
    return Preview(platform, min_share, lines)


def import_online(db: Session, *, session: StudySession, preview: Preview, now: datetime,
                  actor: User | None) -> dict[str, int]:
    """Write the preview's counted people present (or late) online: all or nothing. Returns
    {"recorded", "already", "not_counted", "skipped"}. ``actor`` None: the command line."""
    if actor is not None and not permissions.can_manage_session(actor, session):
        raise Forbidden()
    if not preview.ok:
        raise DomainError("online_unresolved", count=len(preview.unresolved))
    venues = {v.id: v for v in db.scalars(select(Venue).where(Venue.session_id == session.id))}
    people = {p.id: p for p in db.scalars(select(Person).where(Person.id.in_(
        {line.person_id for line in preview.lines if line.person_id})))}
    conn = store.connection(db)
    recorded = already = 0
    done: set[int] = set()
    end = rule.session_end(session)
    for line in preview.lines:
        if line.match != MATCHED or line.outcome in NOT_COUNTED or line.person_id in done:
            continue
        done.add(line.person_id)
        person = people[line.person_id]
        group = [other.participant for other in preview.lines
                 if other.person_id == line.person_id and other.match == MATCHED]
        joined = min((p.joined_at for p in group if p.joined_at), default=session.starts_at)
        left = max((p.left_at for p in group if p.left_at), default=None)
        row = store.attendance_row(session, person.id, venues[person.venue_id], line.outcome,
                                   "online_import", joined, actor, preview.platform,
                                   f"online-{secrets.token_hex(12)}")
        if not store.write_arrival(conn, row):
            already += 1
            continue
        recorded += 1
        record = store.record_of(conn, session.id, person.id)
        if left is not None and left < end - END_GRACE:
            db.execute(Attendance.__table__.update().where(
                Attendance.session_id == session.id, Attendance.person_id == person.id)
                .values(left_at=left))
        audit.record(db, now=now, actor=actor, action="attendance.online_import",
                     session_id=session.id, person_id=person.id, platform=preview.platform,
                     status=line.outcome, venue_id=record["venue_id"] if record else None,
                     seconds=sum(p.seconds for p in group), lines=[
                         n for p in group for n in p.lines])
    db.flush()
    counts = {"recorded": recorded, "already": already,
              "not_counted": sum(1 for line in preview.lines if line.outcome in NOT_COUNTED),
              "skipped": preview.count(SKIPPED)}
    audit.record(db, now=now, actor=actor, action="roll.online_import", session_id=session.id,
                 platform=preview.platform, min_share=preview.min_share, **counts)
    return counts
