"""The article's claims ledger and the verdict engine that checks each claim against the snapshot.

``data/claims.json`` holds the claims of CABAR.asia's "A Promised Land: How Kazakh Political Emigrants
Live in Ukraine" (Andrei Grishin, 2020): a paraphrase, a short quote, the query (dataset, measure,
countries, years) and a *rule with its parameters*.  It never holds a verdict: every verdict is
computed here from the data at run time, so verdicts follow a refresh of the snapshot automatically.

Verdict vocabulary (``VERDICTS``), for a claim checked over years, periods or measures ("rows"):

``holds``
    Every row with a decisive figure supports the claim (at least one does).  Rows that cannot
    decide (gaps, rounded figures too close to a bound, too few members published) are listed
    but do not count.
``holds only for some years``
    Some decisive rows support the claim and some contradict it, without the ``outdated`` pattern.
    This also covers a claim that holds on one measure and fails on another (e.g. migrant stock
    against recorded flows): each row names its measure.
``outdated``
    The claim held when the article was written -- every year with data among the last
    ``recent_years`` years up to ``written`` supports it -- but the latest decisive figure
    (after ``written``) contradicts it.  The summary names the year since which it has failed
    (the first year of the final run of contradicting years).
``does not hold``
    No decisive row supports the claim.
``no official data``
    The claim is a figure the statistics could check, but the official series has no figure for
    the claim's countries and years.
``cannot be checked``
    The data do not measure what the claim says (e.g. a span the official series covers only in
    part, or only rounded figures too close to a bound).
``context``
    An event, not a number: the trend chart marks it; statistics can neither confirm nor refute it.

Rule functions are pure (frames and parameters in, a :class:`Verdict` out); :func:`evaluate` reads the
datasets through :func:`dashboard.datasets.get` and dispatches on the claim's rule.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from dashboard import data, datasets, events, periods
from dashboard.countries import EAEU, country_name
from dashboard.i18n import _
# The ledger's schema and loader, re-exported: callers read claims.load_ledger, claims.Claim, ...
from dashboard.ledger import LEDGER_FILE, Claim, LedgerError, ledger_path, load_ledger  # noqa: F401

HOLDS = "holds"
SOME_YEARS = "holds only for some years"
OUTDATED = "outdated"
DOES_NOT_HOLD = "does not hold"
NO_DATA = "no official data"
CANNOT_CHECK = "cannot be checked"
CONTEXT = "context"
VERDICTS = (HOLDS, SOME_YEARS, OUTDATED, DOES_NOT_HOLD, NO_DATA, CANNOT_CHECK, CONTEXT)

GROUPS = ("CIS", "NON-CIS")  # destination groups in the BNS tables: not countries, never ranked
# A figure published rounded ("~30 thousand") is known only to its rounding unit: the largest power of
# ten (at most a thousand) that divides it.  If the interval value +- unit/2 crosses a bound of a range,
# the figure cannot decide whether it is inside.
MAX_ROUNDING_UNIT = 1000


# --- verdicts ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One year, period or measure a verdict rests on."""

    period: str  # "2019", "2019-Q1", "2020-Q1-Q3" (as published)
    year: int
    value: float | int | None  # None: no figure
    status: str  # final | preliminary | rounded | model estimate | estimate | as published | no data
    outcome: str  # inside | outside | borderline | no data | rank | not listed | too few members |
    #               present | absent | covered | gap | event
    supports: bool | None  # True: supports the claim, False: contradicts it, None: cannot decide
    rank: int | None = None
    of: int | None = None
    series: str = ""  # which measure / source the row is from
    country: str = ""  # ISO3 the row is about, where the rule compares countries
    note: str = ""


@dataclass(frozen=True)
class Verdict:
    verdict: str  # one of VERDICTS
    summary: str  # one user-facing sentence with the deciding figures
    details: tuple[Row, ...] = ()
    sources: tuple[str, ...] = ()  # dataset names: the page derives the source line from their provenance
    since: int | None = field(default=None)  # for "outdated": the year since which the claim fails

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")


