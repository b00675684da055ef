"""The summary's exports with the modes: in person and online, left early, and a closed roll
that leaves no "Chưa điểm danh" in the final files."""

import csv
import io
import subprocess
import unicodedata
from datetime import timedelta

from openpyxl import load_workbook

from attendance.checkin import exits
from attendance.checkin.scan import record_scan
from attendance.reports.summary_export import export
from attendance.roll import close

from .factories import NOW


def _build(db, make_session, make_person, make_user):
    session = make_session()
    session.signer_title = "T/M BAN THƯỜNG VỤ\nBÍ THƯ"  # a signed PDF needs who signs
    hall, point = session.venues[0], session.venues[1]
    organizer = make_user(role="organizer")
    at = session.starts_at
    people = [make_person(session, venue=hall, full_name=f"Hội Trường {i}") for i in range(2)]
    people += [make_person(session, venue=point, full_name=f"Điểm Cầu {i}") for i in range(2)]
    online = make_person(session, venue=point, full_name="Trực Tuyến Một")
    make_person(session, venue=point, full_name="Vắng Mặt Hai")
    for n, person in enumerate(people):
        record_scan(db, key=b"k" * 32, session=session, venue=person.venue, nonce=f"s{n}",
                    method="manual", now=at, actor=organizer, person_id=person.id)
    record_scan(db, key=b"k" * 32, session=session, venue=point, nonce="o1", method="join",
                now=at + timedelta(minutes=20), actor=None, person_id=online.id)
    exits.record_exit(db, session=session, person=people[0], venue=hall,
                      left_at=at + timedelta(hours=1), now=at + timedelta(hours=1),
                      actor=organizer)
    db.commit()
    return session, organizer


def _render(db, session, fmt):
    out = io.BytesIO()
    export(db, session, "summary", fmt, out, now=NOW + timedelta(days=1))
    return out.getvalue()


def _pdf_text(raw, tmp_path):
    path = tmp_path / "s.pdf"
    path.write_bytes(raw)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True)
    return unicodedata.normalize("NFC", done.stdout.decode())


def test_exports_split_online_and_list_early_leavers(db, make_session, make_person, make_user,
                                                     tmp_path):
    session, _ = _build(db, make_session, make_person, make_user)
    header, *rows = list(csv.reader(io.StringIO(_render(db, session, "csv").decode("utf-8-sig")),
                                   delimiter=";"))  # the excel-vn default
    total = dict(zip(header, rows[-1]))
    assert (total["Có mặt"], total["Trực tiếp"], total["Trực tuyến"]) == ("5", "4", "1")
    assert (total["Đi muộn"], total["Ra về sớm"], total["Chưa điểm danh"]) == ("1", "1", "1")
    book = load_workbook(io.BytesIO(_render(db, session, "xlsx")))
    hall = [[c.value for c in row] for row in book["Hội trường UBND thị xã"].iter_rows()]
    flat = [v for row in hall for v in row if v is not None]
    assert "Danh sách ra về sớm" in flat and "Hội Trường 0" in flat and 60 in flat
    text = "".join(_pdf_text(_render(db, session, "pdf"), tmp_path).split())
    assert "tạihộitrường:2,tạicácđiểmcầu:2,trựctuyến:1" in text
    assert "DANHSÁCHngườiravềsớm" in text and "HộiTrường0" in text
    assert "chưađiểmdanh:1" in text


def test_a_closed_roll_leaves_no_unmarked_in_the_final_files(db, make_session, make_person,
                                                             make_user, tmp_path):
    session, organizer = _build(db, make_session, make_person, make_user)
    close.close_roll(db, session=session, venue=None, now=session.ends_at, actor=organizer)
    db.commit()
    header, *rows = list(csv.reader(io.StringIO(_render(db, session, "csv").decode("utf-8-sig")),
                                   delimiter=";"))  # the excel-vn default
    assert "Chưa điểm danh" not in header
    assert dict(zip(header, rows[-1]))["Vắng không lý do"] == "1"
    book = load_workbook(io.BytesIO(_render(db, session, "xlsx")))
    cells = {c.value for sheet in book for row in sheet.iter_rows() for c in row}
    assert "Chưa điểm danh" not in cells
    text = _pdf_text(_render(db, session, "pdf"), tmp_path).lower()
    assert "chưa điểm danh" not in " ".join(text.split())


def test_the_totals_alone_and_a_few_venues_lists_agree_with_the_whole(db, make_session,
                                                                      make_person, make_user):
    """The summary page's totals (live.totals: the records counted on their own) are the
    overview's, and its lists of a page's venues (each status looked up by its key, then the
    kept records joined) are the whole session's lists cut to those venues."""
    from attendance.figures import live
    from attendance.figures.summary import summarize
    from attendance.models import ExpectedCount
    from attendance.reports import lists
    from attendance.roll import marks

    session, organizer = _build(db, make_session, make_person, make_user)
    hall, point = session.venues[0], session.venues[1]
    absent = make_person(session, venue=hall, full_name="Vắng Có Lý Do")
    marks.mark(db, venue=hall, person=absent, status="absent_excused", reason="ốm", now=NOW,
               actor=organizer)
    db.get(ExpectedCount, (point.id, session.categories_for(point.kind)[1].id)).headcount = 4
    db.commit()
    totals = live.totals(db, session.id)
    assert totals == live.overview(db, session.id, 80.0).totals == summarize(db, session).totals
    assert (totals.present_online, totals.left_early, totals.absent_excused) == (1, 1, 1)
    assert totals.present == 5 + 4 and totals.not_checked_in == 1
    for make in (lists.absentees, lists.late_arrivals, lists.early_leavers):
        whole = list(make(db, session))
        assert whole, make.__name__
        for venue in (hall, point):
            assert list(make(db, session, [venue.id])) == [
                row for row in whole if row.venue_id == venue.id], (make.__name__, venue.name)
    assert {a.full_name for a in lists.absentees(db, session, [hall.id])} == {"Vắng Có Lý Do"}
    assert {a.full_name for a in lists.absentees(db, session, [point.id])} == {"Vắng Mặt Hai"}
