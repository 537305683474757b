"""Home: what the dashboard is, and the headline numbers with their sources."""

from __future__ import annotations

import dash
from dash import html

from dashboard import data, provenance
from dashboard.i18n import _

dash.register_page(__name__, path="/", name="Story", title="Emigration from Kazakhstan", order=0)


def layout(lang: str = "en", **_query) -> html.Div:
    snap = data.snapshot()
    releases = snap.frame("bns_releases")
    emigrants = releases[(releases["measure"] == "emigrants") & releases["preferred"]].sort_values("year")
    latest = emigrants.iloc[-1]
    return html.Div([
        html.H1(_("Emigration from Kazakhstan", lang)),
        html.P(_("How many people leave Kazakhstan, where they go, and how Kazakhstan compares with its "
                 "Eurasian Economic Union neighbours: official figures, each with its source.", lang)),
        html.P(_("Emigrants registered in {year}: {value} ({status})", lang, year=int(latest["year"]),
                 value=f"{int(latest['value']):,}", status=_(latest["status"], lang)), className="headline"),
        html.P(provenance.source_line(snap.provenance["bns_releases"], lang), className="source-line"),
    ])
