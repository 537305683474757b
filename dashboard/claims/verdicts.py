"""The verdict vocabulary, and rows of figures -> one verdict with a one-sentence summary.

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
    part, or only rounded figures too close to a bound).  This includes a claim about a group no
    statistic separates from other emigrants ("political emigrants"): the figures of all emigrants
    are then given as context (:func:`unseparated`), and never make the claim hold.
``context``
    An event, not a number: the trend chart marks it; statistics can neither confirm nor refute it.

A verdict that says the claim holds in any form (``holds``, ``holds only for some years``, ``outdated``)
must rest on at least one row whose figure supports the claim: :class:`Verdict` refuses one that does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from dashboard import formatting
from dashboard.i18n import N_, _

HOLDS = N_("holds")
SOME_YEARS = N_("holds only for some years")
OUTDATED = N_("outdated")
DOES_NOT_HOLD = N_("does not hold")
NO_DATA = N_("no official data")
CANNOT_CHECK = N_("cannot be checked")
CONTEXT = N_("context")
VERDICTS = (HOLDS, SOME_YEARS, OUTDATED, DOES_NOT_HOLD, NO_DATA, CANNOT_CHECK, CONTEXT)
HOLDS_IN_SOME_FORM = (HOLDS, SOME_YEARS, OUTDATED)  # verdicts a reader takes as "the data show it"


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
    """A claim's verdict: one of ``VERDICTS``, the sentence a reader sees and the rows it rests on."""

    verdict: str
    summary: str  # one user-facing sentence with the deciding figures
    details: tuple[Row, ...] = ()
    sources: tuple[str, ...] = ()  # dataset names: the source line is derived from their provenance
    since: int | None = field(default=None)  # for "outdated": the year since which the claim fails

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}; known: {', '.join(VERDICTS)}")
        if self.verdict in HOLDS_IN_SOME_FORM and not any(r.supports is True for r in self.details):
            raise ValueError(f"verdict {self.verdict!r} without a figure that supports the claim")


def classify(rows: Sequence[Row], written: int | None, recent_years: int = 3) -> tuple[str, int | None]:
    """Rows -> (verdict, since) as the module docstring defines them; ``written`` None never gives ``outdated``."""
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


def window(rows: Sequence[Row], written: int, recent_years: int, lang: str) -> str:
    """The years with data the claim described when written, in words (for the ``outdated`` lead)."""
    return formatting.years([r.year for r in rows if written - recent_years < r.year <= written
                             and r.value is not None], lang)


_LEADS = {HOLDS: N_("Holds"), SOME_YEARS: N_("Holds only for some years"), DOES_NOT_HOLD: N_("Does not hold"),
          NO_DATA: N_("No official data"), CANNOT_CHECK: N_("Cannot be checked"), CONTEXT: N_("Context")}


def lead(verdict: str, lang: str, since: int | None = None, held: str = "") -> str:
    """The summary's opening words: "Holds"; "Held when written (2017–2019) but not since 2022"."""
    if verdict == OUTDATED:
        return _("Held when written ({window}) but not since {since}", lang, window=held, since=since)
    return _(_LEADS[verdict], lang)


def sentence(opening: str, clauses: Sequence[str]) -> str:
    """"Holds" + ["a", "", "b"] -> "Holds: a; b." (empty clauses dropped)."""
    clauses = [c for c in clauses if c]
    return (opening + ": " + "; ".join(clauses) + ".") if clauses else opening + "."


def unseparated(unchecked: str, context: str, lang: str) -> str:
    """The sentence of a claim about a group no statistic separates: what cannot be checked, said plainly
    first, then the figures of all emigrants as context.

    ``unchecked`` is the ledger's indirect question, shown in the reader's language: "which emigrants are
    political emigrants" and "Among all emigrants, Ukraine is never 1st: a; b." -> "No statistic records
    which emigrants are political emigrants. Among all emigrants, Ukraine is never 1st: a; b."
    """
    said = _("No statistic records {unchecked}.", lang, unchecked=_(unchecked, lang).strip().rstrip("."))
    return said + " " + context


def flag(status: str, lang: str) -> str:
    """", preliminary" / ", rounded" after a figure whose status a reader must know; "" otherwise."""
    return ", " + _(status, lang) if status in ("preliminary", "rounded") else ""
