"""``python -m bench.soak [--seconds 60]``: a soak of the Procfile's gunicorn on loopback, with wrk.

The mix (``mix``) is written from the app itself: every page of its page registry in each language and a
few states, the Dash callbacks each page's renderer posts (bodies from ``callback_bodies``, in both
themes, and the control changes of ``bench/callbacks.py``), every embed of the chart registry in a few
states, and filtered CSVs of every dataset.  ``bench/soak.lua`` sends it in turn (``real``) or as junk on
the same routes (``junk``: random query strings, random callback input values).

The run: gunicorn with the Procfile's defaults (``WEB_CONCURRENCY`` workers of ``GUNICORN_THREADS``
threads, the background warm-up and first views on); wait until every worker's ``/healthz`` reports its
warm-up done; each address of the mix once (one refused twice stops the run: the mix is wrong; refused
once, it is recorded as the server's failure), then a short run of the mix so every worker has built its
replies; each worker's resident memory; the soak (50 connections); memory again; then 50 connections of
junk with a light probe of real requests beside it, between two runs of real requests (each with the
same probe), to see whether real requests keep their speed during and after, and each worker's cache fill
(its /healthz) before and after the junk.  gunicorn's error log (Flask's exceptions included) is read for
killed workers and exceptions.

Writes ``bench/results/soak.json`` and ``bench/results/soak.md``.  Figures from a shared 2-CPU machine,
where wrk and both workers share the cores: read them as this machine's, not the app's alone.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import copy
import datetime as dt
import http.client
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator, NamedTuple

from bench import servers, serving

LUA = Path(__file__).resolve().parent / "soak.lua"
OUT = Path(__file__).resolve().parent / "results"
KINDS = ("page", "dash", "callback", "embed", "csv")
WEIGHTS = {"page": 1, "dash": 1, "callback": 4, "embed": 3, "csv": 1}  # requests of each kind per visit
LANGS = ("", "ru", "kk")
THEME = "kz-theme"
PROBE_CONNECTIONS = 4
GROWTH_BUDGET_PCT = 10.0


class Line(NamedTuple):
    kind: str  # page | dash | callback | embed | csv | key | template
    method: str
    path: str
    body: str = ""


# The mix --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_app_env() -> Iterator[None]:
    """The app built in this process to write the mix starts no background work (warm-up, first views)."""
    saved = {name: os.environ.get(name) for name in ("KZ_WARM_UP", "KZ_FIRST_VIEW")}
    os.environ.update({name: "0" for name in saved})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _with_lang(path: str, lang: str) -> str:
    if not lang:
        return path
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


def _variants(params, required: dict | None = None) -> list[str]:
    """Query strings of real, bounded states: each choice and flag away from its default, a year range, two
    codes; and all of them at once."""
    from urllib.parse import urlencode

    singles: list[dict] = []
    for p in params:
        if p.kind == "choice":
            singles += [{p.name: str(c)} for c in p.choices if c != p.default][:3]
        elif p.kind == "flag":
            singles.append({p.name: "0" if p.default else "1"})
        elif p.kind == "years":
            lo, hi = p.choices
            singles.append({p.name: f"{max(lo, 2010)}..{min(hi, 2020)}"})
        elif p.kind in ("codes", "names") and p.choices:
            picked = [c for c in ("KAZ", "RUS", "DEU", "UKR") if c in p.choices][:2] or list(p.choices[:2])
            singles.append({p.name: "~".join(picked)})
        elif p.kind == "sort":
            columns = [c for c in ("value", "year") if c in p.choices] or list(p.choices[:1])
            singles.append({p.name: "~".join(("-" if i == 0 else "") + c for i, c in enumerate(columns))})
    together: dict = {}
    for single in singles:
        together.setdefault(*next(iter(single.items())))
    out = [{}, *singles] + ([together] if len(singles) > 1 else [])
    return [("?" + urlencode({**(required or {}), **q}, safe="~.")) if (required or q) else "" for q in out]


def _set_theme(body: dict, theme: str | None) -> dict:
    body = copy.deepcopy(body)
    for group in (body["inputs"], body["state"]):
        for item in group:
            if isinstance(item, dict) and item.get("id") == THEME:
                item["value"] = theme
    return body


def _router(path: str, search: str) -> dict:
    """The body Dash's Pages router posts when a page loads (``callback_bodies.page`` sends the same)."""
    from dashboard import callback_bodies

    return {"output": callback_bodies.ROUTER,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def _templates(body: dict) -> Iterator[dict]:
    """The body once per input and state value, that value replaced by the junk mode's placeholder."""
    for group in ("inputs", "state"):
        for i, item in enumerate(body[group]):
            target = item[0] if isinstance(item, list) and item else item
            if isinstance(target, dict) and "value" in target:
                out = copy.deepcopy(body)
                slot = out[group][i]
                (slot[0] if isinstance(slot, list) else slot)["value"] = "@@JUNK@@"
                yield out


def mix(data_dir: Path | None = None) -> list[Line]:
    """Every request of the mix, as the app itself defines them, with the junk mode's keys and templates."""
    from urllib.parse import urlencode

    with _quiet_app_env():
        from bench import callbacks as bench_callbacks
        from dashboard import callback_bodies, context, datasets, downloads, embeds, shell
        from dashboard.app import create_app
        from dashboard.views import charts, destinations

        client = create_app(data_dir).server.test_client()
        with client.application.test_request_context("/"):
            snap = context.snapshot()
            registry = dict(charts.registry(snap))
            country = next(o["value"] for o in destinations.destination_options(destinations.DEFAULTS, snap))
        lines: list[Line] = []
        keys = {"lang", "dataset", "bom"}
        pages = [p["path"] for p in shell.pages()]
        for path in pages:
            chart = charts.for_page(snap, path)
            states = _variants(chart.params) if chart else [""]
            if path == "/data":
                states = [""] + ["?" + urlencode({"dataset": name}) for name in datasets.DATASETS]
            for lang in LANGS:
                for state in states if lang != "kk" else states[:2]:
                    lines.append(Line("page", "GET", _with_lang(path + state, lang)))
                lines.append(Line("dash", "GET", _with_lang("/_dash-layout", lang)))
        lines.append(Line("dash", "GET", "/_dash-dependencies"))
        bodies: list[dict] = []
        for path in pages:
            for lang in LANGS:
                search = f"?lang={lang}" if lang else ""
                bodies.append(_router(path, search))
                for body in callback_bodies.calls(client, path, search):
                    bodies += [_set_theme(body, theme) for theme in (None, "light", "dark")]
        templates = [t for body in bodies for t in _templates(body)]
        bodies += [b for scenario in bench_callbacks.scenarios(client).values() for b in scenario]
        for body in {json.dumps(b, sort_keys=True): None for b in bodies}:
            lines.append(Line("callback", "POST", callback_bodies.ENDPOINT, body))
        for chart in registry.values():
            keys.update(p.name for p in chart.params)
            required = {"country": country} if "country" in chart.required else {}
            base = f"/embed/{chart.id}"
            for state in _variants((*chart.params, *embeds.embed_params()), required):
                lines.append(Line("embed", "GET", base + state))
            for lang in LANGS[1:]:
                lines.append(Line("embed", "GET", _with_lang(base + _variants((), required)[0], lang)))
        keys.update(p.name for p in embeds.embed_params())
        for name in datasets.DATASETS:
            params = downloads.params(name)
            keys.update(p.name for p in params)
            for state in _variants([p for p in params if p.name != "lang"]):
                lines.append(Line("csv", "GET", f"/data/{name}.csv{state}"))
    unique = list(dict.fromkeys(lines))
    unique += [Line("key", key, "") for key in sorted(keys)]
    unique += [Line("template", "POST", callback_bodies.ENDPOINT, body)
               for body in {json.dumps(t, sort_keys=True): None for t in templates}]
    return unique


def interleave(lines: list[Line], seed: int = 13) -> list[Line]:
    """The requests as a cycle of visits: each visit a page, a Dash layout or dependencies request, four
    callbacks, three embeds and a CSV, each kind taken in turn from its own shuffled list; so any ten
    consecutive requests hold every kind, however short the run."""
    import random

    by_kind = {kind: [line for line in lines if line.kind == kind] for kind in KINDS}
    for found in by_kind.values():
        random.Random(seed).shuffle(found)
    visits = max(-(-len(by_kind[kind]) // n) for kind, n in WEIGHTS.items())
    cycle = [by_kind[kind][(visit * n + i) % len(by_kind[kind])]
             for visit in range(visits) for kind, n in WEIGHTS.items() for i in range(n)]
    return cycle + [line for line in lines if line.kind not in KINDS]


def write_mix(lines: list[Line], path: Path) -> Path:
    for line in lines:
        assert not any(c in field for field in line for c in "\t\n\r"), line
    path.write_text("".join("\t".join(line) + "\n" for line in interleave(lines)), encoding="utf-8")
    return path


def counts(lines: list[Line]) -> dict[str, int]:
    return {kind: sum(line.kind == kind for line in lines) for kind in (*KINDS, "template", "key")}


# wrk -------------------------------------------------------------------------------------------------------


def start_wrk(url: str, mix_file: Path, mode: str, seconds: float, connections: int, threads: int = 2,
              timeout: str = "10s") -> subprocess.Popen:
    command = [serving.ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               f"--timeout={timeout}", "-s", str(LUA), url, "--", str(mix_file), mode]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_wrk(process: subprocess.Popen, mode: str) -> dict:
    """The Lua ``done()`` report of one wrk run, with its figures in milliseconds and its errors by kind."""
    out, err = process.communicate()
    found = [line for line in out.splitlines() if line.startswith("SOAK ")]
    if process.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err.strip()[-500:]}\n{out[-500:]}")
    report = json.loads(found[-1][len("SOAK "):])
    seconds = report["duration_us"] / 1e6
    latency = {k: round(v / 1000, 1) for k, v in report["latency_us"].items()}
    return {"mode": mode, "requests": report["requests"], "seconds": round(seconds, 1),
            "rps": round(report["requests"] / seconds), "p50_ms": latency["p50"], "p90_ms": latency["p90"],
            "p99_ms": latency["p99"], "max_ms": latency["max"], "mean_ms": latency["mean"],
            "statuses": dict(sorted(report["statuses"].items())), "sent": report["sent"],
            "answers": report["answers"], "errors": errors(report, mode), "wrk_errors": report["errors"]}


def errors(report: dict, mode: str) -> dict:
    """Socket errors and timeouts, and the statuses that are errors: any but 2xx/3xx for real requests, 5xx
    for junk (a 4xx is the expected answer to junk)."""
    floor = 400 if mode == "real" else 500
    out = {kind: report["errors"][kind] for kind in ("connect", "read", "write", "timeout")}
    out["status"] = {s: n for s, n in report["statuses"].items() if int(s) >= floor}
    out["total"] = sum(v for k, v in out.items() if k != "status") + sum(out["status"].values())
    return out


def run_wrk(url: str, mix_file: Path, mode: str, seconds: float, connections: int, master: int | None = None,
            **kw) -> dict:
    """One wrk run; with the gunicorn master's pid, where the CPUs went during it (``cpu``)."""
    with (cpu_use(master) if master else contextlib.nullcontext({})) as cpu:
        out = finish_wrk(start_wrk(url, mix_file, mode, seconds, connections, **kw), mode)
    return {**out, **({"cpu": cpu} if master else {})}


def beside_probe(url: str, mix_file: Path, mode: str, seconds: float, connections: int, master: int) -> dict:
    """A run of ``mode`` with a light probe of real requests beside it (its own wrk, one thread)."""
    with cpu_use(master) as cpu:
        main = start_wrk(url, mix_file, mode, seconds, connections)
        probe = start_wrk(url, mix_file, "real", seconds, PROBE_CONNECTIONS, threads=1)
        out = {"load": finish_wrk(main, mode), "probe": finish_wrk(probe, "real")}
    return {**out, "cpu": cpu}


# The server ------------------------------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's children (its workers)."""
    try:
        import psutil

        return sorted(child.pid for child in psutil.Process(master).children())
    except ImportError:
        pass
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:  # the field after the state: ppid
                out.append(int(entry.name))
    return sorted(out)


def rss_kb(pid: int) -> int:
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss // 1024
    except ImportError:
        pass
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def memory(master: int) -> dict[str, int]:
    return {str(pid): rss_kb(pid) for pid in worker_pids(master)}


@contextlib.contextmanager
def memory_series(master: int, every: float = 5.0) -> Iterator[list]:
    """Each worker's resident memory every ``every`` seconds while the block runs: [[seconds, {pid: kB}]]."""
    import threading

    series: list = []
    stop = threading.Event()
    start = time.perf_counter()

    def sample() -> None:
        while not stop.wait(every):
            with contextlib.suppress(OSError, RuntimeError):
                series.append([round(time.perf_counter() - start), memory(master)])

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield series
    finally:
        stop.set()
        thread.join()


def _cpu_now(master: int) -> dict[str, float]:
    """CPU seconds so far: the machine's (busy and stolen by the hypervisor), the workers', and this
    process's with its finished children (every wrk run)."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    each = {}
    for pid in worker_pids(master):
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            each[f"worker {pid}"] = (int(stat[11]) + int(stat[12])) / tick  # utime, stime
    own = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    return {"busy": (user + nice + system + irq + softirq) / tick, "steal": steal / tick,
            "workers": sum(each.values()), "own": own, "wall": time.perf_counter(), **each}


@contextlib.contextmanager
def cpu_use(master: int) -> Iterator[dict]:
    """Where the machine's CPUs went during a run, in % of all of them: the workers, the load generator
    (wrk and this process), everything else (the other users of a shared machine), stolen by the hypervisor."""
    out: dict = {}
    before = _cpu_now(master)
    yield out
    after = _cpu_now(master)
    d = {k: after[k] - before[k] for k in before if k in after}
    capacity = d["wall"] * (os.cpu_count() or 1) / 100
    out.update({"workers_pct": round(d["workers"] / capacity), "load_generator_pct": round(d["own"] / capacity),
                "others_pct": max(0, round((d["busy"] - d["workers"] - d["own"]) / capacity)),
                "steal_pct": round(d["steal"] / capacity),
                # A worker's threads share one GIL: one worker is at most 100 / cpu_count % of the machine.
                "each_worker_pct": {k: round(v / capacity) for k, v in d.items() if k.startswith("worker ")}})


def _health(url: str) -> dict | str:
    """/healthz's body, or what went wrong (a fresh worker's first requests are the likeliest to fail)."""
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return f"{exc.code} /healthz"
    except (OSError, http.client.HTTPException) as exc:
        return f"{type(exc).__name__}: {exc}"


def cache_fill(url: str, tries: int = 24) -> dict[str, dict]:
    """Each worker's cache fill as its /healthz reports it ({kind: {entries, bound}}), by worker pid (known
    from its warm-up status; "a worker" when the warm-up is off and the answers cannot be told apart)."""
    out: dict[str, dict] = {}
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        for body in pool.map(lambda _: _health(url), range(tries)):
            if isinstance(body, dict) and "caches" in body:
                out[str(body["warm_up"].get("process", "a worker"))] = body["caches"]
    return out


def wait_warm_up(url: str, master: int, timeout: float, failures: list[str]) -> dict[str, dict]:
    """Until every worker's /healthz says its warm-up is done.  A worker starts its warm-up with its first
    request and answers for itself, so the health checks go out several at once to reach every worker;
    any that fails is added to ``failures``."""
    seen: dict[int, dict] = {}
    deadline = time.monotonic() + timeout
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        while True:
            for body in pool.map(lambda _: _health(url), range(16)):
                if isinstance(body, str):
                    failures.append(body)
                    continue
                status = body["warm_up"]
                if "process" in status:
                    seen[status["process"]] = status
            workers = worker_pids(master)
            stopped = [s for s in seen.values() if s.get("stopped")]
            if stopped:
                raise RuntimeError(f"a warm-up stopped: {stopped}")
            if workers and all(seen.get(pid, {}).get("done") for pid in workers):
                return {str(pid): seen[pid] for pid in workers}
            if time.monotonic() > deadline:
                raise TimeoutError(f"warm-up not done within {timeout} s: {seen}")
            time.sleep(3)


def check(url: str, lines: list[Line]) -> list[tuple[Line, str]]:
    """Each request of the mix once; the ones answered with anything but 2xx/3xx, or not answered."""
    def one(line: Line) -> tuple[Line, str] | None:
        data = line.body.encode() if line.method == "POST" else None
        request = urllib.request.Request(url + line.path, data=data, method=line.method,
                                         headers={"Content-Type": "application/json", "Accept-Encoding": "br"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                return None
        except urllib.error.HTTPError as exc:
            return line, f"{exc.code} {line.method} {line.path} {line.body[:200]}"
        except (OSError, http.client.HTTPException) as exc:  # a connection dropped, a body cut short
            return line, f"{type(exc).__name__}: {exc} {line.method} {line.path} {line.body[:200]}"

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return [r for r in pool.map(one, [line for line in lines if line.kind in KINDS]) if r]


def log_problems(path: Path, limit: int = 40) -> dict:
    """What gunicorn's error log (with Flask's errors, through wsgi.errors) says went wrong: workers killed
    or timed out, exceptions; the requests gunicorn's own parser refused (junk) are only counted."""
    text = path.read_text(errors="replace") if path.exists() else ""
    refused = sum("Invalid request" in line for line in text.splitlines())
    signs = ("ERROR", "Exception on", "was sent", "WORKER TIMEOUT", "Worker exited", "Fatal Python", "Error:",
             "Traceback")
    found = [line.strip()[:300] for line in text.splitlines()
             if any(sign in line for sign in signs) and "Invalid request" not in line]
    return {"problems": len(found), "lines": found[:limit], "refused_by_gunicorn_parser": refused}


