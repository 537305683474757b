"""Bad input on every route (issue 13): random, huge, repeated, mis-encoded and hostile query strings on
every rule of the app's url_map (every page, embed, dataset file, feed, oEmbed, health, redirect, static and
Dash file), path traversal on every rule with a path variable, and malformed bodies on Dash's callback
endpoint.  Never a 5xx.  A bad API parameter is a 4xx in plain text naming it; a bad page or embed parameter
falls back with a notice; nothing from the request comes back unescaped, and an error or notice quotes at
most a short excerpt of it (``urlstate.excerpt``).

The routes are read from the app itself (its url_map, Dash's page registry, the chart registry, the
datasets), so a new page, chart or dataset is exercised without a change here; a new rule of the url_map
fails ``test_every_rule_of_the_app_is_exercised`` until a target here reaches it.  Hypothesis runs
derandomized (the same examples on every run, so CI is reproducible) and keeps no example database.
tests/test_reflected_input.py, test_callback_guard.py and test_limits.py hold the hand-picked cases; this
file does not repeat them.
"""

from __future__ import annotations

import functools
import html
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

import dash
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from dashboard import (callback_guard, context, datasets, downloads, embeds, feeds, limits, routes, static_files,
                       urlstate)
from dashboard.app import create_app
from dashboard.i18n import LANGUAGES
from dashboard.views import charts, explorer
from tests import dash_calls, strategies
from tests.conftest import FIXTURE_DATA, ROOT
from tests.strategies import MARK

APP = create_app(FIXTURE_DATA)  # the app whose routes are enumerated, and the one every request here goes to
SERVER = APP.server
EXCERPT = urlstate.EXCERPT


