"""The layout of a party document (văn bản của Đảng) with reportlab platypus.

    doc = PartyDocument(letterhead, "BÁO CÁO", "kết quả tham dự hội nghị ...")
    doc.heading("1. ..."); doc.paragraph("..."); doc.table(columns, rows); doc.rate_chart(...)
    doc.closing("Trên đây là ...")          # the last paragraph, kept with the signature
    doc.annex("DANH SÁCH", "người vắng mặt ...")   # a list attached to the report, new page
    doc.build(out)

Sizes, weights and positions follow Hướng dẫn 36-HD/VPTW (03/4/2018) of the Văn phòng Trung ương
Đảng on "thể thức và kỹ thuật trình bày văn bản của Đảng", Phụ lục 3 (Times New Roman, here its
metric twin Tinos): "ĐẢNG CỘNG SẢN VIỆT NAM" upper case 15 pt bold, top right, a solid rule of
its own length under it; the superior body upper case 14 pt, the issuing body upper case 14 pt
bold, "*" under it; "Số 145-KH/TU" 14 pt (no colon); place and date 14 pt italic, "ngày 03 tháng
4 năm 2018" (a zero before days under 10 and months 1 and 2 only); the kind of document 16 pt
bold, its summary (trích yếu) 14 pt bold with "-----" under it; body 14 pt; the signer's power
(T/M BAN THƯỜNG VỤ) and title upper case 14 pt bold, the name 14 pt bold; "Nơi nhận:" 14 pt
underlined, each recipient 12 pt; pages numbered from the second, 14 pt, top centre. Margins:
top and bottom 20 mm, left 30 mm, right 15 mm (the guide's 20-25, 30-35 and 15-20 mm).
"""

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate,
                                Spacer, Table, TableStyle)

from .. import numbers
from ..errors import DomainError
from ..printing import fonts
from ..text import clean
from .table import INT, PUBLISHED, RATE, TEXT, Column, Strong

SERIF, BOLD, ITALIC = fonts.SERIF, fonts.SERIF_BOLD, fonts.SERIF_ITALIC
PAGE_W, PAGE_H = A4
MARGINS = dict(leftMargin=30 * mm, rightMargin=15 * mm, topMargin=20 * mm, bottomMargin=20 * mm)
WIDTH = PAGE_W - MARGINS["leftMargin"] - MARGINS["rightMargin"]
CHUNK = 200  # rows per platypus table: splitting one huge table costs quadratic time
TAIL_ROWS = 4  # rows of the last table that go with the signature rather than leave it alone
HEADER_BG = colors.HexColor("#E8EDF3")
BAR = colors.HexColor("#2F5D8A")
BAR_LOW = colors.HexColor("#B3261E")


def register_fonts() -> None:
    fonts.register()


def _style(name, size=14, font=SERIF, align=TA_LEFT, leading=None, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25,
                          alignment=align, **kw)


