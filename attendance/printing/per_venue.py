"""A whole session's cards or invitation letters as a ZIP of one PDF per venue, named by the
venue: a national session (7,400 bridge points, 960,000 people) prints at its points, and one
PDF of a million cards is neither something a point can use nor bounded in time.

    groups = by_venue(rows, CardInfo)          # rows: (venue_id, *fields) in venue order
    count = write_zip(out, groups, build, size=chunked.PART)

The rows come from one streamed query in print order (venue first), cut where the venue
changes; each venue's PDF is written in parts (printing.chunked) straight into its member of
the archive, so memory is that of one part whatever the session. Venues with nobody to print
have no file.
"""

import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, groupby
from operator import itemgetter
from typing import BinaryIO

from . import chunked

NAME_LENGTH = 60  # of the venue's part of a file name


def by_venue(rows: Iterable[tuple], make: Callable) -> Iterator[tuple[str, Iterator]]:
    """``rows`` of (venue_id, *fields), grouped by venue as they come: (the venue's name, its
    items ``make(*fields)``), the name read from the first item's ``venue``. Each group is
    to be used up before the next is asked (the rows are read once)."""
    for _, group in groupby(rows, key=itemgetter(0)):
        first = make(*next(group)[1:])
        yield first.venue, chain([first], (make(*row[1:]) for row in group))


def member_name(number: int, venue: str) -> str:
    """"0001-diem-cau-so-0001.pdf": numbered in print order (two venues may share a name),
    the name without diacritics so every unzip tool shows it the same."""
    plain = unicodedata.normalize("NFKD", venue.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:NAME_LENGTH].strip("-")
    return f"{number:04d}-{slug or 'dia-diem'}.pdf"


def write_zip(out: BinaryIO, groups: Iterable[tuple[str, Iterable]],
              build: Callable[[BinaryIO, list], list], *, size: int = chunked.PART,
              empty: str = "0000-khong-co-ai.pdf") -> int:
    """One PDF per group into the ZIP ``out`` (``build(file, part)`` as printing.chunked's);
    returns the number of PDFs. No group at all: one PDF, ``empty``, with the builder's own
    "nothing here" page. PDFs are compressed already: stored, not deflated again."""
    files = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for venue, items in groups:
            files += 1
            with archive.open(member_name(files, venue), "w", force_zip64=True) as member:
                chunked.write(member, items, build, size=size, keep=False)
        if not files:
            with archive.open(empty, "w") as member:
                chunked.write(member, [], build, size=size, keep=False)
    return files
