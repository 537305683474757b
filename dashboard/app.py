"""The app factory: ``create_app()`` builds a complete, independent Dash app (pages, callbacks, routes) on
one data folder; ``server`` is the Flask app gunicorn serves (built on first use, not at import)."""

from __future__ import annotations

import functools
from pathlib import Path

import flask
from dash import Dash
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import (callback_guard, components, compression, context, first_requests, first_view, limits, routes,
                       security, settings, shared_cache, shell, static_files, warm_up)
from dashboard.i18n import _
from dashboard.pages import PAGES


class DashboardApp(Dash):
    """Dash, with the index HTML in the reader's language (``<html lang>``, the title, plotly's locale) and
    the page's first chart drawn before Dash starts (``first_view``)."""

    def interpolate_index(self, **kwargs):
        lang = context.language(flask.request.args.get("lang"))
        kwargs["title"] = _("Emigration from Kazakhstan", lang)
        # Our own 161-byte icon at a hashed address (Dash's default is 15 kB, revalidated every visit).
        icon = static_files.of(self.server).url("favicon.ico")
        kwargs["favicon"] = f'<link rel="icon" type="image/x-icon" href="{icon}">'
        static = static_files.of(self.server)
        page = shell.index_html(super().interpolate_index(**kwargs), lang, static, flask.request.path)
        page = shell.with_claim_reviews(page, flask.request.path, lang)
        return first_view.add(page, flask.request.path, lang, static)

    def _setup_plotlyjs(self):
        # Dash would add the full plotly.js (4.8 MB) to every page; the pages load our partial bundle
        # (dashboard/static/vendor/plotly-kz.min.js) as an external script instead, before dcc.Graph needs it.
        self._plotlyjs_url = ""


def create_app(data_dir: Path | str | None = None, assets_dir: Path | str | None = None) -> Dash:
    """A new app on the snapshots under ``data_dir`` (default: ``KZ_DATA_DIR``); reads no table until a
    request comes.  Each call gives an app with its own callbacks, routes and snapshot store.

    The current snapshot's files are checked against their provenance first (``context.AppStore.check``):
    if it is damaged and no earlier published snapshot is whole, :class:`~dashboard.snapshots.SnapshotError`
    names the file and no app is built (gunicorn's master, which builds it before forking, exits with it)."""
    assets = Path(assets_dir or settings.assets_dir())
    static = static_files.StaticFiles(static_files.package_files(assets))
    # The stylesheet and scripts at content-hashed URLs (Dash would link assets/ by modification time);
    # plotly.js first, so window.Plotly exists when dcc.Graph loads.
    app = DashboardApp(__name__, use_pages=True, pages_folder="", assets_folder=str(assets),
                       include_assets_files=False, serve_locally=True, title=_("Emigration from Kazakhstan"),
                       update_title=None, suppress_callback_exceptions=True,
                       external_stylesheets=[static.url("style.css")],
                       external_scripts=[static.url(name) for name in ("plotly-kz.js", "chart-tools.js",
                                                                       "a11y.js")],
                       meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    for page in PAGES:
        page.register(app)  # the page (in Dash's registry) and its callbacks, on this app
    components.register(app)
    shell.register(app)
    app.layout = shell.layout
    server = app.server
    static_files.install(server, static)
    shared_cache.install(server, static.digests)
    compression.install(server)
    context.install(server, context.AppStore(Path(data_dir or settings.data_dir())))
    server.register_blueprint(routes.blueprint)
    warm_up.install(server)
    first_view.install(server)
    callback_guard.install(app)
    limits.install(server)
    security.install(app)
    first_requests.install(app)  # last: its hook goes before every other one
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