STYLES = {
    "org": _style("org", 14, align=TA_CENTER, leading=16),
    "org_bold": _style("ob", 14, BOLD, TA_CENTER, leading=16),
    "centre": _style("c", 14, align=TA_CENTER, leading=16),
    "party": _style("p", 15, BOLD, TA_CENTER, leading=17),
    "dateline": _style("d", 14, ITALIC, TA_CENTER, leading=16),
    "title": _style("t", 16, BOLD, TA_CENTER, spaceBefore=12, leading=19),
    "subtitle": _style("st", 14, BOLD, TA_CENTER, leading=17),
    "attached": _style("at", 14, ITALIC, TA_CENTER, leading=17, spaceBefore=2),
    "body": _style("b", 14, align=TA_JUSTIFY, firstLineIndent=12.7 * mm, spaceBefore=0,
                   spaceAfter=6, leading=17.5),
    "heading": _style("h", 14, BOLD, spaceBefore=6, spaceAfter=4, leading=17.5,
                      firstLineIndent=12.7 * mm),
    "caption": _style("cap", 12, ITALIC, TA_CENTER, spaceBefore=2, spaceAfter=6),
    "cell": _style("cell", 11, leading=13),
    "cell_num": _style("cn", 11, align=TA_RIGHT, leading=13),
    "cell_head": _style("ch", 11, BOLD, TA_CENTER, leading=13),
    "cell_strong": _style("cs", 11, BOLD, leading=13),
    "cell_strong_num": _style("csn", 11, BOLD, align=TA_RIGHT, leading=13),
    "recipients_head": _style("rh", 14, leading=17),
    "recipients": _style("r", 12, leading=14),
    "sign": _style("s", 14, BOLD, TA_CENTER, leading=17),
    "invitee": _style("inv", 16, BOLD, TA_CENTER, leading=22, spaceBefore=4, spaceAfter=6),
    "addressee": _style("adr", 14, align=TA_CENTER, leading=18, spaceAfter=8),
    "fact": _style("f", 14, align=TA_JUSTIFY, leading=18, spaceAfter=4,
                   firstLineIndent=12.7 * mm),
}


# Two columns side by side without padding (letterhead, signature). Every table names the font:
# reportlab's default, Helvetica, would otherwise be listed in the PDF, not embedded.
BLOCK = TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])


@dataclass
class Letterhead:
    """The parts of the document that name who issues it, and who signs it."""

    committee: str  # the issuing committee as sentences name it, e.g. "Thị ủy X"
    superior: str = ""  # the line above it, e.g. "ĐẢNG BỘ TỈNH Y"; empty when unknown
    committee_line: str = ""  # the committee as its letterhead prints it, e.g. "THỊ ỦY X"
    number: str = "Số      -BC/TU"  # the number is filled in when the report is signed
    place: str = ""
    on: date | None = None
    recipients: list[str] = field(default_factory=list)
    on_behalf: str = "T/M BAN THƯỜNG VỤ"
    signer_title: str = "PHÓ BÍ THƯ"
    signer_name: str = ""
    # Who the document speaks for in its text ("Ban Thường vụ Thị ủy Đức Phổ"); the committee's
    # name when empty.
    issuer: str = ""

    @property
    def speaker(self) -> str:
        return self.issuer or self.committee

    def require_signature(self) -> None:
        """A signed document needs its signer's title (36-HD's thể thức đề ký): without one it
        is refused, never printed with a blank signature block."""
        if not clean(self.signer_title):
            raise DomainError("signer_missing")


def number_format(value: int) -> str:
    """1234567 -> 1.234.567 (Vietnamese thousands separator)."""
    return numbers.integer(value)


def percent_format(value: float | None) -> str:
    """0.9556 -> "95,56 %" with a no-break space; "—" when there is no rate."""
    return numbers.percent(value)


def dateline_date(on: date) -> str:
    """ "ngày 03 tháng 4 năm 2018": 36-HD puts a zero before days under 10 and months 1, 2."""
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"


def cited_date(on: date) -> str:
    """A date inside a citation as party documents write it: "05-10-2023", "15-6-2023"."""
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"{on.day:02d}-{month}-{on.year}"


def _keep_spaces(value: str) -> str:
    """Markup that keeps runs of spaces (the blank left for a document's number); single
    spaces stay breakable."""
    value = re.sub(r" {2,}", lambda m: "\ue000" * len(m.group()), value)
    return escape(fonts.text(value)).replace("\ue000", "&nbsp;")


def _p(value, style: str) -> Paragraph:
    # clean() folds every space; a no-break space (inside "95,56 %") must survive it.
    value = clean(str(value).replace(numbers.NBSP, "\ue001"))
    return Paragraph(escape(value).replace("\ue001", "&nbsp;"), STYLES[style])


