"""The computed table by unit in every format shows the cascade's figures (rates as units
publish them), and the page and API agree."""

import csv
import io
import shutil
import subprocess

import openpyxl
import pytest

from attendance.accounts import users as accounts
from attendance.reports.outcomes import export_cascade_csv
from attendance.reports.outcomes_export import export_outcomes

from .cascade_data import build_town
from .factories import NOW


@pytest.fixture
def town(db):
    town = build_town(db)
    db.commit()
    return town


def test_csv_and_xlsx_carry_every_unit_and_the_total(db, town):
    out = io.BytesIO()
    export_cascade_csv(db, town.session, out)  # the default: Excel set to Vietnamese
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert [r["Đơn vị"] for r in rows][:2] == ["Đảng ủy phường Phổ Hòa", "Chi bộ tổ dân phố 1"]
    assert (rows[0]["Đảng viên phải học tập"], rows[0]["Đã học tập"], rows[0]["Tỷ lệ (%)"],
            rows[0]["Tình trạng"]) == ("8", "7", "87,50", "Đã hoàn thành")
    assert rows[3]["Tình trạng"] == "Chưa hoàn thành" and rows[3]["Tỷ lệ (%)"] == "33,33"
    assert (rows[-1]["Đơn vị"], rows[-1]["Đã học tập"], rows[-1]["Tỷ lệ (%)"],
            rows[-1]["Tổng số lớp"]) == ("Tổng cộng", "8", "72,72", "3")
    out = io.BytesIO()
    export_outcomes(db, town.session, "xlsx", out, now=NOW)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Theo hệ thống đơn vị"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[-1][2:6] == ["Tổng cộng", 11, 8, pytest.approx(0.7272)]
    assert sheet.cell(row=len(values), column=6).number_format == "0.00%"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_opens_with_the_computed_figures(db, town, tmp_path):
    path = tmp_path / "o.pdf"
    with path.open("wb") as out:
        export_outcomes(db, town.session, "pdf", out, now=NOW)
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    for expected in ("Kết quả học tập theo hệ thống đơn vị", "đã học tập: 8, đạt 72,72 %",
                     "87,50 %", "Đơn vị chưa hoàn thành: Đảng ủy phường Phổ Ninh; Chi bộ tổ dân phố 1 (Đảng ủy phường Phổ Ninh)"):
        assert expected in text, expected


def test_page_and_api_show_the_same_figures(client, db, make_user, login, town):
    viewer = make_user(role="viewer")
    token = accounts.issue_api_token(db, viewer, now=NOW)
    db.commit()
    api = client.get(f"/api/v1/sessions/{town.session.id}/outcomes",
                     headers={"Authorization": f"Bearer {token}"}).get_json()
    page = login(viewer).get(f"/sessions/{town.session.id}/outcomes").get_data(as_text=True)
    for unit in api["units"]:
        row = page.split(f'data-unit="{unit["unit_id"]}"', 1)[1].split("</tr>", 1)[0]
        rate = "—" if unit["rate"] is None else f'{unit["rate"]:.2f}'.replace(".", ",")
        assert f'>{unit["members"]}<' in row and f'>{unit["taught"]}<' in row and rate in row
    assert "72,72\u00a0%" in page.split('data-unit="total"', 1)[1]
    response = client.get(f"/sessions/{town.session.id}/outcomes-units.csv")
    assert response.status_code == 200 and "Tổng cộng" in response.data.decode("utf-8-sig")


def test_a_large_tree_is_listed_a_level_at_a_time_with_drill_down(client, db, make_user,
                                                                    login, town, monkeypatch):
    # Past PAGE_UNITS units (a nation's 60,000), the page lists the units just below the one
    # looked at, each a link to its own; the total row is that unit's; the files keep all.
    from attendance.reports import outcomes_units

    monkeypatch.setattr(outcomes_units, "PAGE_UNITS", 2)  # the town has 5 units with members
    client = login(make_user(role="viewer"))
    url = f"/sessions/{town.session.id}/outcomes"
    page = client.get(url).get_data(as_text=True)
    listed = page.split('id="cascade"', 1)[1].split("</table>", 1)[0]
    assert f'data-unit="{town.hoa.id}"' in listed and f'data-unit="{town.ninh.id}"' in listed
    assert f'data-unit="{town.cells["hoa1"].id}"' not in listed
    assert f'href="{url}?unit={town.hoa.id}#cascade"' in listed and 'id="cascade-collapsed"' in page
    ward = client.get(f"{url}?unit={town.hoa.id}").get_data(as_text=True)
    listed = ward.split('id="cascade"', 1)[1].split("</table>", 1)[0]
    assert f'data-unit="{town.cells["hoa1"].id}"' in listed
    assert f'data-unit="{town.ninh.id}"' not in listed
    assert "Thị ủy Đức Phổ" in ward.split('id="cascade-trail"', 1)[1].split("</nav>", 1)[0]
    total = listed.split('data-unit="total"', 1)[1].split("</tr>", 1)[0]
    assert "Đảng ủy phường Phổ Hòa" in total and "87,50\u00a0%" in total  # the ward's 7/8
    assert client.get(f"{url}?unit=999999").status_code == 404
    units_csv = client.get(f"/sessions/{town.session.id}/outcomes-units.csv").data.decode(
        "utf-8-sig")
    assert "Chi bộ tổ dân phố 2" in units_csv  # the file is whole
