"""The story page: the article the dashboard grew out of, and each of its headline facts checked
(layout only; the content comes from :mod:`dashboard.views.story`).

Hooks for browser tests: each callout is ``<article id="claim-<id>" class="callout">``; its badge
``<span class="verdict verdict-<slug>" data-verdict="<verdict>">``; its deep link ``a.claim-link``.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, html

from dashboard import claims, components, context, i18n, urlstate
from dashboard.i18n import N_, _
from dashboard.views import story as view

PAGE = "home"
NAME = N_("Story")
LINK = {"color": "var(--accent)"}

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
             # Wraps on a phone: a Kazakh verdict is wider than 375 px on one line.
             "whiteSpace": "normal", "maxWidth": "100%", "boxSizing": "border-box", "lineHeight": 1.4}
    return html.Span([
        html.Span(symbol, className="verdict-icon", **{"aria-hidden": "true"},
                  style={"fontWeight": 700, "fontSize": "1.05em"}),
        html.Span(_(verdict, lang), className="verdict-text"),
    ], className=f"verdict-mark verdict-mark-{slug}" if small else f"verdict verdict-{slug}",
        title=_(view.VERDICT_MEANINGS[verdict], lang), style=style, **{"data-verdict": verdict})


def _with_link(template: str, link, lang: str, **fields) -> list:
    """A translated sentence with a link in place of its ``{link}`` field."""
    marker = "\x00"
    text = _(template, lang, link=marker, **fields)
    head, _sep, tail = text.partition(marker)
    return [head, link, tail]


def source_text(line: str) -> list:
    """A source line whose last sentence ("Data as of 2026-11-25.") never breaks inside its date."""
    head, sep, tail = line.rpartition(". ")
    if not sep:
        return [line]
    return [head + ". ", html.Span(tail, style={"whiteSpace": "nowrap"})]


def _chart(c: view.Callout, lang: str) -> html.Figure:
    block = components.chart_block({"type": "claim-graph", "claim": c.id}, f"{PAGE}-source-{c.id}", lang=lang,
                                   height=f"{int(c.figure['layout']['height'])}px", chart=f"claim/{c.id}")
    graph = block.children[0].children
    graph.figure = c.figure
    block.children[1].children = source_text(c.chart_source)
    block.style = {"margin": 0}
    return block


def callout(c: view.Callout, lang: str = "en") -> html.Article:
    """One claim: what the article says, what the data say, where the numbers come from."""
    edge = VERDICT_STYLES[c.verdict][2]
    # The article's words as it wrote them (marked as English for screen readers), a translation beside them.
    translation = ([html.P([html.Span(_("Translation:", lang), className="quote-label"), " ", c.quote_translation],
                           className="quote-translation")] if c.quote_translation else [])
    quote = html.Blockquote([
        html.P(f"“{c.quote}”", lang=view.ARTICLE_LANGUAGE, style={"margin": 0}),
        *translation,
        html.Footer(["— ", html.Cite(html.A(c.attribution, href=c.article_url, rel="noopener", style=LINK),
                                     style={"fontStyle": "normal"})], className="quote-source"),
    ], className="claim-quote")
    link = html.P(html.A([_("Open the full chart", lang), html.Span(" →", **{"aria-hidden": "true"})],
                         href=c.href, className="claim-link", style={**LINK, "fontWeight": 600}),
                  style={"margin": ".5rem 0 0"})
    text = [quote, html.P(c.summary, className="verdict-summary", style={"margin": ".25rem 0", "fontSize": ".95rem"}),
            # The verdict as the figures up to each year decide it (computed: claims.history).
            html.P([*([html.Strong(c.stopped), " "] if c.stopped else []), c.history], className="verdict-history",
                   style={"margin": ".25rem 0", "fontSize": ".85rem"}),
            *([html.P(c.note, className="note")] if c.note else [])]
    if c.source:
        text.append(html.P(source_text(c.source), className="source-line verdict-source",
                           style={"margin": ".4rem 0 0"}))
    if c.figure is None:
        body = html.Div([*text, link])
    else:
        body = html.Div([html.Div([*text, link]), _chart(c, lang)], className="grid-2", style={"alignItems": "start"})
    return html.Article([
        verdict_badge(c.verdict, lang),
        html.H2(c.paraphrase, style={"fontSize": "1.2rem", "margin": ".5rem 0 .25rem", "lineHeight": 1.3}),
        body,
    ], id=f"claim-{c.id}", className="callout", style={"borderLeftColor": edge}, **{"data-verdict": c.verdict})


def glance(items: list[view.Callout], lang: str = "en") -> html.Nav:
    """The claims at a glance: each verdict and a jump link to its callout."""
    rows = [html.Li([verdict_badge(c.verdict, lang, small=True), " ",
                     html.A(c.paraphrase, href=f"#claim-{c.id}", style=LINK)], style={"margin": ".35rem 0"})
            for c in items]
    return html.Nav([html.H2(_("The article's claims at a glance", lang), style={"fontSize": "1.1rem"}),
                     html.Ol(rows, style={"paddingLeft": "1.4rem", "margin": ".25rem 0"})],
                    className="glance", **{"aria-label": _("The article's claims at a glance", lang)},
                    style={"margin": "1rem 0 1.25rem"})


def key(lang: str = "en") -> html.Details:
    """What each verdict means."""
    return html.Details([
        html.Summary(_("What the verdicts mean", lang)),
        html.Ul([html.Li([verdict_badge(v, lang, small=True), " ", _(view.VERDICT_MEANINGS[v], lang)],
                         style={"margin": ".3rem 0", "listStyle": "none"}) for v in claims.VERDICTS],
                style={"paddingLeft": ".5rem"}),
    ], className="note", style={"margin": "0 0 1.25rem"})


def layout(lang: str | None = None, **query) -> html.Div:
    notices: list[str] = []
    query_lang, unknown = lang, lang not in (None, "") and i18n.negotiate(lang) != lang
    lang = context.language(lang)
    if unknown:
        notices.append(_("Unknown language '{code}'; showing English.", lang, code=urlstate.excerpt(str(query_lang))))
    _values, more = urlstate.parse(query, view.PARAMS, strict=False, ignore=("lang",), lang=lang)
    notices += more
    snap = context.snapshot()
    items = view.callouts(snap, lang)
    intro = []
    article = view.article(snap, lang)
    if article:
        title, url, attribution = article
        link = html.A(f"“{title}”", href=url, rel="noopener", style=LINK)
        intro.append(html.P(_with_link(N_("This dashboard grew out of an article: {link} by {attribution}."), link, lang,
                                       attribution=attribution)))
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
        glance(items, lang),
        key(lang),
        html.Section([callout(c, lang) for c in items], className="callouts",
                     **{"aria-label": _("The article's claims, checked", lang)}),
        *components.url_sync(PAGE, lang),
    ])


def retheme(theme, figures):
    """The claim charts in the reader's theme (the layout draws them light; nothing to do for light)."""
    if theme not in ("dark",) or not figures:
        return [dash.no_update] * len(figures or [])
    return [components.themed(f, theme) for f in figures]


def register(app: dash.Dash) -> None:
    dash.register_page(__name__, path=view.PATH, name=NAME, title=N_("Emigration from Kazakhstan"), order=0,
                       layout=layout)
    app.callback(Output({"type": "claim-graph", "claim": ALL}, "figure"), Input(components.THEME, "data"),
                 State({"type": "claim-graph", "claim": ALL}, "figure"))(retheme)
