"""Rule ``coverage``: the official series has a figure for every year of a span ("30 years of independence").

A yearly series -> one verdict row per year of the span (covered or a gap), and a strip of the years
with an official figure beside a model estimate's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import plotly.graph_objects as go
from pydantic import BaseModel, ConfigDict, StringConstraints

from dashboard import datasets, formatting
from dashboard.claims.rules import base
from dashboard.claims.verdicts import CANNOT_CHECK, HOLDS, NO_DATA, Row, Verdict, lead, sentence
from dashboard.figures import story
from dashboard.i18n import N_, _, ngettext
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the app starts without pandas (see snapshots)
    from dashboard.claims.ledger import Claim

_MODEL_LABEL = N_("the World Bank/UN model estimate of net migration")


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
    decade_names = [_("{decade}s", lang, decade=d) for d in decades]  # "1990s", "1990-е", "1990" (+ жылдар)
    clauses = [
        ngettext("official annual figures exist for {n} of the {total} year {first}–{last}",
                 "official annual figures exist for {n} of the {total} years {first}–{last}", total, lang,
                 n=len(covered), total=total, first=first, last=last)
        + (f" ({formatting.years(covered, lang)})" if covered else ""),
        (_("none for {years}", lang, years=formatting.years(gaps, lang))
         + (" " + _("(no official annual figure for any year of the {decades})", lang,
                    decades=formatting.join(decade_names, lang)) if decades else "")) if gaps else "",
    ]
    if alternative is not None:
        alt = alternative.dropna(subset=["value"])
        n_alt = int(alt["year"].between(first, last).sum())
        clauses.append(ngettext("{label} covers {n} of the {total} year but is a model estimate, not a count",
                                "{label} covers {n} of the {total} years but is a model estimate, not a count",
                                total, lang, label=_(alternative_label, lang), n=n_alt, total=total))
    return Verdict(verdict, sentence(lead(verdict, lang), clauses), tuple(rows), sources)


class Alternative(BaseModel):
    """A series reported beside the official one where it has gaps (a model estimate, never mixed in)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    dataset: base.DatasetName
    measure: Annotated[str, StringConstraints(min_length=1)]
    iso3: base.ISO3 = "KAZ"


class Rule(base.RuleBase):
    """The query's series has an official annual figure for every year of its period."""

    name: Literal["coverage"]
    alternative: Alternative | None = None

    def _alternative(self, snap: Snapshot) -> pd.DataFrame | None:
        if self.alternative is None:
            return None
        alt = datasets.get(self.alternative.dataset, snap)
        return alt[(alt["measure"] == self.alternative.measure) & (alt["iso3"] == self.alternative.iso3)]

    def evaluate(self, claim: Claim, snap: Snapshot, lang: str) -> Verdict:
        q = claim.query
        frame = base.series(datasets.get(q.dataset, snap), q)
        used = (q.dataset,) + ((self.alternative.dataset,) if self.alternative else ())
        label = ""
        if self.alternative is not None:
            label = _MODEL_LABEL if self.alternative.dataset == "eaeu" else self.alternative.dataset
        first, last = base.span(frame, q)
        return rule_coverage(frame, first, last, alternative=self._alternative(snap), alternative_label=label,
                             sources=used, lang=lang)

    def figure(self, claim: Claim, verdict: Verdict, snap: Snapshot, lang: str) -> go.Figure:
        q = claim.query
        frame = datasets.get(q.dataset, snap)
        if q.measure is not None:
            frame = frame[frame["measure"] == q.measure]
        first, last = base.span(frame, q)
        alt = self._alternative(snap)
        return story.coverage_strip(
            frame[["year", "value"]], first=first, last=last, official_label=_("Official count (BNS)", lang),
            title=_("Years with an official figure, {first}–{last}", lang, first=first, last=last),
            source=base.chart_source(claim, verdict, snap, lang),
            alternative=alt[["year", "value"]] if alt is not None else None,
            alternative_label=_("Model estimate (World Bank/UN)", lang), lang=lang)
