"""``python -m bench [--quick]``: every budget of the weight-and-speed work on this machine, in one run.

Writes ``bench/results/latest.json`` (every figure) and ``bench/results/latest.md`` (the table for the
README), each with the date and the machine; every budget is shown as met, or its gap stated.  Ratios
are against a floor measured in the same run (these machines are shared and noisy).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

from bench import browser, callbacks, servers, serving

OUT = Path(__file__).resolve().parent / "results"
EMBED_BUDGET, PAGE_BUDGET = 450_000, 800_000


def machine() -> str:
    return f"{platform.node()} · {os.cpu_count()} CPUs · {platform.platform()} · Python {platform.python_version()}"


def _dash_floor(t: dict) -> str:
    """A page's row: whether its first view drew the chart, when its own (Dash's) chart followed, and the
    Dash floor."""
    if "dash_floor_ms" not in t:
        return ""
    own = ""
    if t.get("own_ms") is not None:
        own = (f"; first view in {t.get('first_view', 0)} of its loads; the page's own chart at {t['own_ms']} ms")
    return f"{own} (bare Dash, figure in its layout: {t['dash_floor_ms']} ms = {t['dash_floor_ratio']}×)"


def budgets(r: dict) -> list[tuple[str, str, str, bool]]:
    rows = []
    for target, w in r["browser"]["weight"].items():
        limit = EMBED_BUDGET if target.startswith("/embed/") else PAGE_BUDGET
        rows.append((f"weight {target}", f"{w['bytes'] / 1000:.0f} kB ({w['requests']} requests)",
                     f"≤ {limit // 1000} kB", w["bytes"] <= limit and not w["full_bundle"]))
    for target, t in r["browser"]["time_to_chart"].items():
        if t["ratio"] is not None:
            rows.append((f"time to chart {target}", f"{t['ms']} ms = {t['ratio']}× floor {t['floor_ms']} ms"
                         + _dash_floor(t), "≤ 1.3× floor", t["ratio"] <= 1.3))
    for target, t in r["browser"]["throttled"].items():
        if t["ratio"] is not None:
            rows.append((f"10 Mbit/s 40 ms {target}", f"{t['ms']} ms = {t['ratio']}× floor {t['floor_ms']} ms"
                         + _dash_floor(t), "reported", True))
    warming = r["callbacks"]["warm-up"]
    rows.append(("callback warm-up (background, per process and snapshot)",
                 f"{warming['states']} states in {warming['seconds']} s, {warming['failed']} failed", "reported",
                 warming["done"] and not warming["failed"]))
    for name, c in r["callbacks"].items():
        if name == "warm-up":
            continue
        rows.append((f"callback {name} (warm)", f"p95 {c['warm_p95_ms']} ms, reply {c['reply_kb_br']} kB br",
                     "≤ 30 ms p95", c["warm_p95_ms"] <= 30))
        rows.append((f"callback {name} (first reader, after warm-up)",
                     f"p95 {c['cold_p95_ms']} ms (built without warm-up: p95 {c['build_p95_ms']} ms)",
                     "≤ 30 ms p95", c["cold_p95_ms"] <= 30))
    cold = r["cold_start"]
    rows.append(("cold start", f"{cold['app_s']} s = {cold['ratio']}× bare Dash {cold['bare_dash_s']} s",
                 "≤ 1.5× bare Dash", cold["ratio"] <= 1.5))
    for name, l in r["load"].items():
        if name == "static asset":
            rows.append((f"load {name} (baseline)", f"{l['rps']} req/s, p99 {l['p99_ms']} ms", "—", True))
            continue
        rows.append((f"load {name}", f"{l['rps']} req/s = {l['x_static']}× static, p99 {l['p99_ms']} ms, "
                     f"{l['errors']} errors", "≥ 1.0× static, p99 < 100 ms, 0 errors",
                     l["x_static"] >= 1.0 and l["p99_ms"] < 100 and l["errors"] == 0))
    return rows


def markdown(r: dict) -> str:
    lines = [f"Measured {r['date']} on {r['machine']}.", "",
             "| measure | result | budget | |", "|---|---|---|---|"]
    for name, result, budget, met in budgets(r):
        lines.append(f"| {name} | {result} | {budget} | {'met' if met else 'gap'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    results: dict = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine()}
    results["callbacks"] = callbacks.run()
    results["cold_start"] = serving.cold_start(repeats=1 if quick else 3)
    results["load"] = serving.load(seconds=3 if quick else 5, rounds=1 if quick else 3)
    with servers.gunicorn() as (url, _started, _process):
        servers.wait_for(url + "/healthz", timeout=120)
        results["browser"] = browser.run(url, repeats=1 if quick else 3)
    OUT.mkdir(exist_ok=True)
    (OUT / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (OUT / "latest.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main(sys.argv[1:])
