"""Rule ``rank_destination``: a country is among the top destinations of people leaving Kazakhstan.

UN DESA migrant stock (one revision and year) and BNS emigrants by destination (each published period)
-> one verdict row for the stock and one per period, and the stock ranking drawn with a "top n" line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import pandas as pd
import plotly.graph_objects as go
from pydantic import BaseModel, ConfigDict

from dashboard import datasets, formatting, periods
from dashboard.claims.rules import base
from dashboard.claims.verdicts import Row, Verdict, classify, flag, lead, sentence
from dashboard.countries import GROUPS, country_name
from dashboard.figures import story
from dashboard.i18n import N_, _
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    from dashboard.claims.ledger import Claim

SHOWN = 6  # destinations drawn at least (the claimed top n and one more)


def _rank_desc(values: pd.Series) -> pd.Series:
    return values.astype("float64").rank(method="min", ascending=False).astype(int)


def _countries(frame: pd.DataFrame) -> pd.DataFrame:
    # BNS tables also give totals for the CIS / NON-CIS groups: not destinations, never ranked.
    return frame[~frame["destination"].isin(list(GROUPS))]


def _flow_rows(flows: pd.DataFrame, target: str, top: int, first: int | None, last: int | None,
               series: str) -> list[Row]:
    """Each published period ranked among the countries it lists (lists are partial: absent is not last)."""
    fl = _countries(flows).dropna(subset=["value"])
    if first is not None:
        fl = fl[fl["year"] >= first]
    if last is not None:
        fl = fl[fl["year"] <= last]
    keys = fl[["period", "period_type", "year"]].drop_duplicates()
    keys = keys.assign(_order=keys["period"].map(periods.sort_key)).sort_values("_order")
    rows = []
    for key in keys.itertuples(index=False):
        grp = fl[fl["period"] == key.period]
        if not (grp["destination"] == target).any():
            rows.append(Row(key.period, int(key.year), None, "no data", "not listed", None, of=len(grp),
                            series=series, country=target))
            continue
        ranks = _rank_desc(grp["value"])
        idx = grp.index[grp["destination"] == target][0]
        status = str(grp.at[idx, "status"])
        if key.period_type != "year":
            status = f"{status}; partial period"
        rank = int(ranks[idx])
        rows.append(Row(key.period, int(key.year), int(grp.at[idx, "value"]), status, "rank", rank <= top, rank,
                        len(grp), series, target))
    return rows


def rule_rank_destination(stock: pd.DataFrame, flows: pd.DataFrame | None, target: str, *, year: int,
                          revision: int, top: int, first: int | None = None, last: int | None = None,
                          sources: tuple[str, ...] = (), lang: str = "en") -> Verdict:
    """Is ``target`` among the ``top`` destinations, by migrant stock and by recorded emigration?

    ``stock``: migrant-stock (revision, destination, year, value), ranked among all destination
    countries in ``revision`` and ``year``.  ``flows``: kz-destinations; each published period is ranked
    among the *countries it lists* (the CIS / NON-CIS groups are never ranked).  A period that lists
    countries but not the target is "not listed" and decides nothing.
    """
    rows: list[Row] = []
    st = _countries(stock[(stock["revision"] == revision) & (stock["year"] == year)].dropna(subset=["value"]))
    stock_series = _("UN DESA migrant stock, revision {revision}", lang, revision=revision)
    ahead_codes: list[str] = []
    if (st["destination"] == target).any():
        ranks = _rank_desc(st["value"])
        idx = st.index[st["destination"] == target][0]
        rank, value = int(ranks[idx]), int(st.at[idx, "value"])
        ahead = st[ranks < rank].sort_values("value", ascending=False)
        ahead_codes = list(ahead["destination"])
        ahead_txt = formatting.join([f"{country_name(r.destination, lang)} ({formatting.number(r.value, lang)})"
                                     for r in ahead.itertuples()], lang)
        rows.append(Row(str(year), year, value, "estimate", "rank", rank <= top, rank, len(st), stock_series, target,
                        _("after {ahead}", lang, ahead=ahead_txt) if ahead_txt else ""))
    else:
        rows.append(Row(str(year), year, None, "no data", "no data", None, of=len(st), series=stock_series,
                        country=target))
    if flows is not None:
        rows += _flow_rows(flows, target, top, first, last, _("BNS emigrants by destination", lang))
    verdict, _since = classify(rows, None)
    name = country_name(target, lang)
    srow, listed = rows[0], [r for r in rows[1:] if r.outcome == "rank"]
    unlisted = [r for r in rows[1:] if r.outcome == "not listed"]
    clauses = []
    if srow.value is not None:
        after = (", " + _("after {ahead}", lang, ahead=formatting.join([country_name(c, lang) for c in ahead_codes],
                                                                        lang))) if ahead_codes else ""
        clauses.append(_("{name} ranks {rank} of {of} destination countries by people born in Kazakhstan living "
                         "there{after}: {value} in {year} (UN DESA, revision {revision})", lang, name=name,
                         rank=formatting.ordinal(srow.rank, lang), of=srow.of,
                         value=formatting.number(srow.value, lang), year=year, revision=revision, after=after))
    else:
        clauses.append(_("no UN DESA figure for {name} in {year} (revision {revision})", lang, name=name, year=year,
                         revision=revision))
    if listed:
        def one(i: int, r: Row) -> str:
            text = (N_("{rank} of {of} listed destinations in {period} ({value} people{flag})") if i == 0
                    else N_("{rank} of {of} in {period} ({value} people{flag})"))
            return _(text, lang, rank=formatting.ordinal(r.rank, lang), of=r.of,
                     period=periods.in_sentence(r.period, lang), value=formatting.number(r.value, lang),
                     flag=flag(r.status.split(";")[0], lang))

        clauses.append(_("by recorded emigration (BNS) it ranks {list}", lang,
                         list=formatting.join([one(i, r) for i, r in enumerate(listed)], lang)))
    if unlisted:
        clauses.append(_("it is not among the destinations listed for {list}", lang, list=formatting.join(
            [periods.in_sentence(r.period, lang) for r in unlisted], lang)))
    return Verdict(verdict, sentence(lead(verdict, lang), clauses), tuple(rows), sources)


class Flows(BaseModel):
    """The recorded emigration the target is also ranked by (BNS, by destination), optionally some years."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: Literal["kz-destinations"]
    first: base.Year | None = None
    last: base.Year | None = None