def _num(value: Any) -> str:
    """29088 -> "29,088"; -0.63 -> "-0.63"."""
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _ordinal(n: int, lang: str) -> str:
    if 10 <= n % 100 <= 20 or n % 10 not in (1, 2, 3):
        return _("{n}th", lang, n=n)
    return {1: _("{n}st", lang, n=n), 2: _("{n}nd", lang, n=n), 3: _("{n}rd", lang, n=n)}[n % 10]


def _and(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}", lang, items=", ".join(items[:-1]), last=items[-1])


def _spans(years: Iterable[int]) -> list[str]:
    """[2016, 2017, 2018, 2019, 2021] -> ["2016–2019", "2021"]."""
    years = sorted(set(int(y) for y in years))
    out, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i == len(years) - 1 or years[i + 1] != y + 1:
            out.append(str(start) if start == y else f"{start}–{y}")
            start = None
    return out


def _years(years: Iterable[int], lang: str) -> str:
    return _and(_spans(years), lang)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth"}


def period_label(period: str, lang: str = "en") -> str:
    """A published period in words that say when it is partial: "2020"; "the first half of 2022";
    "the first quarter of 2019"; "January–September 2023"."""
    parts = period.split("-")
    year = parts[0]
    if len(parts) == 1:
        return year
    first, last = parts[1], parts[-1]
    if len(parts) == 2 and first in ("H1", "H2"):
        return _("the {ordinal} half of {year}", lang, ordinal=_(_ORDINAL_WORDS[int(first[1])], lang), year=year)
    if len(parts) == 2 and first[:1] == "Q":
        return _("the {ordinal} quarter of {year}", lang, ordinal=_(_ORDINAL_WORDS[int(first[1])], lang), year=year)
    if first[:1] == "Q" and last[:1] == "Q":
        return _("{first}–{last} {year}", lang, first=_(_MONTHS[3 * int(first[1]) - 3], lang),
                 last=_(_MONTHS[3 * int(last[1]) - 1], lang), year=year)
    return period


def _flag(status: str, lang: str) -> str:
    return ", " + _(status, lang) if status in ("preliminary", "rounded") else ""


def _classify(rows: Sequence[Row], written: int | None, recent_years: int = 3) -> tuple[str, int | None]:
    """The verdict over rows (see the module docstring); ``written`` None never gives ``outdated``."""
    if not any(r.value is not None for r in rows):
        return NO_DATA, None
    decisive = [r for r in rows if r.supports is not None]
    if not decisive:
        return CANNOT_CHECK, None
    if all(r.supports for r in decisive):
        return HOLDS, None
    if not any(r.supports for r in decisive):
        return DOES_NOT_HOLD, None
    if written is not None:
        window = [r for r in rows if written - recent_years < r.year <= written and r.value is not None]
        held_then = bool(window) and all(r.supports is True for r in window)
        by_year: dict[int, list[bool]] = {}
        for r in decisive:
            by_year.setdefault(r.year, []).append(bool(r.supports))
        since = None
        for year in sorted(by_year, reverse=True):
            if year <= written or any(by_year[year]):
                break
            since = year
        if held_then and since is not None:
            return OUTDATED, since
    return SOME_YEARS, None


def _window(rows: Sequence[Row], written: int, recent_years: int, lang: str) -> str:
    """The years with data the claim described when written (for the ``outdated`` lead)."""
    return _years([r.year for r in rows if written - recent_years < r.year <= written and r.value is not None], lang)


_LEADS = {HOLDS: "Holds", SOME_YEARS: "Holds only for some years", DOES_NOT_HOLD: "Does not hold",
          NO_DATA: "No official data", CANNOT_CHECK: "Cannot be checked", CONTEXT: "Context"}


