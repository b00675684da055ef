"""Invitation letters (giấy mời): one signed A4 letter per invited person, in the committee's
letterhead, with the QR that checks its holder in; optionally a letter to a unit listing its
invitees first.

    infos = invitation_infos(db, session, venue_id=..., unit_id=...)
    build_invitations(out, session, infos, key=..., on=date, unit=None,
                      join=JoinLinks(base_url, join_key)) -> [DrawnInvitation]

A giấy mời is a party document (36-HD/VPTW layout, attendance.reports.document): number "Số
-GM/TU" left blank until it is signed, "Kính mời đồng chí …", the time as "07 giờ 30 phút, thứ
Ba, ngày 17/10/2023", the venue and its address, T/M and signature. The delegate's card (thẻ
đại biểu) is the smaller print in attendance.printing.cards.

A person who may take part online (their venue or the session has a meeting link, the rule of
attendance.online.join) also finds their personal join link among the facts, with a smaller
second QR captioned apart from the door's, so that one is never shown at the door instead.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table
from sqlalchemy.orm import Session

from attendance.checkin import tokens

from ..models import Category, Person, StudySession, Unit, Venue
from ..online.join import JoinLinks, meeting_url
from ..reports import document
from ..reports.document import STYLES, WIDTH, Letterhead, _p
from ..reports.letterhead import letterhead_for
from ..reports.lists import stream
from ..reports.table import INT, TEXT, Column
from ..reports.wording import session_name
from . import fonts, qr
from .cards import card_people

QR_SIZE = 38 * mm  # with its quiet zone: the code itself is about 3 cm, as on the cards
# The join link's code: about 2 cm, read by the invitee's own phone held close, and plainly
# not the door's. Its column is as wide as its caption.
JOIN_QR_SIZE, JOIN_COLUMN = 25 * mm, 42 * mm
JOIN_CAPTION = "Quét để tham dự trực tuyến"
URL_SIZES = (13, 12, 11, 10)  # the link on one line if it fits at one of these, else at the
# smallest broken after a "/" (never at a "-", which would read as part of it)
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
UNIT_TABLE = [Column("STT", INT, 7), Column("Họ và tên", TEXT, 30),
              Column("Chức vụ", TEXT, 42), Column("Địa điểm", TEXT, 28)]


@dataclass(frozen=True)
class InvitationInfo:
    person_id: int
    full_name: str
    position: str
    category: str
    venue: str
    address: str
    card_version: int
    video_url: str = ""  # the venue's own meeting link


COLUMNS = (Person.id, Person.full_name, Person.position, Category.name, Venue.name,
           Venue.address, Person.card_version, Venue.video_url)  # invitation_info's arguments


@dataclass(frozen=True)
class DrawnInvitation:
    person_id: int
    token: str
    page: int  # 1-based
    join_url: str = ""  # what the second QR encodes; "" on a letter without one


def invitation_infos(db: Session, session: StudySession, *, venue_id: int | None = None,
                     unit_id: int | None = None) -> list[InvitationInfo]:
    """The named people of a session (headcount-only categories are not invited by name), in
    the order of the cards: venue, category, name."""
    query = card_people(session, *COLUMNS, venue_id=venue_id)
    if unit_id is not None:
        query = query.where(Person.unit_id == unit_id)
    return [invitation_info(*row) for row in db.execute(query)]


def invitation_rows_by_venue(db: Session, session: StudySession) -> Iterator[tuple]:
    """The same letters as rows (venue_id, *invitation_info's arguments), streamed: a whole
    session cut into one file per venue (printing.per_venue)."""
    return stream(db, card_people(session, Venue.id, *COLUMNS))


def invitation_info(person_id, full_name, position, category, venue, address,
                    card_version, video_url) -> InvitationInfo:
    """One letter's facts from its row (no position, address or link: empty)."""
    return InvitationInfo(person_id, full_name, position or "", category, venue, address or "",
                          card_version, video_url or "")


def invites_for(session: StudySession, unit: Unit) -> bool:
    """Whether ``unit`` may be addressed in ``session``'s name: the organizer unit or a unit
    under it (a session with no organizer unit addresses any)."""
    organizer = session.organizer_unit_id
    seen = set()
    while unit is not None and unit.id not in seen:
        if organizer is None or unit.id == organizer:
            return True
        seen.add(unit.id)
        unit = unit.parent
    return False


def spoken_time(at: datetime) -> str:
    """ "07 giờ 30 phút, thứ Ba, ngày 17/10/2023" (local time)."""
    return (f"{at:%H} giờ {at:%M} phút, {WEEKDAYS[at.weekday()]}, ngày {at:%d/%m/%Y}")


class _QR(Flowable):
    """The holder's check-in code, drawn as vector squares, with a caption under it."""

    def __init__(self, token: str, pages: list):
        super().__init__()
        self.token, self.pages = token, pages
        self.width, self.height = QR_SIZE, QR_SIZE + 5 * mm

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        qr.draw(self.canv, self.token, 0, 5 * mm, QR_SIZE)
        self.canv.setFont(fonts.SERIF_ITALIC, 10)
        self.canv.drawCentredString(QR_SIZE / 2, 2 * mm, "Mã điểm danh")
        self.pages.append(self.canv.getPageNumber())


class _JoinQR(Flowable):
    """The join link's code, smaller than the door's, its caption saying what it is for."""

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.width, self.height = JOIN_COLUMN, JOIN_QR_SIZE + 5 * mm

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        qr.draw(self.canv, self.url, (self.width - JOIN_QR_SIZE) / 2, 5 * mm, JOIN_QR_SIZE)
        self.canv.setFont(fonts.SERIF_ITALIC, 10)
        self.canv.drawCentredString(self.width / 2, 2 * mm, JOIN_CAPTION)


def build_invitations(out: BinaryIO, session: StudySession, infos: list[InvitationInfo], *,
                      key: bytes, on: date, unit: Unit | None = None,
                      join: JoinLinks | None = None) -> list[DrawnInvitation]:
    """Write the letters to ``out`` (a unit's letter first when ``unit`` is given); returns
    what each letter's QR encodes and its page. ``join``: where the join links of those who
    may take part online point, and their key (None: no letter carries one)."""
    letterhead = letterhead_for(session, on=on, kind="GM")
    letterhead.require_signature()  # each letter signs itself (_signed)
    doc = document.PartyDocument(letterhead, "GIẤY MỜI", "", signed=False)
    doc.page_numbers = False  # each letter is one page; a unit's long letter is stapled
    when = spoken_time(session.local_start)
    first = True
    if unit is not None:
        _unit_letter(doc, session, letterhead, unit, infos, when)
        first = False
    pages: list[int] = []
    tokens_ = []
    for info in infos:
        if not first:
            doc.story.append(PageBreak())
            doc.restart("GIẤY MỜI")
        first = False
        token = tokens.card_token(key, session.id, info.person_id, info.card_version)
        online = _join_url(session, info, join)
        tokens_.append((info.person_id, token, online))
        _letter(doc, session, letterhead, info, when, _QR(token, pages), online)
    if not infos and unit is None:
        doc.paragraph("Không có đại biểu nào được mời đích danh.")
    doc.build(out, subject=session.title)
    return [DrawnInvitation(pid, token, page, online)
            for (pid, token, online), page in zip(tokens_, pages)]


def _join_url(session: StudySession, info: InvitationInfo, join: JoinLinks | None) -> str:
    """The person's join link when they may take part online, else ""."""
    if join is None or not meeting_url(session, info.video_url):
        return ""
    return join.url(session.id, info.person_id, info.card_version)


def _letter(doc, session: StudySession, letterhead: Letterhead, info: InvitationInfo,
            when: str, code: _QR, online: str) -> None:
    position = info.position or info.category
    lines = [f"{letterhead.speaker} trân trọng kính mời đồng chí:",
             f"<b>{_esc(info.full_name)}</b>"]
    doc.story.append(Paragraph(_esc(lines[0]), STYLES["body"]))
    doc.story.append(Paragraph(lines[1], STYLES["invitee"]))
    if position:
        doc.story.append(Paragraph(f"Chức vụ: {_esc(position)}", STYLES["body"]))
    _facts(doc, session, info.venue, info.address, when)
    if online:
        doc.story.append(_online(online))
    doc.story.append(Paragraph(_esc(
        "Đề nghị đồng chí mang theo giấy mời này; khi đến, đưa mã điểm danh dưới đây cho bộ "
        "phận đón tiếp quét (hoặc tự quét tại điểm cầu) để điểm danh."), STYLES["body"]))
    doc.story.append(Spacer(1, 4 * mm))
    doc.story.append(_signed(letterhead, code))


def _unit_letter(doc, session: StudySession, letterhead: Letterhead, unit: Unit,
                 infos: list[InvitationInfo], when: str) -> None:
    doc.story.append(Paragraph(f"Kính gửi: <b>{_esc(unit.name)}</b>", STYLES["addressee"]))
    doc.story.append(Paragraph(_esc(
        f"{letterhead.speaker} trân trọng kính mời các đồng chí có tên sau đây:"),
        STYLES["body"]))
    venues = {(i.venue, i.address) for i in infos}
    one = len(venues) == 1  # then the venue is said once, under the table
    doc.table(UNIT_TABLE[:-1] if one else UNIT_TABLE,
              [(n, i.full_name, i.position or i.category, i.venue)[:3 if one else 4]
               for n, i in enumerate(infos, 1)],
              empty="Đơn vị không có đại biểu nào được mời đích danh.")
    venue, address = next(iter(venues)) if one else ("", "")
    _facts(doc, session, venue or "theo danh sách trên", address, when)
    doc.story.append(Paragraph(_esc(
        f"Đề nghị {unit.name} thông báo và chuyển giấy mời kèm theo đến từng đồng chí."),
        STYLES["body"]))
    doc.story.append(Spacer(1, 4 * mm))
    doc.story.append(_signed(letterhead, None))


def _facts(doc, session: StudySession, venue: str, address: str, when: str) -> None:
    place = f"{venue} ({address})" if address and address != venue else venue
    for label, value in (("Đến dự", session_name(session)[:1].upper()
                          + session_name(session)[1:]),
                         ("Thời gian", when), ("Địa điểm", place)):
        doc.story.append(Paragraph(f"<b>{label}:</b> {_esc(value)}.", STYLES["fact"]))
    if session.presenter:
        doc.story.append(Paragraph(f"<b>Báo cáo viên:</b> {_esc(session.presenter)}.",
                                   STYLES["fact"]))


def _online(url: str) -> Table:
    """The fact "Tham dự trực tuyến": the link on a line of its own (never cut: a very long
    one goes on over lines), what opening it does, and its QR to the right."""
    width = WIDTH - JOIN_COLUMN - 4 * mm
    size = next((s for s in URL_SIZES if stringWidth(url, fonts.SERIF, s) <= width),
                URL_SIZES[-1])
    link = ParagraphStyle("join_url", parent=STYLES["fact"], fontSize=size, leading=size + 4,
                          firstLineIndent=0, alignment=0)
    note = ParagraphStyle("join_note", parent=STYLES["fact"], fontName=fonts.SERIF_ITALIC,
                          fontSize=12, leading=15, firstLineIndent=0)
    lines = _url_lines(url, size, width)
    text = [Paragraph("<b>Tham dự trực tuyến:</b>", STYLES["fact"]),
            Paragraph("<br/>".join(_esc(line) for line in lines), link),
            Paragraph(_esc("Trong giờ điểm danh, mở đường dẫn hoặc quét mã bên cạnh: đồng chí "
                           "được ghi nhận có mặt trực tuyến rồi vào phòng họp."), note)]
    table = Table([[text, _JoinQR(url)]], colWidths=[WIDTH - JOIN_COLUMN, JOIN_COLUMN])
    table.setStyle(document.BLOCK)
    table.setStyle([("VALIGN", (1, 0), (1, 0), "MIDDLE"),
                    ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm)])
    return table


