"""Units pages and commands: the tree, the form, import with preview and confirmation, scope,
`import-units`, and `create-user` naming a unit or venue that does not exist."""

import io
import re

from sqlalchemy import func, select

from attendance import units
from attendance.models import Unit, User
from tests.factories import NOW

GOOD = ("Mã đơn vị;Tên đơn vị;Loại;Mã cấp trên;Tên trên văn bản;Địa danh;Ký hiệu\n"
        "HU;Huyện ủy Sơn Tịnh;Cấp ủy;;HUYỆN ỦY SƠN TỊNH;Sơn Tịnh;HU\n"
        "DU-TB;Đảng ủy xã Tịnh Bắc;Cấp ủy;HU;ĐẢNG ỦY XÃ TỊNH BẮC;Tịnh Bắc;ĐU\n")
BAD = "code,name,kind,parent\nA,Đơn vị A,committee,B\nB,Đơn vị B,committee,A\nC,Đơn vị C,x,\n"


def _count(db):
    return db.scalar(select(func.count(Unit.id)))


def _tree(db, text=GOOD):
    preview = units.build_preview(db, text.encode(), "u.csv")
    units.import_units(db, preview, now=NOW, actor=None)
    db.commit()
    return {u.code: u for u in db.scalars(select(Unit))}


def test_import_page_previews_then_imports_on_confirmation(db, login, make_user):
    client = login(make_user(role="organizer"))
    page = client.post("/units/import", data={"file": (io.BytesIO(GOOD.encode()), "don-vi.csv")},
                       content_type="multipart/form-data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Đảng ủy xã Tịnh Bắc" in html and "2 đơn vị mới" in html and _count(db) == 0
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    done = client.post("/units/import/confirm", data={"upload": upload})
    assert done.status_code == 302 and _count(db) == 2
    tree = client.get("/units/").get_data(as_text=True)
    assert tree.index("Huyện ủy Sơn Tịnh") < tree.index("Đảng ủy xã Tịnh Bắc")
    assert 'class="depth-1"' in tree
    assert client.get("/units/export.csv").get_data().startswith(b"\xef\xbb\xbfM")


def test_import_page_names_bad_rows_and_imports_nothing(db, login, make_user):
    client = login(make_user(role="organizer"))
    page = client.post("/units/import", data={"file": (io.BytesIO(BAD.encode()), "u.csv")},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert "Có 3 dòng lỗi trong 3 dòng" in html and 'name="upload"' not in html
    assert "Dòng 2 (A): Cấp trên vòng lặp" in html and "Dòng 4 (C): Loại đơn vị phải là" in html
    assert _count(db) == 0
    broken = client.post("/units/import", data={"file": (io.BytesIO(b"\x00\x01garbage"), "u.xlsx")},
                         content_type="multipart/form-data")
    assert broken.status_code == 400 and "Không đọc được tệp" in broken.get_data(as_text=True)


def test_form_creates_moves_and_refuses_a_cycle(db, login, make_user):
    found = _tree(db)
    client = login(make_user(role="organizer"))
    created = client.post("/units/new", data={
        "code": "CB-1", "name": "Chi bộ thôn 1", "kind": "cell",
        "parent_id": str(found["DU-TB"].id), "member_count": "18"})
    assert created.status_code == 302
    cell = db.scalar(select(Unit).where(Unit.code == "CB-1"))
    assert cell.parent_id == found["DU-TB"].id and cell.member_count == 18
    cycle = client.post(f"/units/{found['HU'].id}/edit", data={
        "code": "HU", "name": "Huyện ủy Sơn Tịnh", "kind": "committee",
        "parent_id": str(cell.id)})
    assert cycle.status_code == 400
    assert "không được nằm dưới chính nó" in cycle.get_data(as_text=True)
    moved = client.post(f"/units/{cell.id}/edit", data={
        "code": "CB-1", "name": "Chi bộ thôn 1", "kind": "cell",
        "parent_id": str(found["HU"].id)})
    assert moved.status_code == 302
    db.expire_all()
    assert cell.parent_id == found["HU"].id
    refused = client.post(f"/units/{found['HU'].id}/retire")
    assert refused.status_code == 302 and found["HU"].retired_at is None


def test_a_scoped_organizer_sees_and_changes_only_their_subtree(db, login, make_user):
    found = _tree(db, GOOD + "KHAC;Huyện ủy khác;Cấp ủy;;;;\n")
    client = login(make_user(role="organizer", unit_id=found["HU"].id))
    tree = client.get("/units/").get_data(as_text=True)
    assert "Đảng ủy xã Tịnh Bắc" in tree and "Huyện ủy khác" not in tree
    assert client.get(f"/units/{found['KHAC'].id}/edit").status_code == 404
    assert client.get(f"/units/{found['HU'].id}/edit").status_code == 403
    assert client.post(f"/units/{found['KHAC'].id}/retire").status_code == 404
    page = client.post("/units/import", data={"file": (io.BytesIO(
        b"code,name,kind,parent\nX,Chi bo X,cell,KHAC\nY,Chi bo Y,cell,DU-TB\n"), "u.csv")},
        content_type="multipart/form-data")
    assert "Dòng 2 (X): Đơn vị nằm ngoài phạm vi" in page.get_data(as_text=True)
    assert "Dòng 3" not in page.get_data(as_text=True)
    assert client.post(f"/units/{found['DU-TB'].id}/retire").status_code == 302
    db.expire_all()
    assert found["DU-TB"].retired_at is not None


def test_import_units_command(db, runner, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    result = runner.invoke(args=["import-units", str(bad)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Dòng 2: Cấp trên vòng lặp" in result.stderr and "Nothing imported" in result.stderr
    assert _count(db) == 0
    result = runner.invoke(args=["import-units", str(good)])
    assert result.exit_code == 0 and "2 added, 0 updated" in result.stdout
    result = runner.invoke(args=["import-units", str(good)])
    assert result.exit_code == 0 and "0 added, 0 updated, 2 unchanged" in result.stdout
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(args=["import-units", str(empty)])
    assert result.exit_code == 1 and "Tệp không có dòng dữ liệu nào" in result.stderr


def test_create_user_with_an_unknown_unit_or_venue_is_a_clear_error(db, runner):
    # On a fresh database `--unit 1` used to end in an IntegrityError traceback.
    result = runner.invoke(args=["create-user", "rep", "--role", "reporter", "--unit", "1",
                                 "--password", "password-123"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--unit 1: Không có đơn vị này." in result.stderr
    result = runner.invoke(args=["create-user", "door", "--role", "staff", "--venue", "7",
                                 "--password", "password-123"])
    assert result.exit_code == 1 and "--venue 7: Không có địa điểm này." in result.stderr
    assert db.scalar(select(func.count(User.id))) == 0
    found = _tree(db)
    result = runner.invoke(args=["create-user", "org-hu", "--role", "organizer", "--unit",
                                 str(found["HU"].id), "--password", "password-123"])
    assert result.exit_code == 0, result.output
    assert db.scalar(select(User).where(User.username == "org-hu")).unit_id == found["HU"].id
