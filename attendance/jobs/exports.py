"""What an export job writes: the same builders as the direct downloads and the CLI, into a
file, reporting progress in steps as the work advances: one card, one poster, one venue's
sheet, one list row, one unit, one page laid out (reports.progress).

    write(db, job, out, key=..., url_for_venue=..., now=..., progress=callback, join=links)

The builders stream their rows (reports.lists, XLSX write-only) so memory stays bounded; the
PDF builders of reportlab keep their pages until the end, so the worker (not a web process
with a 30 s timeout) is where a province's cards are made.
"""

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import BinaryIO

from sqlalchemy.orm import Session

from ..models import Job, StudySession
from ..online.join import JoinLinks
from ..printing import chunked
from . import params as job_params

Progress = Callable[[int], None]
INVITATION_PART = 400  # letters per part: a page each


def counted(items: list, progress: Progress, *, start: int = 0, end: int = 99) -> Iterator:
    """Yield ``items`` and report the share done, scaled into [start, end], each time the
    whole percentage changes (so a 32,000-card job writes its row about 100 times)."""
    total = len(items) or 1
    last = None
    for index, item in enumerate(items):
        percent = start + (end - start) * index // total
        if percent != last:
            progress(percent)
            last = percent
        yield item


def write_cards(out: BinaryIO, session: StudySession, infos, *, key: bytes,
                part: int = chunked.PART, keep: bool = True) -> list:
    """Cards in parts of a few hundred sheets joined into one PDF (printing.chunked): memory
    stays that of one part whatever the roster. Pages are numbered through the whole file.
    Returns the cards drawn (``keep`` False: none, only the file)."""
    from dataclasses import replace

    from ..printing import cards

    pages = 0

    def build(handle, part):
        nonlocal pages
        drawn = [replace(d, page=d.page + pages)
                 for d in cards.build_cards(handle, session, part, key=key)]
        pages = drawn[-1].page if drawn else pages
        return drawn
    return chunked.write(out, infos, build, size=part, keep=keep)


def write(db: Session, job: Job, out: BinaryIO, *, key: bytes,
          url_for_venue: Callable, now: datetime, progress: Progress,
          join: JoinLinks | None = None) -> dict:
    """Write the job's file to ``out``; returns what the page says about it (counts).
    ``join``: the personal join links the invitation letters carry (None: none)."""
    session: StudySession = job.session
    what, fmt = job.what, job.format
    if fmt == "zip":
        return _per_venue(db, job, out, key=key, now=now, progress=progress, join=join)
    if what == "cards":
        from .. import jobs
        from ..printing import cards
        from ..reports.progress import Steps

        # Streamed and counted, not listed: a national roster's 960,000 cards as objects
        # (and what was drawn on each) would outweigh the part being drawn.
        total = jobs.size(db, session, "cards", job.venue_id)
        phase = Steps(progress).phase(1, 99, total)
        write_cards(out, session, phase.each(cards.stream_card_infos(
            db, session, venue_id=job.venue_id)), key=key, keep=False)
        return {"count": phase.done}
    if what == "invitations":
        return _invitations(db, job, out, key=key, now=now, progress=progress, join=join)
    if what == "posters":
        from ..printing import posters

        venues = list(session.venues)
        drawn = chunked.write(out, counted(venues, progress),
                              lambda handle, part: posters.build_posters(
                                  handle, session, part, url_for_venue), size=500)
        return {"count": len(drawn)}
    if what == "outcomes":
        from ..reports.outcomes_export import export_outcomes

        export_outcomes(db, session, fmt, out, now=now, progress=progress,
                        dialect=_dialect(job))
        return {}
    from ..reports.letterhead import letterhead_for
    from ..reports.summary_export import export

    letterhead = None
    if fmt == "pdf":
        letterhead = letterhead_for(session, on=now.astimezone(session.zone).date())
        signer = job_params(job).get("signer", "")
        if signer:  # else the session's own signer
            letterhead.signer_name = signer
    export(db, session, what, fmt, out, now=now, letterhead=letterhead, progress=progress,
           dialect=_dialect(job))
    return {}


def _dialect(job: Job) -> str:
    from ..reports.csv import DEFAULT_DIALECT

    return job_params(job).get("dialect") or DEFAULT_DIALECT  # jobs made before it: default


def _invitations(db: Session, job: Job, out: BinaryIO, *, key: bytes, now: datetime,
                 progress: Progress, join: JoinLinks | None) -> dict:
    """The signed invitation letters (giấy mời), one page each, in parts joined into one PDF
    (printing.chunked) so memory stays that of one part."""
    from ..printing import invitations

    session: StudySession = job.session
    infos = invitations.invitation_infos(db, session, venue_id=job.venue_id)
    progress(1)
    on = now.astimezone(session.zone).date()
    drawn = chunked.write(out, counted(infos, progress, start=1),
                          lambda handle, part: invitations.build_invitations(
                              handle, session, part, key=key, on=on, join=join),
                          size=INVITATION_PART)
    return {"count": len(drawn)}


def _per_venue(db: Session, job: Job, out: BinaryIO, *, key: bytes, now: datetime,
               progress: Progress, join: JoinLinks | None = None) -> dict:
    """The whole session's cards or letters as a ZIP of one PDF per venue
    (printing.per_venue), from one streamed query: memory that of one part of one venue."""
    from .. import jobs
    from ..printing import cards, invitations, per_venue
    from ..reports.progress import Steps

    session: StudySession = job.session
    phase = Steps(progress).phase(1, 99, jobs.size(db, session, job.what))
    if job.what == "cards":
        rows, make, size = cards.card_rows_by_venue(db, session), cards.CardInfo, chunked.PART

        def build(handle, part):
            return cards.build_cards(handle, session, part, key=key)
    else:
        rows, make, size = (invitations.invitation_rows_by_venue(db, session),
                            invitations.invitation_info, INVITATION_PART)
        on = now.astimezone(session.zone).date()

        def build(handle, part):
            return invitations.build_invitations(handle, session, part, key=key, on=on,
                                                 join=join)
    files = per_venue.write_zip(out, per_venue.by_venue(phase.each(rows), make), build,
                                size=size)
    return {"count": phase.done, "files": files}
