"""Progress of a long report, in steps as its work advances (a background job's progress bar).

A report's builder is given ``progress(percent)`` (or None: nothing is reported) and cuts its
work into phases, each a share of 0-99: the aggregate, then the rows it writes (one venue's
sheet, one list row), then reportlab's layout of the pages. ``Steps`` turns "n of total done"
into whole percentages, reported only when the figure changes and never backwards (a PDF laid
out twice must not send the bar back).
"""

from collections.abc import Callable, Iterable, Iterator

Progress = Callable[[int], None]


class Steps:
    def __init__(self, progress: Progress | None):
        self._progress = progress
        self._last = -1

    @property
    def silent(self) -> bool:
        """Nobody watches: a builder may skip work done only to count its steps."""
        return self._progress is None

    def at(self, percent: float) -> None:
        """Report ``percent`` (0-99) if it is further than what was reported."""
        percent = int(min(max(percent, 0), 99))
        if self._progress is not None and percent > self._last:
            self._last = percent
            self._progress(percent)

    def phase(self, start: float, end: float, total: int) -> "Phase":
        """A phase of ``total`` steps spanning [start, end] of the bar."""
        return Phase(self, start, end, max(total, 1))


class Phase:
    def __init__(self, steps: Steps, start: float, end: float, total: int):
        self._steps, self._start, self._end, self._total = steps, start, end, total
        self.done = 0
        steps.at(start)

    def step(self, count: int = 1) -> None:
        self.done += count
        share = min(self.done, self._total) / self._total
        self._steps.at(self._start + (self._end - self._start) * share)

    def each(self, items: Iterable) -> Iterator:
        """Yield ``items``, one step each (after the item's work: when the next is asked)."""
        for item in items:
            yield item
            self.step()
        self.finish()  # fewer items than counted (or none): the phase is done all the same

    def finish(self) -> None:
        self._steps.at(self._end)
