"""Rule ``rank_destination``: a country is the main destination (``top`` 1) of people leaving Kazakhstan,
or among the ``top`` n.

UN DESA migrant stock (one revision and year) and BNS emigrants by destination (each published period)
-> one verdict row for the stock and one per period, and the stock ranking drawn with the claimed rank
marked.  A claim about a group no statistic separates (political emigrants) cannot be checked: the ranks
of all emigrants are its context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import plotly.graph_objects as go
from pydantic import BaseModel, ConfigDict, Field

from dashboard import datasets, formatting, periods
from dashboard.claims.rules import base
from dashboard.claims.verdicts import CANNOT_CHECK, Row, Verdict, classify, flag, lead, sentence, unseparated
from dashboard.countries import GROUPS, country_name
from dashboard.figures import story
from dashboard.i18n import _, ngettext
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the app starts without pandas (see snapshots)
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


def position(top: int, lang: str) -> str:
    """The claimed rank in words: "1st" (the main destination) or "among the top 3"."""
    return formatting.ordinal(1, lang) if top == 1 else _("among the top {n}", lang, n=top)


def _standing(name: str, decisive: list[Row], top: int, lang: str) -> str:
    """"Ukraine is never 1st" / "... is 1st in every ranking with a figure" / "... in some rankings, not in others"."""
    where = position(top, lang)
    if not decisive:
        return _("{name} has no rank in any of these figures", lang, name=name)
    if not any(r.supports for r in decisive):
        return _("{name} is never {position}", lang, name=name, position=where)
    if all(r.supports for r in decisive):
        return _("{name} is {position} in every ranking with a figure", lang, name=name, position=where)
    return _("{name} is {position} in some rankings, not in others", lang, name=name, position=where)


def _rank_clauses(rows: list[Row], name: str, ahead_codes: list[str], *, year: int, revision: int,
                  lang: str) -> list[str]:
    """The ranks a verdict rests on, in words: the stock first, then every published period."""
    srow, listed = rows[0], [r for r in rows[1:] if r.outcome == "rank"]
    unlisted = [r for r in rows[1:] if r.outcome == "not listed"]
    clauses = []
    if srow.value is not None:
        after = (", " + _("after {ahead}", lang, ahead=formatting.join([country_name(c, lang) for c in ahead_codes],
                                                                        lang))) if ahead_codes else ""
        clauses.append(_("{rank} of {of} destination countries by people born in Kazakhstan living there ({value} "
                         "in {year}; UN DESA, revision {revision}){after}", lang,
                         rank=formatting.ordinal(srow.rank, lang), of=srow.of,
                         value=formatting.number(srow.value, lang), year=year, revision=revision, after=after))
    else:
        clauses.append(_("no UN DESA figure for {name} in {year} (revision {revision})", lang, name=name, year=year,
                         revision=revision))
    if listed:
        def one(i: int, r: Row) -> str:
            fields = dict(rank=formatting.ordinal(r.rank, lang), of=r.of, period=periods.in_sentence(r.period, lang),
                          value=formatting.number(r.value, lang), flag=flag(r.status.split(";")[0], lang))
            if i == 0:
                return ngettext("{rank} of {of} listed destinations in {period} ({value} person{flag})",
                                "{rank} of {of} listed destinations in {period} ({value} people{flag})",
                                int(r.value), lang, **fields)
            return ngettext("{rank} of {of} in {period} ({value} person{flag})",
                            "{rank} of {of} in {period} ({value} people{flag})", int(r.value), lang, **fields)

        clauses.append(_("by recorded emigration (BNS), {list}", lang,
                         list=formatting.join([one(i, r) for i, r in enumerate(listed)], lang)))
    if unlisted:
        clauses.append(_("not among the destinations listed for {list}", lang, list=formatting.join(
            [periods.in_sentence(r.period, lang) for r in unlisted], lang)))
    return clauses


def rule_rank_destination(stock: pd.DataFrame, flows: pd.DataFrame | None, target: str, *, year: int,
                          revision: int, top: int, first: int | None = None, last: int | None = None,
                          unchecked: str = "", sources: tuple[str, ...] = (), lang: str = "en") -> Verdict:
    """Is ``target`` among the ``top`` destinations (``top`` 1: the main one), by migrant stock and by
    recorded emigration?

    ``stock``: migrant-stock (revision, destination, year, value), ranked among all destination
    countries in ``revision`` and ``year``.  ``flows``: kz-destinations; each published period is ranked
    among the *countries it lists* (the CIS / NON-CIS groups are never ranked).  A period that lists
    countries but not the target is "not listed" and decides nothing.

    ``unchecked``: what no statistic records about the people the claim speaks of, as an indirect
    question ("which emigrants are political emigrants"; the sentence says "No statistic records ...").
    Where all emigrants go says nothing of where that group goes, so such a claim is "cannot be checked"
    whatever the ranks; its sentence says so first and gives the ranks of all emigrants as context.
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
    name = country_name(target, lang)
    standing = _standing(name, [r for r in rows if r.supports is not None], top, lang)
    clauses = _rank_clauses(rows, name, ahead_codes, year=year, revision=revision, lang=lang)
    if unchecked:
        summary = unseparated(unchecked, sentence(_("Among all emigrants, {standing}", lang, standing=standing),
                                                  clauses), lang)
        return Verdict(CANNOT_CHECK, summary, tuple(rows), sources)
    verdict, _since = classify(rows, None)
    return Verdict(verdict, sentence(lead(verdict, lang), [standing + " — " + "; ".join(clauses)]), tuple(rows),
                   sources)


class Flows(BaseModel):
    """The recorded emigration the target is also ranked by (BNS, by destination), optionally some years."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: Literal["kz-destinations"]
    first: base.Year | None = None
    last: base.Year | None = None


class Rule(base.RuleBase):
    """``target`` is among the ``top`` destinations by migrant stock (``revision``) and, if given, ``flows``
    (a claim that it is "the main" destination is ``top`` 1)."""

    name: Literal["rank_destination"]
    target: base.ISO3
    revision: base.Revision
    top: base.Positive = Field(description="The claimed rank: 1 for 'the main destination', n for 'among the top n'")
    flows: Flows | None = None
    unchecked: str = Field("", description="What no statistic records about the people the claim speaks of, as "
                                           "an indirect question ('which emigrants are political emigrants'); "
                                           "given, the verdict is 'cannot be checked' and the ranks are context")

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
            last=self.flows.last if self.flows else None, unchecked=self.unchecked, sources=used, lang=lang)

    def figure(self, claim: Claim, verdict: Verdict, snap: Snapshot, lang: str) -> go.Figure:
        rows, year = base.stock_rows(claim, self.revision, snap)
        # The line under the claimed rank: a reader sees where the claim puts the country and where it is.
        return story.stock_bar(rows, highlight=(self.target,), top=max(SHOWN, self.top + 1), top_line=self.top,
                               top_label=_("claim: {position}", lang, position=position(self.top, lang)),
                               title=_("People born in Kazakhstan abroad, {year}", lang, year=year),
                               source=base.chart_source(claim, verdict, snap, lang), lang=lang)
