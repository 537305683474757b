"""Trends page: layout and thin callbacks over :mod:`dashboard.views.trends`."""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from dashboard import components, context, replies, urlstate
from dashboard.figures import trends as fig_trends
from dashboard.i18n import N_, _, negotiate
from dashboard.views import trends as view

PAGE = "trends"
NAME = N_("Trends")


def _events_list(lang: str) -> html.Details:
    items = [html.Li([html.Strong(e["date"] + " — " + e["label"]), ": ", e["note"], " ",
                      html.Span(_("Source: {source}", lang, source=e["source"]), className="source-line")])
             for e in view.events(lang)]
    return html.Details([html.Summary(_("Events marked on the chart", lang)), html.Ul(items)], id="trends-events",
                        className="note")


def layout(lang: str | None = None, **query) -> html.Div:
    lang = context.language(lang)
    snap = context.snapshot()
    values, notices = view.resolve(query, snap, lang)
    span = view.span(snap)
    years = view.clamp(values["years"], span) or span
    # The slider reaches back to an asked-for first year without data (a link to the 1990s shows the gap).
    low, high = min(span[0], years[0]), max(span[1], years[1])
    marks = {y: str(y) for y in range(low, high + 1) if y % 5 == 0 or y in (low, high)}
    return html.Div([
        components.page_header(_("Trends", lang), _(
            "How many people Kazakhstan registers as leaving and arriving each year, with dated events. "
            "Hollow markers are preliminary or rounded figures; a gap means no published figure.", lang)),
        components.notices(notices),
        html.Div([
            components.control(_("Measures", lang), dcc.Checklist(
                id="trends-measures", inline=True, value=list(values["measures"]),
                options=[{"label": fig_trends.measure_label(m, lang), "value": m} for m in view.MEASURES]),
                "trends-measures", lang),
            components.control(_("Units", lang), dcc.Checklist(
                id="trends-per1000", inline=True, value=["1"] if values["per1000"] else [],
                options=[{"label": _("per 1,000 residents", lang), "value": "1"}]), "trends-per1000", lang),
            components.control(_("Scale", lang), dcc.RadioItems(
                id="trends-scale", inline=True, value=values["scale"],
                options=[{"label": _("Linear", lang), "value": "linear"}, {"label": _("Log", lang), "value": "log"}]),
                "trends-scale", lang),
            components.control(_("Years", lang), dcc.RangeSlider(
                id="trends-years", min=low, max=high, step=1, value=list(years), marks=marks, allowCross=False,
                updatemode="mouseup"), "trends-years", lang),
        ], className="controls"),
        components.chart_block("trends-graph", "trends-source", chart="trends", height="480px", lang=lang,
                               extra=[html.Div(id="trends-event-key"), html.Div(id="trends-notes"), _events_list(lang)]),
        html.H2(_("Two definitions of net migration", lang)),
        html.Div([components.definition_badge(label, definition, lang)
                  for label, definition in view.definitions(snap, lang)]),
        components.chart_block("trends-compare-graph", "trends-compare-source", chart="trends-compare",
                               height="460px", lang=lang, extra=[html.P(id="trends-compare-note", className="note")]),
        *components.url_sync(PAGE, lang),
    ])


def update(measures, per1000, scale, years, lang, theme=None):
    state = view.state_from_controls(measures, per1000, scale, years, view.span(context.snapshot()))
    return render(state, negotiate(lang), theme)


@replies.memoised("trends")
def render(state: dict, lang: str, theme=None) -> tuple:
    """The charts' reply for a state: kept by the state (values the controls cannot send land on the state
    they mean), never by the raw values."""
    snap = context.snapshot()
    main, compare = view.figure_main(state, snap, lang), view.figure_compare(state, snap, lang)
    events = main.layout.meta["events"]
    return (components.themed(main, theme, lang), main.layout.meta["source"],
            [html.P(t, className="notice", role="status") for t in main.layout.meta["notices"]],
            html.Ol([html.Li(e) for e in events], className="event-key") if events else None,
            components.themed(compare, theme, lang), compare.layout.meta["source"], compare.layout.meta["note"], urlstate.with_lang(urlstate.encode(state, view.PARAMS), lang))


def register(app: dash.Dash) -> None:
    dash.register_page(__name__, path=view.PATH, name=NAME, title=N_("Trends: emigration from Kazakhstan"),
                       order=2, layout=layout)
    app.callback(
        Output("trends-graph", "figure"), Output("trends-source", "children"), Output("trends-notes", "children"),
        Output("trends-event-key", "children"),
        Output("trends-compare-graph", "figure"), Output("trends-compare-source", "children"),
        Output("trends-compare-note", "children"), Output({"type": "url-query", "page": PAGE}, "data"),
        Input("trends-measures", "value"), Input("trends-per1000", "value"), Input("trends-scale", "value"),
        Input("trends-years", "value"), State({"type": "page-lang", "page": PAGE}, "data"),
        Input(components.THEME, "data"),
    )(update)
