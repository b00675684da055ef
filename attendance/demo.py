"""Demo data (seed-demo only): plan 145-KH/TU of a town standing committee studying
Kết luận số 57-KL/TW, one session with its hall, 15 bridge points and a roster.

Deterministic: the same data on every run (a seeded random generator, no clock but ``now``).
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance import demo_cascade, demo_online, sessions, units
from attendance.accounts import users as accounts
from attendance.accounts.assignments import assign
from attendance.errors import DomainError
from attendance.outcomes import reports as result_reports
from attendance.roll import link

from .models import (
    BRIDGE_POINT,
    COORDINATOR,
    HALL,
    ORGANIZER,
    REPORTER,
    STAFF,
    VIEWER,
    Category,
    ExpectedCount,
    Person,
    StudySession,
    Unit,
    User,
    Venue,
    VenueAssignment,
)
from .text import fold

TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_START = datetime(2023, 10, 17, 7, 30, tzinfo=ZoneInfo(TIMEZONE))
# Nơi nhận of the plan, line for line.
RECIPIENTS = ["Ban Thường vụ Tỉnh ủy (báo cáo),", "Ban Tuyên giáo Tỉnh ủy (báo cáo),",
              "Các đồng chí UV BTV Thị ủy,", "Các cơ quan chuyên trách TMGV Thị ủy,",
              "Mặt trận và các tổ chức CT-XH thị xã,", "Các đảng ủy, chi bộ trực thuộc Thị ủy,",
              "C, PC Văn phòng Thị ủy,", "Lưu Văn phòng Thị ủy."]
DEMO_PASSWORD = "diemcau-2023"  # organizers need 12 characters
COMMITTEE = "Thị ủy Đức Phổ"

WARDS = ["Nguyễn Nghiêm", "Phổ Hòa", "Phổ Minh", "Phổ Ninh", "Phổ Quang", "Phổ Thạnh",
         "Phổ Văn", "Phổ Vinh"]
COMMUNES = ["Phổ An", "Phổ Châu", "Phổ Cường", "Phổ Khánh", "Phổ Nhơn", "Phổ Phong",
            "Phổ Thuận"]

# (name, expected, position written on the card, unit kind of its members)
HALL_CATEGORIES = [
    ("Thường trực Thị ủy", 4, "Thường trực Thị ủy"),
    ("Ủy viên Ban Chấp hành Đảng bộ thị xã", 30, "Thị ủy viên"),
    ("Lãnh đạo các phòng, ban, ngành, Mặt trận và các tổ chức chính trị - xã hội thị xã, "
     "Phó Giám đốc Trung tâm Chính trị", 36, None),
    ("Bí thư các chi bộ trực thuộc Thị ủy", 12, "Bí thư chi bộ"),
    ("Báo cáo viên Thị ủy", 15, "Báo cáo viên Thị ủy"),
    ("Ban Chủ nhiệm Câu lạc bộ Nguyễn Nghiêm", 7, "Ủy viên Ban Chủ nhiệm CLB Nguyễn Nghiêm"),
]
BRIDGE_CATEGORIES = [
    ("Bí thư đảng ủy xã, phường (hoặc phó bí thư)", (1, 2), "Bí thư Đảng ủy"),
    ("Đảng ủy viên", (9, 13), "Đảng ủy viên"),
    ("Bí thư chi bộ thôn, tổ dân phố", (5, 12), "Bí thư chi bộ"),
    ("Tuyên truyền viên nòng cốt", (10, 18), "Tuyên truyền viên"),
    ("Các thành phần khác", (20, 45), None),  # headcount only
]

DEPARTMENTS = ["Văn phòng Thị ủy", "Ban Tổ chức Thị ủy", "Ban Tuyên giáo Thị ủy",
               "Ủy ban Kiểm tra Thị ủy", "Ban Dân vận Thị ủy", "Trung tâm Chính trị thị xã",
               "Phòng Văn hóa và Thông tin", "Phòng Nội vụ", "Phòng Tài chính - Kế hoạch",
               "Phòng Giáo dục và Đào tạo", "Công an thị xã", "Ban Chỉ huy Quân sự thị xã"]
ORGANIZATIONS = [("Ủy ban MTTQ Việt Nam thị xã", "front"),
                 ("Hội Liên hiệp Phụ nữ thị xã", "organization"),
                 ("Hội Nông dân thị xã", "organization"),
                 ("Hội Cựu chiến binh thị xã", "organization"),
                 ("Đoàn TNCS Hồ Chí Minh thị xã", "organization"),
                 ("Liên đoàn Lao động thị xã", "organization")]
CELLS = ["Chi bộ Cơ quan Thị ủy", "Chi bộ Trung tâm Chính trị", "Chi bộ Phòng Nội vụ",
         "Chi bộ Phòng Tài chính - Kế hoạch", "Chi bộ Phòng Văn hóa và Thông tin",
         "Chi bộ Phòng Giáo dục và Đào tạo", "Chi bộ Trung tâm Y tế", "Chi bộ Trường THPT số 1",
         "Chi bộ Trường THPT số 2", "Chi bộ Ngân hàng Chính sách xã hội",
         "Chi bộ Chi cục Thuế khu vực", "Chi bộ Kho bạc Nhà nước"]
LEADER_TITLES = ["Trưởng phòng", "Phó Trưởng phòng", "Trưởng ban", "Phó Trưởng ban",
                 "Chủ tịch", "Phó Chủ tịch", "Bí thư", "Phó Giám đốc"]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng",
            "Đỗ", "Ngô", "Hồ", "Dương", "Đinh", "Lương", "Tô", "Châu"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thanh", "Hữu", "Quang", "Thị Thu", "Công",
          "Thị Kim", "Tấn", "Xuân", "Hoàng", "Thị Mỹ"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hải", "Hà", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam",
         "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân", "Yến", "Hiền",
         "Khánh", "Lộc", "Nhung", "Oanh", "Quyên", "Thịnh", "Vinh", "Đông", "Nghĩa", "Trinh",
         "Hưng", "Lực", "Toàn", "Thủy", "Hạnh", "Việt", "Ánh"]


@dataclass
class DemoResult:
    session: StudySession
    people: int
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    members: int = 0  # in the registry
    classes: int = 0  # follow-on classes held in the cells


def seed(db: Session, *, now: datetime, starts_at: datetime | None = None,
         card_key: bytes | None = None, join_key: bytes | None = None) -> DemoResult:
    """``card_key`` and ``join_key`` (the app's): citizen ID numbers and join links need
    them; without, the demo has neither."""
    rng = random.Random(145)
    # Venue codes are unique across sessions: a second demo gets codes of its own.
    code_rng = random.Random(f"venue-codes-{db.scalar(select(func.count(StudySession.id)))}")
    starts_at = starts_at or DEFAULT_START
    units = _units(db, now)
    document = dict(number="57-KL/TW", issuer="Bộ Chính trị", issued_on=date(2023, 6, 15),
                    title="Kết luận số 57-KL/TW ngày 15/6/2023 của Bộ Chính trị về tiếp tục "
                          "nâng cao chất lượng, hiệu quả công tác thông tin đối ngoại "
                          "trong tình hình mới")
    # The plan's identity as the plan has it. Its own date is not in the seed's text (the
    # copy lacks the dateline), so none is invented: plan_date stays empty.
    session = sessions.create_session(
        db, now=now, actor=None,
        title="Hội nghị nghiên cứu, học tập, quán triệt Kết luận số 57-KL/TW của Bộ Chính trị",
        plan_number="145-KH/TU", plan_issuer="Ban Thường vụ Thị ủy",
        organizer_unit_id=units[COMMITTEE].id, document=document,
        signer_title="T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ", signer_name="Bùi Văn Lý",
        recipients=RECIPIENTS, starts_at=starts_at, ends_at=starts_at + timedelta(hours=4),
        mode="Trực tiếp kết hợp với trực tuyến",
        presenter="Lãnh đạo Ban Tuyên giáo Tỉnh ủy", late_grace_minutes=15,
        report_deadline=(starts_at + timedelta(days=14)).date())
    hall = Venue(session=session, kind=HALL, name="Hội trường UBND thị xã",
                 address="Trụ sở UBND thị xã Đức Phổ", unit=units[COMMITTEE], position=0,
                 code=_code(code_rng))
    points = []
    for position, name in enumerate(WARDS + COMMUNES, start=1):
        kind_word = "phường" if name in WARDS else "xã"
        points.append(Venue(
            session=session, kind=BRIDGE_POINT, name=f"Điểm cầu {kind_word} {name}",
            address=f"Hội trường UBND {kind_word} {name}", position=position, code=_code(code_rng),
            coordinator_name=_name(rng), coordinator_phone=f"09{rng.randint(10**7, 10**8 - 1)}",
            unit=units[f"Đảng ủy {kind_word} {name}"]))
    hall_categories = [Category(session=session, venue_kind=HALL, name=name, position=i)
                       for i, (name, _, _) in enumerate(HALL_CATEGORIES)]
    bridge_categories = [Category(session=session, venue_kind=BRIDGE_POINT, name=name,
                                  position=i, headcount_only=title is None)
                         for i, (name, _, title) in enumerate(BRIDGE_CATEGORIES)]
    db.add_all([hall, *points, *hall_categories, *bridge_categories])
    db.flush()

    people = []
    phones = iter(rng.sample(range(10_000_000, 99_999_999), 2000))
    for category, (_, expected, title) in zip(hall_categories, HALL_CATEGORIES):
        db.add(ExpectedCount(venue=hall, category=category, expected=expected))
        for _ in range(expected):
            unit = rng.choice(DEPARTMENTS + [name for name, _ in ORGANIZATIONS])
            if title == "Bí thư chi bộ":
                unit = CELLS[len([p for p in people if p.category is category])]
            position = title or f"{rng.choice(LEADER_TITLES)} {unit}"
            people.append(_person(rng, session, hall, category, position, unit, units, phones,
                                  now))
    for venue in points:
        for category, (_, (low, high), title) in zip(bridge_categories, BRIDGE_CATEGORIES):
            expected = rng.randint(low, high)
            db.add(ExpectedCount(venue=venue, category=category, expected=expected))
            if category.headcount_only:
                continue
            for _ in range(expected):
                people.append(_person(rng, session, venue, category, title, venue.unit.name,
                                      units, phones, now))
    db.add_all(people)
    db.flush()
    # Every unit owes its result report: the wards' and communes' party committees, the cells
    # under the committee, the Front and the socio-political organizations.
    reporting = [u.id for u in units.values() if u.parent_id == units[COMMITTEE].id
                 and u.kind in ("committee", "cell", "front", "organization")]
    result_reports.set_reporting_units(db, session, sorted(reporting), now=now, actor=None)
    logins = _users(db, now=now, hall=hall, points=points, units=units)
    # Its own random source: the cascade below draws from rng and stays as it was.
    _link_checks(db, random.Random("link-checks"), session=session, points=points)
    organizer = db.scalar(select(User).where(User.username == "organizer"))
    cascade = demo_cascade.seed(db, rng, session=session, wards=[p.unit for p in points],
                                organizer=organizer, name=_name, now=now)
    logins.append(_cell_secretary(db, now=now, ward=units["Đảng ủy phường Phổ Hòa"]))
    demo_online.seed(db, random.Random("online"), session=session, venue=points[0], now=now,
                     card_key=card_key, join_key=join_key)
    return DemoResult(session=session, people=len(people), logins=logins,
                      members=cascade.members, classes=cascade.classes)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _person(rng, session, venue, category, position, unit_name, units, phones, now) -> Person:
    name = _name(rng)
    unit = units.get(unit_name)
    return Person(session=session, full_name=name, search_name=fold(name), position=position,
                  unit_name=unit_name, unit=unit, phone=f"09{next(phones)}",
                  party_member=category.name != "Các thành phần khác" and rng.random() > 0.03,
                  category=category, venue=venue, created_at=now)


def _code(rng: random.Random) -> str:
    return "%032x" % rng.getrandbits(128)


# (code, name, kind, parent code, letterhead, place, symbol): the committee's tree as a
# units file would give it. The province sits above the town committee so that the town's
# documents print "ĐẢNG BỘ TỈNH QUẢNG NGÃI" above "THỊ ỦY ĐỨC PHỔ".
PROVINCE = ("TU-QNG", "Tỉnh ủy Quảng Ngãi", "committee", "", "TỈNH ỦY QUẢNG NGÃI", "Quảng Ngãi",
            "TU")
TOWN = ("TU-DP", COMMITTEE, "committee", "TU-QNG", "THỊ ỦY ĐỨC PHỔ", "Đức Phổ", "TU")


def _slug(name: str) -> str:
    return fold(name).upper().replace(" ", "").replace("-", "")[:30]


def unit_rows() -> list[tuple[str, ...]]:
    rows = [PROVINCE, TOWN]
    for kind_word, names in (("phường", WARDS), ("xã", COMMUNES)):
        for name in names:
            rows.append((f"DU-{_slug(name)}", f"Đảng ủy {kind_word} {name}", "committee",
                         "TU-DP", f"ĐẢNG ỦY {kind_word.upper()} {name.upper()}", name, "ĐU"))
    rows += [(f"CQ-{_slug(name)}", name, "office", "TU-DP", name.upper(), "Đức Phổ", "")
             for name in DEPARTMENTS]
    rows += [(f"DT-{_slug(name)}", name, kind, "TU-DP", name.upper(), "Đức Phổ", "")
             for name, kind in ORGANIZATIONS]
    rows += [(f"CB-{_slug(name)}", name, "cell", "TU-DP", name.upper(), "Đức Phổ", "CB")
             for name in CELLS]
    return rows


def _units(db: Session, now: datetime) -> dict[str, Unit]:
    """The committee's unit tree, through the units import (as an office would load it); a
    second seed finds it unchanged. Units of an older demo (named, without these codes) keep
    their codes, so they are updated rather than doubled."""
    existing = {u.name: u.code for u in db.scalars(select(Unit))}
    fields = ("code", "name", "kind", "parent", "letterhead", "place", "symbol")
    codes = {row[0]: existing.get(row[1], row[0]) for row in unit_rows()}
    rows = []
    for number, row in enumerate(unit_rows(), start=2):
        values = dict(zip(fields, row))
        values["code"], values["parent"] = codes[row[0]], codes.get(row[3], "")
        rows.append((number, values))
    preview = units.preview_rows(db, rows, "demo")
    if not preview.ok:  # the demo's own rows: a bad one is a bug here, not the user's input
        raise DomainError("bad_rows", count=len(preview.bad_rows))
    units.import_units(db, preview, now=now, actor=None)
    by_code = {u.code: u for u in db.scalars(select(Unit))}
    return {row[1]: by_code[codes[row[0]]] for row in unit_rows()}


def _users(db, *, now, hall, points, units) -> list[tuple[str, str, str]]:
    wanted = [("organizer", ORGANIZER, "Văn phòng Thị ủy", None, None),
              ("viewer", VIEWER, "Thường trực Thị ủy", None, None),
              ("staff", STAFF, "Lễ tân hội trường", hall.id, None),
              ("reporter", REPORTER, "Người báo cáo Đảng ủy phường Phổ Hòa", None,
               units["Đảng ủy phường Phổ Hòa"].id)]
    for venue in points:
        slug = fold(venue.name.split(" ", 3)[-1]).replace(" ", "")
        wanted.append((f"dc-{slug}", COORDINATOR, f"Người điều phối {venue.name}", venue.id, None))
    logins = []
    for username, role, full_name, venue_id, unit_id in wanted:
        user = db.scalar(select(User).where(User.username == username))
        if user is None:
            accounts.create_user(db, username=username, role=role, password=DEMO_PASSWORD,
                                 full_name=full_name, venue_id=venue_id, unit_id=unit_id, now=now)
        elif venue_id is not None:  # a second seed: the same accounts, the new session
            assign(db, user, db.get(Venue, venue_id), now=now, actor=None)
        logins.append((username, role, DEMO_PASSWORD))
    return logins


def _link_checks(db, rng, *, session, points) -> None:
    """The morning's link checklists, marked by each point's coordinator through the roll's
    own service: most points passed before the rehearsal, two had no sound at it (one fixed
    before the start), the last three had tested nothing yet."""
    ok = {item: link.OK for item in link.ITEMS}
    before = session.rehearsal_at - timedelta(minutes=20)
    for i, venue in enumerate(points[:-3]):
        coordinator = db.scalar(select(User).join(
            VenueAssignment, VenueAssignment.user_id == User.id).where(
            VenueAssignment.venue_id == venue.id))
        technician = dict(technician_name=_name(rng),
                          technician_phone=f"09{rng.randint(10**7, 10**8 - 1)}")
        if i in (3, 8):
            link.save_checklist(db, venue=venue, now=before, actor=coordinator, fields=dict(
                ok, sound=link.FAIL, note="Loa hội trường rè, đang thay", **technician))
            if i == 3:
                link.save_checklist(db, venue=venue, fields={"sound": link.OK, "note": ""},
                                    now=session.starts_at - timedelta(minutes=25),
                                    actor=coordinator)
        else:
            link.save_checklist(db, venue=venue, fields=dict(ok, **technician), now=before,
                                actor=coordinator)


def _cell_secretary(db, *, now, ward) -> tuple[str, str, str]:
    """The secretary of Chi bộ tổ dân phố 1 of Phổ Hòa: an organizer scoped to the cell, who
    holds the cell's follow-on classes on a phone."""
    cell = db.scalar(select(Unit).where(Unit.parent_id == ward.id,
                                        Unit.name == "Chi bộ tổ dân phố 1"))
    user = db.scalar(select(User).where(User.username == "cb-phohoa-1"))
    if user is None:
        accounts.create_user(db, username="cb-phohoa-1", role=ORGANIZER, password=DEMO_PASSWORD,
                             full_name="Bí thư Chi bộ tổ dân phố 1, phường Phổ Hòa",
                             unit_id=cell.id, now=now)  # the scope: the cell, nothing above
    else:
        user.unit_id = cell.id
    return ("cb-phohoa-1", ORGANIZER, DEMO_PASSWORD)
