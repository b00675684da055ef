"""`flask import-members FILE` and `import-roster --update`: messages and exit codes."""

from attendance.models import Member, Person

from .factories import gen_session
from .members_data import csv_file, gen_tree, xlsx_file


def test_import_members_then_update(runner, db, tmp_path):
    gen_tree(db)
    db.commit()
    path = tmp_path / "dv.xlsx"
    path.write_bytes(xlsx_file(["Nguyễn Văn An", "PH-1", "", 100.0, "", 912345678.0]))
    result = runner.invoke(args=["import-members", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 updated, 0 unchanged" in result.output
    assert db.query(Member).one().phone == "0912345678"
    path.write_bytes(xlsx_file(["Nguyễn Văn An", "PH-1", "Bí thư", 100.0, "", 912345678.0]))
    result = runner.invoke(args=["import-members", str(path)])
    assert "0 added, 1 updated, 0 unchanged" in result.output


def test_a_bad_member_file_exits_non_zero_naming_rows(runner, db, tmp_path):
    gen_tree(db)
    db.commit()
    path = tmp_path / "dv.csv"
    path.write_bytes(csv_file(["An", "PH-1"], ["Bình", "NOPE"]))
    result = runner.invoke(args=["import-members", str(path)])
    assert result.exit_code == 1
    assert "Dòng 3" in result.output and "Traceback" not in result.output
    assert db.query(Member).count() == 0
    path.write_bytes(b"\x00\x01garbage")
    result = runner.invoke(args=["import-members", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_import_roster_update_mode(runner, db, tmp_path):
    session = gen_session(db)
    db.commit()
    path = tmp_path / "ds.csv"
    header = "Họ và tên,Thành phần,Địa điểm,Số điện thoại\r\n"
    path.write_text(header + "An,Thường trực Thị ủy,Hội trường UBND thị xã,0905000001\r\n")
    assert runner.invoke(args=["import-roster", str(session.id), str(path)]).exit_code == 0
    path.write_text(header + "An,Báo cáo viên Thị ủy,Hội trường UBND thị xã,0905000001\r\n"
                    "Bình,Thường trực Thị ủy,Hội trường UBND thị xã,0905000002\r\n")
    result = runner.invoke(args=["import-roster", str(session.id), str(path), "--update"])
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated, 0 unchanged" in result.output
    assert db.query(Person).count() == 2