def _lead(verdict: str, lang: str, since: int | None = None, window: str = "") -> str:
    if verdict == OUTDATED:
        return _("Held when written ({window}) but not since {since}", lang, window=window, since=since)
    return _(_LEADS[verdict], lang)


def _sentence(lead: str, clauses: Sequence[str]) -> str:
    clauses = [c for c in clauses if c]
    return (lead + ": " + "; ".join(clauses) + ".") if clauses else lead + "."


# --- rule: range ------------------------------------------------------------------------------------------

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
    verdict, since = _classify(rows, written, recent_years)
    fmt = {"low": _num(low), "high": _num(high)}
    inside = [r.year for r in rows if r.outcome == "inside"]
    outside = [r for r in rows if r.outcome == "outside"]
    border = [r for r in rows if r.outcome == "borderline"]
    gaps = [r.year for r in rows if r.outcome == "no data"]

    def listing(rs: Sequence[Row]) -> str:
        return _and([f"{r.year} ({_num(r.value)}{_flag(r.status, lang)})" for r in rs], lang)

    clauses = [
        _("inside {low}–{high} in {years}", lang, years=_years(inside, lang), **fmt) if inside else "",
        _("outside it in {list}", lang, list=listing(outside)) if outside else "",
        _("too close to call in {list}", lang, list=listing(border)) if border else "",
        _("no official figure for {years}", lang, years=_years(gaps, lang)) if gaps else "",
    ]
    window = _window(rows, written, recent_years, lang)
    if verdict == NO_DATA:
        span = f"{first}–{last}" if first is not None else _("the claim's years", lang)
        clauses = [_("no figure between {low} and {high} can be checked for {span}", lang, span=span, **fmt)]
    return Verdict(verdict, _sentence(_lead(verdict, lang, since, window), clauses), tuple(rows), sources, since)


# --- rule: rank among the EAEU members --------------------------------------------------------------------

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


