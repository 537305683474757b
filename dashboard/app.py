"""The app factory: ``create_app()`` builds a complete, independent Dash app (pages, callbacks, routes) on
one data folder; ``server`` is the Flask app gunicorn serves (built on first use, not at import)."""

from __future__ import annotations

import functools
from pathlib import Path

import dash
from dash import Dash, dcc, html
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import components, context, routes, settings
from dashboard.i18n import _
from dashboard.pages import PAGES
from dashboard.snapshots import Store


def navbar(lang: str = "en") -> html.Nav:
    links = [dcc.Link(_(page["name"], lang), href=page["relative_path"], className="nav-link")
             for page in sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0)]
    return html.Nav([html.A(_("kz-emigration", lang), href="/", className="brand"), *links], className="navbar")


def create_app(data_dir: Path | str | None = None, assets_dir: Path | str | None = None) -> Dash:
    """A new app on the snapshots under ``data_dir`` (default: ``KZ_DATA_DIR``); reads no data until a
    request comes.  Each call gives an app with its own callbacks, routes and snapshot store."""
    app = Dash(__name__, use_pages=True, pages_folder="", assets_folder=str(assets_dir or settings.assets_dir()),
               serve_locally=True, title=_("Emigration from Kazakhstan"), update_title=None,
               suppress_callback_exceptions=True,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    for page in PAGES:
        page.register(app)  # the page (in Dash's registry) and its callbacks, on this app
    components.register(app)
    app.layout = lambda: html.Div([navbar(), html.Main(dash.page_container, className="page")], className="shell")
    server = app.server
    context.install(server, Store(Path(data_dir or settings.data_dir())))
    server.register_blueprint(routes.blueprint)
    hops = int(settings.get("KZ_TRUSTED_PROXIES"))
    if hops:
        # Behind a TLS-terminating proxy: take scheme, host and port from the hops we trust, so embed
        # snippets and oEmbed answers say https:// and the public host.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops,
                                   x_prefix=hops)
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