# The run ---------------------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def growth(before: dict[str, int], after: dict[str, int]) -> dict[str, float | None]:
    return {pid: round((after[pid] - kb) * 100 / kb, 1) if pid in after else None for pid, kb in before.items()}


def run(seconds: float = 60, junk_seconds: float | None = None, compare_seconds: float | None = None,
        prime_seconds: float = 10, connections: int = 50, warm_up: bool = True,
        warm_up_timeout: float = 1200) -> dict:
    from dashboard import settings

    junk_seconds = seconds if junk_seconds is None else junk_seconds
    compare_seconds = min(15, seconds) if compare_seconds is None else compare_seconds
    workers, threads = int(settings.get("WEB_CONCURRENCY")), int(settings.get("GUNICORN_THREADS"))
    lines = mix()
    results: dict = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()} · {os.cpu_count()} CPUs · {platform.platform()} · "
                   f"Python {platform.python_version()}",
        "settings": {"workers": workers, "threads": threads, "warm_up": warm_up, "first_view": True,
                     "connections": connections, "wrk_threads": 2, "wrk_timeout_s": 10,
                     "probe_connections": PROBE_CONNECTIONS, "seconds": seconds, "junk_seconds": junk_seconds,
                     "compare_seconds": compare_seconds, "prime_seconds": prime_seconds},
        "mix": counts(lines),
        # /healthz reports each worker's snapshot caches against their bounds (without REDIS_URL the shared
        # cache keeps nothing of its own: flask-caching's NullCache).
        "caches": {},
    }
    env = {"KZ_WARM_UP": "1" if warm_up else "0", "KZ_FIRST_VIEW": "1"}
    tmp = Path(tempfile.mkdtemp(prefix="kz-soak-"))
    log = tmp / "gunicorn.log"
    with servers.gunicorn(workers=workers, threads=threads, env=env, extra=("--error-logfile", str(log))) as (
            url, started, process):
        mix_file = write_mix(lines, tmp / "mix.tsv")
        servers.wait_for(url + "/healthz", timeout=120)
        results["start_s"] = round(time.perf_counter() - started, 1)
        first_workers = worker_pids(process.pid)
        startup: list[str] = []
        _say(f"gunicorn up at {url}; workers {first_workers}")
        if warm_up:
            _say("waiting for every worker's warm-up")
            t = time.perf_counter()
            results["warm_up"] = wait_warm_up(url, process.pid, warm_up_timeout, startup)
            results["warm_up_wait_s"] = round(time.perf_counter() - t, 1)
        rss: dict[str, dict] = {"after_warm_up": memory(process.pid)}
        # Each address once: one refused twice means the mix is wrong; once, that the server failed it.
        refused = check(url, lines)
        again = check(url, [line for line, _ in refused])
        if again:
            raise RuntimeError(f"{len(again)} requests of the mix were refused twice:\n"
                               + "\n".join(message for _, message in again[:20]))
        pids = worker_pids(process.pid)
        results["startup"] = {"failed_health_checks": startup,
                              "failed_first_check": [message for _, message in refused],
                              "workers_replaced": first_workers != pids}
        _say(f"mix checked ({len(refused)} failed once); priming")
        results["prime"] = run_wrk(url, mix_file, "real", prime_seconds, connections, process.pid)
        rss["before_soak"] = memory(process.pid)
        _say(f"soak: {seconds} s")
        with memory_series(process.pid) as series:
            results["soak"] = run_wrk(url, mix_file, "real", seconds, connections, process.pid)
        results["soak"]["rss_series_kb"] = series
        rss["after_soak"] = memory(process.pid)
        results["before_junk"] = beside_probe(url, mix_file, "real", compare_seconds, connections, process.pid)
        rss["before_junk"] = memory(process.pid)
        results["caches"]["before_junk"] = cache_fill(url)
        _say(f"junk: {junk_seconds} s")
        with memory_series(process.pid) as series:
            results["junk"] = beside_probe(url, mix_file, "junk", junk_seconds, connections, process.pid)
        results["junk"]["rss_series_kb"] = series
        rss["after_junk"] = memory(process.pid)
        results["caches"]["after_junk"] = cache_fill(url)
        # Right after the junk (the replies it pushed out of the caches are built again), then once more.
        _say(f"after the junk: twice {compare_seconds} s")
        results["after_junk"] = beside_probe(url, mix_file, "real", compare_seconds, connections, process.pid)
        results["after_junk_again"] = beside_probe(url, mix_file, "real", compare_seconds, connections, process.pid)
        rss["end"] = memory(process.pid)
        results["workers_replaced"] = worker_pids(process.pid) != pids
    results["server_log"] = log_problems(log)
    if results["server_log"]["problems"]:
        results["server_log"]["file"] = str(log)  # kept for a look
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    results["rss_kb"] = rss
    results["rss_growth_pct"] = {
        "soak": growth(rss["before_soak"], rss["after_soak"]),
        "since_warm_up": growth(rss["after_warm_up"], rss["end"]),
        "junk": growth(rss["before_junk"], rss["after_junk"]),
    }
    return results


