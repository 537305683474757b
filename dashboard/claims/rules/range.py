"""Rule ``range``: a yearly figure lies within [low, high] ("30 to 50 thousand leave every year").

Yearly series (year, value, status) -> a verdict with one row per year, and the series drawn against
the claimed band.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Sequence

import plotly.graph_objects as go
from pydantic import model_validator

from dashboard import datasets, formatting
from dashboard.claims.rules import base
from dashboard.claims.verdicts import NO_DATA, Row, Verdict, classify, flag, lead, sentence, window
from dashboard.figures import story
from dashboard.i18n import N_, _
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the app starts without pandas (see snapshots)
    from dashboard.claims.ledger import Claim

# A figure published rounded ("~30 thousand") is known only to its rounding unit: the largest power of
# ten (at most a thousand) that divides it.  If the interval value +- unit/2 crosses a bound of a range,
# the figure cannot decide whether it is inside.
MAX_ROUNDING_UNIT = 1000
_DEFAULT_TITLE = N_("Figures per year")
_MEASURE_TITLES = {"emigrants": N_("Emigrants per year"), "immigrants": N_("Immigrants per year"),
                   "net": N_("Net migration per year")}


def rounding_unit(value: float) -> int:
    """The unit a rounded figure is known to: 30000 -> 1000 (capped), 41800 -> 100."""
    unit = 1
    v = abs(int(round(value)))
    while unit < MAX_ROUNDING_UNIT and v != 0 and v % (unit * 10) == 0:
        unit *= 10
    return unit


def rule_range(frame: pd.DataFrame, low: float, high: float, written: int, *, first: int | None = None,
               last: int | None = None, recent_years: int = 3, sources: tuple[str, ...] = (),
               lang: str = "en") -> Verdict:
    """Is the yearly value within [low, high]?  ``frame``: one series with columns year, value, status.

    Every year from ``first`` to ``last`` (default: the series' own first and last year) gets a row;
    a year without a figure is a gap ("no data"), never a zero.  A rounded figure whose rounding
    interval crosses a bound is "borderline" and decides nothing.
    """
    frame = frame.dropna(subset=["value"])
    years = sorted(int(y) for y in frame["year"])
    first = first if first is not None else (years[0] if years else None)
    last = last if last is not None else (years[-1] if years else None)
    rows: list[Row] = []
    if first is not None and last is not None:
        by_year = {int(r.year): r for r in frame.itertuples(index=False)}
        for year in range(first, last + 1):
            rec = by_year.get(year)
            if rec is None:
                rows.append(Row(str(year), year, None, "no data", "no data", None))
                continue
            value, status = float(rec.value), str(rec.status)
            half = rounding_unit(value) / 2 if status == "rounded" else 0
            lo, hi = value - half, value + half
            if low <= lo and hi <= high:
                outcome, ok = "inside", True
            elif hi < low or lo > high:
                outcome, ok = "outside", False
            else:
                outcome, ok = "borderline", None
            shown = int(value) if value.is_integer() else value
            rows.append(Row(str(year), year, shown, status, outcome, ok))
    verdict, since = classify(rows, written, recent_years)
    fmt = {"low": formatting.number(low, lang), "high": formatting.number(high, lang)}
    inside = [r.year for r in rows if r.outcome == "inside"]
    outside = [r for r in rows if r.outcome == "outside"]
    border = [r for r in rows if r.outcome == "borderline"]
    gaps = [r.year for r in rows if r.outcome == "no data"]

    def listing(rs: Sequence[Row]) -> str:
        return formatting.join([f"{r.year} ({formatting.number(r.value, lang)}{flag(r.status, lang)})"
                                for r in rs], lang)

    clauses = [
        _("inside {low}–{high} in {years}", lang, years=formatting.years(inside, lang), **fmt) if inside else "",
        _("outside it in {list}", lang, list=listing(outside)) if outside else "",
        _("too close to call in {list}", lang, list=listing(border)) if border else "",
        _("no official figure for {years}", lang, years=formatting.years(gaps, lang)) if gaps else "",
    ]
    if verdict == NO_DATA:
        years_txt = f"{first}–{last}" if first is not None else _("the claim's years", lang)
        clauses = [_("no figure between {low} and {high} can be checked for {span}", lang, span=years_txt, **fmt)]
    opening = lead(verdict, lang, since, window(rows, written, recent_years, lang))
    return Verdict(verdict, sentence(opening, clauses), tuple(rows), sources, since)


class Rule(base.RuleBase):
    """The claim's yearly figure is between ``low`` and ``high`` (people, inclusive) in every year."""

    name: Literal["range"]
    low: base.Number
    high: base.Number
    recent_years: base.Positive = 3  # the years before ``written`` the claim described

    @model_validator(mode="after")
    def _ordered(self) -> Rule:
        if self.low > self.high:
            raise ValueError(f"'low' ({self.low}) must not be above 'high' ({self.high})")
        return self

    def band(self) -> tuple[float, float]:
        return (self.low, self.high)

    def evaluate(self, claim: Claim, snap: Snapshot, lang: str) -> Verdict:
        q = claim.query
        frame = base.series(datasets.get(q.dataset, snap), q)
        return rule_range(frame, self.low, self.high, claim.written, first=q.period.first, last=q.period.last,
                          recent_years=self.recent_years, sources=(q.dataset,), lang=lang)

    def figure(self, claim: Claim, verdict: Verdict, snap: Snapshot, lang: str) -> go.Figure:
        label = _("Claim: {low}–{high} a year", lang, low=formatting.number(self.low, lang),
                  high=formatting.number(self.high, lang))
        return story.range_figure(
            base.rows_frame(verdict), low=self.low, high=self.high, label=label,
            title=_(_MEASURE_TITLES.get(claim.query.measure, _DEFAULT_TITLE), lang),
            source=base.chart_source(claim, verdict, snap, lang), article_year=int(claim.article_date[:4]),
            lang=lang)
