"""Rule ``presence``: people born in Kazakhstan live in each of the claim's countries.

UN DESA migrant stock of one revision and year -> one verdict row per country, and the largest
destinations drawn with the claim's countries highlighted.  A claim about a group no statistic separates
(political emigrants) never holds on these figures: they count everyone born in Kazakhstan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Sequence

import plotly.graph_objects as go
from pydantic import Field

from dashboard import datasets, formatting
from dashboard.claims.rules import base
from dashboard.claims.verdicts import (CANNOT_CHECK, DOES_NOT_HOLD, HOLDS, NO_DATA, Row, Verdict, lead, sentence,
                                       unseparated)
from dashboard.countries import country_name
from dashboard.figures import story
from dashboard.i18n import _
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the app starts without pandas (see snapshots)
    from dashboard.claims.ledger import Claim

TOP = 5  # largest destinations shown beside the claim's countries, for scale


def rule_presence(frame: pd.DataFrame, countries: Sequence[str], *, year: int, revision: int, unchecked: str = "",
                  sources: tuple[str, ...] = (), lang: str = "en") -> Verdict:
    """Do people born in the origin live in each of ``countries`` (migrant stock > 0)?

    ``frame``: the migrant-stock dataset (revision, destination, year, value).  A country without a
    figure in that revision is "no data" (absent is not zero).

    ``unchecked``: what no statistic records about the people the claim speaks of, as an indirect
    question ("which emigrants are political emigrants"; the sentence says "No statistic records ...").
    The stock counts everyone born in the origin, whatever their reasons for leaving: people living in
    every country named are necessary for the claim but do not show it, so the verdict is "cannot be
    checked" and its sentence says so first, the residents as context.  A country where nobody born in the origin lives
    still refutes it ("does not hold").
    """
    stock = frame[(frame["revision"] == revision) & (frame["year"] == year)]
    series = _("UN DESA migrant stock, revision {revision}", lang, revision=revision)
    rows = []
    for iso3 in countries:
        hit = stock[stock["destination"] == iso3].dropna(subset=["value"])
        if hit.empty:
            rows.append(Row(str(year), year, None, "no data", "no data", None, series=series, country=iso3))
            continue
        value = int(hit["value"].iloc[0])
        rows.append(Row(str(year), year, value, "estimate", "present" if value > 0 else "absent", value > 0,
                        series=series, country=iso3))
    # Not classify(): one country without residents refutes "from Mongolia to the USA", whatever the others.
    if not any(r.value is not None for r in rows):
        verdict = NO_DATA
    elif any(r.supports is False for r in rows):
        verdict = DOES_NOT_HOLD
    elif any(r.value is None for r in rows):
        verdict = CANNOT_CHECK
    else:
        verdict = HOLDS
    found = formatting.join([f"{country_name(r.country, lang)} ({formatting.number(r.value, lang)})"
                             for r in rows if r.value is not None], lang)
    missing = formatting.join([country_name(r.country, lang) for r in rows if r.value is None], lang)
    gap = _("no figure for {list} in revision {revision}", lang, list=missing, revision=revision) if missing else ""
    if unchecked and verdict in (HOLDS, CANNOT_CHECK):
        # Everyone born in Kazakhstan, as context: the residents a claim about a group of them needs, not the group.
        shown = _("People born in Kazakhstan, whatever their reasons for leaving, do live in {list} in {year} (UN "
                  "DESA, revision {revision})", lang, list=found, year=year, revision=revision)
        context = "; ".join(c for c in (shown, gap) if c) + "."
        return Verdict(CANNOT_CHECK, unseparated(unchecked, context, lang), tuple(rows), sources)
    clauses = [
        _("people born in Kazakhstan living in {list} in {year} (UN DESA, revision {revision})", lang, list=found,
          year=year, revision=revision) if found else "",
        gap,
    ]
    return Verdict(verdict, sentence(lead(verdict, lang), clauses), tuple(rows), sources)


class Rule(base.RuleBase):
    """People born in Kazakhstan live in every one of the query's countries (UN DESA ``revision``)."""

    name: Literal["presence"]
    revision: base.Revision
    unchecked: str = Field("", description="What no statistic records about the people the claim speaks of, as "
                                           "an indirect question ('which emigrants are political emigrants'); "
                                           "given, the verdict is never 'holds' and the residents are context")

    def source_revision(self) -> str:
        return str(self.revision)

    def chart_datasets(self, claim: Claim, verdict: Verdict) -> tuple[str, ...]:
        return (claim.query.dataset,)

    def evaluate(self, claim: Claim, snap: Snapshot, lang: str) -> Verdict:
        q = claim.query
        stock = datasets.get(q.dataset, snap)
        year = base.stock_year(stock, self.revision, q.period.last)
        return rule_presence(stock, q.countries, year=year, revision=self.revision, unchecked=self.unchecked,
                             sources=(q.dataset,), lang=lang)

    def figure(self, claim: Claim, verdict: Verdict, snap: Snapshot, lang: str) -> go.Figure:
        rows, year = base.stock_rows(claim, self.revision, snap)
        # A log scale: a few hundred people in Mongolia must still show beside millions in Russia.
        return story.stock_bar(rows, highlight=claim.query.countries, top=TOP, log=True,
                               title=_("People born in Kazakhstan abroad, {year}", lang, year=year),
                               source=base.chart_source(claim, verdict, snap, lang), lang=lang)
