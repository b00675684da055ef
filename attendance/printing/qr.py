"""QR codes drawn as vector squares (crisp at any print size) or as PNG for screens."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white around a code, as the standard asks


def matrix(data: str) -> list[list[bool]]:
    """The dark/light modules of ``data`` at error correction M, without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def draw(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the code of ``data`` filling the square (x, y, size) including its quiet zone.

    Each row's runs of dark modules become one rectangle: fewer operators, smaller PDF.
    """
    modules = matrix(data)
    count = len(modules)
    module = size / (count + 2 * QUIET_ZONE)
    left, top = x + QUIET_ZONE * module, y + size - QUIET_ZONE * module
    path = canvas.beginPath()
    for row_index, row in enumerate(modules):
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            path.rect(left + start * module, top - (row_index + 1) * module,
                      (column - start) * module, module)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def png(data: str, box_size: int = 10) -> bytes:
    """A PNG of the code with its quiet zone, for screens."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE,
                         box_size=box_size)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
