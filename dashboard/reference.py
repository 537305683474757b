"""The README's reference tables, generated from the code so they cannot drift (datasette's ``cog`` habit).

The README holds ``[[[cog ...]]]`` blocks that call these functions; ``cog -r README.md`` rewrites them
and the test suite runs ``cog --check``.
"""

from __future__ import annotations

import os

from dashboard import cli, datasets, embeds, explorer_filters, i18n, settings, urlstate
from dashboard.views import charts, destinations, eaeu, explorer, trends

PAGES = ((destinations.PATH, destinations.PARAMS), (trends.PATH, trends.PARAMS), (eaeu.PATH, eaeu.PARAMS))

def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _default(param: urlstate.Param) -> str:
    if param.default is None:
        return "(all)" if param.kind in ("years", "codes") else "(none)"
    return param.encode(param.default)


def url_parameters() -> str:
    """Every page's URL parameters: what each accepts and its default."""
    rows = [(f"`{path}`", f"`{p.name}`", p.allowed(), f"`{_default(p)}`")
            for path, params in PAGES for p in params]
    rows.append((f"`{explorer.PATH}`", "`dataset`", explorer_filters.DATASET.allowed(),
                 f"`{explorer_filters.DATASET.default}`"))
    rows.append((f"`{explorer.PATH}`", "(filters)", "the filters of the chosen dataset (see *Downloading the data*)", ""))
    rows.append(("every page", "`lang`", " | ".join(i18n.LANGUAGES),
                 "the one chosen earlier in the visit, else the browser's (`Accept-Language`), else `en`"))
    return _table(("page", "parameter", "allowed", "default"), rows)


def dataset_filters() -> str:
    """Every dataset of the CSV/JSON/ZIP routes, what its rows are, and the filters it takes."""
    rows = []
    for name, spec in datasets.DATASETS.items():
        filters = "; ".join(f"`{p.name}`: {p.allowed()}" for p in explorer_filters.PARAMS_FOR(name))
        rows.append((f"`{name}`", spec.title, filters))
    return _table(("dataset", "rows", "filters"), rows)


def chart_ids() -> str:
    """Every chart id of ``/embed/<chart>``, its page and what it shows."""
    rows = [(f"`{c.id}`", f"`{c.page}`", c.title, ", ".join(f"`{r}`" for r in c.required) or "")
            for c in charts.STATIC]
    rows.append(("`claim/<id>`", "`/`", "each claim of the story page with a chart (its verdict and chart)", ""))
    return _table(("chart", "page", "what it shows", "required"), rows)


def embed_parameters() -> str:
    """The parameters every embed takes besides its page's."""
    rows = [(f"`{p.name}`", p.help, f"`{_default(p)}`" if p.default is not None else "the current snapshot")
            for p in embeds.embed_params()]
    rows.append(("`lang`", " | ".join(i18n.LANGUAGES), f"`{i18n.DEFAULT_LANGUAGE}`"))
    return _table(("parameter", "allowed", "default"), rows)


def _setting_default(setting: settings.Setting) -> str:
    # The folders default to the checkout's own; their absolute path differs on every machine.
    folders = {"KZ_DATA_DIR": "data/", "KZ_ASSETS_DIR": "assets/"}
    return f"`{folders[setting.name]}` in the checkout" if setting.name in folders else f"`{setting.default}`"


def settings_table() -> str:
    return _table(("name", "default", "what"), [(f"`{s.name}`", _setting_default(s), s.help)
                                                for s in settings.SETTINGS])


def cli_help() -> str:
    """``kz-emigration --help`` and each command's help, as argparse prints them."""
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: the same width everywhere
    parser = cli.parser()
    out = [parser.format_help()]
    for action in parser._subparsers._group_actions:  # argparse keeps its subparsers here
        for name, sub in action.choices.items():
            out.append(f"$ kz-emigration {name} --help\n" + sub.format_help())
    text = "\n".join(out).replace(str(settings.data_dir()), "data")
    return "```text\n$ kz-emigration --help\n" + text.rstrip() + "\n```\n"
