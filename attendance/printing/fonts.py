"""The bundled Tinos fonts (regular, bold, italic, bold italic), registered with reportlab once.

Party documents are set in Times New Roman (Hướng dẫn 36-HD/VPTW, Phụ lục 3 shows every part in
it). Tinos has Times New Roman's metrics, so a line breaks where the clerk's Word file would,
and it has all 134 Vietnamese letters; reportlab's own fonts (and Liberation Serif 1.x, which
lacks ư and ơ) silently draw blanks instead. The files ship in static/fonts/tinos with their
licence (SIL OFL 1.1): a fresh machine needs no system font. Every PDF uses this family.
"""

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..text import clean

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts" / "tinos"
SERIF, SERIF_BOLD = "Tinos", "Tinos-Bold"
SERIF_ITALIC, SERIF_BOLD_ITALIC = "Tinos-Italic", "Tinos-BoldItalic"
_FILES = {SERIF: "Tinos-Regular.ttf", SERIF_BOLD: "Tinos-Bold.ttf",
          SERIF_ITALIC: "Tinos-Italic.ttf", SERIF_BOLD_ITALIC: "Tinos-BoldItalic.ttf"}


def register() -> None:
    """Register the fonts and their family (for <b> and <i> in paragraphs); idempotent."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    if SERIF in registered:
        return
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC,
                                  boldItalic=SERIF_BOLD_ITALIC)
    for bold, italic, name in ((0, 0, SERIF), (1, 0, SERIF_BOLD), (0, 1, SERIF_ITALIC),
                               (1, 1, SERIF_BOLD_ITALIC)):
        addMapping(SERIF, bold, italic, name)


def text(value) -> str:
    """Text as drawn: NFC (precomposed letters the font has glyphs for), single-spaced."""
    return clean(value)
