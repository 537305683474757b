"""Periods as BNS and the EEC publish them: 2024, 2022-H1, 2022-Q1, 2023-Q1-Q3 -> months, partiality, axis place."""

from __future__ import annotations

import re

_PERIOD = re.compile(r"^(\d{4})(?:-H([12])|-Q([1-4])(?:-Q([1-4]))?)?$")


def months(period: str) -> tuple[int, int, int]:
    """(year, first month, last month) of a published period; ValueError for anything else."""
    match = _PERIOD.match(str(period))
    if not match:
        raise ValueError(f"not a published period: {period!r}")
    year, half, q_first, q_last = match.groups()
    if half:
        first, last = (1, 6) if half == "1" else (7, 12)
    elif q_first:
        first, last = 3 * int(q_first) - 2, 3 * int(q_last or q_first)
        if last < first:
            raise ValueError(f"not a published period: {period!r}")
    else:
        first, last = 1, 12
    return int(year), first, last


def is_partial(period: str) -> bool:
    """True for a half-year, quarter or nine months: never to be read or summed as a whole year."""
    _year, first, last = months(period)
    return (first, last) != (1, 12)


def end_month(period: str) -> int:
    """The month a period ends (Q1 -> 3, H1 -> 6, Q1-Q3 -> 9, a year -> 12): orders periods within a year."""
    return months(period)[2]


def axis_x(period: str) -> float:
    """Where a period sits on a yearly axis: a whole year on its tick, a partial one at its middle
    (2019-Q1 -> 2019.125, 2020-Q1-Q3 -> 2020.375, 2021-H1 -> 2021.25)."""
    year, first, last = months(period)
    return float(year) if (first, last) == (1, 12) else year + (first - 1 + last) / 24
