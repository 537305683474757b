"""Data explorer: the tidy tables behind every chart, filtered, with a CSV download of exactly those rows."""

from __future__ import annotations

from typing import Any, Mapping

import dash
import pandas as pd
from dash import Input, Output, State, dash_table, dcc, html
from dash.dash_table.Format import Format, Group

from dashboard import components, datasets, explorer_filters, provenance, urlstate
from dashboard.countries import country_name
from dashboard.i18n import _

dash.register_page(__name__, path="/data", name="Data", title="Data", order=4)

PAGE = "explorer"
PAGE_SIZE = 25
# The URL contract: ``dataset`` first, then that dataset's own filters (countries, years, revision)
# from ``params_for(dataset)``; which of those exist and which codes they accept depend on the dataset.
PARAMS = (explorer_filters.DATASET,)


def params_for(dataset_name: str) -> tuple[urlstate.Param, ...]:
    """Every parameter of the page for one dataset: ``dataset`` plus the dataset's filters."""
    return (explorer_filters.DATASET, *explorer_filters.PARAMS_FOR(dataset_name))


def parse_query(query: Mapping[str, str], lang: str = "en") -> tuple[dict[str, Any], list[str]]:
    """Lenient parse: the dataset first, then its filters; bad values fall back with a notice."""
    chosen, notices = urlstate.parse({k: v for k, v in query.items() if k == "dataset"}, PARAMS, strict=False,
                                     lang=lang)
    rest, more = urlstate.parse({k: v for k, v in query.items() if k != "dataset"},
                                explorer_filters.PARAMS_FOR(chosen["dataset"]), strict=False, ignore=("lang",),
                                lang=lang)
    return {**chosen, **rest}, notices + more


def download_href(values: Mapping[str, Any]) -> str:
    """``/data/<dataset>.csv`` + the filters as the page encodes them: the CSV route returns these rows."""
    name = values["dataset"]
    return f"/data/{name}.csv" + urlstate.encode(values, explorer_filters.PARAMS_FOR(name))


def page_query(values: Mapping[str, Any]) -> str:
    return urlstate.encode(values, params_for(values["dataset"]))


def year_span(df: pd.DataFrame) -> tuple[int, int]:
    return int(df["year"].min()), int(df["year"].max())


def _country_options(df: pd.DataFrame, name: str, chosen, lang: str) -> list[dict]:
    column = explorer_filters.country_column(name)
    if column is None:
        return []
    codes = list(dict.fromkeys([*sorted(df[column].dropna().unique()), *(chosen or ())]))
    labelled = sorted(((f"{country_name(c, lang)} ({c})", c) for c in codes), key=lambda t: t[0])
    return [{"label": label, "value": code} for label, code in labelled]


def _year_marks(first: int, last: int) -> dict[int, str]:
    step = 10 if last - first > 25 else 5 if last - first > 8 else 1
    marks = {y: str(y) for y in range(first, last + 1) if y % step == 0 and last - y >= step / 2}
    return {**marks, first: str(first), last: str(last)}


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows for the DataTable; a gap is an empty cell (None), never a filled-in number."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


_UNGROUPED = ("year", "revision")  # codes, not quantities: 2020, never "2,020"


def _columns(df: pd.DataFrame) -> list[dict]:
    """Numeric columns sort as numbers; quantities show thousands separators (the values are unchanged)."""
    out = []
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
        spec = {"name": col, "id": col, "type": "numeric" if numeric else "text"}
        if numeric and col not in _UNGROUPED:
            spec["format"] = Format(group=Group.yes).to_plotly_json()
        out.append(spec)
    return out


def row_count(n: int, lang: str = "en") -> str:
    return _("1 row", lang) if n == 1 else _("{n} rows", lang, n=f"{n:,}")


def source_for(values: Mapping[str, Any], lang: str = "en") -> str:
    name = values["dataset"]
    revision = values.get("revision") if name == "migrant-stock" else None
    return provenance.source_line(datasets.provenance(name), lang,
                                  revision=None if revision in (None, "all") else str(revision))