def rule_rank(frame: pd.DataFrame, target: str, written: int, *, members: Sequence[str] = EAEU,
              min_members: int = 3, recent_years: int = 3, sources: tuple[str, ...] = (),
              lang: str = "en") -> Verdict:
    """Is ``target`` 1st among ``members`` (rank 1 = most negative value, i.e. largest net outflow)?

    ``frame``: columns series, period, period_type, year, iso3, value (per 1,000); optional absolute.
    Each (series, period) is ranked on its own, among the members *with a value* there (``of``); ties
    share the better rank ("min").  A period without the target, or with fewer than ``min_members``
    members, decides nothing.
    """
    frame = frame[frame["iso3"].isin(list(members))].dropna(subset=["value"])
    rows: list[Row] = []
    order = list(dict.fromkeys(frame["series"]))
    for series in order:
        part = frame[frame["series"] == series]
        keys = part[["period", "period_type", "year"]].drop_duplicates()
        keys = keys.assign(_end=keys["period"].map(periods.end_month)).sort_values(["year", "_end"])
        for key in keys.itertuples(index=False):
            grp = part[part["period"] == key.period].astype({"value": "float64"})
            ranks = grp["value"].rank(method="min", ascending=True).astype(int)
            status = (str(grp["status"].iloc[0]) if "status" in grp.columns
                      else "as published" if key.period_type == "year" else "partial period")
            top = grp.loc[ranks[ranks == 1].index]
            leaders = ", ".join(f"{country_name(r.iso3, lang)} {_num(r.value)}" for r in top.itertuples())
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
                net = _("net {value} people", lang, value=_num(tgt["absolute"].iloc[0]))
                note = "; ".join(x for x in (net, note) if x)
            rows.append(Row(key.period, int(key.year), value, status, outcome, ok, rank, len(grp), series, target,
                            note))
    verdict, since = _classify(rows, written, recent_years)
    name = country_name(target, lang)
    parts = []
    for series in order:
        srows = [r for r in rows if r.series == series and r.supports is not None]
        if not srows:
            parts.append(_("{series}: no period with {name} and at least {n} members", lang, series=series,
                           name=name, n=min_members))
            continue
        label = {r.period: period_label(r.period, lang) for r in srows}
        firsts = [r for r in srows if r.supports]
        lower = [r for r in srows if not r.supports]

        def one(r: Row) -> str:
            return _("{period}: {rank} of {of} ({value} per 1,000; {note})", lang, period=label[r.period],
                     rank=_ordinal(r.rank, lang), of=r.of, value=_num(r.value), note=r.note)

        yearly = not any(periods.is_partial(r.period) for r in srows)
        first_txt = (_years([r.year for r in firsts], lang) if yearly
                     else _and([label[r.period] for r in firsts], lang))
        count = _("{k} of {n} years ranked", lang, k=len(firsts), n=len(srows)) if yearly else \
            _("{k} of {n} periods ranked", lang, k=len(firsts), n=len(srows))
        if len(lower) <= 3:
            lower_txt = _("lower in {list}", lang, list=_and([one(r) for r in lower], lang))
        else:
            pick = next((r for r in lower if r.year == written), lower[-1])
            lower_txt = _("lower in the other {k}, e.g. {example}", lang, k=len(lower), example=one(pick))
        if firsts:
            text = _("{series}: 1st in {first} ({count})", lang, series=series, first=first_txt, count=count)
            if lower:
                text += ", " + lower_txt
        else:
            text = _("{series}: never 1st ({count}), {lower}", lang, series=series, count=count, lower=lower_txt)
        parts.append(text)
    lead = _lead(verdict, lang, since, _window(rows, written, recent_years, lang))
    intro = _("{name}'s rank among the EAEU members by net migration per 1,000 residents (1st = largest net "
              "outflow) — {parts}", lang, name=name, parts="; ".join(parts))
    return Verdict(verdict, _sentence(lead, [intro]), tuple(rows), sources, since)


# --- rule: presence in destination countries --------------------------------------------------------------

def rule_presence(frame: pd.DataFrame, countries: Sequence[str], *, year: int, revision: int, unchecked: str = "",
                  sources: tuple[str, ...] = (), lang: str = "en") -> Verdict:
    """Do people born in the origin live in each of ``countries`` (migrant stock > 0)?

    ``frame``: the migrant-stock dataset (revision, destination, year, value).  A country without a
    figure in that revision is "no data" (absent is not zero).  ``unchecked`` names the part of the
    claim the stock cannot check (it counts everyone born in the origin, whatever their reasons).
    """
    stock = frame[(frame["revision"] == revision) & (frame["year"] == year)]
    rows = []
    for iso3 in countries:
        hit = stock[stock["destination"] == iso3].dropna(subset=["value"])
        series = _("UN DESA migrant stock, revision {revision}", lang, revision=revision)
        if hit.empty:
            rows.append(Row(str(year), year, None, "no data", "no data", None, series=series, country=iso3))
            continue
        value = int(hit["value"].iloc[0])
        rows.append(Row(str(year), year, value, "estimate", "present" if value > 0 else "absent", value > 0,
                        series=series, country=iso3))
    if not any(r.value is not None for r in rows):
        verdict = NO_DATA
    elif any(r.supports is False for r in rows):
        verdict = DOES_NOT_HOLD
    elif any(r.value is None for r in rows):
        verdict = CANNOT_CHECK
    else:
        verdict = HOLDS
    found = _and([f"{country_name(r.country, lang)} ({_num(r.value)})" for r in rows if r.value is not None], lang)
    missing = _and([country_name(r.country, lang) for r in rows if r.value is None], lang)
    clauses = [
        _("people born in Kazakhstan living in {list} in {year} (UN DESA, revision {revision})", lang, list=found,
          year=year, revision=revision) if found else "",
        _("no figure for {list} in revision {revision}", lang, list=missing, revision=revision) if missing else "",
        _("the figures count everyone born in Kazakhstan, so {unchecked} cannot be checked", lang,
          unchecked=_(unchecked, lang)) if unchecked else "",
    ]
    return Verdict(verdict, _sentence(_lead(verdict, lang), clauses), tuple(rows), sources)


