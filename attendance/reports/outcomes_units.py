"""The computed learning outcome by unit (attendance.outcomes.cascade) as a report table: the
same rows and columns in the consolidated report's page, CSV, XLSX and PDF, and the same
figures as GET /api/v1/sessions/{id}/outcomes."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from attendance.outcomes.cascade import Cascade, UnitOutcome

from .table import INT, PUBLISHED, TEXT, Column, Strong

TITLE = "Kết quả học tập theo hệ thống đơn vị (tính từ danh sách đảng viên và điểm danh)"
FINISHED, NOT_FINISHED = "Đã hoàn thành", "Chưa hoàn thành"

COLUMNS = [
    Column("STT", INT, 6), Column("Mã đơn vị", TEXT, 12), Column("Đơn vị", TEXT, 36),
    Column("Đảng viên phải học tập", INT, 11), Column("Đã học tập", INT, 10),
    Column("Tỷ lệ (%)", PUBLISHED, 9), Column("Trong đó học bù", INT, 9),
    Column("Chưa học tập", INT, 9), Column("Miễn sinh hoạt", INT, 9),
    Column("Cán bộ chủ chốt", INT, 9), Column("Cán bộ chủ chốt đã học", INT, 10),
    Column("Quần chúng tham dự", INT, 10), Column("Lớp cấp ủy tổ chức", INT, 9),
    Column("Lớp chi bộ tổ chức", INT, 9), Column("Tổng số lớp", INT, 8),
    Column("Tình trạng", TEXT, 15),
]


def state(outcome: UnitOutcome) -> str:
    return FINISHED if outcome.finished else NOT_FINISHED


def indented(outcome: UnitOutcome, top_depth: int = 1, pad: str = "    ") -> str:
    """The unit's name indented by its level below the organizer (cells under their ward)."""
    return pad * max(outcome.depth - top_depth, 0) + outcome.name


def values(outcome: UnitOutcome, number: int | None, name: str) -> tuple:
    return (number, outcome.code, name, outcome.members, outcome.taught, outcome.rate,
            outcome.made_up, outcome.not_taught, outcome.exempt, outcome.key_cadres,
            outcome.key_cadres_taught, outcome.non_members, outcome.classes_committee,
            outcome.classes_cells, outcome.classes, state(outcome))


def rows(cascade: Cascade, *, indent: bool = True) -> Iterator[tuple]:
    top = 1 if cascade.root is not None else 0  # the organizer unit is depth 0
    for number, outcome in enumerate(cascade.units, start=1):
        yield values(outcome, number, indented(outcome, top) if indent else outcome.name)
    yield Strong(values(cascade.total, None, "Tổng cộng"))


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")  # 1.234 (Vietnamese thousands separator)


def rate_text(outcome: UnitOutcome) -> str:
    """95,56 % (decimal comma), "—" without members."""
    return "—" if outcome.rate is None else f"{outcome.rate:.2f}".replace(".", ",") + "\u00a0%"


def named(cascade: Cascade, outcome: UnitOutcome) -> str:
    """The unit's name, with its parent's when it sits deeper than the organizer's children
    (every ward has a "Chi bộ tổ dân phố 1")."""
    parent = cascade.by_id.get(outcome.parent_id)
    deep = parent is not None and parent.unit_id != (cascade.root.id if cascade.root else None)
    return f"{outcome.name} ({parent.name})" if deep else outcome.name


def summary(cascade: Cascade) -> str:
    """The sentence a report opens its figures with (e.g. "… đạt 95,56 %")."""
    t = cascade.total
    return (f"Tổng số đảng viên phải học tập: {_n(t.members)}; đã học tập: {_n(t.taught)}, đạt "
            f"{rate_text(t)} (trong đó học bù: {_n(t.made_up)}); miễn sinh hoạt: "
            f"{_n(t.exempt)}. Tổ chức {_n(t.classes)} lớp ({_n(t.classes_committee)} lớp do cấp "
            f"ủy tổ chức, {_n(t.classes_cells)} lớp do chi bộ tổ chức); quần chúng tham dự: "
            f"{_n(t.non_members)}. {len(cascade.finished)}/{len(cascade.units)} đơn vị đã hoàn "
            f"thành.")


# The page lists every unit of a town (a hundred or two); past this many below the unit looked
# at (a province's 1,700, a nation's 60,000), it lists that unit's own units, each one a link
# to its own. The downloads always carry every unit.
PAGE_UNITS = 300
NOT_FINISHED_SHOWN = 100


@dataclass
class CascadeView:
    """What the consolidated page shows of a cascade, looking at one unit of its tree."""

    focus: UnitOutcome  # the unit looked at (its figures are the total row)
    trail: list[UnitOutcome]  # the units above it, from the organizer unit down
    units: list[UnitOutcome]  # the rows: its whole subtree, or only its own units
    collapsed: bool  # only its own units: each with units below is a link to them
    has_below: frozenset[int]
    not_finished: list[UnitOutcome]  # the first NOT_FINISHED_SHOWN of its subtree
    not_finished_count: int
    subtree_count: int  # the units below the focus (with members), shown or not
    depth: int  # the focus's depth: rows indent from there

    @property
    def at_top(self) -> bool:
        return not self.trail


def cascade_view(cascade: Cascade, focus_id: int | None = None, *,
                 limit: int | None = None) -> CascadeView | None:
    """The view from ``focus_id`` (None: the organizer unit, or every root); None when that
    unit is not in the cascade's tree. ``limit``: PAGE_UNITS."""
    limit = PAGE_UNITS if limit is None else limit
    top_id = cascade.root.id if cascade.root is not None else None
    if focus_id is not None and focus_id != top_id and focus_id not in cascade.by_id:
        return None
    focus_id = focus_id if focus_id is not None else top_id
    children: dict[int | None, list[UnitOutcome]] = defaultdict(list)
    for outcome in cascade.units:  # tree order: children in their order under each parent
        parent = outcome.parent_id if outcome.parent_id in cascade.by_id else None
        children[parent].append(outcome)
    subtree, stack = [], list(reversed(children.get(focus_id, [])))
    while stack:
        outcome = stack.pop()
        subtree.append(outcome)
        stack.extend(reversed(children.get(outcome.unit_id, [])))
    collapsed = len(subtree) > limit
    shown = children.get(focus_id, []) if collapsed else subtree
    focus = cascade.by_id[focus_id] if focus_id is not None and focus_id in cascade.by_id \
        else cascade.total
    trail, up = [], cascade.by_id.get(focus.parent_id) if focus_id != top_id else None
    while up is not None:
        trail.append(up)
        up = cascade.by_id.get(up.parent_id) if up.unit_id != top_id else None
    unfinished = [u for u in subtree if not u.finished]
    return CascadeView(
        focus=focus, trail=trail[::-1], units=shown, collapsed=collapsed,
        has_below=frozenset(u.unit_id for u in shown if children.get(u.unit_id)),
        not_finished=unfinished[:NOT_FINISHED_SHOWN], not_finished_count=len(unfinished),
        subtree_count=len(subtree),
        depth=focus.depth if focus_id is not None and focus is not cascade.total else -1)