def _url_lines(url: str, size: float, width: float) -> list[str]:
    """``url`` in lines no wider than ``width``, each ending after a "/" where one fits (a
    part longer than a line is split where the line ends)."""
    parts = re.findall(r"[^/]+/*|/+", url)
    if len(parts) > 1 and parts[0].endswith("://"):  # the scheme never ends a line
        parts[:2] = [parts[0] + parts[1]]
    lines = [""]
    for part in parts:
        if lines[-1] and stringWidth(lines[-1] + part, fonts.SERIF, size) > width:
            lines.append("")
        for char in part:
            if lines[-1] and stringWidth(lines[-1] + char, fonts.SERIF, size) > width:
                lines.append("")
            lines[-1] += char
    return lines


def _signed(letterhead: Letterhead, code: _QR | None) -> KeepTogether:
    """The QR (bottom left) beside the signature block (bottom right), never split."""
    right = [_p(letterhead.on_behalf, "sign"), _p(letterhead.signer_title.upper(), "sign"),
             Spacer(1, 22 * mm), _p(letterhead.signer_name or " ", "sign")]
    left = [code] if code is not None else [
        Paragraph("<u>Nơi nhận:</u>", STYLES["recipients_head"]),
        _p("- Như trên,", "recipients"), _p(f"- Lưu Văn phòng {letterhead.committee}.",
                                            "recipients")]
    table = Table([[left, right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    table.setStyle(document.BLOCK)
    return KeepTogether([table])


def _esc(value) -> str:
    from xml.sax.saxutils import escape

    return escape(fonts.text(value))