def _describe(name: str, lang: str) -> list:
    spec = datasets.DATASETS[name]
    return [html.P(_(spec.title, lang), className="note"),
            html.Details([html.Summary(_("Columns", lang)),
                          html.Dl([item for col, desc in spec.columns.items()
                                   for item in (html.Dt(html.Code(col)), html.Dd(_(desc, lang)))],
                                  className="columns")])]


def table_view(values: Mapping[str, Any], lang: str = "en") -> dict[str, Any]:
    """Everything the page shows for a query: rows, columns, source line, count, download link."""
    name = values["dataset"]
    rows = explorer_filters.apply(datasets.get(name), name, values)
    return {"data": _records(rows), "columns": _columns(rows), "source": source_for(values, lang),
            "count": row_count(len(rows), lang), "href": download_href(values), "n": len(rows)}


def _origin_options(lang: str) -> list[dict]:
    """Countries of birth the migrant-stock rows have (Kazakhstan in the shipped snapshot; a refresh
    brings the other EAEU members)."""
    origins = sorted(set(datasets.get("migrant-stock")["origin"]))
    return [{"label": f"{country_name(c, lang)} ({c})", "value": c} for c in origins]


def _control(label: str, control, control_id: str, **extra) -> html.Div:
    return html.Div([html.Div(label, id=f"{control_id}-label", className="control-label"), control],
                    className="control", role="group", **{"aria-labelledby": f"{control_id}-label"}, **extra)


def layout(lang: str = "en", **query) -> html.Div:
    values, notices = parse_query(query, lang)
    name = values["dataset"]
    df = datasets.get(name)
    first, last = year_span(df)
    years = values.get("years") or (first, last)
    lo, hi = min(first, years[0]), max(last, years[1])
    has_countries = explorer_filters.country_column(name) is not None
    view = table_view(values, lang)
    controls = html.Div([
        _control(_("Dataset", lang), dcc.Dropdown(
            id="explorer-dataset", options=[{"label": f"{n}: {_(d.title, lang)}", "value": n}
                                            for n, d in datasets.DATASETS.items()],
            value=name, clearable=False, searchable=False), "explorer-dataset", style={"flex": "3 1 22rem"}),
        _control(_("Countries", lang), dcc.Dropdown(
            id="explorer-countries", options=_country_options(df, name, values.get("countries"), lang),
            value=list(values.get("countries") or ()), multi=True,
            placeholder=_("All countries", lang)), "explorer-countries",
            id="explorer-countries-control", hidden=not has_countries, style={"flex": "2 1 18rem"}),
        _control(_("Years", lang), dcc.RangeSlider(
            id="explorer-years", min=lo, max=hi, step=1, value=[years[0], years[1]], marks=_year_marks(lo, hi),
            allowCross=True, updatemode="mouseup", tooltip={"placement": "bottom"}), "explorer-years"),
        _control(_("UN DESA revision", lang), dcc.RadioItems(
            id="explorer-revision", options=[{"label": _("both", lang), "value": "all"},
                                             *({"label": str(r), "value": r} for r in (2020, 2024))],
            value=values.get("revision", "all"), inline=True), "explorer-revision",
            id="explorer-revision-control", hidden=name != "migrant-stock"),
        _control(_("Country of birth", lang), dcc.Dropdown(
            id="explorer-origin", options=_origin_options(lang), value=list(values.get("origin") or ()), multi=True,
            placeholder=_("All", lang)), "explorer-origin",
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
            html.P(view["source"], id="explorer-source", className="source-line"),
            html.P([html.Strong(view["count"], id="explorer-count", role="status"), " · ",
                    html.A(_("Download CSV", lang), id="explorer-download", href=view["href"])],
                   className="table-meta"),
        ]),
        dash_table.DataTable(
            id="explorer-table", data=view["data"], columns=view["columns"], page_size=PAGE_SIZE,
            page_action="native", sort_action="native", sort_mode="single",
            style_table={"overflowX": "auto", "minWidth": "100%"},
            style_cell={"fontFamily": "inherit", "fontSize": "0.85rem", "padding": "4px 8px", "textAlign": "left",
                        "whiteSpace": "normal", "height": "auto", "maxWidth": "22rem"},
            style_cell_conditional=[{"if": {"column_type": "numeric"}, "textAlign": "right"}],
            style_header={"fontWeight": "600", "backgroundColor": "#f3f3f3"},
            tooltip_header={col: _(desc, lang) for col, desc in datasets.DATASETS[name].columns.items()},
        ),
        dcc.Store(id="explorer-lang", data=lang),
        *components.url_sync(PAGE),
    ])


