"""The story view, Dash-free: the article the dashboard grew out of, and each of its claims as the data decide it.

One :class:`Callout` per claim of the snapshot's ledger, in reading order, with everything the page
shows: the paraphrase and quote in the reader's language, the computed verdict and its sentence, the
source lines derived from provenance, the claim's chart (plotly JSON) and the deep link to the full chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from dashboard import alttext, claims, urlstate
from dashboard.claims import history
from dashboard.i18n import N_, _
from dashboard.snapshots import Snapshot

PATH = "/"
ARTICLE_LANGUAGE = "en"  # CABAR.asia's English edition: its quotes are shown as written
ARTICLE_TITLE = N_("A Promised Land: How Kazakh Political Emigrants Live in Ukraine")
PARAMS = ()  # no controls: the story has one state

VERDICT_MEANINGS = {
    claims.HOLDS: N_("every year with a decisive figure supports the claim"),
    claims.SOME_YEARS: N_("some years or measures support it, others contradict it"),
    claims.OUTDATED: N_("it held when the article was written, but the latest figures contradict it"),
    claims.DOES_NOT_HOLD: N_("no figure supports it"),
    claims.NO_DATA: N_("the official statistics have no figure for it"),
    claims.CANNOT_CHECK: N_("the data do not measure exactly what the claim says"),
    claims.CONTEXT: N_("an event, not a number: the trends chart marks it"),
}


@dataclass(frozen=True)
class Callout:
    id: str
    verdict: str  # one of claims.VERDICTS (the badge's data attribute; shown through _())
    paraphrase: str
    quote: str  # in the article's own language (English), never translated
    quote_translation: str  # the quote in the reader's language beside it ("" in English)
    attribution: str
    article_url: str
    summary: str  # the verdict's sentence with its deciding figures
    note: str
    source: str  # the verdict's source line ("" if it equals the chart's)
    chart_source: str
    figure: dict | None  # the claim's chart as plotly JSON; None for an event
    href: str  # the full chart on its page, in the claimed state
    history: str  # the verdict with the figures up to each year (claims.history)
    stopped: str  # when it stopped holding ("" if it never did)


def href(claim, lang: str) -> str:
    """The claim's deep link; a reader's language other than the default travels along."""
    return urlstate.with_lang(claim.chart.path + claim.chart.query, lang)


def callouts(snap: Snapshot, lang: str = "en") -> list[Callout]:
    verdicts = claims.evaluate_all(snap, lang)
    by_year = history.by_year(snap)
    out = []
    for claim in claims.ledger(snap):
        verdict = verdicts[claim.id]
        stopped = history.stopped(by_year[claim.id])
        figure = claims.figure_json(claim, snap, lang)
        if figure is not None:  # the chart in words, as its embed's alt text says it
            figure["layout"].setdefault("meta", {})["alt"] = snap.cached(
                "misc", ("claim-alt", claim.id, lang), lambda: alttext.alt_text(claims.figure(claim, snap, lang), lang))
        chart_source = claims.chart_source_line(claim, verdict, snap, lang) if figure is not None else ""
        source = claims.source_line(claim, verdict, snap, lang)
        out.append(Callout(
            id=claim.id, verdict=verdict.verdict, paraphrase=_(claim.paraphrase, lang), quote=claim.quote,
            quote_translation=_(claim.quote, lang) if lang != ARTICLE_LANGUAGE else "",
            attribution=_(claim.attribution, lang), article_url=claim.article_url, summary=verdict.summary,
            note=_(claim.note, lang) if claim.note else "",
            # The verdict read more than the chart draws (or there is no chart): cite both.
            source=source if source and source != chart_source else "", chart_source=chart_source,
            figure=figure, href=href(claim, lang), history=history.sentence(by_year[claim.id], lang),
            stopped=history.stopped_sentence(stopped, lang) if stopped else ""))
    return out


def article(snap: Snapshot, lang: str = "en") -> tuple[str, str, str] | None:
    """(title, url, attribution) of the article, as the ledger records it; None for an empty ledger."""
    ledger = claims.ledger(snap)
    if not ledger:
        return None
    return _(ARTICLE_TITLE, lang), ledger[0].article_url, _(ledger[0].attribution, lang)
