"""The story page: the article the dashboard grew out of, and each of its headline facts checked.

One callout per claim of the ledger (``data/claims.json``), in reading order: the paraphrase, the short
quote with its attribution, the verdict computed from the data (badge with symbol and text, never colour
alone), the verdict's sentence with its deciding figures, the source line derived from provenance, a
small chart (:mod:`dashboard.story_charts`) and a link that opens the full chart on its page in the
claimed state.  Nothing is computed or read at import; the verdicts follow every data refresh.

Hooks for browser tests: each callout is ``<article id="claim-<id>" class="callout">``; its badge
``<span class="verdict verdict-<slug>" data-verdict="<verdict>">``; its deep link ``a.claim-link``.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import html

from dashboard import claims, components, data, i18n, story_charts, urlstate
from dashboard.i18n import _

dash.register_page(__name__, path="/", name="Story", title="Emigration from Kazakhstan", order=0)

PAGE = "home"
PARAMS: tuple[urlstate.Param, ...] = ()  # no controls: the story has one state
LINK = {"color": "var(--accent)"}
ARTICLE_TITLE = "A Promised Land: How Kazakh Political Emigrants Live in Ukraine"


# verdict -> (slug, symbol, edge colour, background, text colour, border style).  Okabe-Ito edges; the
# symbol and the words carry the meaning, the colour only repeats it.
VERDICT_STYLES = {
    claims.HOLDS: ("holds", "✓", "#009E73", "#e3f4ee", "#00573f", "solid"),
    claims.SOME_YEARS: ("holds-only-for-some-years", "≈", "#E69F00", "#fff4d6", "#6b4a00", "solid"),
    claims.OUTDATED: ("outdated", "◷", "#CC79A7", "#f9ecf3", "#7a2e5a", "solid"),
    claims.DOES_NOT_HOLD: ("does-not-hold", "✗", "#D55E00", "#fbe8dd", "#8a3400", "solid"),
    claims.NO_DATA: ("no-official-data", "∅", "#7F7F7F", "#f1f1f1", "#333333", "dashed"),
    claims.CANNOT_CHECK: ("cannot-be-checked", "?", "#56B4E9", "#e9f5fc", "#0b4f7a", "dashed"),
    claims.CONTEXT: ("context", "ℹ", "#0072B2", "#ffffff", "#0072B2", "dotted"),
}
VERDICT_MEANINGS = {
    claims.HOLDS: "every year with a decisive figure supports the claim",
    claims.SOME_YEARS: "some years or measures support it, others contradict it",
    claims.OUTDATED: "it held when the article was written, but the latest figures contradict it",
    claims.DOES_NOT_HOLD: "no figure supports it",
    claims.NO_DATA: "the official statistics have no figure for it",
    claims.CANNOT_CHECK: "the data do not measure exactly what the claim says",
    claims.CONTEXT: "an event, not a number: the trends chart marks it",
}


def verdict_slug(verdict: str) -> str:
    """"holds only for some years" -> "holds-only-for-some-years" (the badge's CSS class suffix)."""
    return VERDICT_STYLES[verdict][0]


def verdict_badge(verdict: str, lang: str = "en", *, small: bool = False) -> html.Span:
    """Symbol + words + colour.  The callout badge has class ``verdict verdict-<slug>``; the small ones
    (at-a-glance list, key) ``verdict-mark`` so a test counting ``.verdict`` finds one per callout."""
    slug, symbol, edge, background, ink, border = VERDICT_STYLES[verdict]
    style = {"display": "inline-flex", "alignItems": "center", "gap": ".35em", "border": f"2px {border} {edge}",
             "background": background, "color": ink, "borderRadius": "999px", "fontWeight": 600,
             "padding": ".05rem .6rem" if small else ".15rem .75rem", "fontSize": ".8rem" if small else ".9rem",
             "whiteSpace": "nowrap", "lineHeight": 1.4}
    return html.Span([
        html.Span(symbol, className="verdict-icon", **{"aria-hidden": "true"},
                  style={"fontWeight": 700, "fontSize": "1.05em"}),
        html.Span(_(verdict, lang), className="verdict-text"),
    ], className=f"verdict-mark verdict-mark-{slug}" if small else f"verdict verdict-{slug}",
        title=_(VERDICT_MEANINGS[verdict], lang), style=style, **{"data-verdict": verdict})


def _with_link(template: str, link, lang: str, **fields) -> list:
    """A translated sentence with a link in place of its ``{link}`` field."""
    marker = "\x00"
    text = _(template, lang, link=marker, **fields)
    head, _sep, tail = text.partition(marker)
    return [head, link, tail]


def _href(claim: claims.Claim, lang: str) -> str:
    """The claim's deep link; a reader's language other than the default travels along."""
    href = claim.chart.href
    if lang != i18n.DEFAULT_LANGUAGE:
        href += ("&" if "?" in href else "?") + urlencode({"lang": lang})
    return href


def source_text(line: str) -> list:
    """A source line whose last sentence ("Data as of 2026-11-25.") never breaks inside its date."""
    head, sep, tail = line.rpartition(". ")
    if not sep:
        return [line]
    return [head + ". ", html.Span(tail, style={"whiteSpace": "nowrap"})]


def _chart(claim: claims.Claim, figure, source: str, lang: str) -> html.Figure:
    block = components.chart_block(f"{PAGE}-graph-{claim.id}", f"{PAGE}-source-{claim.id}",
                                   height=f"{int(figure['layout']['height'])}px", lang=lang, chart=f"claim/{claim.id}")
    graph = block.children[0].children
    graph.figure = figure
    graph.config = components.graph_config(displayModeBar=False)
    block.children[1].children = source_text(source)
    block.style = {"margin": 0}
    return block


def callout(claim: claims.Claim, verdict: claims.Verdict, lang: str = "en",
            snapshot: data.Snapshot | None = None) -> html.Article:
    """One claim: what the article says, what the data say, where the numbers come from."""
    edge = VERDICT_STYLES[verdict.verdict][2]
    source = story_charts.source_line(claim, verdict, lang, snapshot)
    figure = story_charts.figure_json(claim, lang, snapshot)
    chart_source = story_charts.chart_source_line(claim, verdict, lang, snapshot) if figure is not None else ""
    quote = html.Blockquote([
        html.P(f"“{_(claim.quote, lang)}”", style={"margin": 0}),
        html.Footer(["— ", html.Cite(html.A(_(claim.attribution, lang), href=claim.article_url, rel="noopener",
                                            style=LINK),
                                     style={"fontStyle": "normal"})],
                    style={"fontSize": ".85rem", "color": "#555", "fontStyle": "normal", "marginTop": ".2rem"}),
    ], style={"margin": ".5rem 0 .75rem", "padding": ".1rem 0 .1rem .8rem", "borderLeft": "3px solid #bbb",
              "fontStyle": "italic", "color": "#333"})
    link = html.P(html.A([_("Open the full chart", lang), html.Span(" →", **{"aria-hidden": "true"})],
                         href=_href(claim, lang), className="claim-link", style={**LINK, "fontWeight": 600}),
                  style={"margin": ".5rem 0 0"})
    text = [
        quote,
        html.P(verdict.summary, className="verdict-summary", style={"margin": ".25rem 0", "fontSize": ".95rem"}),
        *([html.P(_(claim.note, lang), className="note")] if claim.note else []),
    ]
    if source and source != chart_source:  # the verdict read more than the chart draws (or there is no chart)
        text.append(html.P(source_text(source), className="source-line verdict-source",
                           style={"margin": ".4rem 0 0"}))
    if figure is None:
        body = html.Div([*text, link])
    else:
        body = html.Div([html.Div([*text, link]), _chart(claim, figure, chart_source, lang)], className="grid-2",
                        style={"alignItems": "start"})
    return html.Article([
        verdict_badge(verdict.verdict, lang),
        html.H2(_(claim.paraphrase, lang), style={"fontSize": "1.2rem", "margin": ".5rem 0 .25rem",
                                                  "lineHeight": 1.3}),
        body,
    ], id=f"claim-{claim.id}", className="callout", style={
        "border": "1px solid #ddd", "borderLeft": f"6px solid {edge}", "borderRadius": "6px",
        "padding": ".75rem 1rem 1rem", "margin": "0 0 1.25rem", "minWidth": 0, "background": "#fff"},
        **{"data-verdict": verdict.verdict})


def glance(ledger, verdicts, lang: str = "en") -> html.Nav:
    """The claims at a glance: each verdict and a jump link to its callout."""
    items = [html.Li([verdict_badge(verdicts[c.id].verdict, lang, small=True), " ",
                      html.A(_(c.paraphrase, lang), href=f"#claim-{c.id}", style=LINK)], style={"margin": ".35rem 0"})
             for c in ledger]
    return html.Nav([html.H2(_("The article's claims at a glance", lang), style={"fontSize": "1.1rem"}),
                     html.Ol(items, style={"paddingLeft": "1.4rem", "margin": ".25rem 0"})],
                    className="glance", **{"aria-label": _("The article's claims at a glance", lang)},
                    style={"margin": "1rem 0 1.25rem"})


def key(lang: str = "en") -> html.Details:
    """What each verdict means."""
    return html.Details([
        html.Summary(_("What the verdicts mean", lang)),
        html.Ul([html.Li([verdict_badge(v, lang, small=True), " ", _(VERDICT_MEANINGS[v], lang)],
                         style={"margin": ".3rem 0", "listStyle": "none"}) for v in claims.VERDICTS],
                style={"paddingLeft": ".5rem"}),
    ], className="note", style={"margin": "0 0 1.25rem"})


def layout(lang: str = "en", **query) -> html.Div:
    notices: list[str] = []
    if lang not in i18n.LANGUAGES:
        notices.append(_("Unknown language '{code}'; showing English.", i18n.DEFAULT_LANGUAGE, code=lang))
        lang = i18n.DEFAULT_LANGUAGE
    _values, more = urlstate.parse(query, PARAMS, strict=False, ignore=("lang",), lang=lang)
    notices += more
    snap = data.snapshot()
    ledger = story_charts.ledger(snap)
    verdicts = claims.evaluate_all(snap, lang)
    intro = []
    if ledger:  # the article's address and author as the ledger records them
        link = html.A(f"“{_(ARTICLE_TITLE, lang)}”", href=ledger[0].article_url, rel="noopener", style=LINK)
        intro.append(html.P(_with_link("This dashboard grew out of an article: {link} by {attribution}.", link, lang,
                                       attribution=_(ledger[0].attribution, lang))))
    intro.append(html.P(_(
        "Below, each of the article's headline facts is checked against official statistics. The verdicts are "
        "computed from the data, never typed in, so they follow every data update; each chart opens in full on "
        "its page.", lang)))
    return html.Div([
        components.page_header(_("Emigration from Kazakhstan", lang), _(
            "How many people leave Kazakhstan, where they go, and how Kazakhstan compares with its Eurasian "
            "Economic Union neighbours: official figures, each with its source.", lang)),
        components.notices(notices),
        html.Div(intro, style={"maxWidth": "60rem"}),
        glance(ledger, verdicts, lang),
        key(lang),
        html.Section([callout(c, verdicts[c.id], lang, snap) for c in ledger], className="callouts",
                     **{"aria-label": _("The article's claims, checked", lang)}),
        *components.url_sync(PAGE),
    ])
