"""Delegate cards (thẻ đại biểu): A4 sheets of 2 x 4 cards with cut marks.

A card is not an invitation: the signed letter (giấy mời) is attendance.printing.invitations.
Each card carries the organizing committee, the session, the holder and the QR of their signed
card token; the holder's position and category are printed once when one repeats the other. The builder
works from plain rows (one query, no ORM objects) and draws QR codes as vector squares, so a
roster of about 1,000 people prints in a couple of seconds.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.checkin import tokens

from ..models import Category, Person, StudySession, Venue
from ..reports.lists import stream
from . import fonts, qr
from .layout import draw_lines, fit, fits, wrap

COLUMNS, ROWS = 2, 4
CARD_W, CARD_H = 95 * mm, 70 * mm
MARGIN_X = (A4[0] - COLUMNS * CARD_W) / 2
MARGIN_Y = (A4[1] - ROWS * CARD_H) / 2
PAD = 4.5 * mm
QR_BOX = 40 * mm  # with its quiet zone; the code itself is about 3 cm wide
CUT_MARK = 4 * mm
RED = Color(0.72, 0.07, 0.07)
GREY = Color(0.35, 0.35, 0.35)
GUIDE = Color(0.82, 0.82, 0.82)


@dataclass(frozen=True)
class CardInfo:
    """What one card shows about its holder."""

    person_id: int
    full_name: str
    position: str
    category: str
    venue: str
    card_version: int


CARD_COLUMNS = (Person.id, Person.full_name, Person.position, Category.name, Venue.name,
                Person.card_version)  # a CardInfo's fields


@dataclass(frozen=True)
class DrawnCard:
    """Where a card's QR went and what it encodes (for checks and tests)."""

    person_id: int
    token: str
    page: int  # 1-based
    qr_x: float  # the QR box (quiet zone included), points from the page's bottom left
    qr_y: float
    qr_size: float


def card_infos(db: Session, session: StudySession, *, venue_id: int | None = None,
               person_id: int | None = None) -> list[CardInfo]:
    """The named people of a session (headcount-only categories have no cards), in print order:
    venue, category, name."""
    return [CardInfo(*row) for row in db.execute(_card_query(session, venue_id, person_id))]


def stream_card_infos(db: Session, session: StudySession, *,
                      venue_id: int | None = None) -> Iterator[CardInfo]:
    """The same, fetched a few thousand at a time (a server-side cursor on PostgreSQL): a
    national roster is 960,000 cards, more than the part of them being drawn."""
    return (CardInfo(*row) for row in stream(db, _card_query(session, venue_id, None)))


def card_rows_by_venue(db: Session, session: StudySession) -> Iterator[tuple]:
    """The same cards as rows (venue_id, *CardInfo fields), streamed: a whole session cut
    into one file per venue (printing.per_venue)."""
    return stream(db, card_people(session, Venue.id, *CARD_COLUMNS))


def _card_query(session: StudySession, venue_id: int | None, person_id: int | None):
    query = card_people(session, *CARD_COLUMNS, venue_id=venue_id)
    if person_id is not None:
        query = query.where(Person.id == person_id)
    return query


def card_people(session: StudySession, *columns, venue_id: int | None = None):
    """These columns of the named people of a session (headcount-only categories have no
    cards), in the order cards and invitation letters are printed: venue, category, name."""
    query = (
        select(*columns)
        .join(Category, Category.id == Person.category_id)
        .join(Venue, Venue.id == Person.venue_id)
        .where(Person.session_id == session.id, Category.headcount_only.is_(False))
        .order_by(Venue.position, Venue.id, Category.position, Category.id,
                  Person.search_name, Person.id))
    if venue_id is not None:
        query = query.where(Person.venue_id == venue_id)
    return query


def session_lines(session: StudySession) -> tuple[str, str]:
    """The session's title and its local start "HH:MM ngày dd/mm/yyyy"."""
    start = session.local_start
    return fonts.text(session.title), f"{start:%H:%M} ngày {start:%d/%m/%Y}"


def build_cards(out: BinaryIO, session: StudySession, cards: Iterable[CardInfo], *,
                key: bytes) -> list[DrawnCard]:
    """Write the PDF of ``cards`` to ``out``; returns what each card's QR encodes."""
    fonts.register()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, initialFontName=fonts.SERIF)
    canvas.setTitle(f"Thẻ đại biểu - {fonts.text(session.title)}")
    title, when = session_lines(session)
    committee = committee_line(session)
    # The session header is the same on every card: wrap it once.
    title_lines = wrap(title, fonts.SERIF_BOLD, 9, CARD_W - 2 * PAD, 2)
    drawn: list[DrawnCard] = []
    page, slot = 1, 0
    for card in cards:
        if slot == COLUMNS * ROWS:
            canvas.showPage()
            page, slot = page + 1, 0
        if slot == 0:
            _cut_marks(canvas)
        column, row = slot % COLUMNS, slot // COLUMNS
        x, top = MARGIN_X + column * CARD_W, A4[1] - MARGIN_Y - row * CARD_H
        token = tokens.card_token(key, session.id, card.person_id, card.card_version)
        qr_x, qr_y = x + CARD_W - PAD - QR_BOX + 2 * mm, top - CARD_H + PAD - 2 * mm
        _card(canvas, card, x, top, title_lines, when, committee)
        qr.draw(canvas, token, qr_x, qr_y, QR_BOX)
        drawn.append(DrawnCard(card.person_id, token, page, qr_x, qr_y, QR_BOX))
        slot += 1
    if not drawn:
        canvas.setFont(fonts.SERIF, 12)
        canvas.drawString(MARGIN_X, A4[1] - MARGIN_Y, "Không có đại biểu nào cần in thẻ.")
    canvas.showPage()
    canvas.save()
    return drawn


