"""Long PDFs in bounded memory: reportlab keeps every page of a canvas until it saves, so a
province's 4,000 pages of cards held ~1 GB. Here the pages are made in parts of a few hundred
pages, each saved to a temporary file at once, and the parts are joined with qpdf (pikepdf),
which copies their page streams from disk to the output without decoding them."""

import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import pikepdf

PART = 1600  # items per part: 200 sheets of 8 cards


def parts(items: Iterable, size: int = PART) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write(out: BinaryIO, items: Iterable, build: Callable[[BinaryIO, list], list], *,
          size: int = PART, keep: bool = True) -> list:
    """``build(file, part)`` writes one part's PDF and returns what it drew; the parts are
    joined into ``out`` in order. Returns everything drawn (``keep`` False: nothing, for a
    national print whose 960,000 drawn cards would outweigh the part being drawn). One part
    is written directly."""
    drawn: list = []
    with tempfile.TemporaryDirectory(prefix="diemcau-pdf-") as tmp:
        paths = []
        for index, part in enumerate(parts(items, size)):
            path = Path(tmp) / f"{index:05d}.pdf"
            with open(path, "wb") as handle:
                made = build(handle, part)
            if keep:
                drawn.extend(made)
            paths.append(path)
        if len(paths) <= 1:
            if not paths:  # nothing to draw: the builder's own "nothing here" page
                drawn.extend(build(out, []))
            else:
                out.write(paths[0].read_bytes())
            return drawn
        joined = pikepdf.new()
        sources = [pikepdf.open(path) for path in paths]
        try:
            for source in sources:
                joined.pages.extend(source.pages)
            if "/Info" in sources[0].trailer:  # the title the builder gave the document
                joined.trailer.Info = joined.copy_foreign(sources[0].trailer.Info)
            joined.save(out, compress_streams=True)
        finally:
            for source in sources:
                source.close()
    return drawn
