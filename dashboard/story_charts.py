"""Each claim's small chart, for the story page and for an /embed/claim/<id> route.

Reads the ledger, the claim's verdict and the datasets, and calls the pure figure functions of
:mod:`dashboard.figures.story`.  The chart of a claim shows what its verdict rests on: the verdict's own
rows where the rule decided per year (range, rank), the dataset where the chart needs context the
verdict does not carry (the largest destinations, the model estimate's coverage).  Claims about an event
have no chart (``claim_ids()`` leaves them out).  No I/O at import.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict

import pandas as pd
import plotly.graph_objects as go

from dashboard import claims, data, datasets, provenance
from dashboard.countries import country_name
from dashboard.figures import story
from dashboard.i18n import _

CHARTED_RULES = ("range", "rank", "presence", "rank_destination", "coverage")
PRESENCE_TOP = 5  # largest destinations shown beside the claim's countries
DESTINATION_TOP = 6
_SERIES_LABELS = {"eaeu": "Model estimate (World Bank/UN)", "eec": "EEC, as published"}
_MEASURE_TITLES = {"emigrants": "Emigrants per year", "immigrants": "Immigrants per year",
                   "net": "Net migration per year"}


def _snap(snapshot: data.Snapshot | None) -> data.Snapshot:
    return snapshot or data.snapshot()


def ledger(snapshot: data.Snapshot | None = None) -> tuple[claims.Claim, ...]:
    """The claims, from the same ledger file ``claims.evaluate_all`` reads for this snapshot."""
    return claims.ledger(_snap(snapshot))


def has_chart(claim: claims.Claim) -> bool:
    return claim.query.rule.name in CHARTED_RULES


def claim_ids(snapshot: data.Snapshot | None = None) -> tuple[str, ...]:
    """Ids of the claims that have a chart, in ledger order."""
    return tuple(c.id for c in ledger(snapshot) if has_chart(c))


def _line(names, claim: claims.Claim, lang: str, snap: data.Snapshot) -> str:
    provs = [p for name in dict.fromkeys(names) for p in datasets.provenance(name, snap)]
    if not provs:
        return ""
    revision = claim.query.rule.get("revision")
    return provenance.source_line(provs, lang, revision=str(revision) if revision is not None else None)


def source_line(claim: claims.Claim, verdict: claims.Verdict, lang: str = "en",
                snapshot: data.Snapshot | None = None) -> str:
    """The verdict's source line, derived from the provenance of every dataset the verdict read.

    A claim about an event reads no dataset: its line names where the event is reported, as the events
    table the trends chart marks it from records it.  "" if neither is known.
    """
    line = _line(verdict.sources, claim, lang, _snap(snapshot))
    if line:
        return line
    reported = [r.note for r in verdict.details if r.note]
    if reported:
        return _("Source: {source}.", lang, source=reported[0].rstrip("."))
    return ""


def chart_datasets(claim: claims.Claim, verdict: claims.Verdict) -> tuple[str, ...]:
    """The datasets the claim's chart draws (a subset of what the verdict read): the destination
    charts draw the migrant stock only, though the verdict also ranks the recorded flows."""
    if not has_chart(claim):
        return ()
    if claim.query.rule.name in ("presence", "rank_destination"):
        return (claim.query.dataset,)
    return tuple(verdict.sources)


def chart_source_line(claim: claims.Claim, verdict: claims.Verdict, lang: str = "en",
                      snapshot: data.Snapshot | None = None) -> str:
    """The source line of the claim's chart: derived from the provenance of what the chart draws."""
    return _line(chart_datasets(claim, verdict), claim, lang, _snap(snapshot))


def _rows(verdict: claims.Verdict) -> pd.DataFrame:
    return pd.DataFrame([asdict(r) for r in verdict.details])


def _stock(claim: claims.Claim, snap: data.Snapshot) -> tuple[pd.DataFrame, int]:
    q, rule = claim.query, claim.query.rule
    stock = datasets.get(q.dataset, snap)
    stock = stock[stock["revision"] == rule.get("revision")]
    year = q.last if q.last is not None else int(stock["year"].max())
    return stock[stock["year"] == year], year


