"""The scanner never shows a green it cannot stand behind (issue 17, part 1): a forged or a
revoked card read by the (fake) camera is refused at once from the roster snapshot, with no
green in between; a card the device cannot verify is amber "Chưa xác minh"; a scan the device
let through offline and the server refuses later is raised on the station with the name."""

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import update

from attendance.checkin import tokens
from attendance.models import Person

from .camera import HEIGHT, WIDTH, qr_frame
from .test_scanner import attendance_rows, open_session, phone_page

pytestmark = pytest.mark.browser

# Every value #scan-result's data-outcome takes, from the first one on (window.__outcomes).
RECORD_OUTCOMES = """
window.__outcomes = [];
document.addEventListener("DOMContentLoaded", function () {
  var panel = document.getElementById("scan-result");
  if (!panel) return;
  window.__outcomes.push(panel.dataset.outcome);
  new MutationObserver(function () { window.__outcomes.push(panel.dataset.outcome); })
    .observe(panel, { attributes: true, attributeFilter: ["data-outcome"] });
});
"""


def _camera_file(token: str, path):
    """2.5 s of white, then the card for 3 s (looped): the roster snapshot is on the device
    before the card is first read, as at a door where the station was opened in advance."""
    blank = Image.new("RGB", (WIDTH, HEIGHT), "white").convert("YCbCr")
    card = qr_frame(token).convert("YCbCr")

    def planes(image):
        y, cb, cr = image.split()
        quarter = (WIDTH // 2, HEIGHT // 2)
        return y.tobytes() + cb.resize(quarter).tobytes() + cr.resize(quarter).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for image, count in ((blank, 25), (card, 30)):
            frame = b"FRAME\n" + planes(image)
            out.write(frame * count)
    return path


def _key(live):
    return tokens.derive_key(live.app.config["SECRET_KEY"], "card")


def _forged(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")  # one character of the signature


@pytest.mark.parametrize("case", ["forged", "revoked"])
def test_camera_card_refused_at_once_never_green(live, chromium_with_camera, sign_in,
                                                 screenshot, tmp_path, case):
    session, hall, staff = open_session(live)
    person = live.make_person(session.id, full_name="Lê Thị Giả Mạo")
    token = tokens.card_token(_key(live), session.id, person.id, person.card_version)
    if case == "forged":
        token = _forged(token)
    else:  # the card was reissued: the printed one (version 1) is revoked
        live.query(lambda db: (db.execute(update(Person).where(Person.id == person.id)
                                          .values(card_version=2)), db.commit()))
    browser = chromium_with_camera(_camera_file(token, tmp_path / f"{case}.y4m"))
    context, page = phone_page(browser, permissions=["camera"])
    page.add_init_script(RECORD_OUTCOMES)
    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")
    expect(page.locator("#roster-info")).to_contain_text("1 người")
    result = page.locator("#scan-result")
    expect(result).to_have_attribute("data-outcome", "rejected")
    expect(page.locator("#result-name")).to_have_text("Lê Thị Giả Mạo")
    title = {"forged": "Mã QR giả hoặc đã bị sửa.", "revoked": "Thẻ này đã bị thu hồi"}[case]
    expect(page.locator("#result-title")).to_contain_text(title)
    expect(page.locator("#result-pending")).to_be_hidden(timeout=15_000)  # server agreed
    outcomes = page.evaluate("window.__outcomes")
    assert outcomes[0] == "ready" and "accepted" not in outcomes, outcomes
    assert set(outcomes) <= {"ready", "unverified", "rejected"}, outcomes
    screenshot(page, f"scanner-{case}-refused")
    assert attendance_rows(live, session.id) == []
    context.close()


def test_offline_unknown_card_is_amber_and_a_later_refusal_raises_the_station(
        live, browser, sign_in, screenshot):
    session, hall, staff = open_session(live)
    known = live.make_person(session.id, full_name="Phan Văn Đã Cấp Lại")
    context, page = phone_page(browser)
    page.add_init_script(RECORD_OUTCOMES)
    sign_in(page, staff)
    page.goto(f"{live.url}/sessions/{session.id}/scan")
    expect(page.locator("#roster-info")).to_contain_text("1 người")
    expect(page.locator("#scan-result")).to_have_attribute("data-outcome", "ready")
    key = _key(live)
    old_card = tokens.card_token(key, session.id, known.id, known.card_version)
    # After the snapshot: the card is reissued, and someone new is added to the roster.
    live.query(lambda db: (db.execute(update(Person).where(Person.id == known.id)
                                      .values(card_version=2)), db.commit()))
    stranger = live.make_person(session.id, full_name="Người Mới Thêm")
    new_card = tokens.card_token(key, session.id, stranger.id, stranger.card_version)

    context.set_offline(True)
    expect(page.locator("#net-status")).to_contain_text("Mất kết nối")
    page.evaluate("token => DiemCauScanner.onCode(token)", new_card)
    expect(page.locator("#scan-result")).to_have_attribute("data-outcome", "unverified")
    expect(page.locator("#result-title")).to_have_text("Chưa xác minh")
    expect(page.locator("#result-pending")).to_be_visible()
    screenshot(page, "scanner-unverified-offline")

    page.wait_for_timeout(3100)  # past the pause for a code seen twice
    page.evaluate("token => DiemCauScanner.onCode(token)", old_card)
    # the device's snapshot still holds version 1: it stands behind it, for now
    expect(page.locator("#scan-result")).to_have_attribute("data-outcome", "accepted")
    expect(page.locator("#scan-alert")).to_be_hidden()
    context.set_offline(False)
    alert = page.locator("#scan-alert")
    expect(alert).to_be_visible(timeout=15_000)
    expect(alert).to_contain_text("Phan Văn Đã Cấp Lại")
    expect(alert).to_contain_text("thu hồi")
    expect(page.locator("#scan-result")).to_have_attribute("data-outcome", "rejected")
    expect(page.locator("#result-name")).to_have_text("Phan Văn Đã Cấp Lại")
    screenshot(page, "scanner-refused-later")
    page.click("#scan-alert-close")
    expect(alert).to_be_hidden()
    rows = attendance_rows(live, session.id)
    assert rows == [(stranger.id, "card", hall.id)]  # the server accepted the unverified one
    context.close()
