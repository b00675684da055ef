"""Invitation cards and posters: PDF text, QR content and pixels, routes, CLI, reissue."""

import io
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select

from attendance.checkin.scan import record_scan
from attendance.checkin.tokens import card_token
from attendance.models import AuditEntry, Person
from attendance.printing import cards, posters, qr
from attendance.roster import cards as card_service
from webapp.checkin import card_key

from .factories import NOW

NAME = "Trương Thị Hường Mộc"  # ư, ầ-like and ộ: letters reportlab's default fonts lack


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces made single spaces (names wrap)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def page_png(data: bytes, page: int, dpi: int, tmp_path) -> Image.Image:
    source = tmp_path / "page.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(source), str(tmp_path / "page")], check=True)
    return Image.open(tmp_path / "page.png").convert("L")


@pytest.fixture
def roster(make_session, make_person):
    session = make_session()
    point = session.venues[1]
    people = [make_person(session, full_name=NAME, position="Phó Bí thư Thường trực")]
    people.append(make_person(session, venue=point, full_name="Lê Văn Ấn",
                              position="Đảng ủy viên phường"))
    return session, people


def build(app, db, session, **kwargs):
    out = io.BytesIO()
    drawn = cards.build_cards(out, session, cards.card_infos(db, session, **kwargs),
                              key=card_key())
    return out.getvalue(), drawn


def test_card_pdf_round_trips_vietnamese_text(app, db, roster):
    session, people = roster
    data, drawn = build(app, db, session)
    text = pdf_text(data)
    for expected in (NAME, "Hội trường UBND thị xã", "Đảng ủy viên", "Lê Văn Ấn",
                     "Thường trực Thị ủy", "07:30 ngày 27/11/2026", session.title[:30]):
        assert expected in text, text
    assert [d.person_id for d in drawn] == [people[0].id, people[1].id]


def test_card_qr_encodes_the_current_token_and_renders_module_for_module(app, db, roster,
                                                                         tmp_path):
    session, people = roster
    data, drawn = build(app, db, session)
    first = drawn[0]
    assert first.token == card_token(card_key(), session.id, people[0].id, 1)
    assert first.qr_size >= 30 / 25.4 * 72  # the printed code is at least 3 cm
    # Rasterise the page and read each module's centre: it must match the code's matrix.
    dpi = 200
    image = page_png(data, first.page, dpi, tmp_path)
    scale = dpi / 72
    modules = qr.matrix(first.token)
    count = len(modules)
    module = first.qr_size / (count + 2 * qr.QUIET_ZONE)
    left = first.qr_x + qr.QUIET_ZONE * module
    top = image.height - (first.qr_y + first.qr_size - qr.QUIET_ZONE * module) * scale
    read = [[image.getpixel((int((left + (c + 0.5) * module) * scale),
                             int(top + (r + 0.5) * module * scale))) < 128
             for c in range(count)] for r in range(count)]
    assert read == modules


def test_headcount_only_categories_get_no_cards(app, db, make_session, make_person):
    session = make_session()
    point = session.venues[1]
    others = session.categories_for("bridge_point")[1]
    assert others.headcount_only
    make_person(session, venue=point, category=others)
    named = make_person(session, venue=point)
    assert [c.person_id for c in cards.card_infos(db, session)] == [named.id]


def test_thousand_cards_fill_125_sheets(app, db, make_session):
    """1,000 people, 8 cards a sheet (its speed is for a benchmark, not asserted here)."""
    session = make_session()
    infos = [cards.CardInfo(i, f"Nguyễn Văn Thử {i}", "Chuyên viên", "Đảng ủy viên",
                            "Điểm cầu phường 1", 1) for i in range(1, 1001)]
    drawn = cards.build_cards(io.BytesIO(), session, infos, key=b"k" * 32)
    assert len(drawn) == 1000 and drawn[-1].page == 125


def test_posters_one_page_per_venue_with_link(app, db, make_session):
    session = make_session(require_presence=True)
    out = io.BytesIO()
    drawn = posters.build_posters(out, session, session.venues,
                                  lambda v: f"https://diemcau.example/c/{v.code}")
    assert [d.venue_id for d in drawn] == [v.id for v in session.venues]
    text = pdf_text(out.getvalue())
    assert text.count("ĐIỂM DANH") == 3
    assert "Hội trường UBND thị xã" in text and "Điểm cầu phường 2" in text
    assert f"https://diemcau.example/c/{session.venues[0].code}" in text
    assert "mã 6 ký tự" in text


