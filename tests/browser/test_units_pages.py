"""The units pages in a real browser, as a town office uses them on a fresh install: import the
tree (a bad file is refused with its rows named, nothing saved), then add, edit, move and retire
units one by one; and the signed-in menu on a 390 px phone, folded behind one button."""

import re

import pytest

pytestmark = pytest.mark.browser

HEADER = "Mã đơn vị,Tên đơn vị,Loại,Mã cấp trên,Tên trên văn bản,Địa danh,Ký hiệu\n"
TOWN = "BRW-TU,Thị ủy Thử Nghiệm,Cấp ủy,,THỊ ỦY THỬ NGHIỆM,Thử Nghiệm,TU\n"
WARDS = ("BRW-P1,Đảng ủy phường Một,Cấp ủy,BRW-TU,ĐẢNG ỦY PHƯỜNG MỘT,,ĐU\n"
         "BRW-P2,Đảng ủy phường Hai,Cấp ủy,BRW-TU,ĐẢNG ỦY PHƯỜNG HAI,,ĐU\n"
         "BRW-P1-1,Chi bộ tổ dân phố 1,Chi bộ,BRW-P1,,,\n"
         "BRW-P2-1,Chi bộ tổ dân phố 1,Chi bộ,BRW-P2,,,\n")  # one name in two wards: allowed
CYCLE = "BRW-X,Đơn vị vòng,Cấp ủy,BRW-Y,,,\nBRW-Y,Đơn vị vòng 2,Cấp ủy,BRW-X,,,\n"


def _upload(page, live, path):
    page.goto(f"{live.url}/units/import")
    page.set_input_files("input[type=file]", str(path))
    page.click("form.upload-form button[type=submit]")
    page.wait_for_load_state()


def _pick(page, select, name):
    """Choose the option naming ``name`` (options are indented by their depth in the tree)."""
    value = page.eval_on_selector(select, "(el, name) => [...el.options].find("
                                  "o => o.textContent.trim() === name).value", name)
    page.select_option(select, value)


def _row(page, name):
    return page.locator("table.unit-tree tr", has=page.locator("td.unit-name", has_text=name))


def test_a_town_office_builds_its_tree(live, page, sign_in, screenshot, tmp_path):
    sign_in(page, live.make_user(role="organizer"))
    bad = tmp_path / "don-vi.csv"
    bad.write_text(HEADER + TOWN + WARDS + CYCLE, encoding="utf-8-sig")
    _upload(page, live, bad)
    errors = page.locator("ul.bad-rows li")
    assert errors.count() == 2
    assert "Dòng 7 (BRW-X)" in errors.nth(0).inner_text()
    assert page.locator("button[name=confirm]").count() == 0  # nothing to confirm
    assert "Thị ủy Thử Nghiệm" not in page.goto(f"{live.url}/units/").text()

    good = tmp_path / "don-vi-sua.csv"
    good.write_text(HEADER + TOWN + WARDS, encoding="utf-8-sig")
    _upload(page, live, good)
    assert "5 đơn vị mới" in page.content()
    screenshot(page, "units-import-preview")
    page.click("button[name=confirm]")
    page.wait_for_load_state()
    # The tree, one list: the town, then each ward with its own "Chi bộ tổ dân phố 1".
    names = page.locator("table.unit-tree td.unit-name").all_inner_texts()
    town = names.index("Thị ủy Thử Nghiệm")
    assert names[town:town + 5] == ["Thị ủy Thử Nghiệm", "Đảng ủy phường Hai",
                                    "Chi bộ tổ dân phố 1", "Đảng ủy phường Một",
                                    "Chi bộ tổ dân phố 1"]

    page.click("text=Thêm đơn vị")
    page.fill("#code", "BRW-P1-2")
    page.fill("#name", "Chi bộ tổ dân phố 2")
    page.select_option("#kind", "cell")
    _pick(page, "#parent_id", "Đảng ủy phường Hai")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert _row(page, "Chi bộ tổ dân phố 2").count() == 1

    # Edit and move: the new cell belongs to ward One, under a clearer name.
    _row(page, "Chi bộ tổ dân phố 2").get_by_role("link", name="Sửa, chuyển").click()
    page.fill("#name", "Chi bộ tổ dân phố 2 (mới)")
    _pick(page, "#parent_id", "Đảng ủy phường Một")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    names = page.locator("table.unit-tree td.unit-name").all_inner_texts()
    one = names.index("Đảng ủy phường Một")
    assert names[one + 1:one + 3] == ["Chi bộ tổ dân phố 1", "Chi bộ tổ dân phố 2 (mới)"]

    # A unit cannot move under itself: the form offers neither it nor its own units.
    _row(page, "Đảng ủy phường Một").get_by_role("link", name="Sửa, chuyển").click()
    offered = [text.strip() for text in page.locator("#parent_id option").all_inner_texts()]
    assert "Đảng ủy phường Hai" in offered and "Thị ủy Thử Nghiệm" in offered
    assert "Đảng ủy phường Một" not in offered and "Chi bộ tổ dân phố 2 (mới)" not in offered

    # Retire: a unit with units below it is refused; a leaf is retired and leaves the tree.
    page.goto(f"{live.url}/units/")
    _row(page, "Đảng ủy phường Hai").get_by_role("button", name="Giải thể").click()
    page.wait_for_load_state()
    assert "còn đơn vị trực thuộc" in page.content()
    _row(page, "Chi bộ tổ dân phố 2 (mới)").get_by_role("button", name="Giải thể").click()
    page.wait_for_load_state()
    assert _row(page, "Chi bộ tổ dân phố 2 (mới)").count() == 0
    screenshot(page, "units-tree-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live.url}/units/")
    # On the phone the table keeps to the screen: only the name and the actions are shown.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(page, "units-tree-phone")


def test_the_menu_folds_behind_one_button_on_a_phone(live, browser, sign_in, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, live.make_user(role="organizer"))
        page.goto(f"{live.url}/units/")
        menu = page.locator("#nav-links")
        button = page.locator("label.nav-toggle-label")
        assert button.is_visible() and not menu.is_visible()
        header = page.locator("header.app-header").bounding_box()
        assert header["height"] < 80, header  # one row: the brand and the button
        screenshot(page, "menu-phone-closed")
        button.click()
        assert menu.is_visible()
        for name in ("Hội nghị", "Đơn vị", "Đảng viên", "Lớp ở cơ sở", "Người dùng"):
            assert menu.get_by_role("link", name=name, exact=True).is_visible()
        assert menu.get_by_role("button", name="Đăng xuất").is_visible()
        screenshot(page, "menu-phone-open")
        menu.get_by_role("link", name="Đảng viên", exact=True).click()
        page.wait_for_url(re.compile(r"/members/"))
        assert not page.locator("#nav-links").is_visible()  # closed again on the next page
        # The keyboard opens it too (the checkbox takes focus, space toggles it).
        page.focus("#nav-toggle")
        page.keyboard.press("Space")
        assert page.locator("#nav-links").is_visible()
        # On a laptop the links stand in the header and the button is gone.
        page.set_viewport_size({"width": 1366, "height": 800})
        assert not page.locator("label.nav-toggle-label").is_visible()
        assert page.locator("#nav-links").get_by_role("link", name="Hội nghị", exact=True) \
            .is_visible()
    finally:
        context.close()
