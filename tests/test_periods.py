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


@pytest.mark.parametrize("period, label, sentence, short, tag, tick", [
    ("2024", "2024", "2024", "2024", "", "2024"),
    ("2022-H1", "first half of 2022", "the first half of 2022", "2022 H1", "H1", "2022<br>H1<br>(partial)"),
    ("2022-H2", "second half of 2022", "the second half of 2022", "2022 H2", "H2", "2022<br>H2<br>(partial)"),
    ("2022-Q1", "January–March 2022 (first quarter)", "the first quarter of 2022", "2022 Q1", "Q1",
     "2022<br>Q1<br>(partial)"),
    ("2023-Q1-Q3", "January–September 2023 (nine months)", "January–September 2023", "2023 Jan–Sept", "Q1–Q3",
     "2023<br>Q1–Q3<br>(partial)"),
])
def test_every_wording_of_a_period_says_when_it_is_partial(period, label, sentence, short, tag, tick):
    """One module words periods for titles, sentences, axes and markers: a partial period never reads as a year."""
    assert periods.label(period) == label
    assert periods.in_sentence(period) == sentence
    assert periods.short(period) == short
    assert periods.tag(period) == tag
    assert periods.tick(period) == tick


def test_periods_sort_by_when_they_end():
    shuffled = ["2022", "2022-Q1-Q3", "2022-Q1", "2022-H1", "2021"]
    assert sorted(shuffled, key=periods.sort_key) == ["2021", "2022-Q1", "2022-H1", "2022-Q1-Q3", "2022"]


def test_month_names_come_from_the_locale():
    """CLDR month names (Babel), not a typed list: the Russian label names the months in Russian."""
    assert periods.label("2023-Q1-Q3", "ru").startswith("январь–сентябрь 2023")
    assert periods.month_name(9, "kk").lower() == "қыркүйек"