class _Mark(Flowable):
    """Takes no room; records the page it lands on (to see where the signature went)."""

    def __init__(self, pages: dict, key: str):
        super().__init__()
        self.pages, self.key = pages, key
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        self.pages[self.key] = self.canv.getPageNumber()


class PartyDocument:
    def __init__(self, letterhead: Letterhead, title: str, subtitle: str, *,
                 attached_to: str = "", signed: bool = True):
        """``attached_to`` makes this an annex (danh sách kèm theo): no number, no date line,
        no signature; the note "(Kèm theo ...)" under its title. ``signed=False`` leaves the
        signature to the caller (letters that sign each page themselves)."""
        if signed and not attached_to:
            letterhead.require_signature()
        register_fonts()
        self.letterhead = letterhead
        self.title = title
        self.story: list = []
        self._pages: dict = {}  # where the _Mark flowables landed in the last rendering
        self.page_numbers = True
        self._last_table: tuple | None = None  # (story index, rows, make(rows) -> Table)
        self._closing_text: list[str] = []
        self._signed = signed and not attached_to
        self._start(title, subtitle, attached_to, numbered=not attached_to)

    def restart(self, title: str, subtitle: str = "") -> None:
        """Another document of the same letterhead from here (after a PageBreak)."""
        self._start(title, subtitle, "", numbered=True)

    def _start(self, title: str, subtitle: str, attached_to: str, *, numbered: bool) -> None:
        self.story += [self._heading_block(numbered), _p(title, "title")]
        if subtitle:  # the summary (trích yếu), which a giấy mời has not
            self.story.append(_p(subtitle, "subtitle"))
        if attached_to:
            self.story.append(Paragraph(_keep_spaces(f"({attached_to})"), STYLES["attached"]))
        if subtitle:
            self.story.append(_p("-----", "centre"))
        self.story.append(Spacer(1, 4 * mm))

    def _heading_block(self, numbered: bool) -> Table:
        lh = self.letterhead
        left = [_p(lh.superior.upper(), "org")] if lh.superior else []
        left += [_p((lh.committee_line or lh.committee).upper(), "org_bold"), _p("*", "centre")]
        right = [Paragraph("<u>ĐẢNG CỘNG SẢN VIỆT NAM</u>", STYLES["party"])]
        if numbered:
            left.append(Paragraph(_keep_spaces(lh.number), STYLES["org"]))
            when = dateline_date(lh.on or date.today())
            right += [Spacer(1, 5 * mm),
                      _p(f"{lh.place}, {when}" if lh.place else when.capitalize(), "dateline")]
        table = Table([[left, right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
        table.setStyle(BLOCK)
        return table

    def heading(self, text: str) -> None:
        self.story.append(_p(text, "heading"))

    def paragraph(self, text: str) -> None:
        self.story.append(_p(text, "body"))

    def table(self, columns: list[Column], rows: Iterable[tuple], *,
              empty: str = "Không có.") -> int:
        """A table whose header repeats on every page; returns the number of rows."""
        widths = _widths(columns)
        header = [_p(c.title, "cell_head") for c in columns]
        chunk, count = [], 0
        for values in rows:
            chunk.append(values)  # kept as values: cells are made when laid out (_LazyTable)
            count += 1
            if len(chunk) == CHUNK:
                self._add_table(header, chunk, widths, columns)
                chunk = []
        if chunk:
            self._add_table(header, chunk, widths, columns)
        elif not count:
            self.story.append(_p(empty, "body"))
        return count

    def _cells(self, columns: list[Column], values: tuple) -> list:
        strong = isinstance(values, Strong)
        cells = []
        for column, value in zip(columns, values):
            if column.kind == INT:
                text, style = numbers.integer(value), "cell_num"
            elif column.kind == RATE:
                text, style = numbers.percent(value), "cell_num"
            elif column.kind == PUBLISHED:  # already in percent, two decimals
                text, style = numbers.percent_of(value), "cell_num"
            else:
                text, style = value or "", "cell"
            if strong:
                style = "cell_strong_num" if style == "cell_num" else "cell_strong"
            cells.append(_p(text, style))
        return cells

    def _add_table(self, header: list, rows: list, widths: list[float],
                   columns: list[Column]) -> None:
        def make(values: list) -> Table:
            return _table(header, [self._cells(columns, v) for v in values], widths)
        self._last_table = (len(self.story), rows, make)
        self.story.append(_LazyTable(make, rows))

    def rate_chart(self, labels: list[str], rates: list[float | None], caption: str, *,
                   threshold: float = 0.95) -> None:
        """Horizontal bars of a rate per label (in percent), those under ``threshold`` in red."""
        values = [0 if r is None else round(100 * r, 2) for r in rates]
        bar_h = 13
        height = bar_h * len(values) + 40
        chart = HorizontalBarChart()
        chart.x, chart.y = 150, 25
        chart.width, chart.height = WIDTH - 180, bar_h * len(values)
        chart.data = [list(reversed(values))]
        chart.categoryAxis.categoryNames = [clean(label) for label in reversed(labels)]
        chart.categoryAxis.labels.fontName = SERIF
        chart.categoryAxis.labels.fontSize = 9
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = max(100, *values) if values else 100
        chart.valueAxis.valueStep = 10
        chart.valueAxis.labels.fontName = SERIF
        chart.valueAxis.labels.fontSize = 9
        chart.bars.strokeWidth = 0
        chart.bars[0].fillColor = BAR
        for index, value in enumerate(reversed(values)):
            if value < 100 * threshold:
                chart.bars[(0, index)].fillColor = BAR_LOW
        chart.barLabelFormat = lambda v: numbers.percent_of(v)
        chart.barLabels.fontName = SERIF
        chart.barLabels.fontSize = 8
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
        drawing = Drawing(WIDTH, height, initialFontName=SERIF)  # not Helvetica, even unused
        drawing.add(chart)
        drawing.add(String(chart.x + chart.width, 5, "%", fontName=SERIF, fontSize=9))
        self.story.append(KeepTogether([drawing, _p(caption, "caption")]))

    def closing(self, *paragraphs: str) -> None:
        """The last paragraphs of the text, which the signature never leaves alone."""
        self._closing_text += paragraphs

    def annex(self, title: str, subtitle: str, attached_to: str) -> None:
        """Sign the report here, then start a list attached to it on a new page."""
        self._finish()
        self.story.append(PageBreak())
        self._start(title, subtitle, f"Kèm theo {attached_to}", numbered=False)

    def _closing_block(self) -> Table:
        lh = self.letterhead
        left = [Paragraph("<u>Nơi nhận:</u>", STYLES["recipients_head"])]
        left += [_p(f"- {r}", "recipients") for r in lh.recipients]
        right = [_p(lh.on_behalf, "sign"), _p(lh.signer_title.upper(), "sign"),
                 Spacer(1, 22 * mm), _p(lh.signer_name or " ", "sign")]
        table = Table([[left, right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
        table.setStyle(BLOCK)
        return table

    def _finish(self) -> None:
        """Append the closing paragraphs and the signature block, once."""
        if not self._signed:
            return
        self._signed = False
        self._tail_at = len(self.story)
        self.story.append(_Mark(self._pages, "before"))
        self._tail = [_Mark(self._pages, "signature"),
                      *[_p(text, "body") for text in self._closing_text],
                      Spacer(1, 4 * mm), self._closing_block()]
        self.story.append(KeepTogether(self._tail))
        self._tail_table = self._last_table

    def build(self, out: BinaryIO, *, subject: str = "", progress=None) -> None:
        """``progress(total)``: a reports.progress Phase of ``total`` flowables, stepped as
        each is laid out (the first layout only; a second one, for the signature, is short)."""
        self._finish()
        story = list(self.story)
        first = self._render(story, subject, progress)
        if self._pages.get("signature", 0) > self._pages.get("before", 0) and self._tail_table:
            # The signature went to a page of its own with only the closing lines: take the
            # last rows of the table before it along (its header repeats), as a clerk would.
            story = self._with_tail_rows(story)
            first = self._render(story, subject)
        out.write(first)

    def _with_tail_rows(self, story: list) -> list:
        index, rows, make = self._tail_table
        if index != self._tail_at - 1 and not _only_text_between(story, index, self._tail_at):
            return story
        keep = min(TAIL_ROWS, max(len(rows) - 1, 1))
        head, tail = rows[:-keep], rows[-keep:]
        between = story[index + 1:self._tail_at]
        replaced = [_LazyTable(make, head)] if head else []
        group = KeepTogether([make(tail), *between, *self._tail])
        return [*story[:index], *replaced, group, *story[self._tail_at + 2:]]

    def _render(self, story: list, subject: str, progress=None) -> bytes:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(buffer, pagesize=A4, title=clean(self.title), author=clean(
            self.letterhead.committee), subject=clean(subject), initialFontName=SERIF, **MARGINS)
        if progress is not None:  # reportlab's hook, called after each flowable is drawn
            progress = progress(len(story))
            doc.afterFlowable = lambda flowable: progress.step()
        doc.build(list(story), onLaterPages=_page_number if self.page_numbers else _nothing)
        return buffer.getvalue()


def _widths(columns: list[Column]) -> list[float]:
    """Column widths in points from the relative widths, a rate column never narrower than
    "100,00 %" in bold (reportlab would break it between its letters), the room taken from the
    text columns."""
    total = sum(c.width for c in columns)
    widths = [WIDTH * c.width / total for c in columns]
    least = stringWidth(numbers.percent(1.0), BOLD, STYLES["cell_strong_num"].fontSize) + 7
    short = sum(max(0.0, least - w) for c, w in zip(columns, widths)
                if c.kind in (RATE, PUBLISHED))
    text = sum(w for c, w in zip(columns, widths) if c.kind == TEXT)
    if short and text > short:
        widths = [max(w, least) if c.kind in (RATE, PUBLISHED) else
                  w - short * w / text if c.kind == TEXT else w
                  for c, w in zip(columns, widths)]
    return widths


def _only_text_between(story: list, start: int, end: int) -> bool:
    return all(isinstance(f, Paragraph | Spacer) for f in story[start + 1:end])


def _table(header: list, rows: list, widths: list[float]) -> Table:
    table = Table([header, *rows], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SERIF),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#555555")),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


class _LazyTable(Flowable):
    """One chunk of a long table, kept as its rows' values until reportlab lays it out: a
    Paragraph per cell costs a few KB, and a national absentee list has 400,000 cells (the
    whole story made first peaked at 1.5 GB). The real table is made for its page and dropped
    once drawn or split, so about one chunk of cells exists at a time."""

    def __init__(self, make, rows: list):
        super().__init__()
        self._make, self._rows, self._real = make, rows, None

    def _table(self) -> Table:
        if self._real is None:
            self._real = self._make(self._rows)
        return self._real

    def wrap(self, available_width, available_height):
        return self._table().wrap(available_width, available_height)

    def split(self, available_width, available_height):
        parts = self._table().split(available_width, available_height)
        self._real = None
        return parts

    def drawOn(self, canvas, x, y, _sW=0):
        self._table().drawOn(canvas, x, y, _sW)
        self._real = None

    def getSpaceBefore(self):
        return self._table().getSpaceBefore()

    def getSpaceAfter(self):
        return self._table().getSpaceAfter()


def _nothing(canvas, doc) -> None:
    pass


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(SERIF, 14)
    canvas.drawCentredString(MARGINS["leftMargin"] + WIDTH / 2, PAGE_H - 12 * mm, str(doc.page))
    canvas.restoreState()