@dash.callback(
    Output("explorer-countries", "options"), Output("explorer-countries", "value"),
    Output("explorer-countries-control", "hidden"),
    Output("explorer-years", "min"), Output("explorer-years", "max"), Output("explorer-years", "marks"),
    Output("explorer-years", "value"), Output("explorer-revision-control", "hidden"),
    Output("explorer-description", "children"), Output("explorer-origin-control", "hidden"),
    Input("explorer-dataset", "value"), State("explorer-countries", "value"), State("explorer-lang", "data"),
    prevent_initial_call=True,
)
def on_dataset(name, countries, lang):
    """A new dataset: its own countries (keeping the picked ones it has), its full year span."""
    lang = lang or "en"
    name = name if name in datasets.DATASETS else explorer_filters.DATASET.default
    df = datasets.get(name)
    first, last = year_span(df)
    allowed = set(explorer_filters.country_codes(name))
    kept = [c for c in (countries or ()) if c in allowed]
    has_countries = explorer_filters.country_column(name) is not None
    return (_country_options(df, name, kept, lang), kept, not has_countries, first, last,
            _year_marks(first, last), [first, last], name != "migrant-stock", _describe(name, lang),
            name != "migrant-stock")


def values_from_controls(name, countries, years, revision, origin=None) -> dict[str, Any]:
    """Control values -> filter values; the full year span and an empty country pick mean "no filter"."""
    name = name if name in datasets.DATASETS else explorer_filters.DATASET.default
    params = {p.name: p for p in explorer_filters.PARAMS_FOR(name)}
    values: dict[str, Any] = {"dataset": name, **{p: param.default for p, param in params.items()}}
    if "countries" in params and countries:
        allowed = set(params["countries"].choices)
        values["countries"] = tuple(dict.fromkeys(c for c in countries if c in allowed)) or None
    if years and len(years) == 2:
        first, last = sorted(int(y) for y in years)
        span = year_span(datasets.get(name))
        lo, hi = explorer_filters.YEARS.choices
        if (first, last) != span and lo <= first <= last <= hi:
            values["years"] = (first, last)
    if "revision" in params and revision in params["revision"].choices:
        values["revision"] = revision
    if "origin" in params and origin:
        values["origin"] = tuple(dict.fromkeys(c for c in origin if c in params["origin"].choices)) or None
    return values


@dash.callback(
    Output("explorer-table", "data"), Output("explorer-table", "columns"), Output("explorer-table", "page_current"),
    Output("explorer-table", "tooltip_header"),
    Output("explorer-source", "children"), Output("explorer-count", "children"),
    Output("explorer-download", "href"), Output({"type": "url-query", "page": PAGE}, "data"),
    Input("explorer-dataset", "value"), Input("explorer-countries", "value"), Input("explorer-years", "value"),
    Input("explorer-revision", "value"), Input("explorer-origin", "value"), State("explorer-lang", "data"),
)
def update(name, countries, years, revision, origin, lang):
    lang = lang or "en"
    values = values_from_controls(name, countries, years, revision, origin)
    view = table_view(values, lang)
    tooltips = {col: _(desc, lang) for col, desc in datasets.DATASETS[values["dataset"]].columns.items()}
    return (view["data"], view["columns"], 0, tooltips, view["source"], view["count"], view["href"],
            page_query(values))
