"""The Dash app shell: pages register themselves; ``server`` is the Flask app gunicorn serves."""

from __future__ import annotations

import functools
from pathlib import Path

import dash
from dash import Dash, dcc, html

from dashboard import routes, settings
from dashboard.i18n import _

PAGES = Path(__file__).resolve().parent / "pages"


def navbar(lang: str = "en") -> html.Nav:
    links = [dcc.Link(_(page["name"], lang), href=page["relative_path"], className="nav-link")
             for page in dash.page_registry.values() if page.get("nav", True)]
    return html.Nav([html.A(_("kz-emigration", lang), href="/", className="brand"), *links], className="navbar")


def create_app() -> Dash:
    """Build the app; reads no data until a page is requested."""
    app = Dash(__name__, use_pages=True, pages_folder=str(PAGES), assets_folder=str(settings.assets_dir()),
               serve_locally=True, title=_("Emigration from Kazakhstan"), update_title=None,
               suppress_callback_exceptions=True,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
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