# --- rule: rank among destinations ------------------------------------------------------------------------

def _rank_desc(values: pd.Series) -> pd.Series:
    return values.astype("float64").rank(method="min", ascending=False).astype(int)


def rule_rank_destination(stock: pd.DataFrame, flows: pd.DataFrame | None, target: str, *, year: int,
                          revision: int, top: int, first: int | None = None, last: int | None = None,
                          sources: tuple[str, ...] = (), lang: str = "en") -> Verdict:
    """Is ``target`` among the ``top`` destinations, by migrant stock and by recorded emigration?

    ``stock``: migrant-stock (revision, destination, year, value), ranked among all destination
    countries in ``revision`` and ``year``.  ``flows``: kz-destinations; each published period is ranked
    among the *countries it lists* (the CIS / NON-CIS groups are never ranked).  A period that lists
    countries but not the target is "not listed" and decides nothing (lists are partial).
    """
    rows: list[Row] = []
    st = stock[(stock["revision"] == revision) & (stock["year"] == year)].dropna(subset=["value"])
    st = st[~st["destination"].isin(GROUPS)]
    stock_series = _("UN DESA migrant stock, revision {revision}", lang, revision=revision)
    ahead_codes: list[str] = []
    if (st["destination"] == target).any():
        ranks = _rank_desc(st["value"])
        idx = st.index[st["destination"] == target][0]
        rank, value = int(ranks[idx]), int(st.at[idx, "value"])
        ahead = st[ranks < rank].sort_values("value", ascending=False)
        ahead_codes = list(ahead["destination"])
        ahead_txt = _and([f"{country_name(r.destination, lang)} ({_num(r.value)})" for r in ahead.itertuples()],
                         lang)
        rows.append(Row(str(year), year, value, "estimate", "rank", rank <= top, rank, len(st), stock_series, target,
                        _("after {ahead}", lang, ahead=ahead_txt) if ahead_txt else ""))
    else:
        rows.append(Row(str(year), year, None, "no data", "no data", None, of=len(st), series=stock_series,
                        country=target))
    flow_series = _("BNS emigrants by destination", lang)
    if flows is not None:
        fl = flows[~flows["destination"].isin(GROUPS)].dropna(subset=["value"])
        if first is not None:
            fl = fl[fl["year"] >= first]
        if last is not None:
            fl = fl[fl["year"] <= last]
        keys = fl[["period", "period_type", "year"]].drop_duplicates()
        keys = keys.assign(_end=keys["period"].map(periods.end_month)).sort_values(["year", "_end"])
        for key in keys.itertuples(index=False):
            grp = fl[fl["period"] == key.period]
            if not (grp["destination"] == target).any():
                rows.append(Row(key.period, int(key.year), None, "no data", "not listed", None, of=len(grp),
                                series=flow_series, country=target))
                continue
            ranks = _rank_desc(grp["value"])
            idx = grp.index[grp["destination"] == target][0]
            rank = int(ranks[idx])
            status = str(grp.at[idx, "status"])
            if key.period_type != "year":
                status = f"{status}; partial period"
            rows.append(Row(key.period, int(key.year), int(grp.at[idx, "value"]), status, "rank", rank <= top,
                            rank, len(grp), flow_series, target))
    verdict, _since = _classify(rows, None)
    name = country_name(target, lang)
    srow = rows[0]
    listed = [r for r in rows[1:] if r.outcome == "rank"]
    unlisted = [r for r in rows[1:] if r.outcome == "not listed"]
    clauses = []
    if srow.value is not None:
        ahead_names = _and([country_name(r, lang) for r in ahead_codes], lang)
        clauses.append(_("{name} ranks {rank} of {of} destination countries by people born in Kazakhstan living "
                         "there{after}: {value} in {year} (UN DESA, revision {revision})", lang, name=name,
                         rank=_ordinal(srow.rank, lang), of=srow.of, value=_num(srow.value), year=year,
                         revision=revision, after=(", " + _("after {ahead}", lang, ahead=ahead_names))
                         if ahead_codes else ""))
    else:
        clauses.append(_("no UN DESA figure for {name} in {year} (revision {revision})", lang, name=name, year=year,
                         revision=revision))
    if listed:
        clauses.append(_("by recorded emigration (BNS) it ranks {list}", lang, list=_and([
            (_("{rank} of {of} listed destinations in {period} ({value} people{flag})", lang, rank=_ordinal(r.rank, lang),
               of=r.of, period=period_label(r.period, lang), value=_num(r.value), flag=_flag(
                   r.status.split(";")[0], lang)) if i == 0 else
             _("{rank} of {of} in {period} ({value} people{flag})", lang, rank=_ordinal(r.rank, lang), of=r.of,
               period=period_label(r.period, lang), value=_num(r.value), flag=_flag(r.status.split(";")[0], lang)))
            for i, r in enumerate(listed)], lang)))
    if unlisted:
        clauses.append(_("it is not among the destinations listed for {list}", lang, list=_and(
            [period_label(r.period, lang) for r in unlisted], lang)))
    return Verdict(verdict, _sentence(_lead(verdict, lang), clauses), tuple(rows), sources)


