"""Venue posters (A4, one page per venue): "ĐIỂM DANH", the venue and a large QR of its self
check-in link, with short instructions for the participant's own phone."""

from dataclasses import dataclass
from collections.abc import Callable
from typing import BinaryIO

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..models import StudySession, Venue
from . import fonts, qr
from .cards import committee_line, session_lines
from .layout import draw_lines, fits, wrap

RED = Color(0.72, 0.07, 0.07)
GREY = Color(0.3, 0.3, 0.3)
MARGIN = 18 * mm
QR_SIZE = 128 * mm  # with its quiet zone: scannable from a couple of metres


@dataclass(frozen=True)
class DrawnPoster:
    venue_id: int
    url: str
    page: int


def instructions(session: StudySession) -> list[str]:
    steps = ["Mở camera điện thoại (hoặc Zalo) và quét mã QR trên.",
             "Nhập họ tên và 4 số cuối điện thoại, chọn đúng tên rồi bấm “Điểm danh”."]
    if session.require_presence:
        steps.append("Nhập mã 6 ký tự đang hiện trên màn hình tại điểm cầu "
                     "(quét mã trên màn hình thì mã được điền sẵn).")
    steps.append("Chưa có tên trong danh sách? Chọn “Đăng ký dự” và điền thông tin.")
    return steps


def build_posters(out: BinaryIO, session: StudySession, venues: list[Venue],
                  url_for_venue: Callable[[Venue], str]) -> list[DrawnPoster]:
    """Write one poster page per venue to ``out``; returns the link each QR encodes."""
    fonts.register()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, initialFontName=fonts.SERIF)
    canvas.setTitle(f"Áp phích điểm danh - {fonts.text(session.title)}")
    title, when = session_lines(session)
    drawn = []
    for page, venue in enumerate(venues, start=1):
        url = url_for_venue(venue)
        _poster(canvas, session, venue, title, when, url)
        drawn.append(DrawnPoster(venue.id, url, page))
        canvas.showPage()
    if not drawn:
        canvas.showPage()
    canvas.save()
    return drawn


def _poster(canvas: Canvas, session: StudySession, venue: Venue, title: str, when: str,
            url: str) -> None:
    width, height = A4
    centre, inner = width / 2, width - 2 * MARGIN
    canvas.setFillColor(RED)
    canvas.rect(0, height - 12 * mm, width, 12 * mm, stroke=0, fill=1)
    committee = committee_line(session)
    if committee:  # who holds the session, so a participant knows the poster is genuine
        canvas.setFillColorRGB(1, 1, 1)
        canvas.setFont(fonts.SERIF_BOLD, 15)
        canvas.drawCentredString(centre, height - 8 * mm, committee)
        canvas.setFillColor(RED)
    canvas.setFont(fonts.SERIF_BOLD, 64)
    canvas.drawCentredString(centre, height - 40 * mm, "ĐIỂM DANH")
    canvas.setFillColorRGB(0, 0, 0)
    size, lines = 30.0, None
    while lines is None and size >= 22:
        lines = fits(venue.name, fonts.SERIF_BOLD, size, inner, 1)
        size -= 0.5 if lines is None else 0
    if lines is None:
        size, lines = 26, wrap(venue.name, fonts.SERIF_BOLD, 26, inner, 2, balance=True)
    y = draw_lines(canvas, lines, fonts.SERIF_BOLD, size, centre, height - 40 * mm - size - 14,
                   size * 1.2, centre=True)
    title_lines = wrap(title, fonts.SERIF, 13, inner, 3, balance=True)
    y = draw_lines(canvas, title_lines, fonts.SERIF, 13, centre, y - 4, 16, centre=True)
    canvas.setFont(fonts.SERIF_BOLD, 13)
    canvas.drawCentredString(centre, y, when)
    qr_top = y - 4 * mm
    qr.draw(canvas, url, centre - QR_SIZE / 2, qr_top - QR_SIZE, QR_SIZE)
    canvas.setFillColor(GREY)
    canvas.setFont(fonts.SERIF, 8)
    canvas.drawCentredString(centre, qr_top - QR_SIZE - 2 * mm, url)
    canvas.setFillColorRGB(0, 0, 0)
    y = qr_top - QR_SIZE - 11 * mm
    for number, step in enumerate(instructions(session), start=1):
        lines = wrap(f"{number}. {step}", fonts.SERIF, 12.5, inner, 2)
        y = draw_lines(canvas, lines, fonts.SERIF, 12.5, MARGIN, y, 15.5) - 3