def examples(n: int) -> settings:
    """Hypothesis settings for this file: ``n`` examples, derandomized, no deadline (a first render takes
    longer than the next), no example database written into the checkout."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])


# What a route does with a parameter it cannot honour:
#   "api"      a 400 in plain text naming it ("bad parameter '<name>'": /data/*, /claims.atom)
#   "oembed"   a 400 (or 404, 501) in plain text naming it; unknown names are ignored (oEmbed consumers add their own)
#   "page"     the Dash index page, 200: the page's own layout (the router callback) shows the notice
#   "embed"    200 with a notice above the chart (an embed in an article never shows an error)
#   "health"   takes no parameters: any is a 400 in plain text naming it
#   "internal", "static", "redirect": take no parameters and ignore any (200, or a 301 for a redirect)
KINDS = ("api", "oembed", "page", "embed", "health", "internal", "static", "redirect")


@dataclass(frozen=True)
class Target:
    path: str
    kind: str
    known: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the parameters it takes, each with some valid values

    @property
    def params(self) -> dict[str, tuple[str, ...]]:
        return dict(self.known)

    def __str__(self) -> str:
        return self.path


# A pattern parameter's shape says little about what exists: a few values that do (fixture snapshot).
SAMPLES = {"country": ("DEU", "RUS"), "period": ("2024", "2022-H1"), "as_of": ("2026-11-25", "1999-01-01"),
           "year": ("2020", "1995")}


def valid_values(param: urlstate.Param) -> tuple[str, ...]:
    """Some values ``param`` accepts, as a URL writes them."""
    out = [param.encode(param.default)] if param.default not in (None, ()) else []
    if param.kind == "choice":
        out += [str(c) for c in param.choices[:4]]
    elif param.kind == "flag":
        out += ["0", "1"]
    elif param.kind == "years":
        lo, hi = param.choices
        out += [str(hi), f"{lo}..{hi}", f"{hi - 5}..{hi}"]
    elif param.kind in ("codes", "names"):
        out += [param.choices[0], urlstate.SEP.join(param.choices[:3])]
    elif param.kind == "sort":
        out += [param.choices[0], f"-{param.choices[-1]}{urlstate.SEP}{param.choices[0]}"]
    elif param.kind == "pattern":
        out += list(SAMPLES.get(param.name, ()))
    return tuple(dict.fromkeys(out))


def known(params: Iterable[urlstate.Param]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found: dict[str, tuple[str, ...]] = {}
    for param in params:
        found.setdefault(param.name, valid_values(param))
    return tuple(found.items())


LANG = ("lang", LANGUAGES)
# routes.oembed reads these four itself (it declares no Params).
OEMBED = (("url", ("/embed/trends", "/trends", "http://localhost/embed/eaeu-net?measure=per1000", "/")),
          ("format", ("json",)), ("maxwidth", ("600", "320")), ("maxheight", ("400", "200")))
DASH_INTERNAL = ("/_dash-layout", "/_dash-dependencies", "/_reload-hash", "/_favicon.ico")


def _page_params(path: str, registry) -> tuple[tuple[str, tuple[str, ...]], ...]:
    params = [p for chart in registry.values() if chart.page == path for p in chart.params]
    if path == explorer.PATH:
        params += [p for name in datasets.DATASETS for p in explorer.params_for(name)]
    return known(params) + (LANG,)


def _first_file(folder: str | Path) -> str:
    return sorted(p.name for p in Path(folder).iterdir() if p.is_file())[0]


def _targets() -> list[Target]:
    """Every address the app answers, one per page, chart and dataset file, read from the app."""
    client = SERVER.test_client()
    client.get("/")  # Dash registers its component suites' files with its first page
    with SERVER.test_request_context():
        registry = charts.registry(context.snapshot())
        static = static_files.of(SERVER)
    out = [Target(page["path"], "page", _page_params(page["path"], registry))
           for page in sorted(dash.page_registry.values(), key=lambda p: p["path"])]
    out.append(Target("/no-such-page", "page", (LANG,)))
    out += [Target(f"/embed/{chart.id}", "embed", known((*chart.params, *embeds.embed_params())) + (LANG,))
            for chart in registry.values()]
    out += [Target("/embed/no-such-chart", "embed"), Target(f"/embed/{charts.CLAIM_PREFIX}no-such-claim", "embed")]
    out += [Target(f"/data/{name}{suffix}", "api", known(downloads.params(name)))
            for name in datasets.DATASETS for suffix in (".csv", ".meta.json", ".zip")]
    out.append(Target("/data/no-such-dataset.csv", "api"))
    out.append(Target("/claims.atom", "api", known(feeds.PARAMS)))
    out.append(Target("/oembed", "oembed", OEMBED))
    out.append(Target("/healthz", "health"))
    out += [Target(path, "redirect") for path in routes.MOVED]
    out += [Target(path, "internal") for path in DASH_INTERNAL]
    suite = sorted(APP.registered_paths["dash"])[0]
    out += [Target("/embed-resize.js", "static"), Target(f"/static/{_first_file(SERVER.static_folder)}", "static"),
            Target(f"/assets/{_first_file(APP.config.assets_folder)}", "static"),
            Target(static.url("style.css"), "static"), Target(f"/_dash-component-suites/dash/{suite}", "static")]
    return out


TARGETS = _targets()
ADAPTER = SERVER.url_map.bind("localhost")


def rule_of(path: str, method: str = "GET") -> str:
    return ADAPTER.match(path, method=method, return_rule=True)[0].rule


def test_every_rule_of_the_app_is_exercised():
    """A route added to the app without a target here would go untested with bad input: name it."""
    covered = {rule_of(t.path) for t in TARGETS} | {rule_of(callback_guard.ENDPOINT, "POST")}
    rules = {rule.rule for rule in SERVER.url_map.iter_rules()}
    assert rules - covered == set(), f"rules no property test exercises: {sorted(rules - covered)}"
    assert covered - rules == set()
    # Every page, chart and dataset is a target of its own (they are read from the app's registries).
    paths = {t.path for t in TARGETS}
    assert {p["path"] for p in dash.page_registry.values()} <= paths
    with SERVER.test_request_context():
        assert {f"/embed/{c}" for c in charts.registry(context.snapshot())} <= paths
    assert {f"/data/{name}.csv" for name in datasets.DATASETS} <= paths
    assert {t.kind for t in TARGETS} == set(KINDS)


# ---------------------------------------------------------------------------------------------------------
# Requests and what every reply must be


def get(client, path: str, query: bytes = b"", method: str = "GET", **kwargs):
    """A request whose query string reaches the app as these bytes, unchanged (as a server passes them)."""
    return client.open(path, method=method, environ_overrides={"QUERY_STRING": query.decode("latin-1")}, **kwargs)


def args_of(query: bytes):
    """The parameters as the app reads them (werkzeug's parsing, after limits' escaping of invalid UTF-8)."""
    environ = EnvironBuilder(path="/", environ_overrides={
        "QUERY_STRING": limits.utf8_query(query).decode("latin-1")}).get_environ()
    return Request(environ).args


BINARY = ("application/zip", "image/x-icon", "image/vnd.microsoft.icon", "application/octet-stream")


def text_of(response) -> str | None:
    return None if response.mimetype in BINARY else response.get_data().decode("utf-8", "replace")


def leaks(body: str, sent: Iterable[str], markup: bool = True) -> list[str]:
    """Pieces of what was sent that come back unescaped: from a "<" up to the MARK after it, or in HTML
    (``markup``) from a quote not escaped for JSON, with something between it and the MARK (the app quotes
    an excerpt itself: 'kzx?').  MARK is in no reply of the app's own, so any such piece is the request's."""
    low, found = body.lower(), []
    for text in sent:
        at = text.find(MARK)
        while at != -1:
            for opener in "<\"'" if markup else "<":
                start = text.rfind(opener, 0, at)
                if start == -1 or opener != "<" and start == at - 1:
                    continue
                piece = text[start:at + len(MARK)]
                if opener == "<" and piece.lower() in low \
                        or opener != "<" and re.search(r"(?<!\\)" + re.escape(piece), body):
                    found.append(piece)
            at = text.find(MARK, at + 1)
    return found


def long_quotes(body: str, sent: Iterable[str]) -> list[str]:
    """Texts sent with MARK that a reply quotes at more than EXCERPT characters."""
    return [text for text in sent if MARK in text and len(text) > EXCERPT and text[:EXCERPT + 1] in body]


def sent_texts(args) -> list[str]:
    return [text for name in args for text in (name, *args.getlist(name))]


def bad_names(args, params: dict, negotiated: tuple[str, ...] = ()) -> list[str]:
    """Parameters the route cannot honour whatever the data: unknown, repeated, or holding MARK (which no
    value may).  ``negotiated``: taken as they come, anything unknown meaning the default (an embed's lang)."""
    return [name for name in args if name not in negotiated
            and (name not in params or len(args.getlist(name)) > 1 or any(MARK in v for v in args.getlist(name)))]


def router_reply(client, path: Any, search: Any):
    body = {"output": dash_calls.ROUTER, "outputs": [{"id": "_pages_content", "property": "children"},
                                                     {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    return dash_calls.post(client, body)


def notices_in(tree: Any) -> list[str]:
    """The text of every notice (a P with class "notice") in a layout tree."""
    out, stack = [], [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict) and "props" in item:
            props = item["props"]
            if props.get("className") == "notice" and isinstance(props.get("children"), str):
                out.append(props["children"])
            stack.extend(v for v in props.values() if isinstance(v, (list, dict)))
    return out


NOTICE = re.compile(r'<p class="notice"[^>]*>(.*?)</p>', re.S)


def embed_notices(body: str) -> list[str]:
    return [html.unescape(n) for n in NOTICE.findall(body)]


@functools.lru_cache(maxsize=None)
def own_notices(path: str) -> frozenset[str]:
    """The notices a page or embed shows with no query at all (a claim's verdict, a figure's note)."""
    client = SERVER.test_client()
    if path.startswith("/embed/"):
        return frozenset(embed_notices(client.get(path).get_data(as_text=True)))
    return frozenset(notices_in(router_reply(client, path, "").get_json()["response"]["_pages_content"]["children"]))


def check_reply(target: Target, query: bytes, response) -> None:
    """What every reply to ``target`` with this query string must be."""
    status, body = response.status_code, text_of(response)
    # The one 5xx: oEmbed 1.0 (2.3.4) requires 501 for a format it does not implement (see the test below).
    spec = target.kind == "oembed" and status == 501
    assert status < 500 or spec, (target.path, query[:300], status, (body or "")[:300])
    if len(query) > limits.MAX_QUERY:
        assert status == 414 and response.mimetype == "text/plain", (target.path, status)
        return
    assert status != 414
    args = args_of(query)
    sent = sent_texts(args)
    if body is not None:
        found = leaks(body, sent, markup=response.mimetype == "text/html")
        assert not found, (target.path, query[:300], found)
    kind, params = target.kind, target.params
    if status >= 400:
        # An error is plain text naming what was wrong, quoting little of it.
        assert response.mimetype == "text/plain", (target.path, status, response.mimetype)
        assert not long_quotes(body, sent), (target.path, query[:300], body[:300])
        assert all(len(q) <= EXCERPT + 1 for q in re.findall(r"'([^']*)'", body.split("; allowed")[0])), body
    if kind == "api":
        if not params:  # an unknown dataset file
            assert status == 404 and "unknown dataset file" in body, (status, body[:200])
            return
        bad = bad_names(args, params)
        assert status in (200, 400) and (status == 400 or not bad), (target.path, query[:300], status, bad)
        if status == 400:
            named = re.match(r"bad parameter '([^']*)'", body)
            assert named and named[1] in {urlstate.excerpt(n) for n in args}, (body[:200], list(args))
    elif kind == "oembed":
        assert status in (200, 400, 404, 501), (query[:300], status)
        if not args.get("url"):
            assert status == 400 and "'url'" in body, body
        elif status == 501:  # oEmbed 1.0 (2.3.4) answers a format it does not implement 501
            assert args.get("format", "json") != "json" and "'format'" in body, body
        elif status == 400:
            assert "'maxwidth'" in body or "'maxheight'" in body, body
        elif status == 404:
            assert body.startswith("no embed for '"), body
        else:
            assert response.mimetype == "application/json" and response.get_json()["type"] == "rich"
    elif kind == "embed":
        if not params:  # an unknown chart
            assert status == 404 and "unknown chart" in body, (status, (body or "")[:200])
            return
        assert status == 200 and response.mimetype == "text/html", (target.path, query[:300], status)
        notices = embed_notices(body)
        bad = bad_names(args, params, negotiated=("lang",))
        assert not bad or set(notices) - own_notices(target.path), (target.path, query[:300], bad, notices)
        assert not long_quotes("\n".join(notices), sent), notices
    elif kind == "page":
        assert status == 200 and response.mimetype == "text/html", (target.path, status)
    elif kind == "redirect":
        assert status == 301 and response.headers["Location"].startswith(static_files.PREFIX)
    elif kind == "health":  # takes no parameter: any is a 400 naming it
        assert status == (400 if args else 200), (query[:300], status)
        if args:
            named = re.match(r"bad parameter '([^']*)'", body)
            assert named and named[1] in {urlstate.excerpt(n) for n in args}, (body[:200], list(args))
    else:  # internal, static: the query is ignored
        assert status == 200, (target.path, query[:300], status, (body or "")[:200])


# Headers a reader's browser (or anything else) may send along: a language preference and a cookie, junk or not.
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=40)
HEADERS = st.fixed_dictionaries({}, optional={
    "Accept-Language": st.one_of(HEADER_TEXT, st.just(f"<{MARK}>;q=2, ru;q=x, *")),
    "Cookie": st.one_of(HEADER_TEXT.map(lambda t: f"kz_lang={t}"), st.just(f'kz_lang="<{MARK}>"; x=\\\x80')),
})


@pytest.fixture(scope="module")
def client():
    return SERVER.test_client()


@pytest.mark.parametrize("target", TARGETS, ids=str)
@given(data=st.data())
@examples(8)
def test_no_query_string_is_a_server_error_or_comes_back_unescaped(client, target, data):
    """Random names and values (the route's own and others, valid or not, arbitrary text, markup, huge),
    repeated keys, raw invalid UTF-8 and broken percent-encoding, sent with junk language headers."""
    query = data.draw(strategies.queries(target.params, limits.MAX_QUERY), label="query")
    headers = data.draw(HEADERS, label="headers")
    check_reply(target, query, get(client, target.path, query, headers=headers))


@pytest.mark.parametrize("target", [t for t in TARGETS if t.params], ids=str)
@given(data=st.data())
@examples(12)
def test_a_routes_own_parameters_with_any_value(client, target, data):
    """Only the route's own parameter names, so that every value drawn reaches its parser."""
    names = data.draw(st.lists(st.sampled_from(sorted(target.params)), min_size=1, max_size=4), label="names")
    query = b"&".join(data.draw(strategies.pair_bytes(name, data.draw(strategies.values(
        target.params[name], limits.MAX_QUERY), label=name))) for name in names)
    check_reply(target, query, get(client, target.path, query))


def _sweep(target: Target) -> list[bytes]:
    """For each of the route's parameters: a hostile value, the parameter repeated, a raw invalid byte, a
    broken escape; one unknown name; one query over the limit."""
    out = []
    for i, (name, valid) in enumerate(target.known):
        hostile = strategies.HOSTILE[i % len(strategies.HOSTILE)]
        first = valid[0] if valid else "1"
        out += [f"{name}={hostile}".encode("utf-8").replace(b" ", b"+").replace(b"\r\n", b"%0D%0A"),
                f"{name}={first}&{name}={first}".encode(), f"{name}={first}".encode() + b"\xff\xfe",
                f"{name}=%{MARK}%E2%82".encode()]
    out += [f"{MARK}!%3Cb%3E=1".encode(), f"x={MARK}".encode() + b"9" * limits.MAX_QUERY]
    return out


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_every_parameter_of_every_route_with_a_bad_value(client, target):
    """Every route x every one of its parameters, deterministically (the properties above draw at random)."""
    for query in _sweep(target):
        check_reply(target, query, get(client, target.path, query))


# ---------------------------------------------------------------------------------------------------------
# Pages: a bad parameter falls back with a notice in the page's own layout (the router callback)

PAGES = [t for t in TARGETS if t.kind == "page"]


@pytest.mark.parametrize("target", PAGES, ids=str)
@given(data=st.data())
@examples(12)
def test_a_bad_page_parameter_falls_back_with_a_harmless_notice(client, target, data):
    """The page renders (200) whatever its address says; each parameter it cannot honour gets a notice that
    quotes at most a short excerpt; nothing of the address comes back unescaped.  (``lang`` is negotiated on
    every page: see the test below.)"""
    params = {name: values for name, values in target.known if name != "lang"}
    query = data.draw(strategies.queries(params, limits.MAX_QUERY, max_pairs=4), label="query")
    search = "?" + query.decode("latin-1")
    response = router_reply(client, target.path, search)
    assert response.status_code == 200, (target.path, search[:300], response.get_data(as_text=True)[:300])
    text = response.get_data(as_text=True)
    query_args = dash._pages._parse_query_string(search)  # how Dash's router reads it for the layout
    sent = [t for name, value in query_args.items() for t in (name, *(value if isinstance(value, list) else [value]))]
    assert not leaks(text, sent), leaks(text, sent)
    notices = notices_in(response.get_json()["response"]["_pages_content"]["children"])
    assert not long_quotes("\n".join(notices), sent), notices
    bad = [n for n, v in query_args.items() if n != "lang" and (n not in params or isinstance(v, list) or MARK in v)]
    if target.path in {p["path"] for p in dash.page_registry.values()}:
        assert not bad or set(notices) - own_notices(target.path), (target.path, search[:300], bad, notices)


@pytest.mark.parametrize("path", sorted(t.path for t in PAGES))
def test_a_bad_lang_on_a_page_shows_english_and_reflects_nothing(client, path):
    """``lang`` is negotiated: anything but en/ru/kk is English (a notice may say so); never the value raw."""
    hostile = f"<script>{MARK}(1)</script>"
    response = router_reply(client, path, "?lang=" + hostile)
    assert response.status_code == 200
    notices = notices_in(response.get_json()["response"]["_pages_content"]["children"])
    assert not any("<" in n or MARK in n and urlstate.excerpt(hostile) not in n for n in notices), notices
    page = get(client, path, f"lang={hostile}".encode())
    assert page.status_code == 200 and '<html lang="en"' in page.get_data(as_text=True)
    assert not leaks(page.get_data(as_text=True), [hostile])


@given(path=st.one_of(strategies.hostile_values(200), st.text(max_size=40), st.sampled_from(
    ("/../../etc/passwd", "//trends", "/trends/../data", "\\trends", "/%2e%2e/", "", "?", "#"))),
    search=st.one_of(st.none(), st.integers(), st.text(max_size=40), st.lists(st.text(max_size=5), max_size=3)))
@examples(40)
def test_the_page_router_takes_any_path_and_search(client, path, search):
    """The router callback with a path or search no browser sends: a page (Dash's 404 page for an unknown
    path), or a 400 for a value that is not a string; never a 5xx, never the path raw."""
    response = router_reply(client, path, search)
    assert response.status_code in (200, 400), (path, search, response.status_code)
    if response.status_code == 200:
        assert not leaks(response.get_data(as_text=True), [path])


# ---------------------------------------------------------------------------------------------------------
# Path traversal: no address climbs out of the app's folders


@pytest.fixture(scope="module")
def secrets(tmp_path_factory) -> dict[str, str]:
    """Files outside every folder the app serves, and a line of each that no reply of the app's may hold."""
    marker = tmp_path_factory.mktemp("outside") / "marker.txt"
    marker.write_text(f"{MARK}-secret-{id(marker)}\n")
    files = [marker, ROOT / "dashboard" / "app.py", ROOT / "pyproject.toml", ROOT / "tests" / "conftest.py"]
    if Path("/etc/passwd").is_file():
        files.append(Path("/etc/passwd"))
    return {str(f): f.read_text().splitlines()[0] for f in files}


def climbs(secrets: dict[str, str]) -> list[str]:
    """Relative paths from any folder the app serves to each secret: enough "../" for any depth, and the
    exact climb from the folders the app does serve files from."""
    folders = [Path(SERVER.static_folder), Path(APP.config.assets_folder), static_files.STATIC / "vendor"]
    out = ["../" * 12 + name.lstrip("/") for name in secrets]
    out += [os.path.relpath(name, folder) for name in secrets for folder in folders]
    return out


def _prefixes() -> list[str]:
    """Every folder-like prefix of a target whose rule has a path variable: where a climb may start."""
    out = set()
    for target in TARGETS:
        rule = ADAPTER.match(target.path, return_rule=True)[0]
        if rule.arguments:
            parts = target.path.split("/")
            out.update("/".join(parts[:i]) + "/" for i in range(1, len(parts)))
    return sorted(out)


PREFIXES = _prefixes()
DASH_INDEX = 'id="react-entry-point"'


@pytest.mark.parametrize("prefix", PREFIXES)
@given(data=st.data())
@examples(20)
def test_no_path_climbs_out_of_the_apps_folders(client, secrets, prefix, data):
    """"../" in every spelling (encoded, double-encoded, overlong, backslashes, null bytes), decoded by the
    server as a real one does, or reaching the app still encoded: a 404 or 400 (or Dash's index page for an
    address no route but the pages' catch-all matches), never a file from outside."""
    climb = data.draw(st.sampled_from(climbs(secrets)), label="towards")
    path = prefix + data.draw(strategies.traversal(climb), label="path")
    if data.draw(st.booleans(), label="still encoded"):
        response = client.get("/", environ_overrides={"PATH_INFO": path.encode("utf-8").decode("latin-1")})
    else:
        response = client.get(path)
    assert response.status_code in (200, 301, 308, 400, 404), (path, response.status_code)
    body = response.get_data().decode("utf-8", "replace")
    assert not [line for line in secrets.values() if line in body], (path, response.status_code)
    if response.status_code == 200:
        assert response.mimetype == "text/html" and DASH_INDEX in body, (path, response.mimetype)


@pytest.mark.parametrize("prefix", PREFIXES)
@given(value=strategies.hostile_values(300), suffix=st.sampled_from(("", ".csv", ".meta.json", ".zip", ".js", "/")),
       encoded=st.booleans())
@examples(12)
def test_a_hostile_path_segment_is_refused_harmlessly(client, prefix, value, suffix, encoded):
    """Markup, arbitrary text or a huge name where a chart, claim, dataset or file name goes: a 404 (400)
    in plain text quoting at most an excerpt, or Dash's index page (escaped), never a 5xx."""
    path = prefix + (quote(value, safe="") if encoded else value.replace("?", "%3F").replace("#", "%23")) + suffix
    response = client.get(path)
    status, body = response.status_code, response.get_data().decode("utf-8", "replace")
    assert status in (200, 301, 308, 400, 404), (path[:200], status, body[:200])
    assert not leaks(body, [value], markup=response.mimetype == "text/html"), (path[:200], body[:300])
    if response.mimetype == "text/plain":
        assert not long_quotes(body, [value]), body[:300]
    if status == 200:
        assert response.mimetype == "text/html" and DASH_INDEX in body, (path[:200], response.mimetype)


@pytest.mark.parametrize("path", ["/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/../../setup.py",
                                  f"/_dash-component-suites/dash/<{MARK}>.js"])
def test_a_file_dash_does_not_serve_is_a_404(client, path):
    """Dash raises for a package or file it does not hold (it was a 500): a 404 naming it, harmlessly."""
    response = client.get(path)
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/plain", (response.status_code, body[:200])
    assert "unknown file '" in body and "<" not in body


# ---------------------------------------------------------------------------------------------------------
# Methods: a GET route answers anything else 405 (or, for HEAD and OPTIONS, as it should)

METHODS = ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_other_methods_on_every_route(client, target):
    got = client.get(target.path)
    for method in METHODS:
        response = client.open(target.path, method=method, data=b"[" * 1000 + b"\xff", content_type="application/json")
        assert response.status_code < 500, (method, target.path, response.status_code)
        if method in ("POST", "PUT", "DELETE", "PATCH"):
            assert response.status_code == 405 and "GET" in response.headers["Allow"], (method, target.path)
        elif method == "HEAD":
            assert response.status_code == got.status_code and response.get_data() == b"", target.path
        else:
            assert response.status_code == 200 and "GET" in response.headers["Allow"], target.path


def test_other_methods_on_the_callback_endpoint(client):
    for method in ("PUT", "DELETE", "PATCH"):
        response = client.open(callback_guard.ENDPOINT, method=method, json={})
        assert response.status_code == 405 and "POST" in response.headers["Allow"], method
    # GET is the pages' catch-all: the index page, no callback run.
    response = client.get(callback_guard.ENDPOINT)
    assert response.status_code == 200 and DASH_INDEX in response.get_data(as_text=True)


# ---------------------------------------------------------------------------------------------------------
# Dash's callback endpoint: depth, size, encoding and values test_callback_guard does not send

ENDPOINT = callback_guard.ENDPOINT


@pytest.fixture(scope="module")
def bodies(client) -> list[dict]:
    """The request body of every server callback of every page, as the renderer sends it."""
    return [b for page in dash.page_registry.values() for b in dash_calls.calls(client, page["path"])]


def post(client, raw: bytes | str, content_type: str = "application/json", **kwargs):
    return client.post(ENDPOINT, data=raw, content_type=content_type, **kwargs)


def test_the_dashboards_own_bodies_are_well_within_the_depth_limit(bodies):
    assert bodies and max(callback_guard.depth(b) for b in bodies) <= callback_guard.MAX_DEPTH // 4


def with_value(body: dict, value_json: str) -> str:
    """``body`` as JSON text with its first input's value replaced by ``value_json`` (any JSON text)."""
    body = json.loads(json.dumps(body))
    items = [one for item in body["inputs"] for one in (item if isinstance(item, list) else [item])]
    items[0]["value"] = "@@"
    return json.dumps(body).replace('"@@"', value_json, 1)


@pytest.mark.parametrize("depth", [callback_guard.MAX_DEPTH + 1, 1_000, 10_000, 100_000])
@pytest.mark.parametrize("where", ["body", "value"])
def test_a_deeply_nested_body_is_a_400(client, bodies, depth, where):
    """10,000 nested lists (a RecursionError in the JSON parser, which was a 500), as the body or as a
    callback's input value."""
    raw = strategies.nested(depth) if where == "body" else with_value(bodies[0], strategies.nested(depth))
    response = post(client, raw)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "nested more than" in text, (response.status_code, text[:200])


@given(depth=st.integers(min_value=1, max_value=20_000), pick=st.integers(min_value=0))
@examples(25)
def test_no_nesting_is_a_server_error(client, bodies, depth, pick):
    response = post(client, with_value(bodies[pick % len(bodies)], strategies.nested(depth)))
    assert response.status_code in (200, 204, 400), (depth, response.status_code)
    if depth + 3 > callback_guard.MAX_DEPTH:  # the value sits 3 levels down (body, inputs, item), or 4
        assert response.status_code == 400


@given(size=st.integers(min_value=limits.MAX_BODY - 4096, max_value=limits.MAX_BODY + 4096),
       shape=st.sampled_from(("json", "junk", "deep")))
@examples(10)
def test_a_body_over_two_megabytes_is_a_413_and_under_it_no_server_error(client, bodies, size, shape):
    if shape == "json":
        head = json.dumps({**bodies[0], "pad": ""})[:-2]
        raw = head.encode() + b"x" * max(0, size - len(head) - 2) + b'"}'
    elif shape == "junk":
        raw = (b"\xff<" + MARK.encode()) * (size // 5 + 1)
    else:
        raw = b"[" * size
    raw = raw[:size] if shape != "json" else raw
    response = post(client, raw)
    assert response.status_code < 500
    if len(raw) > limits.MAX_BODY:
        assert response.status_code == 413 and response.mimetype == "text/plain"
    else:
        assert response.status_code != 413


@pytest.mark.parametrize("megabytes", [3, 20])
def test_a_body_of_megabytes_is_a_413_even_without_a_content_length(client, bodies, megabytes):
    """Sent chunked (no Content-Length, as gunicorn passes it on): refused once the limit is read past."""
    raw = b"[" * (megabytes * 1024 * 1024)
    response = client.post(ENDPOINT, input_stream=io.BytesIO(raw), content_type="application/json",
                           environ_overrides={"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked",
                                              "wsgi.input_terminated": True})
    assert response.status_code == 413, response.status_code
    assert post(client, raw).status_code == 413
    # A chunked body within the limit reaches the callback whole.
    response = client.post(ENDPOINT, input_stream=io.BytesIO(json.dumps(bodies[0]).encode()),
                           content_type="application/json",
                           environ_overrides={"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked",
                                              "wsgi.input_terminated": True})
    assert response.status_code == 200, response.get_data(as_text=True)[:200]


CONTENT_TYPES = ("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                 "multipart/form-data; boundary=x", "application/json; charset=latin-1", "application/json; charset=x",
                 "application/xml", "", "application/vnd.api+json", "text/html; charset=utf-8")


@given(content_type=st.sampled_from(CONTENT_TYPES), pick=st.integers(min_value=0),
       raw=st.one_of(st.binary(max_size=300), st.none(),
                     strategies.json_values().map(lambda v: json.dumps(v, allow_nan=True).encode())))
@examples(60)
def test_no_body_or_content_type_is_a_server_error(client, bodies, content_type, pick, raw):
    """Random bytes, JSON of any shape, or a real callback's body (``None``), under any content type."""
    data = json.dumps(bodies[pick % len(bodies)]).encode() if raw is None else raw
    response = post(client, data, content_type=content_type)
    assert response.status_code in (200, 204, 400), (content_type, data[:200], response.status_code)
    if response.status_code == 400:
        assert response.mimetype == "text/plain" and response.get_data(as_text=True).startswith("bad callback")


@given(pick=st.integers(min_value=0), values=st.lists(strategies.json_values(), min_size=1, max_size=6))
@examples(80)
def test_no_input_value_of_any_callback_is_a_server_error(client, bodies, pick, values):
    """Every page's callbacks (test_callback_guard sends the trends chart's) with values a control never
    holds: huge numbers, NaN and infinities, lone surrogates, markup, nested lists."""
    body = json.loads(json.dumps(bodies[pick % len(bodies)]))
    for item, value in zip(body["inputs"] + body["state"], values):
        for one in item if isinstance(item, list) else [item]:
            one["value"] = value
    response = post(client, json.dumps(body, allow_nan=True))
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 204, 400), (body["output"], values, response.status_code, text[:300])


def test_oembed_answers_a_format_it_does_not_implement_501_as_its_spec_says(client):
    """The one 5xx the properties allow: oEmbed 1.0, 2.3.4, "501 Not Implemented - The provider cannot return
    a response in the requested format" (consumers read it so); plain text naming the parameter."""
    response = get(client, "/oembed", f"url=/embed/trends&format=<{MARK}>".encode())
    body = response.get_data(as_text=True)
    assert response.status_code == 501 and response.mimetype == "text/plain" and "'format'" in body
    assert "<" not in body


def test_a_repeated_parameter_is_named_by_its_excerpt(client):
    """Found by the properties: the 400 for a repeated parameter said "give '<name>' once" with the name as
    sent, markup and all (dashboard/routes.query_args builds that text; urlstate.BadParameter now quotes
    the name in it as its excerpt)."""
    response = get(client, "/data/kz-migration.csv", f"<b>{MARK}=1&<b>{MARK}=2".encode())
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and f"give '?b?{MARK}' once" in body and "<" not in body, body


@pytest.mark.parametrize("path", ["/data/kz-migration.csv", "/embed/trends", "/trends", "/claims.atom", "/oembed",
                                  "/_dash-layout"])
def test_a_raw_byte_that_is_not_utf8_is_read_as_its_escape(client, path):
    """Found by the properties: werkzeug decodes a query string strictly, so a raw 0xFF (which a browser
    percent-encodes, but any client may send) raised inside every route that reads a parameter (a 500).
    dashboard/limits.py escapes it first: the route answers as it answers "%FF"."""
    raw, escaped = get(client, path, b"years=\xff&lang=\xfe"), get(client, path, b"years=%FF&lang=%FE")
    assert raw.status_code == escaped.status_code < 500, (path, raw.status_code, escaped.status_code)
    if raw.mimetype != "text/html" or path.startswith("/embed/"):  # Dash's index carries a token per request
        assert raw.get_data() == escaped.get_data()


# ---------------------------------------------------------------------------------------------------------
# Found while writing these tests (dashboard/routes.py)


def test_an_oembed_url_with_a_broken_host_is_a_404(client):
    response = get(client, "/oembed", b"url=http://[::1/embed/trends")
    assert response.status_code in (400, 404) and response.mimetype == "text/plain"


@pytest.mark.parametrize("value", ["-5", "1_000"])
def test_an_oembed_size_that_is_not_a_whole_number_of_pixels_is_a_400(client, value):
    response = get(client, "/oembed", f"url=/embed/trends&maxwidth={value}".encode())
    assert response.status_code == 400 and "'maxwidth'" in response.get_data(as_text=True)


def test_healthz_names_a_parameter_it_does_not_take(client):
    response = get(client, "/healthz", b"verbose=1")
    assert response.status_code == 400 and "'verbose'" in response.get_data(as_text=True)
