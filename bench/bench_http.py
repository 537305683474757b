"""Median latency of the HTTP routes against /healthz measured in the same run (in-process, Flask test client).

    python bench/bench_http.py [repeats]

Timings are noisy on shared machines: read the ratios to the baseline, not the absolute numbers.
"""

from __future__ import annotations

import statistics
import sys
import time

ROUTES = [
    "/healthz",  # baseline: reads the cached snapshot only
    "/data/kz-migration.csv",
    "/data/migrant-stock.csv?countries=DEU~UKR&years=2000..2020&revision=2020",
    "/data/migrant-stock.zip",
    "/data/eaeu.meta.json",
    "/embed/trends",
    "/embed/destinations-map",
    "/embed/eaeu-net?countries=KAZ~RUS",
]


def median_ms(client, url: str, repeats: int) -> float:
    client.get(url)  # warm: first use builds the per-snapshot datasets
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def dataset_build_ms(repeats: int) -> tuple[float, float]:
    """Median time to build every public dataset from a loaded snapshot, against serving the cached copy."""
    from dashboard import datasets, settings, snapshots

    snap = snapshots.Store(settings.data_dir()).current()
    build, cached = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        for spec in datasets.DATASETS.values():
            spec.build(snap)
        build.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        for name in datasets.DATASETS:
            datasets.get(name, snap)
        cached.append((time.perf_counter() - start) * 1000)
    return statistics.median(build), statistics.median(cached)


def main(repeats: int = 30) -> None:
    from dashboard.app import create_app

    client = create_app().server.test_client()
    base = median_ms(client, ROUTES[0], repeats)
    print(f"{'route':72} {'median ms':>10} {'x baseline':>10}")
    for url in ROUTES:
        ms = base if url == ROUTES[0] else median_ms(client, url, repeats)
        print(f"{url:72} {ms:10.2f} {ms / base:10.1f}")
    build, cached = dataset_build_ms(repeats)
    print(f"\nall datasets: built from the snapshot {build:.2f} ms, served from the per-snapshot cache "
          f"{cached:.2f} ms (x{build / cached:.0f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
