"""Rule ``rank``: a member ranks 1st among the EAEU members by net outflow per 1,000 residents.

Model estimates (World Bank/UN, yearly) and EEC registrations (as published, often partial years) ->
one verdict row per source and period, each period ranked on its own, and the rank drawn per period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, Sequence

import plotly.graph_objects as go
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from dashboard import datasets, formatting, periods
from dashboard.claims.rules import base
from dashboard.claims.verdicts import Row, Verdict, classify, lead, sentence, window
from dashboard.countries import EAEU, country_name
from dashboard.figures import story
from dashboard.i18n import N_, _, ngettext
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)
    from dashboard.claims.ledger import Claim

_MODEL = N_("World Bank/UN model estimate (SM.POP.NETM)")
_EEC = N_("EEC registrations as published (definitions differ by country)")
_SERIES_LABELS = {"eaeu": N_("Model estimate (World Bank/UN)"), "eec": N_("EEC, as published")}


def eec_per_1000(eec: pd.DataFrame, eaeu: pd.DataFrame, measure: str = "net") -> pd.DataFrame:
    """EEC figures per 1,000 residents (World Bank population of the period's year), not annualised.

    Members of one period share its length, so they can be ranked; a partial period is never a year.
    Returns period, period_type, year, iso3, value (per 1,000), absolute.
    """
    rows = eec[eec["measure"] == measure][["period", "period_type", "year", "iso3", "value"]]
    pop = eaeu[eaeu["measure"] == "population"][["iso3", "year", "value"]].rename(columns={"value": "population"})
    out = rows.merge(pop, on=["iso3", "year"], how="left")
    out["absolute"] = out["value"]
    out["value"] = (out["value"].astype("Float64") * 1000 / out["population"].astype("Float64")).round(2)
    return out[["period", "period_type", "year", "iso3", "value", "absolute"]]


def _ranked(part: pd.DataFrame, series: str, target: str, min_members: int, lang: str) -> list[Row]:
    """One series' periods, chronologically, each ranked among the members with a value there."""
    import pandas as pd

    rows = []
    keys = part[["period", "period_type", "year"]].drop_duplicates()
    keys = keys.assign(_order=keys["period"].map(periods.sort_key)).sort_values("_order")
    for key in keys.itertuples(index=False):
        grp = part[part["period"] == key.period].astype({"value": "float64"})
        ranks = grp["value"].rank(method="min", ascending=True).astype(int)
        status = (str(grp["status"].iloc[0]) if "status" in grp.columns
                  else "as published" if key.period_type == "year" else "partial period")
        top = grp.loc[ranks[ranks == 1].index]
        leaders = ", ".join(f"{country_name(r.iso3, lang)} {formatting.number(r.value, lang)}"
                            for r in top.itertuples())
        tgt = grp[grp["iso3"] == target]
        if tgt.empty:
            rows.append(Row(key.period, int(key.year), None, "no data", "no data", None, of=len(grp),
                            series=series, country=target, note=_("1st: {leaders}", lang, leaders=leaders)))
            continue
        rank, value = int(ranks[tgt.index[0]]), float(tgt["value"].iloc[0])
        if len(grp) < min_members:
            outcome, ok = "too few members", None
        else:
            outcome, ok = "rank", rank == 1
        note = "" if rank == 1 else _("1st: {leaders}", lang, leaders=leaders)
        if "absolute" in grp.columns and pd.notna(tgt["absolute"].iloc[0]):
            people = tgt["absolute"].iloc[0]
            net = ngettext("net {value} person", "net {value} people", abs(int(people)), lang,
                           value=formatting.number(people, lang))
            note = "; ".join(x for x in (net, note) if x)
        rows.append(Row(key.period, int(key.year), value, status, outcome, ok, rank, len(grp), series, target, note))
    return rows


def _series_clause(series: str, srows: Sequence[Row], written: int, lang: str) -> str:
    """"<series>: 1st in 1995–1998 (4 of 30 years ranked), lower in ..." for one source's decisive rows."""
    firsts = [r for r in srows if r.supports]
    lower = [r for r in srows if not r.supports]

    def one(r: Row) -> str:
        return _("{period}: {rank} of {of} ({value} per 1,000; {note})", lang,
                 period=periods.in_sentence(r.period, lang), rank=formatting.ordinal(r.rank, lang), of=r.of,
                 value=formatting.number(r.value, lang), note=r.note)

    yearly = not any(periods.is_partial(r.period) for r in srows)
    first_txt = (formatting.years([r.year for r in firsts], lang) if yearly
                 else formatting.join([periods.in_sentence(r.period, lang) for r in firsts], lang))
    count = (ngettext("{k} of {n} year ranked", "{k} of {n} years ranked", len(srows), lang, k=len(firsts))
             if yearly else ngettext("{k} of {n} period ranked", "{k} of {n} periods ranked", len(srows), lang,
                                     k=len(firsts)))
    if len(lower) <= 3:
        lower_txt = _("lower in {list}", lang, list=formatting.join([one(r) for r in lower], lang))
    else:
        pick = next((r for r in lower if r.year == written), lower[-1])
        lower_txt = _("lower in the other {k}, e.g. {example}", lang, k=len(lower), example=one(pick))
    if not firsts:
        return _("{series}: never 1st ({count}), {lower}", lang, series=series, count=count, lower=lower_txt)
    text = _("{series}: 1st in {first} ({count})", lang, series=series, first=first_txt, count=count)
    return text + (", " + lower_txt if lower else "")


def rule_rank(frame: pd.DataFrame, target: str, written: int, *, members: Sequence[str] = EAEU,
              min_members: int = 3, recent_years: int = 3, sources: tuple[str, ...] = (),
              lang: str = "en") -> Verdict:
    """Is ``target`` 1st among ``members`` (rank 1 = most negative value, i.e. largest net outflow)?

    ``frame``: columns series, period, period_type, year, iso3, value (per 1,000); optional absolute
    and status.  Each (series, period) is ranked on its own, among the members *with a value* there
    (``of``); ties share the better rank ("min").  A period without the target, or with fewer than
    ``min_members`` members, decides nothing.
    """
    frame = frame[frame["iso3"].isin(list(members))].dropna(subset=["value"])
    order = list(dict.fromkeys(frame["series"]))
    rows: list[Row] = []
    for series in order:
        rows += _ranked(frame[frame["series"] == series], series, target, min_members, lang)
    verdict, since = classify(rows, written, recent_years)
    name = country_name(target, lang)
    parts = []
    for series in order:
        srows = [r for r in rows if r.series == series and r.supports is not None]
        parts.append(_series_clause(series, srows, written, lang) if srows else
                     ngettext("{series}: no period with {name} and at least {n} member",
                              "{series}: no period with {name} and at least {n} members", min_members, lang,
                              series=series, name=name))
    opening = lead(verdict, lang, since, window(rows, written, recent_years, lang))
    intro = _("{name}'s rank among the EAEU members by net migration per 1,000 residents (1st = largest net "
              "outflow) — {parts}", lang, name=name, parts="; ".join(parts))
    return Verdict(verdict, sentence(opening, [intro]), tuple(rows), sources, since)


class Source(BaseModel):
    """One series the member is ranked in: the model estimate (eaeu) or the EEC's registrations (eec)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: Literal["eaeu", "eec"]
    measure: Annotated[str, StringConstraints(min_length=1)]


class Rule(base.RuleBase):
    """``target`` ranks 1st among the query's countries (default: the EAEU) by net outflow per 1,000."""

    name: Literal["rank"]
    target: base.ISO3
    sources: tuple[Source, ...] = Field(min_length=1)  # each ranked on its own, never merged
    min_members: base.Positive = 3  # fewer members published in a period: it decides nothing
    recent_years: base.Positive = 3

    def frame(self, claim: Claim, snap: Snapshot, lang: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
        """The ranked frame (one series per source, in ledger order) and the datasets it read."""
        import pandas as pd

        q, parts, used = claim.query, [], []
        for src in self.sources:
            if src.dataset == "eaeu":
                df = datasets.get("eaeu", snap)
                df = df[df["measure"] == src.measure][["year", "iso3", "value"]]
                df = df.assign(period=df["year"].astype(str), period_type="year", series=_(_MODEL, lang),
                               status="model estimate")
                used.append("eaeu")
            else:
                df = eec_per_1000(datasets.get("eec", snap), datasets.get("eaeu", snap), src.measure)
                df = df.assign(series=_(_EEC, lang), status=df["period_type"].map(
                    lambda t: "as published" if t == "year" else "partial period"))
                used += ["eec", "eaeu"]
            if q.period.first is not None:
                df = df[df["year"] >= q.period.first]
            if q.period.last is not None:
                df = df[df["year"] <= q.period.last]
            parts.append(df)
        return pd.concat(parts, ignore_index=True), tuple(dict.fromkeys(used))

    def evaluate(self, claim: Claim, snap: Snapshot, lang: str) -> Verdict:
        frame, used = self.frame(claim, snap, lang)
        return rule_rank(frame, self.target, claim.written, members=claim.query.countries or EAEU,
                         min_members=self.min_members, recent_years=self.recent_years, sources=used, lang=lang)

    def figure(self, claim: Claim, verdict: Verdict, snap: Snapshot, lang: str) -> go.Figure:
        every = base.rows_frame(verdict)
        rows = every[every["country"] == self.target]
        # The verdict has one series per source, in the ledger's order: name each shortly in the legend.
        names = [_(_SERIES_LABELS[src.dataset], lang) for src in self.sources]
        series = dict(zip(dict.fromkeys(every["series"]), names))
        return story.rank_figure(
            rows, target=self.target, rank=1, label=_("Claim: 1st (largest net outflow)", lang),
            title=_("{name}'s rank in the EAEU", lang, name=country_name(self.target, lang)),
            source=base.chart_source(claim, verdict, snap, lang), series_labels=series, lang=lang)
