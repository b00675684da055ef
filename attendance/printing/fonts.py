"""The bundled DejaVu fonts, registered with reportlab once.

reportlab's own fonts lack most Vietnamese letters (ư, ầ, ộ ...) and silently draw blanks, so
every printed page uses DejaVu, shipped in static/fonts/dejavu with its licence: a fresh machine
needs no system font.
"""

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..text import clean

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts" / "dejavu"
SANS, SANS_BOLD = "DejaVuSans", "DejaVuSans-Bold"
SERIF, SERIF_BOLD = "DejaVuSerif", "DejaVuSerif-Bold"
_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf",
          SERIF: "DejaVuSerif.ttf", SERIF_BOLD: "DejaVuSerif-Bold.ttf"}


def register() -> None:
    """Register the fonts with reportlab (idempotent)."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


def text(value) -> str:
    """Text as drawn: NFC (precomposed letters the font has glyphs for), single-spaced."""
    return clean(value)
