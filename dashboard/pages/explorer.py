"""Data explorer page: layout and thin callbacks over :mod:`dashboard.views.explorer`; the table is an AG Grid
(sortable, keyboard-navigable) whose rows are exactly those of its Download CSV link."""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import Input, Output, State, dcc, html

from dashboard import components, context, datasets, explorer_filters, urlstate
from dashboard.i18n import N_, _, negotiate
from dashboard.views import explorer as view

PAGE = "explorer"
NAME = N_("Data")
LANG = State({"type": "page-lang", "page": PAGE}, "data")
# A gap stays an empty cell; quantities get thousands separators (the values themselves are unchanged).
_GROUPED = {"function": "params.value == null ? '' : d3.format(',')(params.value)"}


# The rows come sorted from the server (the same order as the CSV link): the grid's own sort only shows the
# arrows and reports the reader's choice (columnState), it never reorders rows itself.
_SERVER_ORDER = {"function": "0"}
LONG_TEXT = ("citation", "note", "source", "definition", "destination_name", "country")


def column_defs(columns: list[dict], order=None) -> list[dict]:
    sorted_by = {c: (i, desc) for i, (c, desc) in enumerate(order or ())}
    out = []
    for col in columns:
        spec = {"field": col["field"], "headerName": col["field"], "headerTooltip": col["description"],
                "sortable": True, "resizable": True, "comparator": _SERVER_ORDER}
        if col["field"] in LONG_TEXT:  # citations and notes wrap in a wide column; the rest stay on one line
            spec.update(minWidth=240, wrapText=True, autoHeight=True)
        if col["field"] in sorted_by:
            index, desc = sorted_by[col["field"]]
            spec.update(sort="desc" if desc else "asc", sortIndex=index)
        if col.get("labels"):  # coded cells shown in the reader's language; the value stays the code
            spec["refData"] = col["labels"]
        if col["numeric"]:
            spec["type"] = "numericColumn"
            if col["grouped"]:
                spec["valueFormatter"] = _GROUPED
        out.append(spec)
    return out


def _describe(name: str, lang: str) -> list:
    spec = datasets.DATASETS[name]
    return [html.P(_(spec.title, lang), className="note"),
            html.Details([html.Summary(_("Columns", lang)),
                          html.Dl([item for col, desc in spec.columns.items()
                                   for item in (html.Dt(html.Code(col)), html.Dd(_(desc, lang)))],
                                  className="columns")])]


def layout(lang: str | None = None, **query) -> html.Div:
    lang = context.language(lang)
    snap = context.snapshot()
    values, notices = view.resolve(query, snap, lang)
    name = values["dataset"]
    first, last = view.year_span(datasets.built(name, snap))
    years = values.get("years") or (first, last)
    lo, hi = min(first, years[0]), max(last, years[1])
    has_countries = explorer_filters.country_column(name) is not None
    table = view.table_view(values, snap, lang)
    controls = html.Div([
        components.control(_("Dataset", lang), dcc.Dropdown(
            id="explorer-dataset", options=[{"label": f"{n}: {_(d.title, lang)}", "value": n}
                                            for n, d in datasets.DATASETS.items()],
            value=name, clearable=False, searchable=False), "explorer-dataset", lang, style={"flex": "3 1 22rem"}),
        components.control(_("Countries", lang), dcc.Dropdown(
            id="explorer-countries", options=view.country_options(snap, name, values.get("countries"), lang),
            value=list(values.get("countries") or ()), multi=True,
            placeholder=_("All countries", lang)), "explorer-countries", lang,
            id="explorer-countries-control", hidden=not has_countries, style={"flex": "2 1 18rem"}),
        components.control(_("Years", lang), dcc.RangeSlider(
            id="explorer-years", min=lo, max=hi, step=1, value=[years[0], years[1]], marks=view.year_marks(lo, hi),
            allowCross=True, updatemode="mouseup", tooltip={"placement": "bottom"}), "explorer-years", lang),
        components.control(_("UN DESA revision", lang), dcc.RadioItems(
            id="explorer-revision", options=[{"label": _("both", lang), "value": "all"},
                                             *({"label": str(r), "value": r} for r in (2020, 2024))],
            value=values.get("revision", "all"), inline=True), "explorer-revision", lang,
            id="explorer-revision-control", hidden=name != "migrant-stock"),
        components.control(_("Country of birth", lang), dcc.Dropdown(
            id="explorer-origin", options=view.origin_options(snap, lang), value=list(values.get("origin") or ()),
            multi=True, placeholder=_("All", lang)), "explorer-origin", lang,
            id="explorer-origin-control", hidden=name != "migrant-stock", style={"flex": "0 1 18rem"}),
    ], className="controls")
    return html.Div([
        components.page_header(_("Data", lang), _(
            "The tidy tables behind every chart, as published, with their sources. Filter them, sort a column, "
            "and download exactly the rows shown as CSV.", lang)),
        components.notices(notices),
        controls,
        html.Div(_describe(name, lang), id="explorer-description"),
        html.Div([
            html.P(table["source"], id="explorer-source", className="source-line"),
            html.P([html.Strong(table["count"], id="explorer-count", role="status"), " · ",
                    html.A(_("Download CSV", lang), id="explorer-download", href=table["href"]), " · ",
                    html.A(_("ZIP with sources and README", lang), id="explorer-zip",
                           href=view.bundle_href(table["href"], ".zip", lang)), " · ",
                    html.A(_("Metadata (JSON)", lang), id="explorer-meta",
                           href=view.bundle_href(table["href"], ".meta.json", lang))],
                   className="table-meta"),
        ]),
        dag.AgGrid(
            id="explorer-table", rowData=table["data"], columnDefs=column_defs(table["columns"], values.get("sort")),
            # Columns keep a readable width: on a phone the grid scrolls sideways inside itself, the page never.
            defaultColDef={"sortable": True, "resizable": True, "minWidth": 110},
            columnSize="responsiveSizeToFit", dashGridOptions={
                "pagination": True, "paginationPageSize": view.PAGE_SIZE, "paginationPageSizeSelector": False,
                "tooltipShowDelay": 300, "domLayout": "autoHeight", "ensureDomOrder": True,
                # Every row of a page in the DOM, in order: what a screen reader and a test read is the page.
                "suppressRowVirtualisation": True,
                # Tab leaves the grid (to the pagination, then the page) instead of walking all its cells;
                # inside it the arrow keys move, as in every ag-grid.  Returning false hands Tab to the browser.
                "tabToNextCell": {"function": "false"}, "tabToNextHeader": {"function": "false"}},
            className="ag-theme-quartz", style={"width": "100%"}),
        *components.url_sync(PAGE, lang),
    ])


