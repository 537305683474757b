"""Server time of the main callbacks at one client (in-process WSGI calls, as the renderer sends them): the map
year, a country chosen (click or picker), the trends range and toggles, the EAEU countries.

Each control is walked through its values three times: on a fresh app with no warm-up, where the pass
builds each reply (``build``: what the first reader of a state waited for before ``warm_up``); on a fresh
app after its background warm-up has run (``first``: what the first reader of a state waits for now; the
warm-up's own duration is reported); and again (``warm``: later readers, from the per-snapshot memo).
p95 over every call of a pass; reply sizes as sent (brotli).
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import statistics
import time

from dashboard import callback_bodies as dash_calls

BROWSER = {"Accept-Encoding": "gzip, deflate, br"}


def _set(body: dict, ident: str, value) -> dict:
    body = copy.deepcopy(body)
    for item in body["inputs"]:
        if isinstance(item, dict) and item["id"] == ident:
            item["value"] = value
            body["changedPropIds"] = [f"{ident}.{item['property']}"]
            return body
    raise KeyError(ident)


def _body(client, path: str, prefix: str) -> dict:
    # A reader's browser has set the theme store from prefers-color-scheme by the time they change a control.
    body = next(b for b in dash_calls.calls(client, path) if b["output"].startswith(prefix))
    return _set(body, "kz-theme", "light")


def scenarios(client) -> dict[str, list[dict]]:
    from dashboard import context
    from dashboard.views import destinations, trends as trends_view

    with client.application.test_request_context("/"):
        snap = context.snapshot()
        years = destinations.revision_years(snap, destinations.DEFAULTS["revision"])
        first, last = trends_view.span(snap)
        countries = [o["value"] for o in destinations.destination_options(destinations.DEFAULTS, snap)][:30]
    charts = _body(client, "/destinations", "..destinations-map.figure")
    series = _body(client, "/destinations", "..destinations-series.figure")
    trends = _body(client, "/trends", "..trends-graph.figure")
    eaeu = _body(client, "/eaeu", "..eaeu-net-graph.figure")
    # Ranges a reader's slider sends: its handles stay within the years with data.
    span = range(first, last + 1, 3)
    default = next(i["value"] for i in eaeu["inputs"] if i["id"] == "eaeu-countries")
    # What a reader sends after unticking countries: the default's order kept (dcc.Checklist).
    eaeu_sets = [[c for c in default if c == "KAZ" or c in keep]
                 for n in (0, 1, 2, 3) for keep in itertools.combinations(["ARM", "BLR", "KGZ", "RUS"], n)]
    return {
        "map year": [_set(charts, "destinations-year", y) for y in years],
        "country chosen": [_set(series, "destinations-picker", c) for c in countries],
        "trends range": [_set(trends, "trends-years", [a, b]) for a in span for b in span if b > a][:40],
        "trends toggles": [_set(_set(_set(trends, "trends-per1000", per), "trends-scale", scale), "trends-measures", m)
                           for per in ([], ["1"]) for scale in ("linear", "log")
                           for m in (["emigrants"], ["emigrants", "immigrants"], ["emigrants", "immigrants", "net"])],
        "EAEU countries": [_set(eaeu, "eaeu-countries", c) for c in eaeu_sets],
    }


def _pass(client, bodies: list[dict]) -> tuple[list[float], list[int]]:
    times, sizes = [], []
    for body in bodies:
        data = json.dumps(body)
        start = time.perf_counter()
        response = client.post(dash_calls.ENDPOINT, data=data, content_type="application/json", headers=BROWSER)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (body["output"], response.status_code)
        sizes.append(len(response.data))
    return times, sizes


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] if len(samples) > 1 else samples[0]


def _client():
    from dashboard.app import create_app

    client = create_app().server.test_client()
    client.get("/destinations")  # the page itself first, as a reader's browser does
    return client


def run() -> dict:
    # The pages' first views are built in a background thread of the same process when a page is asked for
    # (first_view): off here, so the callbacks are measured alone, as in a process whose views are built.
    saved = os.environ.get("KZ_FIRST_VIEW")
    os.environ["KZ_FIRST_VIEW"] = "0"
    try:
        return _run()
    finally:
        if saved is None:
            os.environ.pop("KZ_FIRST_VIEW", None)
        else:
            os.environ["KZ_FIRST_VIEW"] = saved


def _run() -> dict:
    from dashboard import warm_up

    unwarmed = _client()
    built = {name: _pass(unwarmed, bodies)[0] for name, bodies in scenarios(unwarmed).items()}
    client = _client()
    progress = warm_up.warm(client.application)  # what each process does in the background from its first request
    out = {"warm-up": progress.status()}
    for name, bodies in scenarios(client).items():
        first, sizes = _pass(client, bodies)
        warm, _ = _pass(client, bodies * max(1, 100 // len(bodies)))
        out[name] = {"calls": len(bodies), "build_p95_ms": round(p95(built[name]), 1),
                     "cold_p95_ms": round(p95(first), 1), "warm_p95_ms": round(p95(warm), 1),
                     "warm_median_ms": round(statistics.median(warm), 1),
                     "reply_kb_br": round(statistics.median(sizes) / 1000, 1)}
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