class Rule(base.RuleBase):
    """``target`` is among the ``top`` destinations by migrant stock (``revision``) and, if given, ``flows``."""

    name: Literal["rank_destination"]
    target: base.ISO3
    revision: base.Revision
    top: base.Positive
    flows: Flows | None = None

    def source_revision(self) -> str:
        return str(self.revision)

    def chart_datasets(self, claim: Claim, verdict: Verdict) -> tuple[str, ...]:
        return (claim.query.dataset,)  # the chart draws the stock only, though the verdict also ranks flows

    def evaluate(self, claim: Claim, snap: Snapshot, lang: str) -> Verdict:
        q = claim.query
        stock = datasets.get(q.dataset, snap)
        flows, used = None, (q.dataset,)
        if self.flows is not None:
            flows = datasets.get(self.flows.dataset, snap)
            used += (self.flows.dataset,)
        return rule_rank_destination(
            stock, flows, self.target, year=base.stock_year(stock, self.revision, q.period.last),
            revision=self.revision, top=self.top, first=self.flows.first if self.flows else None,
            last=self.flows.last if self.flows else None, sources=used, lang=lang)

    def figure(self, claim: Claim, verdict: Verdict, snap: Snapshot, lang: str) -> go.Figure:
        rows, year = base.stock_rows(claim, self.revision, snap)
        return story.stock_bar(rows, highlight=(self.target,), top=max(SHOWN, self.top + 1), top_line=self.top,
                               title=_("People born in Kazakhstan abroad, {year}", lang, year=year),
                               source=base.chart_source(claim, verdict, snap, lang), lang=lang)