# --- rule: coverage of a span of years --------------------------------------------------------------------

def rule_coverage(frame: pd.DataFrame, first: int, last: int, *, alternative: pd.DataFrame | None = None,
                  alternative_label: str = "", sources: tuple[str, ...] = (), lang: str = "en") -> Verdict:
    """Which years of ``first``..``last`` have an official annual figure (``frame``: year, value, status)?

    All years -> ``holds`` (the span can be checked); some -> ``cannot be checked`` (for the span as a
    whole); none -> ``no official data``.  ``alternative`` (year, value) is another series named by
    ``alternative_label`` whose coverage is reported beside it, e.g. a model estimate.
    """
    frame = frame.dropna(subset=["value"])
    by_year = {int(r.year): r for r in frame.itertuples(index=False)}
    rows = []
    for year in range(first, last + 1):
        rec = by_year.get(year)
        if rec is None:
            rows.append(Row(str(year), year, None, "no data", "gap", None))
        else:
            value = float(rec.value)
            rows.append(Row(str(year), year, int(value) if value.is_integer() else value, str(rec.status),
                            "covered", True))
    covered = [r.year for r in rows if r.supports]
    gaps = [r.year for r in rows if not r.supports]
    total = last - first + 1
    verdict = HOLDS if not gaps else (NO_DATA if not covered else CANNOT_CHECK)
    # A decade is named when every year of it inside the span is a gap and the span holds most of it.
    decades = [d for d in range(first // 10 * 10, last + 1, 10)
               if min(d + 9, last) - max(d, first) + 1 >= 5
               and all(y in gaps for y in range(max(d, first), min(d + 9, last) + 1))]
    clauses = [
        _("official annual figures exist for {n} of the {total} years {first}–{last}", lang, n=len(covered),
          total=total, first=first, last=last)
        + (f" ({_years(covered, lang)})" if covered else ""),
        (_("none for {years}", lang, years=_years(gaps, lang))
         + (" " + _("(no official annual figure for any year of the {decades})", lang,
                    decades=_and([f"{d}s" for d in decades], lang)) if decades else "")) if gaps else "",
    ]
    if alternative is not None:
        alt = alternative.dropna(subset=["value"])
        n_alt = int(alt["year"].between(first, last).sum())
        clauses.append(_("{label} covers {n} of the {total} years but is a model estimate, not a count", lang,
                         label=_(alternative_label, lang), n=n_alt, total=total))
    return Verdict(verdict, _sentence(_lead(verdict, lang), clauses), tuple(rows), sources)


# --- rule: event ------------------------------------------------------------------------------------------

def rule_event(date: str, *, marked: Sequence[events.Event] = events.EVENTS, lang: str = "en") -> Verdict:
    """An event, not a number: ``context`` if the trends chart marks it, else ``cannot be checked``."""
    year = int(date[:4])
    hit = next((e for e in marked if e.date == date), None)
    if hit is None:
        return Verdict(CANNOT_CHECK, _sentence(_lead(CANNOT_CHECK, lang), [
            _("an event ({date}), not a figure; the statistics can neither confirm nor refute it", lang,
              date=date)]), (Row(date, year, None, "no data", "event", None),))
    return Verdict(CONTEXT, _sentence(_lead(CONTEXT, lang), [
        _("an event, not a figure: \"{label}\" ({date}) is marked on the trends chart; the statistics can neither "
          "confirm nor refute it", lang, label=_(hit.label, lang), date=date)]),
        (Row(date, year, None, "event", "event", None, series=_(hit.label, lang), note=hit.source),))


# --- the engine -------------------------------------------------------------------------------------------

_MODEL = "World Bank/UN model estimate (SM.POP.NETM)"
_EEC = "EEC registrations as published (definitions differ by country)"


def _rank_frame(claim: Claim, snap: data.Snapshot, lang: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    q, parts, used = claim.query, [], []
    for src in q.rule.get("sources"):
        name, measure = src["dataset"], src["measure"]
        if name == "eaeu":
            df = datasets.get("eaeu", snap)
            df = df[df["measure"] == measure][["year", "iso3", "value"]]
            df = df.assign(period=df["year"].astype(str), period_type="year", series=_(_MODEL, lang),
                           status="model estimate")
            used.append("eaeu")
        else:
            df = eec_per_1000(datasets.get("eec", snap), datasets.get("eaeu", snap), measure)
            df = df.assign(series=_(_EEC, lang), status=df["period_type"].map(
                lambda t: "as published" if t == "year" else "partial period"))
            used += ["eec", "eaeu"]
        if q.first is not None:
            df = df[df["year"] >= q.first]
        if q.last is not None:
            df = df[df["year"] <= q.last]
        parts.append(df)
    return pd.concat(parts, ignore_index=True), tuple(dict.fromkeys(used))


def _series(frame: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    q = claim.query
    if q.measure is not None and "measure" in frame.columns:
        frame = frame[frame["measure"] == q.measure]
    if "iso3" in frame.columns and q.countries:
        frame = frame[frame["iso3"].isin(q.countries)]
    if "status" not in frame.columns:
        frame = frame.assign(status="final")
    return frame


def evaluate(claim: Claim, snapshot: data.Snapshot | None = None, lang: str = "en") -> Verdict:
    """The claim's verdict, computed from the snapshot's datasets (default: the current snapshot)."""
    snap = snapshot or data.snapshot()
    q, rule = claim.query, claim.query.rule
    if rule.name == "event":
        return rule_event(rule.get("date"), lang=lang)
    if rule.name == "range":
        frame = _series(datasets.get(q.dataset, snap), claim)
        return rule_range(frame, rule.get("low"), rule.get("high"), claim.written, first=q.first, last=q.last,
                          recent_years=rule.get("recent_years"), sources=(q.dataset,), lang=lang)
    if rule.name == "rank":
        frame, used = _rank_frame(claim, snap, lang)
        members = q.countries or EAEU
        return rule_rank(frame, rule.get("target"), claim.written, members=members,
                         min_members=rule.get("min_members"), recent_years=rule.get("recent_years"), sources=used,
                         lang=lang)
    if rule.name == "presence":
        stock = datasets.get(q.dataset, snap)
        year = q.last if q.last is not None else int(stock[stock["revision"] == rule.get("revision")]["year"].max())
        return rule_presence(stock, q.countries, year=year, revision=rule.get("revision"),
                             unchecked=rule.get("unchecked"), sources=(q.dataset,), lang=lang)
    if rule.name == "rank_destination":
        stock = datasets.get(q.dataset, snap)
        year = q.last if q.last is not None else int(stock[stock["revision"] == rule.get("revision")]["year"].max())
        flows_spec = rule.get("flows")
        flows, used = None, (q.dataset,)
        if flows_spec:
            flows = datasets.get(flows_spec["dataset"], snap)
            used += (flows_spec["dataset"],)
        return rule_rank_destination(stock, flows, rule.get("target"), year=year, revision=rule.get("revision"),
                                     top=rule.get("top"), first=flows_spec.get("first") if flows_spec else None,
                                     last=flows_spec.get("last") if flows_spec else None, sources=used, lang=lang)
    if rule.name == "coverage":
        frame = _series(datasets.get(q.dataset, snap), claim)
        alt_spec, alt, label, used = rule.get("alternative"), None, "", (q.dataset,)
        if alt_spec:
            alt = datasets.get(alt_spec["dataset"], snap)
            alt = alt[(alt["measure"] == alt_spec["measure"]) & (alt["iso3"] == alt_spec.get("iso3", "KAZ"))]
            label = "the World Bank/UN model estimate of net migration" if alt_spec["dataset"] == "eaeu" else \
                alt_spec["dataset"]
            used += (alt_spec["dataset"],)
        first = q.first if q.first is not None else int(frame["year"].min())
        last = q.last if q.last is not None else int(frame["year"].max())
        return rule_coverage(frame, first, last, alternative=alt, alternative_label=label, sources=used, lang=lang)
    raise LedgerError(f"claim '{claim.id}': no engine for rule {rule.name!r}")  # pragma: no cover


def _file_signature(path: Path) -> tuple:
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def ledger_file(snapshot: data.Snapshot | None = None) -> Path:
    """The ledger a snapshot is checked against: the snapshot folder's claims.json, else the data folder's."""
    own = Path((snapshot or data.snapshot()).directory) / LEDGER_FILE
    return (own if own.exists() else ledger_path()).resolve()


def ledger_version(path: Path) -> tuple:
    """Changes whenever the ledger file is replaced or edited (a cache key part)."""
    return (str(path), *_file_signature(path))


@functools.lru_cache(maxsize=8)
def _ledger(path: Path, version: tuple) -> tuple[Claim, ...]:
    return load_ledger(path)


def ledger(snapshot: data.Snapshot | None = None) -> tuple[Claim, ...]:
    """The claims of a snapshot's ledger, read and validated once per version of the file."""
    path = ledger_file(snapshot)
    return _ledger(path, ledger_version(path))


@functools.lru_cache(maxsize=8)
def _evaluated(directory: Path, signature: tuple, ledger: Path, ledger_signature: tuple,
               lang: str) -> Mapping[str, Verdict]:
    snap = data.snapshot(directory)
    return MappingProxyType({c.id: evaluate(c, snap, lang) for c in _ledger(ledger, ledger_signature)})


def evaluate_all(snapshot: data.Snapshot | None = None, lang: str = "en",
                 path: Path | str | None = None) -> Mapping[str, Verdict]:
    """Every claim's verdict (claim id -> Verdict, in ledger order), computed once per snapshot version
    and ledger version.  The ledger defaults to the snapshot folder's claims.json, else the data folder's."""
    snap = snapshot or data.snapshot()
    path = ledger_file(snap) if path is None else Path(path).resolve()
    return _evaluated(snap.directory, snap.signature, path, ledger_version(path), lang)
