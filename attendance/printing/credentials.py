"""The credentials sheet of a session's coordinators (danh sách tài khoản điểm cầu): one line
per bridge point with its coordinator's username and the QR of a one-time sign-in link that
makes them choose their own password. No password is printed."""

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..models import StudySession
from . import fonts, qr
from .cards import session_lines
from .layout import draw_lines, wrap

MARGIN = 15 * mm
ROW_H = 38 * mm
QR_SIZE = 32 * mm
GREY = Color(0.35, 0.35, 0.35)


@dataclass(frozen=True)
class CredentialLine:
    point: str  # the bridge point's name
    unit: str
    full_name: str
    username: str
    url: str  # the one-time sign-in link the QR encodes
    new: bool  # a new account; else the unit's account of earlier sessions


def build_credentials(out: BinaryIO, session: StudySession, lines: list[CredentialLine], *,
                      expires: datetime) -> None:
    fonts.register()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Tài khoản điểm cầu - {fonts.text(session.title)}")
    width, height = A4
    title, when = session_lines(session)
    expiry = expires.astimezone(session.zone).strftime("%H:%M ngày %d/%m/%Y")
    y = _header(canvas, title, when, expiry, width, height)
    for line in lines:
        if y - ROW_H < MARGIN:
            canvas.showPage()
            y = height - MARGIN
        _row(canvas, line, y, width)
        y -= ROW_H
    canvas.showPage()
    canvas.save()


def _header(canvas: Canvas, title: str, when: str, expiry: str, width: float,
            height: float) -> float:
    inner = width - 2 * MARGIN
    canvas.setFont(fonts.SERIF_BOLD, 14)
    canvas.drawCentredString(width / 2, height - MARGIN - 4, "TÀI KHOẢN PHỤ TRÁCH ĐIỂM CẦU")
    y = draw_lines(canvas, wrap(title, fonts.SERIF, 10.5, inner, 2, balance=True), fonts.SERIF,
                   10.5, width / 2, height - MARGIN - 22, 13, centre=True)
    canvas.setFont(fonts.SERIF, 10.5)
    canvas.drawCentredString(width / 2, y, when)
    note = ("Mỗi người quét mã QR của mình bằng điện thoại, đặt mật khẩu riêng rồi đăng nhập "
            f"bằng tên đăng nhập bên cạnh. Mỗi mã chỉ dùng được một lần, hết hạn lúc {expiry}. "
            "Giữ tờ này kín như mật khẩu cho đến khi giao tận tay.")
    canvas.setFillColor(GREY)
    y = draw_lines(canvas, wrap(note, fonts.SERIF, 9, inner, 3), fonts.SERIF, 9, MARGIN,
                   y - 16, 11.5)
    canvas.setFillColorRGB(0, 0, 0)
    return y - 6


def _row(canvas: Canvas, line: CredentialLine, top: float, width: float) -> None:
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, top, width - MARGIN, top)
    qr.draw(canvas, line.url, MARGIN, top - QR_SIZE - 3 * mm, QR_SIZE)
    x = MARGIN + QR_SIZE + 6 * mm
    inner = width - MARGIN - x
    y = draw_lines(canvas, wrap(line.point, fonts.SERIF_BOLD, 12, inner, 2), fonts.SERIF_BOLD, 12,
                   x, top - 6 * mm, 14)
    facts = [f"Đơn vị: {line.unit}" if line.unit else "", f"Người phụ trách: {line.full_name}",
             f"Tên đăng nhập: {line.username}",
             "Tài khoản mới: quét mã để đặt mật khẩu" if line.new
             else "Tài khoản đã có từ hội nghị trước (quét mã nếu quên mật khẩu)"]
    for fact in filter(None, facts):
        font = fonts.SERIF_BOLD if fact.startswith("Tên đăng nhập") else fonts.SERIF
        y = draw_lines(canvas, wrap(fact, font, 10, inner, 1), font, 10, x, y - 1, 12.5)
    canvas.setFillColor(GREY)
    canvas.setFont(fonts.SERIF, 6)
    canvas.drawString(x, top - ROW_H + 4 * mm, line.url[:140])
    canvas.setFillColorRGB(0, 0, 0)