def committee_line(session: StudySession) -> str:
    """The organizing committee as its letterhead writes it: "THỊ ỦY ĐỨC PHỔ"."""
    unit = session.organizer_unit
    if unit is None:
        return ""
    return fonts.text(unit.letterhead or unit.name).upper()


def card_lines(position: str, category: str) -> list[str]:
    """The holder's position, then their category unless one already says the other
    ("Thường trực Thị ủy" as both position and category is printed once)."""
    position, category = fonts.text(position), fonts.text(category)
    if not position:
        return [category] if category else []
    if not category or category.casefold() in position.casefold() \
            or position.casefold() in category.casefold():
        return [position]
    return [position, category]


def _card(canvas: Canvas, card: CardInfo, x: float, top: float, title_lines: list[str],
          when: str, committee: str) -> None:
    inner = CARD_W - 2 * PAD
    left, y = x + PAD, top - PAD - 7
    canvas.setFont(fonts.SERIF, 8)
    if committee:
        canvas.drawString(left, y, committee)
    canvas.setFillColor(RED)
    canvas.setFont(fonts.SERIF_BOLD, 10)
    canvas.drawRightString(left + inner, y, "THẺ ĐẠI BIỂU")
    canvas.setFillColorRGB(0, 0, 0)
    y = draw_lines(canvas, title_lines, fonts.SERIF_BOLD, 9, left, y - 12, 10.5)
    canvas.setFont(fonts.SERIF, 9)
    canvas.drawString(left, y, when)
    y -= 5
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(0.8)
    canvas.line(left, y, left + inner, y)

    width = inner - QR_BOX + 3 * mm  # the QR's quiet zone is white: text may come close
    # The name on one line when it fits at a readable size, else on two.
    size, lines = 15.0, None
    while lines is None and size >= 11.5:
        lines = fits(card.full_name, fonts.SERIF_BOLD, size, width, 1)
        size -= 0.5 if lines is None else 0
    if lines is None:
        size, lines = fit(card.full_name, fonts.SERIF_BOLD, 14, 9, width, 2)
    y = draw_lines(canvas, lines, fonts.SERIF_BOLD, size, left, y - size - 4, size * 1.2)
    lines = card_lines(card.position, card.category)
    if lines:
        y = draw_lines(canvas, wrap(lines[0], fonts.SERIF, 9.5, width, 3), fonts.SERIF, 9.5,
                       left, y - 1, 11)
    if len(lines) > 1:
        canvas.setFillColor(GREY)
        draw_lines(canvas, wrap(lines[1], fonts.SERIF_ITALIC, 8.5, width, 2),
                   fonts.SERIF_ITALIC, 8.5, left, y - 1, 10)
    venue_lines = wrap(card.venue, fonts.SERIF_BOLD, 9, width, 2)
    bottom = top - CARD_H + PAD + 2
    canvas.setFont(fonts.SERIF, 7.5)
    canvas.drawString(left, bottom, "Xuất trình mã QR khi vào điểm danh")
    canvas.setFillColorRGB(0, 0, 0)
    draw_lines(canvas, venue_lines, fonts.SERIF_BOLD, 9, left, bottom + 11 * len(venue_lines),
               11)


def _cut_marks(canvas: Canvas) -> None:
    """Marks in the page margins where the guillotine cuts, and faint guides between cards."""
    canvas.saveState()
    canvas.setLineWidth(0.3)
    right, top = MARGIN_X + COLUMNS * CARD_W, A4[1] - MARGIN_Y
    bottom = top - ROWS * CARD_H
    canvas.setStrokeColor(GUIDE)
    canvas.setDash(1, 2)
    for column in range(COLUMNS + 1):
        x = MARGIN_X + column * CARD_W
        canvas.line(x, bottom, x, top)
    for row in range(ROWS + 1):
        y = top - row * CARD_H
        canvas.line(MARGIN_X, y, right, y)
    canvas.setDash()
    canvas.setStrokeColorRGB(0, 0, 0)
    for column in range(COLUMNS + 1):
        x = MARGIN_X + column * CARD_W
        canvas.line(x, top + 1 * mm, x, top + 1 * mm + CUT_MARK)
        canvas.line(x, bottom - 1 * mm, x, bottom - 1 * mm - CUT_MARK)
    for row in range(ROWS + 1):
        y = top - row * CARD_H
        canvas.line(MARGIN_X - 1 * mm, y, MARGIN_X - 1 * mm - CUT_MARK, y)
        canvas.line(right + 1 * mm, y, right + 1 * mm + CUT_MARK, y)
    canvas.restoreState()
