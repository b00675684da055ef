"""Check-in by citizen ID card (CCCD): the card's text read, its holder found through the rule,
the roster's cccd column kept as a keyed hash. Without HTTP except the last tests."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from attendance.checkin import citizen, tokens
from attendance.checkin.batch import ScanItem, record_scans
from attendance.checkin.rule import CheckInError
from attendance.checkin.scan import record_scan
from attendance.checkin.walkins import check_in_walk_in
from attendance.errors import DomainError
from attendance.models import Attendance, Person, ScanAttempt
from attendance.roster.imports import build_preview, import_roster

from .factories import NOW, SECRET_KEY

KEY = tokens.derive_key(SECRET_KEY, "card")
# As a phone reads the QR of a chip-based CCCD: number|old ID|name|birth|sex|address|issued.
CARD = "001085012345|012345678|Nguyễn Văn Thử|15031985|Nam|Số 12, Tổ 3, Phường Nguyễn Nghiêm, Đức Phổ, Quảng Ngãi|10082021"
NO_OLD_ID = "051203001234||Trần Thị Bình|02092003|Nữ|Thôn An Ba, Xã Phổ Quang, Đức Phổ, Quảng Ngãi|20122021"


def test_a_card_with_and_without_its_old_id_is_read():
    card = citizen.read(CARD)
    assert (card.number, card.full_name, card.birth_date) == (
        "001085012345", "Nguyễn Văn Thử", date(1985, 3, 15))
    young = citizen.read(NO_OLD_ID)
    assert (young.number, young.full_name, young.birth_date) == (
        "051203001234", "Trần Thị Bình", date(2003, 9, 2))
    assert not hasattr(card, "address")  # read and dropped


@pytest.mark.parametrize("text", [
    "001085012345|012345678|Nguyễn Văn Thử|15031985|Nam|Đức Phổ",  # six fields
    CARD + "|extra",  # eight
    CARD.replace("001085012345", "00108501234"),  # 11 digits
    CARD.replace("001085012345", "00108501234X"),
    CARD.replace("|012345678|", "|0123|"),  # old ID neither 9 nor 12 digits
    CARD.replace("|Nguyễn Văn Thử|", "| |"),  # no name
    CARD.replace("15031985", "31021985"),  # 31 February
    CARD.replace("15031985", "1503198"),
    CARD.replace("10082021", "2021-08-10"),
    CARD.replace("10082021", "10081980"),  # issued before birth
    "||||||",
])
def test_bad_shapes_are_refused(text):
    with pytest.raises(CheckInError) as refused:
        citizen.read(text)
    assert refused.value.code == "bad_citizen_card"


def _scan(db, session, text, *, nonce, venue=None, actor=None, at=NOW):
    return record_scan(db, key=KEY, session=session, venue=venue or session.venues[0],
                       nonce=nonce, method="card", now=at, actor=actor, token=text)


def test_found_by_id_number_and_checked_in_as_by_card(db, make_session, make_person):
    session = make_session()
    person = make_person(session, full_name="Someone Else",
                         cccd_hash=citizen.number_hash(KEY, "001085012345"))
    result = _scan(db, session, CARD, nonce="c1")
    assert (result.outcome, result.code, result.person.id) == ("accepted", "ok", person.id)
    row = db.scalar(select(Attendance))
    assert (row.person_id, row.method) == (person.id, "citizen_card")
    assert db.scalar(select(ScanAttempt.method)) == "citizen_card"
    again = _scan(db, session, CARD, nonce="c2", at=NOW + timedelta(minutes=2))
    assert (again.outcome, again.code) == ("duplicate", "already_checked_in")
    replay = _scan(db, session, CARD, nonce="c1")
    assert (replay.outcome, replay.person.id) == ("accepted", person.id)


def test_found_by_name_and_birth_date_only_when_the_roster_has_no_id(db, make_session,
                                                                      make_person):
    session = make_session()
    person = make_person(session, full_name="Nguyễn Văn Thử", birth_date=date(1985, 3, 15))
    result = _scan(db, session, CARD.replace("Nguyễn Văn Thử", "NGUYỄN VĂN THỬ"), nonce="n1")
    assert (result.outcome, result.person.id) == ("accepted", person.id)
    # Someone of that name and birth date whose ID number the roster has: another card.
    other = make_session()
    make_person(other, full_name="Nguyễn Văn Thử", birth_date=date(1985, 3, 15),
                cccd_hash=citizen.number_hash(KEY, "999999999999"))
    assert _scan(db, other, CARD, nonce="n2").code == "unknown_person"


def test_unknown_ambiguous_and_bad_cards_are_refused_and_change_nothing(db, make_session,
                                                                         make_person):
    session = make_session()
    assert _scan(db, session, CARD, nonce="u1").code == "unknown_person"
    for _ in range(2):
        make_person(session, full_name="Trần Thị Bình", birth_date=date(2003, 9, 2))
    assert _scan(db, session, NO_OLD_ID, nonce="u2").code == "ambiguous_citizen"
    assert _scan(db, session, "a|b|c", nonce="u3").code == "bad_citizen_card"
    assert db.scalar(select(func.count()).select_from(Attendance)) == 0
    # Refusals that can pass (the person added later) leave the nonce free.
    make_person(session, full_name="Nguyễn Văn Thử", birth_date=date(1985, 3, 15))
    assert _scan(db, session, CARD, nonce="u1").outcome == "accepted"


def test_the_venue_rule_comes_before_any_look_up(db, make_session, make_person, make_user):
    session = make_session()
    hall, point = session.venues[0], session.venues[1]
    coordinator = make_user(role="coordinator", venue=point)
    result = _scan(db, session, CARD, nonce="v1", venue=hall, actor=coordinator)
    assert result.code == "not_allowed_here"


def test_a_batch_with_cards_and_citizen_cards(db, make_session, make_person):
    session = make_session()
    hall = session.venues[0]
    by_card = make_person(session)
    holder = make_person(session, cccd_hash=citizen.number_hash(KEY, "001085012345"))
    items = [ScanItem(nonce="b1", method="card", venue_id=hall.id,
                      token=tokens.card_token(KEY, session.id, by_card.id, 1)),
             ScanItem(nonce="b2", method="card", venue_id=hall.id, token=CARD),
             ScanItem(nonce="b3", method="card", venue_id=hall.id, token=NO_OLD_ID)]
    results = record_scans(db, key=KEY, session=session, venues={hall.id: hall}, items=items,
                           now=NOW, actor=None)
    assert [(r.outcome, r.code) for r in results] == [
        ("accepted", "ok"), ("accepted", "ok"), ("rejected", "unknown_person")]
    assert results[1].person.id == holder.id


def test_a_walk_in_from_a_card_keeps_birth_date_and_the_hash(db, make_session):
    session = make_session()
    hall = session.venues[0]
    person, result = check_in_walk_in(
        db, key=KEY, session=session, venue=hall, nonce="w1", now=NOW, actor=None,
        full_name="Trần Thị Bình", category_id=session.categories_for("hall")[0].id,
        birth_date="02/09/2003", cccd="051203001234")
    assert result.outcome == "accepted"
    assert (person.birth_date, person.cccd_hash) == (
        date(2003, 9, 2), citizen.number_hash(KEY, "051203001234"))
    assert _scan(db, session, NO_OLD_ID, nonce="w2").code == "already_checked_in"


# The roster file's columns ------------------------------------------------------------------

def _file(*rows, header="Họ và tên,Thành phần,Địa điểm,Ngày sinh,Số CCCD"):
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


HALL_ROW = "Thường trực Thị ủy,Hội trường UBND thị xã"


def test_the_roster_keeps_only_the_hash(db, make_session):
    session = make_session()
    data = _file(f"Nguyễn Văn Thử,{HALL_ROW},15/03/1985,001085012345",
                 f"Trần Thị Bình,{HALL_ROW},02/09/2003,")
    preview = build_preview(db, session, data, "ds.csv", key=KEY)
    assert preview.ok, [row.errors for row in preview.rows]
    import_roster(db, session, preview, now=NOW, actor=None)
    people = {p.full_name: p for p in db.scalars(select(Person))}
    assert people["Nguyễn Văn Thử"].cccd_hash == citizen.number_hash(KEY, "001085012345")
    assert people["Nguyễn Văn Thử"].birth_date == date(1985, 3, 15)
    assert people["Trần Thị Bình"].cccd_hash is None
    assert "001085012345" not in repr([vars(p) for p in people.values()])
    assert _scan(db, session, CARD, nonce="r1").person.full_name == "Nguyễn Văn Thử"
    assert _scan(db, session, NO_OLD_ID, nonce="r2").person.full_name == "Trần Thị Bình"


@pytest.mark.parametrize("rows, errors", [
    ([f"An,{HALL_ROW},15/03/1985,00108501234"], [["bad_cccd"]]),
    ([f"An,{HALL_ROW},15/03/1985,CCCD-1"], [["bad_cccd"]]),
    ([f"An,{HALL_ROW},31/02/1985,001085012345"], [["bad_birth_date"]]),
    ([f"An,{HALL_ROW},,001085012345", f"Bình,{HALL_ROW},,001 085 012 345"],
     [[], ["duplicate_cccd"]]),
])
def test_bad_cccd_and_birth_dates_are_named_and_nothing_is_imported(db, make_session, rows,
                                                                     errors):
    session = make_session()
    preview = build_preview(db, session, _file(*rows), "ds.csv", key=KEY)
    assert [row.errors for row in preview.rows] == errors
    assert not preview.ok
    with pytest.raises(DomainError) as refused:
        import_roster(db, session, preview, now=NOW, actor=None)
    assert refused.value.code == "bad_rows"
    assert db.scalar(select(func.count()).select_from(Person)) == 0


def test_a_number_already_on_the_roster_is_a_bad_row_but_updates_its_own(db, make_session,
                                                                         make_person):
    session = make_session()
    make_person(session, full_name="An", phone="0912000111",
                cccd_hash=citizen.number_hash(KEY, "001085012345"))
    header = "Họ và tên,Thành phần,Địa điểm,Số điện thoại,Số CCCD"
    other = _file(f"Bình,{HALL_ROW},0912000222,001085012345", header=header)
    assert build_preview(db, session, other, "a.csv", key=KEY).rows[0].errors == [
        "duplicate_cccd"]
    own = _file(f"An,{HALL_ROW},0912000111,001085012345", header=header)
    assert build_preview(db, session, own, "a.csv", key=KEY, mode="update").ok


# Over HTTP ----------------------------------------------------------------------------------

def test_the_api_takes_the_card_text_as_token(app, db, make_session, make_person, make_user,
                                              bearer):
    now = datetime.now(timezone.utc)
    session = make_session(now=now)
    key = tokens.derive_key(app.config["SECRET_KEY"], "card")
    person = make_person(session, cccd_hash=citizen.number_hash(key, "001085012345"))
    headers = bearer(make_user(role="organizer"))
    url = f"/api/v1/sessions/{session.id}/checkins"
    item = {"nonce": "api-1", "token": CARD, "venue_id": session.venues[0].id}
    answer = app.test_client().post(url, json={"items": [item]}, headers=headers)
    assert answer.status_code == 200
    result = answer.get_json()["results"][0]
    assert (result["outcome"], result["person"]["id"]) == ("accepted", person.id)
    unknown = app.test_client().post(url, json={"items": [dict(item, nonce="api-2",
                                                               token=NO_OLD_ID)]},
                                     headers=headers).get_json()["results"][0]
    assert (unknown["outcome"], unknown["code"]) == ("rejected", "unknown_person")
    bad = app.test_client().post(url, json={"items": [dict(item, nonce="api-3",
                                                           token="1|2|3")]},
                                 headers=headers).get_json()["results"][0]
    assert bad["code"] == "bad_citizen_card"
    assert "căn cước" in bad["message"]


def test_the_roster_api_and_the_cli_take_the_cccd_column(app, db, make_session, make_user,
                                                         bearer, runner, tmp_path):
    import io

    session = make_session()
    key = tokens.derive_key(app.config["SECRET_KEY"], "card")
    data = _file(f"Nguyễn Văn Thử,{HALL_ROW},15/03/1985,001085012345")
    answer = app.test_client().post(
        f"/api/v1/sessions/{session.id}/roster", headers=bearer(make_user(role="organizer")),
        data={"file": (io.BytesIO(data), "ds.csv")}, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert db.scalar(select(Person.cccd_hash)) == citizen.number_hash(key, "001085012345")
    (tmp_path / "b.csv").write_bytes(_file(f"Trần Thị Bình,{HALL_ROW},02/09/2003,05120300123"))
    refused = runner.invoke(args=["import-roster", str(session.id), str(tmp_path / "b.csv")])
    assert refused.exit_code == 1 and "12 chữ số" in refused.output
    assert db.scalar(select(func.count()).select_from(Person)) == 1
