"""Dated events marked on the trend charts: a small read-only table, no numbers, each with its source.

``date`` is ``YYYY-MM`` (or ``YYYY`` where the source gives only the year).  ``label`` is the short
text drawn on the chart, ``note`` the one-line description shown on hover and under the chart.
Labels, notes and sources are English message ids: pages pass them through ``i18n._`` with the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.i18n import N_

_DATE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Event:
    date: str  # "YYYY-MM", or "YYYY" when only the year is known
    label: str  # a few words for the chart
    note: str  # one line: what happened
    source: str  # where it is reported

    def __post_init__(self):
        if not _DATE.match(self.date):
            raise ValueError(f"event date {self.date!r} is not YYYY-MM or YYYY")

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def month(self) -> int | None:
        return int(self.date[5:7]) if len(self.date) == 7 else None

    @property
    def x(self) -> float:
        """Position on a yearly axis whose tick N is the start of year N: 2019-11 -> 2019 + 10/12.

        A year-only date sits on its year's tick (the same x as that year's value).
        """
        return self.year + ((self.month - 1) / 12 if self.month else 0.0)


EVENTS: tuple[Event, ...] = (
    Event("2014", N_("Couple leaves for Kyiv"),
          N_("A couple of Kazakh political emigrants from Aktobe moves to Kyiv, Ukraine, in 2014 (month not given)."),
          N_("CABAR.asia, \"A Promised Land: How Kazakh Political Emigrants Live in Ukraine\" (2020)")),
    Event("2019-11", N_("KZ-UA extradition deal"),
          N_("Kazakhstan's Senate ratifies the Kazakhstan-Ukraine extradition agreement (7 November 2019)."),
          N_("CABAR.asia, \"A Promised Land: How Kazakh Political Emigrants Live in Ukraine\" (2020); "
             "Kazinform, 7 November 2019")),
    Event("2022-01", N_("January unrest"),
          N_("Protests and unrest across Kazakhstan, \"Qandy Qantar\" (Bloody January), early January 2022."),
          N_("Reuters and RFE/RL reports, January 2022")),
    Event("2022-09", N_("Arrivals from Russia"),
          N_("People arrive from Russia after Russia announces a mobilisation on 21 September 2022."),
          N_("Kazakhstan's Ministry of Internal Affairs statements, as reported by the press, "
             "September-October 2022")),
)