def figure(claim: claims.Claim, verdict: claims.Verdict, lang: str = "en",
           snapshot: data.Snapshot | None = None) -> go.Figure | None:
    """The claim's small chart; None for a claim without one (an event)."""
    snap = _snap(snapshot)
    q, rule = claim.query, claim.query.rule
    source = chart_source_line(claim, verdict, lang, snap)
    if rule.name == "range":
        low, high = rule.get("low"), rule.get("high")
        return story.range_figure(
            _rows(verdict), low=low, high=high,
            label=_("Claim: {low}–{high} a year", lang, low=story.number(low), high=story.number(high)),
            title=_(_MEASURE_TITLES.get(q.measure, "Figures per year"), lang), source=source,
            article_year=int(claim.article_date[:4]), lang=lang)
    if rule.name == "rank":
        rows = _rows(verdict)
        target = rule.get("target")
        rows = rows[rows["country"] == target]
        labels = {p: claims.period_label(p, lang) for p in rows["period"]}
        # The engine builds one series per rank source, in the ledger's order: name them shortly.
        names = [_(_SERIES_LABELS.get(src["dataset"], src["dataset"]), lang) for src in rule.get("sources")]
        series = dict(zip(dict.fromkeys(_rows(verdict)["series"]), names))
        return story.rank_figure(
            rows, target=target, rank=1, label=_("Claim: 1st (largest net outflow)", lang),
            title=_("{name}'s rank in the EAEU", lang, name=country_name(target, lang)), source=source,
            period_labels=labels, series_labels=series, lang=lang)
    if rule.name == "presence":
        rows, year = _stock(claim, snap)
        return story.stock_bar(rows, highlight=q.countries, top=PRESENCE_TOP, log=True,
                               title=_("People born in Kazakhstan abroad, {year}", lang, year=year),
                               source=source, lang=lang)
    if rule.name == "rank_destination":
        rows, year = _stock(claim, snap)
        top = rule.get("top")
        return story.stock_bar(rows, highlight=(rule.get("target"),), top=max(DESTINATION_TOP, top + 1),
                               top_line=top, title=_("People born in Kazakhstan abroad, {year}", lang, year=year),
                               source=source, lang=lang)
    if rule.name == "coverage":
        frame = datasets.get(q.dataset, snap)
        if q.measure is not None:
            frame = frame[frame["measure"] == q.measure]
        first = q.first if q.first is not None else int(frame["year"].min())
        last = q.last if q.last is not None else int(frame["year"].max())
        alt_spec, alt = rule.get("alternative"), None
        if alt_spec:
            alt = datasets.get(alt_spec["dataset"], snap)
            alt = alt[(alt["measure"] == alt_spec["measure"]) & (alt["iso3"] == alt_spec.get("iso3", "KAZ"))]
        return story.coverage_strip(
            frame[["year", "value"]], first=first, last=last,
            official_label=_("Official count (BNS)", lang),
            title=_("Years with an official figure, {first}–{last}", lang, first=first, last=last),
            source=source, alternative=alt[["year", "value"]] if alt is not None else None,
            alternative_label=_("Model estimate (World Bank/UN)", lang), lang=lang)
    return None


def figure_for_claim(claim_id: str, lang: str = "en", snapshot: data.Snapshot | None = None) -> go.Figure:
    """The chart of one claim, as the story page shows it.

    Raises ``KeyError`` for an id that is not in the ledger or a claim without a chart (an event), so
    an embed route can answer 404 naming :func:`claim_ids`.
    """
    snap = _snap(snapshot)
    found = {c.id: c for c in ledger(snap)}
    claim = found.get(claim_id)
    if claim is None:
        raise KeyError(f"unknown claim '{claim_id}'; claims with a chart: {', '.join(claim_ids(snap))}")
    if not has_chart(claim):
        raise KeyError(f"claim '{claim_id}' is an event and has no chart; claims with a chart: "
                       f"{', '.join(claim_ids(snap))}")
    verdict = claims.evaluate_all(snap, lang)[claim_id]
    return figure(claim, verdict, lang, snap)


def figure_json(claim: claims.Claim, lang: str = "en", snapshot: data.Snapshot | None = None) -> dict | None:
    """The claim's chart as plotly JSON (what dcc.Graph sends), built once per claim, language, snapshot
    and ledger version; each call gets its own copy.  None for a claim without a chart."""
    if not has_chart(claim):
        return None
    snap = _snap(snapshot)
    path = claims.ledger_file(snap)
    return json.loads(_figure_text(claim.id, lang, snap.directory, snap.signature, claims.ledger_version(path)))


@functools.lru_cache(maxsize=64)
def _figure_text(claim_id: str, lang: str, directory, signature: tuple, ledger_version: tuple) -> str:
    return figure_for_claim(claim_id, lang, data.snapshot(directory)).to_json()