# The report ------------------------------------------------------------------------------------------------


def _figures(r: dict) -> str:
    return (f"{r['requests']:,} requests in {r['seconds']} s, {r['rps']:,} req/s, p50 {r['p50_ms']} ms, "
            f"p99 {r['p99_ms']} ms, max {r['max_ms']} ms")


def _errors(r: dict) -> str:
    e = r["errors"]
    parts = [f"{e[k]} {k}" for k in ("connect", "read", "write", "timeout") if e[k]]
    parts += [f"{n}× {s}" for s, n in e["status"].items()]
    return f"{e['total']} errors" + (f" ({', '.join(parts)})" if parts else "")


def _statuses(r: dict) -> str:
    return ", ".join(f"{s}: {n:,}" for s, n in r["statuses"].items())


def _cpu(c: dict) -> str:
    each = " + ".join(f"{pct}" for pct in c.get("each_worker_pct", {}).values())
    return (f"workers {c['workers_pct']}% ({each}), load generator {c['load_generator_pct']}%, other processes "
            f"{c['others_pct']}%, stolen {c['steal_pct']}%")


def _series(points: list, pid: str) -> str:
    return " → ".join(f"{kb[pid] / 1024:.0f}" for _, kb in points if pid in kb)


def _mb(kb: int | None) -> str:
    return "— (worker gone)" if kb is None else f"{kb / 1024:.1f} MB"


