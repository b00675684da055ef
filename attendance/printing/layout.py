"""Small text-layout helpers shared by cards and posters (reportlab canvas, points)."""

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from .fonts import text


def wrap(value, font: str, size: float, width: float, max_lines: int, *,
         balance: bool = False) -> list[str]:
    """Lines of ``value`` that fit ``width``; the last kept line ends in "…" when cut.

    ``balance`` narrows the lines as long as that needs no extra line, so a centred title does
    not end in one orphan word.
    """
    lines = simpleSplit(text(value), font, size, width)
    if balance and len(lines) > 1:
        narrower = width
        while narrower > width / 2:
            narrower -= size
            candidate = simpleSplit(text(value), font, size, narrower)
            if len(candidate) > len(lines):
                break
            lines = candidate
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1] + "…"
    while stringWidth(last, font, size) > width and len(last) > 1:
        last = last[:-2].rstrip() + "…"
    kept[-1] = last
    return kept


def fits(value, font: str, size: float, width: float, max_lines: int) -> list[str] | None:
    """The lines of ``value`` at ``size`` when they fit ``width`` in ``max_lines``, else None."""
    lines = simpleSplit(text(value), font, size, width)
    if len(lines) <= max_lines and all(stringWidth(line, font, size) <= width
                                       for line in lines):
        return lines
    return None


def fit(value, font: str, size: float, smallest: float, width: float,
        max_lines: int) -> tuple[float, list[str]]:
    """The largest size from ``size`` down to ``smallest`` at which ``value`` fits unbroken;
    at ``smallest`` it is cut with "…" when it still does not."""
    while size > smallest:
        lines = fits(value, font, size, width, max_lines)
        if lines is not None:
            return size, lines
        size -= 0.5
    return smallest, wrap(value, font, smallest, width, max_lines)


def draw_lines(canvas: Canvas, lines: list[str], font: str, size: float, x: float, y: float,
               leading: float, *, centre: bool = False) -> float:
    """Draw lines downwards from baseline ``y``; returns the baseline after the last line."""
    canvas.setFont(font, size)
    for line in lines:
        if centre:
            canvas.drawCentredString(x, y, line)
        else:
            canvas.drawString(x, y, line)
        y -= leading
    return y
