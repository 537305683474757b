"""Published periods: one parser for the map, the claims engine and the story charts."""

from __future__ import annotations

import pytest

from dashboard import periods


@pytest.mark.parametrize("period,months,end,x", [
    ("2024", (2024, 1, 12), 12, 2024.0),
    ("2021-H1", (2021, 1, 6), 6, 2021.25),
    ("2019-Q1", (2019, 1, 3), 3, 2019.125),
    ("2020-Q1-Q3", (2020, 1, 9), 9, 2020.375),
])
def test_a_period_knows_its_months_end_and_place_on_a_yearly_axis(period, months, end, x):
    assert periods.months(period) == months
    assert periods.end_month(period) == end
    assert periods.axis_x(period) == pytest.approx(x)
    assert periods.is_partial(period) == (period != "2024")


@pytest.mark.parametrize("bad", ["2022-H3", "2022-Q3-Q1", "22", "2022-Q5", "2022-"])
def test_anything_else_is_refused(bad):
    with pytest.raises(ValueError):
        periods.months(bad)