def on_dataset(name, countries, lang):
    """A new dataset: its own countries (keeping the picked ones it has), its full year span."""
    lang, snap = negotiate(lang), context.snapshot()
    name = name if name in datasets.DATASETS else explorer_filters.DATASET.default
    first, last = view.year_span(datasets.built(name, snap))
    allowed = set(explorer_filters.country_codes(name))
    kept = [c for c in (countries or ()) if c in allowed]
    has_countries = explorer_filters.country_column(name) is not None
    return (view.country_options(snap, name, kept, lang), kept, not has_countries, first, last,
            view.year_marks(first, last), [first, last], name != "migrant-stock", _describe(name, lang),
            name != "migrant-stock")


def update(name, countries, years, revision, origin, lang, column_state=None):
    lang, snap = negotiate(lang), context.snapshot()
    values = view.values_from_controls(snap, name, countries, years, revision, origin, column_state)
    table = view.table_view(values, snap, lang)
    return (table["data"], column_defs(table["columns"], values.get("sort")), table["source"], table["count"],
            table["href"], view.bundle_href(table["href"], ".zip", lang), view.bundle_href(table["href"], ".meta.json", lang),
            urlstate.with_lang(view.page_query(values), lang))


def update_and_rewind(name, countries, years, revision, origin, column_state, lang, column_defs_now=None):
    """``update``, and a new selection starts on the grid's first page (the page's first call leaves the grid
    where it is: the reader may already be paging).  A new sort keeps the columns as the reader left them."""
    if column_state is None:  # the grid has not reported yet: the sort is the one the page opened with
        column_state = column_defs_now
    data, columns, *rest = update(name, countries, years, revision, origin, lang, column_state)
    sorted_now = dash.ctx.triggered_id == "explorer-table"
    return (data, dash.no_update if sorted_now else columns,
            "first" if dash.ctx.triggered_id else dash.no_update, *rest)


def register(app: dash.Dash) -> None:
    # The table's library (dash-ag-grid, 320 kB compressed) loads on this page only, and plotly.js (360 kB)
    # not at all: the page draws no chart (shell.index_html).
    dash.register_page(__name__, path=view.PATH, name=NAME, title=NAME, order=4, layout=layout,
                       libraries=("dash_ag_grid",), charts=False)
    app.callback(
        Output("explorer-countries", "options"), Output("explorer-countries", "value"),
        Output("explorer-countries-control", "hidden"),
        Output("explorer-years", "min"), Output("explorer-years", "max"), Output("explorer-years", "marks"),
        Output("explorer-years", "value"), Output("explorer-revision-control", "hidden"),
        Output("explorer-description", "children"), Output("explorer-origin-control", "hidden"),
        Input("explorer-dataset", "value"), State("explorer-countries", "value"), LANG,
        prevent_initial_call=True,
    )(on_dataset)
    app.callback(
        Output("explorer-table", "rowData"), Output("explorer-table", "columnDefs"),
        Output("explorer-table", "paginationGoTo"), Output("explorer-source", "children"), Output("explorer-count", "children"),
        Output("explorer-download", "href"), Output("explorer-zip", "href"), Output("explorer-meta", "href"),
        Output({"type": "url-query", "page": PAGE}, "data"),
        Input("explorer-dataset", "value"), Input("explorer-countries", "value"), Input("explorer-years", "value"),
        Input("explorer-revision", "value"), Input("explorer-origin", "value"),
        Input("explorer-table", "columnState"), LANG, State("explorer-table", "columnDefs"),
    )(update_and_rewind)