def test_card_routes_need_the_right_role(app, db, client, roster, make_user, login):
    session, people = roster
    url = f"/sessions/{session.id}/cards.pdf"
    assert client.get(url).status_code == 302  # to the sign-in page
    staff = make_user(role="staff", venue=session.venues[0])
    login(staff)
    assert client.get(url).status_code == 403
    # The hall's staff may see a hall person's card but not a bridge point's.
    assert client.get(f"/sessions/{session.id}/people/{people[0].id}/card").status_code == 200
    assert client.get(f"/sessions/{session.id}/people/{people[1].id}/card").status_code == 403


def test_organizer_downloads_cards_posters_and_card_page(app, db, client, roster, make_user,
                                                         login):
    session, people = roster
    login(make_user())
    response = client.get(f"/sessions/{session.id}/cards.pdf?venue_id={session.venues[1].id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Lê Văn Ấn" in text and NAME not in text
    assert client.get(f"/sessions/{session.id}/cards.pdf?venue_id=999").status_code == 404
    response = client.get(f"/sessions/{session.id}/posters.pdf")
    assert f"http://localhost/c/{session.venues[0].code}" in pdf_text(response.data)
    page = client.get(f"/sessions/{session.id}/people/{people[0].id}/card")
    assert NAME in page.get_data(as_text=True) and "Cấp lại thẻ" in page.get_data(as_text=True)
    png = client.get(f"/sessions/{session.id}/people/{people[0].id}/card.png")
    assert png.mimetype == "image/png" and png.data[:4] == b"\x89PNG"
    single = client.get(f"/sessions/{session.id}/people/{people[0].id}/card.pdf")
    assert NAME in pdf_text(single.data) and "Lê Văn Ấn" not in pdf_text(single.data)


def test_reissue_revokes_the_old_card(app, db, client, roster, make_user, login):
    session, people = roster
    person = people[0]
    old = card_token(card_key(), session.id, person.id, person.card_version)
    login(make_user())
    response = client.post(f"/sessions/{session.id}/people/{person.id}/card/reissue")
    assert response.status_code == 302
    db.refresh(person)
    assert person.card_version == 2
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "card.reissue"))
    assert entry.target_id == person.id and entry.detail == {"before": 1, "after": 2}
    session.checkin_window = "open"
    result = record_scan(db, key=card_key(), session=session, venue=session.venues[0],
                         nonce="n-old", method="card", now=NOW, actor=None, token=old)
    assert result.code == "revoked"
    new = card_token(card_key(), session.id, person.id, 2)
    result = record_scan(db, key=card_key(), session=session, venue=session.venues[0],
                         nonce="n-new", method="card", now=NOW, actor=None, token=new)
    assert result.outcome == "accepted"


def test_reissue_refused_to_other_venues_staff(app, db, roster, make_user):
    session, people = roster
    staff = make_user(role="staff", venue=session.venues[0])
    with pytest.raises(card_service.Forbidden):
        card_service.reissue_card(db, people[1], now=NOW, actor=staff)
    assert db.get(Person, people[1].id).card_version == 1


def test_cli_prints_cards_and_posters(app, db, runner, roster, tmp_path):
    session, _ = roster
    target = tmp_path / "cards.pdf"
    result = runner.invoke(args=["print-cards", str(session.id), "--venue",
                                 str(session.venues[0].id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "1 cards on 1 pages" in result.output
    assert NAME in pdf_text(target.read_bytes())
    target = tmp_path / "posters.pdf"
    result = runner.invoke(args=["print-posters", str(session.id), "-o", str(target),
                                 "--base-url", "https://dc.example.vn/"])
    assert result.exit_code == 0, result.output
    assert f"https://dc.example.vn/c/{session.venues[1].code}" in pdf_text(target.read_bytes())
    result = runner.invoke(args=["print-cards", "999", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1


def test_cards_made_in_parts_are_one_pdf_in_order(app, db, make_session, make_person):
    """A province's cards are drawn a few hundred sheets at a time and joined (bounded memory):
    the joined file has every page in order, numbered through, under the document's title."""

    import pikepdf

    from attendance.jobs.exports import write_cards
    from webapp.checkin import card_key

    session = make_session()
    people = [make_person(session, full_name=f"Người Số {n:02d}") for n in range(20)]
    out = io.BytesIO()
    drawn = write_cards(out, session, cards.card_infos(db, session), key=card_key(), part=8)
    assert [d.page for d in drawn] == [1] * 8 + [2] * 8 + [3] * 4
    assert {d.person_id for d in drawn} == {p.id for p in people}
    pdf = pikepdf.open(io.BytesIO(out.getvalue()))
    assert len(pdf.pages) == 3 and "Thẻ đại biểu" in str(pdf.docinfo["/Title"])
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=out.getvalue(),
                          capture_output=True, check=True).stdout.decode()
    pages = text.split("\f")
    assert "Người Số 00" in pages[0] and "Người Số 19" in pages[2]
