"""The article's claims checked against a snapshot: its ledger -> one verdict and one small chart per claim.

Every function takes the :class:`~dashboard.snapshots.Snapshot` a request reads; what is derived from
it (the parsed ledger, the verdicts, the charts' JSON) is cached on that snapshot and dies with it.
Each rule of the ledger lives in its own module of ``claims/rules/`` (parameters, evaluation, chart).

The function :func:`ledger` hides the submodule of the same name as an attribute of this package: import
the ledger's models by name (``from dashboard.claims.ledger import json_schema``), not the module itself.
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Mapping

import plotly.graph_objects as go

from dashboard.claims.ledger import Claim, LedgerError, load_ledger
from dashboard.claims.rules import base
from dashboard.claims.verdicts import (CANNOT_CHECK, CONTEXT, DOES_NOT_HOLD, HOLDS, NO_DATA, OUTDATED, SOME_YEARS,
                                       VERDICTS, Row, Verdict)
from dashboard.i18n import _
from dashboard.snapshots import Snapshot

__all__ = ["CANNOT_CHECK", "CONTEXT", "DOES_NOT_HOLD", "HOLDS", "NO_DATA", "OUTDATED", "SOME_YEARS", "VERDICTS",
           "Claim", "LedgerError", "Row", "Verdict", "chart_source_line", "claim_ids", "evaluate", "evaluate_all",
           "figure", "figure_json", "find", "has_chart", "ledger", "range_bands", "source_line"]


def ledger(snap: Snapshot) -> tuple[Claim, ...]:
    """The claims of the snapshot's own ledger, read and validated once per snapshot."""
    return snap.cached("misc", "ledger", lambda: load_ledger(snap.ledger_path))


def find(snap: Snapshot, claim_id: str) -> Claim:
    """The claim with that id; ``KeyError`` naming the ledger's ids (an embed route answers 404 with it)."""
    for claim in ledger(snap):
        if claim.id == claim_id:
            return claim
    raise KeyError(f"unknown claim {claim_id!r}; claims: {', '.join(c.id for c in ledger(snap))}")


def evaluate(claim: Claim, snap: Snapshot, lang: str = "en") -> Verdict:
    """The claim's verdict, computed from the snapshot's datasets by the claim's rule."""
    return claim.rule.evaluate(claim, snap, lang)


def evaluate_all(snap: Snapshot, lang: str = "en") -> Mapping[str, Verdict]:
    """Every claim's verdict (claim id -> Verdict, in ledger order), computed once per snapshot and language."""
    return snap.cached("verdicts", lang, lambda: MappingProxyType({c.id: evaluate(c, snap, lang)
                                                                   for c in ledger(snap)}))


def _verdict(claim: Claim, snap: Snapshot, lang: str) -> Verdict:
    """The cached verdict of one of the snapshot's claims; a claim from elsewhere is evaluated afresh."""
    own = claim in ledger(snap)
    return evaluate_all(snap, lang)[claim.id] if own else evaluate(claim, snap, lang)


def has_chart(claim: Claim) -> bool:
    """Whether the story page draws a small chart of the claim (an event has none)."""
    return claim.rule.charted


def claim_ids(snap: Snapshot) -> tuple[str, ...]:
    """Ids of the claims that have a chart, in ledger order."""
    return tuple(c.id for c in ledger(snap) if has_chart(c))


def figure(claim: Claim, snap: Snapshot, lang: str = "en") -> go.Figure | None:
    """The claim's small chart (a new figure each call), showing what its verdict rests on; None for an event."""
    if not has_chart(claim):
        return None
    return claim.rule.figure(claim, _verdict(claim, snap, lang), snap, lang)


def figure_json(claim: Claim, snap: Snapshot, lang: str = "en") -> dict | None:
    """The claim's chart as plotly JSON (what dcc.Graph sends), built once per claim, language and snapshot;
    each call gets its own dict.  None for a claim without a chart."""
    if not has_chart(claim):
        return None
    if claim not in ledger(snap):
        return json.loads(figure(claim, snap, lang).to_json())
    text = snap.cached("figure", ("claim", claim.id, lang), lambda: figure(claim, snap, lang).to_json())
    return json.loads(text)


def source_line(claim: Claim, verdict: Verdict, snap: Snapshot, lang: str = "en") -> str:
    """The verdict's source line, derived from the provenance of every dataset the verdict read.

    A claim about an event reads no dataset: its line names where the event is reported, as the events
    table the trends chart marks it from records it.  "" if neither is known.
    """
    line = base.source_line(verdict.sources, claim.rule, snap, lang)
    if line:
        return line
    reported = [r.note for r in verdict.details if r.note]
    return _("Source: {source}.", lang, source=reported[0].rstrip(".")) if reported else ""


def chart_source_line(claim: Claim, verdict: Verdict, snap: Snapshot, lang: str = "en") -> str:
    """The source line of the claim's chart: the provenance of what the chart draws (a subset of what
    the verdict read: the destination charts draw the migrant stock only, not the recorded flows)."""
    return base.chart_source(claim, verdict, snap, lang)


def range_bands(snap: Snapshot, dataset: str, measure: str) -> tuple[tuple[float, float], ...]:
    """The (low, high) ranges the ledger's claims put on one measure of a dataset, in ledger order
    (the trends page shades the article's 30,000–50,000 emigrants a year)."""
    bands = [c.rule.band() for c in ledger(snap) if c.query.dataset == dataset and c.query.measure == measure]
    return tuple(dict.fromkeys(b for b in bands if b is not None))
