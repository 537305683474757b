"""The app factory: ``create_app()`` builds a complete, independent Dash app (pages, callbacks, routes) on
one data folder; ``server`` is the Flask app gunicorn serves (built on first use, not at import)."""

from __future__ import annotations

import functools
from pathlib import Path

import flask
from dash import Dash
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import components, context, routes, settings, shell
from dashboard.i18n import _
from dashboard.pages import PAGES
from dashboard.snapshots import Store


class DashboardApp(Dash):
    """Dash, with the index HTML in the reader's language (``<html lang>``, the title, plotly's locale)."""

    def interpolate_index(self, **kwargs):
        lang = context.language(flask.request.args.get("lang"))
        kwargs["title"] = _("Emigration from Kazakhstan", lang)
        return shell.localise_index(super().interpolate_index(**kwargs), lang)


def create_app(data_dir: Path | str | None = None, assets_dir: Path | str | None = None) -> Dash:
    """A new app on the snapshots under ``data_dir`` (default: ``KZ_DATA_DIR``); reads no data until a
    request comes.  Each call gives an app with its own callbacks, routes and snapshot store."""
    app = DashboardApp(__name__, use_pages=True, pages_folder="", assets_folder=str(assets_dir or settings.assets_dir()),
               serve_locally=True, title=_("Emigration from Kazakhstan"), update_title=None,
               suppress_callback_exceptions=True,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    for page in PAGES:
        page.register(app)  # the page (in Dash's registry) and its callbacks, on this app
    components.register(app)
    shell.register(app)
    app.layout = shell.layout
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
