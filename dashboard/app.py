"""The Dash app shell: pages register themselves; ``server`` is the Flask app gunicorn serves."""

from __future__ import annotations

import functools
import importlib
import pkgutil

import dash
from dash import Dash, dcc, html

from dashboard import pages, routes, settings
from dashboard.i18n import _


def navbar(lang: str = "en") -> html.Nav:
    links = [dcc.Link(_(page["name"], lang), href=page["relative_path"], className="nav-link")
             for page in dash.page_registry.values() if page.get("nav", True)]
    return html.Nav([html.A(_("kz-emigration", lang), href="/", className="brand"), *links], className="navbar")


def create_app() -> Dash:
    """Build the app; reads no data until a page is requested."""
    # pages_folder="": page modules are imported as ordinary modules below (dashboard.pages.*), once
    # per process, rather than exec'd anew by Dash on every app instance.
    app = Dash(__name__, use_pages=True, pages_folder="", assets_folder=str(settings.assets_dir()),
               serve_locally=True, title=_("Emigration from Kazakhstan"), update_title=None,
               suppress_callback_exceptions=True,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    for info in pkgutil.iter_modules(pages.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{pages.__name__}.{info.name}")  # registers the page and its callbacks
        entry = dash.page_registry.get(module.__name__)
        if entry is not None and not entry.get("supplied_layout"):
            entry["layout"] = module.layout  # what Dash does after exec'ing a pages_folder module
    app.layout = lambda: html.Div([navbar(), html.Main(dash.page_container, className="page")], className="shell")
    routes.register(app.server)
    return app


@functools.lru_cache(maxsize=1)
def default_app() -> Dash:
    return create_app()


def __getattr__(name: str):
    # `gunicorn dashboard.app:server` asks for this attribute: build the app on first use, not at import.
    if name in ("server", "app"):
        app = default_app()
        return app.server if name == "server" else app
    raise AttributeError(name)
