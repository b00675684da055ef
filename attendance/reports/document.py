"""The layout of a party document (văn bản của Đảng) with reportlab platypus.

    doc = PartyDocument(letterhead, "BÁO CÁO", "Kết quả tham dự hội nghị ...")
    doc.heading("1. ..."); doc.paragraph("..."); doc.table(columns, rows); doc.rate_chart(...)
    doc.build(out)

Top left the committee block (superior party organisation, the issuing committee in bold,
"*", "Số: ...-BC/TU"), top right "ĐẢNG CỘNG SẢN VIỆT NAM" underlined and the place and date in
italics; the title centred and bold; tables that split across pages with their header repeated;
at the end "Nơi nhận:" bottom left and the signature block bottom right. Pages from the second
on carry their number at the top centre. Text is NFC in the bundled DejaVu Serif.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table,
                                TableStyle)

from ..printing import fonts
from ..text import clean
from .table import INT, RATE, Column, Strong

SERIF, BOLD, ITALIC = fonts.SERIF, fonts.SERIF_BOLD, "DejaVuSerif-Italic"
PAGE_W, PAGE_H = A4
MARGINS = dict(leftMargin=30 * mm, rightMargin=15 * mm, topMargin=20 * mm, bottomMargin=20 * mm)
WIDTH = PAGE_W - MARGINS["leftMargin"] - MARGINS["rightMargin"]
CHUNK = 200  # rows per platypus table: splitting one huge table costs quadratic time
HEADER_BG = colors.HexColor("#E8EDF3")
BAR = colors.HexColor("#2F5D8A")
BAR_LOW = colors.HexColor("#B3261E")


def register_fonts() -> None:
    fonts.register()
    if ITALIC not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(ITALIC, str(fonts.FONT_DIR / "DejaVuSerif-Italic.ttf")))
        pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=BOLD, italic=ITALIC,
                                      boldItalic=BOLD)


def _style(name, size=13, font=SERIF, align=TA_LEFT, leading=None, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.3,
                          alignment=align, **kw)


STYLES = {
    "org": _style("org", 12.5, align=TA_CENTER), "org_bold": _style("ob", 12.5, BOLD, TA_CENTER),
    "centre": _style("c", 13, align=TA_CENTER), "party": _style("p", 13, BOLD, TA_CENTER),
    "dateline": _style("d", 13, ITALIC, TA_CENTER),
    "title": _style("t", 15, BOLD, TA_CENTER, spaceBefore=10),
    "subtitle": _style("st", 13, BOLD, TA_CENTER),
    "body": _style("b", 13, align=TA_JUSTIFY, firstLineIndent=10 * mm, spaceBefore=3,
                   spaceAfter=4),
    "heading": _style("h", 13, BOLD, spaceBefore=8, spaceAfter=4),
    "caption": _style("cap", 11, ITALIC, TA_CENTER, spaceBefore=2, spaceAfter=6),
    "cell": _style("cell", 9.5, leading=11.5),
    "cell_num": _style("cn", 9.5, align=2, leading=11.5),
    "cell_head": _style("ch", 9, BOLD, TA_CENTER, leading=11),
    "cell_strong": _style("cs", 9.5, BOLD, leading=11.5),
    "cell_strong_num": _style("csn", 9.5, BOLD, align=2, leading=11.5),
    "recipients_head": _style("rh", 12, BOLD, leading=14),
    "recipients": _style("r", 11, leading=13.5),
    "sign": _style("s", 13, BOLD, TA_CENTER, leading=16),
}


@dataclass
class Letterhead:
    """The parts of the document that name who issues it, and who signs it."""

    committee: str  # the issuing committee as sentences name it, e.g. "Thị ủy X"
    superior: str = ""  # the line above it, e.g. "ĐẢNG BỘ TỈNH Y"; empty when unknown
    committee_line: str = ""  # the committee as its letterhead prints it, e.g. "THỊ ỦY X"
    number: str = "Số:       -BC/TU"  # the number is filled in when the report is signed
    place: str = ""
    on: date | None = None
    recipients: list[str] = field(default_factory=list)
    on_behalf: str = "T/M BAN THƯỜNG VỤ"
    signer_title: str = "PHÓ BÍ THƯ"
    signer_name: str = ""


def number_format(value: int) -> str:
    """1234567 -> 1.234.567 (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def percent_format(value: float | None) -> str:
    """0.975 -> 97,5% (Vietnamese decimal comma); "—" when there is no rate."""
    return "—" if value is None else f"{100 * value:.1f}".replace(".", ",") + "%"


def _keep_spaces(value: str) -> str:
    """Markup that keeps runs of spaces (the blank left for a document's number)."""
    return escape(fonts.text(value.replace(" ", "\ue000"))).replace("\ue000", "&nbsp;")


def _p(value, style: str) -> Paragraph:
    return Paragraph(escape(clean(value)), STYLES[style])


class PartyDocument:
    def __init__(self, letterhead: Letterhead, title: str, subtitle: str):
        register_fonts()
        self.letterhead = letterhead
        self.title = title
        self.story = [self._heading_block(), _p(title, "title"), _p(subtitle, "subtitle"),
                      _p("-----", "centre"), Spacer(1, 4 * mm)]

    def _heading_block(self) -> Table:
        lh = self.letterhead
        left = [_p(lh.superior.upper(), "org")] if lh.superior else []
        left += [_p((lh.committee_line or lh.committee).upper(), "org_bold"), _p("*", "centre"),
                 Paragraph(_keep_spaces(lh.number), STYLES["org"])]
        when = lh.on or date.today()
        dateline = (f"{lh.place}, ngày {when.day:02d} tháng {when.month:02d} năm {when.year}"
                    if lh.place else f"ngày {when.day:02d} tháng {when.month:02d} năm {when.year}")
        right = [Paragraph("<u>ĐẢNG CỘNG SẢN VIỆT NAM</u>", STYLES["party"]),
                 Spacer(1, 5 * mm), _p(dateline, "dateline")]
        table = Table([[left, right]], colWidths=[WIDTH * 0.42, WIDTH * 0.58])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        return table

    def heading(self, text: str) -> None:
        self.story.append(_p(text, "heading"))

    def paragraph(self, text: str) -> None:
        self.story.append(_p(text, "body"))

    def table(self, columns: list[Column], rows: Iterable[tuple], *,
              empty: str = "Không có.") -> int:
        """A table whose header repeats on every page; returns the number of rows."""
        total = sum(c.width for c in columns)
        widths = [WIDTH * c.width / total for c in columns]
        header = [_p(c.title, "cell_head") for c in columns]
        chunk, count = [], 0
        for values in rows:
            chunk.append(self._cells(columns, values))
            count += 1
            if len(chunk) == CHUNK:
                self._add_table(header, chunk, widths)
                chunk = []
        if chunk or not count:
            if not count:
                self.story.append(_p(empty, "body"))
            else:
                self._add_table(header, chunk, widths)
        return count

    def _cells(self, columns: list[Column], values: tuple) -> list:
        strong = isinstance(values, Strong)
        cells = []
        for column, value in zip(columns, values):
            if column.kind == INT:
                text, style = ("" if value is None else number_format(value)), "cell_num"
            elif column.kind == RATE:
                text, style = percent_format(value), "cell_num"
            else:
                text, style = value or "", "cell"
            if strong:
                style = "cell_strong_num" if style == "cell_num" else "cell_strong"
            cells.append(_p(text, style))
        return cells

    def _add_table(self, header: list, rows: list, widths: list[float]) -> None:
        table = Table([header, *rows], colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#555555")),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]))
        self.story.append(table)

    def rate_chart(self, labels: list[str], rates: list[float | None], caption: str, *,
                   threshold: float = 0.95) -> None:
        """Horizontal bars of a rate per label (in percent), those under ``threshold`` in red."""
        values = [0 if r is None else round(100 * r, 1) for r in rates]
        bar_h = 13
        height = bar_h * len(values) + 40
        chart = HorizontalBarChart()
        chart.x, chart.y = 150, 25
        chart.width, chart.height = WIDTH - 175, bar_h * len(values)
        chart.data = [list(reversed(values))]
        chart.categoryAxis.categoryNames = [clean(label) for label in reversed(labels)]
        chart.categoryAxis.labels.fontName = SERIF
        chart.categoryAxis.labels.fontSize = 8
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = max(100, *values) if values else 100
        chart.valueAxis.valueStep = 10
        chart.valueAxis.labels.fontName = SERIF
        chart.valueAxis.labels.fontSize = 8
        chart.bars.strokeWidth = 0
        chart.bars[0].fillColor = BAR
        for index, value in enumerate(reversed(values)):
            if value < 100 * threshold:
                chart.bars[(0, index)].fillColor = BAR_LOW
        chart.barLabelFormat = lambda v: f"{v:.1f}".replace(".", ",") + "%"
        chart.barLabels.fontName = SERIF
        chart.barLabels.fontSize = 7
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 2
        drawing = Drawing(WIDTH, height)
        drawing.add(chart)
        drawing.add(String(chart.x + chart.width, 5, "%", fontName=SERIF, fontSize=8))
        self.story.append(KeepTogether([drawing, _p(caption, "caption")]))

    def _closing_block(self) -> Table:
        lh = self.letterhead
        left = [Paragraph("<u>Nơi nhận:</u>", STYLES["recipients_head"])]
        left += [_p(f"- {r}", "recipients") for r in lh.recipients]
        right = [_p(lh.on_behalf, "sign"), _p(lh.signer_title, "sign"), Spacer(1, 24 * mm),
                 _p(lh.signer_name or " ", "sign")]
        table = Table([[left, right]], colWidths=[WIDTH * 0.5, WIDTH * 0.5])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        return table

    def build(self, out: BinaryIO, *, subject: str = "") -> None:
        self.story += [Spacer(1, 6 * mm), KeepTogether(self._closing_block())]
        doc = SimpleDocTemplate(out, pagesize=A4, title=clean(self.title), author=clean(
            self.letterhead.committee), subject=clean(subject), **MARGINS)
        doc.build(self.story, onLaterPages=_page_number)


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(SERIF, 12)
    canvas.drawCentredString(MARGINS["leftMargin"] + WIDTH / 2, PAGE_H - 12 * mm, str(doc.page))
    canvas.restoreState()