def _pct(pct: float | None) -> str:
    return "—" if pct is None else f"{pct:+.1f}%"


def markdown(r: dict) -> str:
    s, rss = r["settings"], r["rss_kb"]
    m = r["mix"]
    lines = [f"Measured {r['date']} on {r['machine']}: gunicorn as the Procfile runs it ({s['workers']} workers × "
             f"{s['threads']} threads, warm-up {'on' if s['warm_up'] else 'off'}), wrk on the same 2 CPUs "
             f"({s['wrk_threads']} threads, timeout {s['wrk_timeout_s']} s).", "",
             "| measure | result |", "|---|---|",
             f"| the mix | {m['page']} page addresses, {m['dash']} Dash layout/dependency requests, {m['callback']} "
             f"callback bodies, {m['embed']} embeds, {m['csv']} filtered CSVs, in turn |"]
    soak = r["soak"]
    lines.append(f"| soak: {s['connections']} connections, {s['seconds']} s | {_figures(soak)}; {_errors(soak)}; "
                 f"statuses {_statuses(soak)}; CPUs: {_cpu(soak['cpu'])} |")
    for pid, before in rss["before_soak"].items():
        lines.append(f"| worker {pid} resident memory, soak | {_mb(before)} → {_mb(rss['after_soak'].get(pid))} "
                     f"({_pct(r['rss_growth_pct']['soak'][pid])}; budget < {GROWTH_BUDGET_PCT:.0f}%); every 5 s, MB: "
                     f"{_series(soak['rss_series_kb'], pid)}; {_mb(rss['after_warm_up'].get(pid))} after the warm-up, "
                     f"{_mb(rss['end'].get(pid))} at the end |")
    junk = r["junk"]["load"]
    lines.append(f"| junk: {s['connections']} connections, {s['junk_seconds']} s | {_figures(junk)}; "
                 f"{_errors(junk)} (5xx and socket errors); statuses {_statuses(junk)} |")
    lines.append(f"| CPUs during the junk | {_cpu(r['junk']['cpu'])} |")
    for pid, before in rss["before_junk"].items():
        lines.append(f"| worker {pid} resident memory, junk | {_mb(before)} → {_mb(rss['after_junk'].get(pid))} "
                     f"({_pct(r['rss_growth_pct']['junk'][pid])}); every 5 s, MB: "
                     f"{_series(r['junk']['rss_series_kb'], pid)} |")
    phases = (("before_junk", "before the junk"), ("junk", "during the junk"), ("after_junk", "right after the junk"),
              ("after_junk_again", "after the junk, one run later"))
    for name, label in phases:
        probe = r[name]["probe"]
        lines.append(f"| real requests {label} ({s['probe_connections']} connections beside the "
                     f"{'junk' if name == 'junk' else 'mix'}) | {_figures(probe)}; {_errors(probe)}; CPUs: "
                     f"{_cpu(r[name]['cpu'])} |")
    for name, label in (phases[0], *phases[2:]):
        load = r[name]["load"]
        lines.append(f"| the mix {label} ({s['connections']} connections, {s['compare_seconds']} s) | "
                     f"{_figures(load)}; {_errors(load)} |")
    caches = r["caches"] if isinstance(r["caches"], dict) else {}  # runs before /healthz reported them: a note
    for pid, fill in caches.get("after_junk", {}).items():
        before = caches.get("before_junk", {}).get(pid, {})
        who = f"worker {pid}" if pid.isdigit() else pid
        lines.append(f"| {who}: caches before → after the junk (entries/bound, its /healthz) | "
                     + ", ".join(f"{kind} {before.get(kind, {}).get('entries', '?')} → {c['entries']}/{c['bound']}"
                                 for kind, c in fill.items()) + " |")
    if not caches.get("after_junk"):
        lines.append("| caches after the junk | not reported by /healthz in this run: memory only |")
    start, log = r["startup"], r["server_log"]
    failed = start["failed_health_checks"] + start["failed_first_check"]
    lines.append(f"| start (fresh workers, first requests) | "
                 + (f"{len(failed)} failed: {'; '.join(failed[:3])}" if failed else "every request answered")
                 + ("; a worker was replaced" if start["workers_replaced"] else "") + " |")
    lines.append(f"| workers during the runs | "
                 + ("a worker was replaced" if r["workers_replaced"] else "the same workers from start to end")
                 + " |")
    lines.append(f"| server log | " + (f"{log['problems']} problem lines, e.g. `{log['lines'][0]}`" if log["problems"]
                                       else "no exception, no worker killed or timed out")
                 + f"; {log['refused_by_gunicorn_parser']:,} junk request lines refused by gunicorn's parser |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="the soak's length (default 60)")
    parser.add_argument("--junk-seconds", type=float, help="the junk run's length (default: --seconds)")
    parser.add_argument("--compare-seconds", type=float, help="each run of real requests before and after the "
                        "junk (default: 15, or --seconds if shorter)")
    parser.add_argument("--prime-seconds", type=float, default=10, help="the mix before the soak (default 10)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--no-warm-up", action="store_true", help="KZ_WARM_UP=0 (not the Procfile's default; "
                        "for a quick check of the script)")
    parser.add_argument("--warm-up-timeout", type=float, default=1200)
    parser.add_argument("--out", type=Path, default=OUT, help="where soak.json and soak.md go (default bench/results)")
    parser.add_argument("--markdown-only", action="store_true", help="write soak.md again from soak.json, no run")
    args = parser.parse_args(argv)
    if args.markdown_only:
        results = json.loads((args.out / "soak.json").read_text())
        (args.out / "soak.md").write_text(markdown(results))
        print(markdown(results))
        return results
    results = run(args.seconds, args.junk_seconds, args.compare_seconds, args.prime_seconds, args.connections,
                  not args.no_warm_up, args.warm_up_timeout)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "soak.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (args.out / "soak.md").write_text(table)
    print(table)
    return results


if __name__ == "__main__":
    main()
