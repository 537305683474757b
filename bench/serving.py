"""Cold start and load, on real servers: gunicorn as the Procfile runs it, and wrk (Debian's package,
installed here if missing).

Cold start: process start to the first page answered, the app against a bare Dash app with one graph,
median of interleaved runs.  Load: wrk with 50 connections against one embed, one filtered CSV and one
static asset of the same server (the baseline), brotli asked for as a browser does; in rounds (each round
every route once, the baseline first), so a route and its baseline are measured minutes apart at most, and
each figure is the median over the rounds (a ratio: the median of each round's ratio).
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import time
import urllib.request

from bench import servers

LOAD_ROUTES = {
    "static asset": None,  # the hashed chart-tools.js, found in an embed's HTML
    "/embed/trends": "/embed/trends",
    "/embed/destinations-map": "/embed/destinations-map",
    "filtered CSV": "/data/migrant-stock.csv?countries=DEU~UKR&years=2000..2020&revision=2020",
}


WARM_REQUESTS = 20


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def cold_start(repeats: int = 3) -> dict:
    app, bare = [], []
    for _ in range(repeats):
        for target, samples in (("dashboard.app:server", app), ("bench.bare_dash:server", bare)):
            # As deployed: the warm-up thread starts with the first request (it delays no answer).
            with servers.gunicorn(target, workers=1, threads=4, env={"KZ_WARM_UP": "1"}) as (url, started, _p):
                servers.wait_for(url + "/", timeout=120)
                samples.append(time.perf_counter() - started)
    a, b = statistics.median(app), statistics.median(bare)
    return {"app_s": round(a, 2), "bare_dash_s": round(b, 2), "ratio": round(a / b, 2)}


def _wrk(wrk: str, url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-H", "Accept-Encoding: br, gzip", url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return {"rps": round(rps), "p50_ms": round(ms("50%"), 1), "p99_ms": round(ms("99%"), 1), "errors": errors}


def load(seconds: int = 5, connections: int = 50, rounds: int = 3) -> dict:
    wrk = ensure_wrk()
    runs: dict[str, list[dict]] = {name: [] for name in LOAD_ROUTES}
    with servers.gunicorn() as (url, _started, _process):
        servers.wait_for(url + "/healthz", timeout=120)
        with urllib.request.urlopen(url + "/embed/trends") as response:
            asset = re.search(r'src="(/_static/[0-9a-f]+/chart-tools\.js)"', response.read().decode())[1]
        targets = {name: url + (path or asset) for name, path in LOAD_ROUTES.items()}
        for target in targets.values():
            # Warm: the first request to each worker builds its reply (a map embed takes ~0.3 s, which 50
            # connections queued behind it would show as the p99); a few requests reach every worker.
            for _ in range(WARM_REQUESTS):
                urllib.request.urlopen(target).read()
        for _ in range(rounds):
            for name, target in targets.items():
                runs[name].append(_wrk(wrk, target, seconds, connections))
    base = runs["static asset"]
    results = {}
    for name, samples in runs.items():
        results[name] = {
            "rps": round(statistics.median(r["rps"] for r in samples)),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in samples), 1),
            "p99_ms": max(r["p99_ms"] for r in samples),  # the worst round's
            "errors": sum(r["errors"] for r in samples),
            "x_static": round(statistics.median(r["rps"] / b["rps"] for r, b in zip(samples, base)), 2),
            "rounds": [r["rps"] for r in samples],
        }
    return results


if __name__ == "__main__":
    import json

    print(json.dumps({"cold_start": cold_start(), "load": load()}, indent=2))
