"""One rate format everywhere: cut (never rounded up) to two decimals, the Vietnamese way."""

from decimal import Decimal

import pytest

from attendance import numbers
from attendance.figures.summary import Figures
from attendance.models import ResultReport
from attendance.reports.table import percent


@pytest.mark.parametrize("taught, members, text", [
    (2909, 3044, "95,56\u00a0%"),   # 95.5650…: rounding would also give 95,57 at three places
    (9999, 10000, "99,99\u00a0%"),  # one missing never reads 100,00 %
    (2, 3, "66,66\u00a0%"),         # rounded: 66,67
    (29, 100, "29,00\u00a0%"),      # 0.29 * 100 is 28.999… in floating point
    (959_999, 960_000, "99,99\u00a0%"),
])
def test_rates_are_cut_on_pages_files_and_figures(taught, members, text):
    assert numbers.percent(taught / members) == text
    assert numbers.percent_of(100 * taught / members) == text
    assert numbers.percent_of(numbers.cut_rate(taught, members)) == text
    assert percent(taught / members) == text.split("\u00a0")[0].replace(",", ".")  # CSV


def test_the_reported_rate_and_the_attendance_rate_carry_two_cut_decimals():
    # The "as reported" table and the attendance summary used to round to one decimal.
    assert ResultReport(members_total=3, attended=2).rate == 66.66
    assert ResultReport(members_total=3044, attended=2909).rate == 95.56
    figures = Figures(expected=3, present=2)
    assert figures.rate == 66.66
    assert numbers.cut(Decimal("95.56")) == Decimal("95.56")
