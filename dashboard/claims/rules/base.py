"""What every rule of the ledger is: a pydantic model of its parameters that also evaluates a claim and
draws its chart; and the field types and helpers the rules share.

A rule module ``claims/rules/<name>.py`` defines ``class Rule(RuleBase)`` with ``name: Literal["<name>"]``
and its parameters; the ledger's discriminated union is built from every such module, so a new rule is
one new file.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, Union

import plotly.graph_objects as go
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, StringConstraints

from dashboard import datasets, provenance
from dashboard.claims.verdicts import Verdict

if TYPE_CHECKING:  # the ledger imports the rules, never the other way round
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)
    from dashboard.claims.ledger import Claim, Query
    from dashboard.snapshots import Snapshot

# --- field types shared by the ledger and the rules ---------------------------------------------------------

ISO3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
DatasetName = Literal[tuple(datasets.DATASETS)]  # type: ignore[valid-type]


def _number(value):
    # JSON true or "30000" in a bound is a typo, not a number (pydantic's lax mode would accept both).
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number")
    return value


Number = Annotated[Union[int, float], BeforeValidator(_number)]
Positive = Annotated[StrictInt, Field(ge=1)]
Year = Annotated[StrictInt, Field(ge=1900, le=2100)]
# UN DESA publishes its migrant stock in revisions whose figures differ: a claim names the one it reads.
Revision = Literal[2020, 2024]


class RuleBase(BaseModel):
    """A rule's parameters (validated when the ledger loads), its evaluation and its chart."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # False for a rule about something other than a dataset's figures (an event): query.dataset may be null.
    needs_dataset: ClassVar[bool] = True
    charted: ClassVar[bool] = True  # whether the story page draws a small chart of the claim

    def evaluate(self, claim: Claim, snap: Snapshot, lang: str) -> Verdict:
        """The claim's verdict, from the snapshot's datasets."""
        raise NotImplementedError

    def figure(self, claim: Claim, verdict: Verdict, snap: Snapshot, lang: str) -> go.Figure | None:
        """The claim's small chart, showing what ``verdict`` rests on; None for a rule without one."""
        return None

    def chart_datasets(self, claim: Claim, verdict: Verdict) -> tuple[str, ...]:
        """The datasets the chart draws (its source line names exactly these)."""
        return tuple(verdict.sources) if self.charted else ()

    def source_revision(self) -> str | None:
        """The one UN DESA revision the claim reads, for its source line (None: not a UN DESA claim)."""
        return None

    def band(self) -> tuple[float, float] | None:
        """A (low, high) range the claim puts on its measure, for other charts to shade; None if none."""
        return None


# --- helpers ------------------------------------------------------------------------------------------------

def series(frame: pd.DataFrame, query: Query) -> pd.DataFrame:
    """A dataset -> the claim's series: its measure and countries, with a status column ("final" if absent)."""
    if query.measure is not None and "measure" in frame.columns:
        frame = frame[frame["measure"] == query.measure]
    if "iso3" in frame.columns and query.countries:
        frame = frame[frame["iso3"].isin(query.countries)]
    if "status" not in frame.columns:
        frame = frame.assign(status="final")
    return frame


def span(frame: pd.DataFrame, query: Query) -> tuple[int, int]:
    """The claim's years: its period, each null end taken from the series' own first or last year."""
    first = query.period.first if query.period.first is not None else int(frame["year"].min())
    last = query.period.last if query.period.last is not None else int(frame["year"].max())
    return first, last


def rows_frame(verdict: Verdict) -> pd.DataFrame:
    """A verdict's rows as a frame (the columns of :class:`Row`), for the chart functions."""
    import pandas as pd

    return pd.DataFrame([asdict(r) for r in verdict.details])


def stock_year(stock: pd.DataFrame, revision: int, last: int | None) -> int:
    """The migrant-stock year a claim reads: its last year, else the revision's latest."""
    return last if last is not None else int(stock[stock["revision"] == revision]["year"].max())


def stock_rows(claim: Claim, revision: int, snap: Snapshot) -> tuple[pd.DataFrame, int]:
    """The migrant-stock rows of one revision and the claim's year (what the destination charts draw)."""
    stock = datasets.get(claim.query.dataset, snap)
    year = stock_year(stock, revision, claim.query.period.last)
    return stock[(stock["revision"] == revision) & (stock["year"] == year)], year


def source_line(names, rule: RuleBase, snap: Snapshot, lang: str) -> str:
    """The source line derived from the provenance of the datasets ``names`` ("" for none)."""
    provs = [p for name in dict.fromkeys(names) for p in datasets.provenance(name, snap)]
    if not provs:
        return ""
    return provenance.source_line(provs, lang, revision=rule.source_revision())


def chart_source(claim: Claim, verdict: Verdict, snap: Snapshot, lang: str) -> str:
    """The source line of the claim's chart: the provenance of what the chart draws."""
    return source_line(claim.rule.chart_datasets(claim, verdict), claim.rule, snap, lang)
