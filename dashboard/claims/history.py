"""Verdicts over time: each claim decided again with only the figures for the years up to each year from
``FIRST_YEAR`` on, so a reader (and a fact-checker) sees when a claim stopped holding, computed, never typed.

"The figures up to 2019" means every row of the snapshot whose ``year`` is at most 2019, as the snapshot
holds it today: a figure revised later (a preliminary one made final, a UN DESA revision) counts in its
revised form.  So the series is what today's data say about each year, not what was published by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from dashboard import formatting
from dashboard.claims import DOES_NOT_HOLD, HOLDS, OUTDATED, SOME_YEARS, evaluate, ledger
from dashboard.i18n import _
from dashboard.snapshots import Snapshot

FIRST_YEAR = 2017  # the first year whose figures the article (2020) could have rested on


@dataclass(frozen=True)
class Change:
    """A claim's verdict changed once the figures of ``year`` came in."""

    year: int
    before: str
    after: str


def through(snap: Snapshot, year: int) -> Snapshot:
    """The snapshot with only its rows for the years up to ``year`` (the same ledger and provenance)."""
    frames = {name: frame[frame["year"] <= year] for name, frame in snap.frames.items()}
    return Snapshot(snap.id, snap.directory, MappingProxyType(frames), snap.provenance)


def last_year(snap: Snapshot) -> int:
    """The latest year any table of the snapshot has a row for."""
    return max(int(frame["year"].max()) for frame in snap.frames.values() if len(frame))


def by_year(snap: Snapshot) -> Mapping[str, tuple[tuple[int, str], ...]]:
    """Claim id -> ((year, verdict), ...) from ``FIRST_YEAR`` to the snapshot's last year (the last entry is
    the verdict the story page shows).  A verdict is a word of ``claims.VERDICTS`` whatever the language
    (only its summary is translated), so this is computed once per snapshot (~1.3 s: 9 views of the data)."""
    def build():
        years = range(FIRST_YEAR, last_year(snap) + 1)
        views = [(year, through(snap, year)) for year in years]
        return MappingProxyType({claim.id: tuple((year, evaluate(claim, view).verdict) for year, view in views)
                                 for claim in ledger(snap)})

    return snap.cached("verdicts", "by-year", build)


def changes(history: tuple[tuple[int, str], ...]) -> list[Change]:
    """Each year whose figures changed the verdict."""
    return [Change(year, before, after) for (_y, before), (year, after) in zip(history, history[1:])
            if before != after]


def stopped(history: tuple[tuple[int, str], ...]) -> int | None:
    """The year whose figures made a claim that had held (in full or for some years) stop holding for good:
    the first year of the final run of "outdated" or "does not hold" verdicts; None if it never did."""
    found = runs(history)
    if len(found) < 2 or found[-1][1] not in (OUTDATED, DOES_NOT_HOLD):
        return None
    if not any(verdict in (HOLDS, SOME_YEARS) for _years, verdict in found[:-1]):
        return None
    return found[-1][0][0]


def runs(history: tuple[tuple[int, str], ...]) -> list[tuple[list[int], str]]:
    """Consecutive years with the same verdict: [([2017, 2018, 2019], "holds"), ([2020, ...], "outdated")]."""
    out: list[tuple[list[int], str]] = []
    for year, verdict in history:
        if out and out[-1][1] == verdict:
            out[-1][0].append(year)
        else:
            out.append(([year], verdict))
    return out


def sentence(history: tuple[tuple[int, str], ...], lang: str = "en") -> str:
    """"With the figures up to each year: 2017–2019: holds only for some years; 2020–2025: outdated." """
    parts = [_("{years}: {verdict}", lang, years=formatting.spans(years)[0], verdict=_(verdict, lang))
             for years, verdict in runs(history)]
    return _("With the figures up to each year: {runs}.", lang, runs="; ".join(parts))


def stopped_sentence(year: int, lang: str = "en") -> str:
    return _("It stopped holding with the figures for {year}.", lang, year=year)
