"""Immutable, versioned snapshots: one folder each, one pointer, one snapshot per request, caches that die with it."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
import zipfile
from pathlib import Path

import pytest

from dashboard import provenance, schemas, snapshots
from dashboard.app import create_app
from tests import dash_calls

TODAY = dt.date(2026, 12, 2)


def test_a_data_folder_is_a_pointer_and_snapshot_folders(data_copy: Path):
    store = snapshots.Store(data_copy)
    assert (data_copy / snapshots.POINTER).read_text().strip() == store.current_id() == "2026-11-25"
    assert store.ids() == ["2026-11-25"]
    snap = store.current()
    assert snap.id == "2026-11-25" and snap.date == "2026-11-25"
    assert set(snap.frames) == set(schemas.TABLES) == set(snap.provenance)
    assert store.current() is snap, "a snapshot is loaded once and then served from memory"


def test_the_accessor_hands_out_copies(snap):
    """Under gunicorn a mutated shared frame would leak one reader's view into another's."""
    df = snap.frame("wdi")
    df["value"] = 0
    assert (snap.frame("wdi")["value"] != 0).any()


def _amended(snap: snapshots.Snapshot, value: int, published: str) -> dict[str, bytes]:
    """bns_releases with 2024 emigrants set to ``value`` and its provenance published on ``published``."""
    raw = (snap.directory / "bns_releases.csv").read_text()
    raw, n = re.subn(r"^2024,year,2024,emigrants,\d+,", f"2024,year,2024,emigrants,{value},", raw, flags=re.M)
    assert n == 1
    prov = snap.provenance["bns_releases"].model_copy(update={"checksum": provenance.checksum_bytes(raw.encode()),
                                                             "date_published": published})
    return {"bns_releases.csv": raw.encode(), "bns_releases.provenance.json": prov.to_json().encode()}


def test_publish_writes_a_new_folder_and_switches_the_pointer_leaving_the_old_one_whole(data_copy: Path):
    store = snapshots.Store(data_copy)
    old = store.current()
    before = {p.name: p.read_bytes() for p in old.directory.iterdir()}
    new_id = snapshots.publish(store, old, _amended(old, 12345, "2026-12-01"), TODAY)
    assert new_id == "2026-12-02" and store.current_id() == new_id
    assert {p.name: p.read_bytes() for p in old.directory.iterdir()} == before, "a snapshot folder never changes"
    new = store.current()
    assert 12345 in set(new.frame("bns_releases")["value"])
    assert new.provenance["bns_releases"].date_published == "2026-12-01"
    assert snapshots.publish(store, new, _amended(new, 12346, "2026-12-02"), TODAY) == "2026-12-02-2"
    assert store.ids() == ["2026-11-25", "2026-12-02", "2026-12-02-2"]
    assert store.on_or_before("2026-11-30") == "2026-11-25"
    assert store.on_or_before("2026-12-02") == "2026-12-02-2"
    assert store.on_or_before("2020-01-01") is None


def test_a_publish_that_fails_validation_leaves_nothing(data_copy: Path):
    store = snapshots.Store(data_copy)
    old = store.current()
    bad = {"wdi.csv": b"indicator,country\n"}  # renamed column, and its checksum no longer matches
    with pytest.raises(snapshots.SnapshotError):
        snapshots.publish(store, old, bad, TODAY)
    assert store.ids() == ["2026-11-25"] and store.current_id() == "2026-11-25"
    assert not list(store.folder.glob(".new-*"))


def test_a_folder_written_but_never_switched_to_is_not_served(data_copy: Path):
    """A publish killed between the folder's rename and the pointer's switch leaves a whole folder that was
    never current: ``as_of`` must not pick it."""
    store = snapshots.Store(data_copy)
    old = store.current()
    snapshots.publish(store, old, _amended(old, 999, "2026-12-01"), TODAY)
    snapshots.write_atomic(data_copy / snapshots.POINTER, b"2026-11-25\n")  # as if the switch never happened
    assert store.published() == ["2026-11-25"]
    assert store.on_or_before("2030-01-01") == "2026-11-25"


def test_leftovers_of_an_interrupted_publish_are_cleaned(data_copy: Path):
    store = snapshots.Store(data_copy)
    (store.folder / ".new-abc").mkdir()
    (data_copy / f".{snapshots.POINTER}.xyz.tmp").write_text("junk")
    assert sorted(snapshots.clean_leftovers(store)) == [".CURRENT.xyz.tmp", ".new-abc"]
    assert store.ids() == ["2026-11-25"] and not list(data_copy.glob(".*.tmp"))


@pytest.mark.parametrize("damage, named", [
    (lambda d: (d / "eec_flows.csv").write_bytes((d / "eec_flows.csv").read_bytes()[:200]), "eec_flows.csv"),
    (lambda d: (d / "wdi.provenance.json").unlink(), "wdi.provenance.json"),
    (lambda d: (d / "wdi.csv").write_text((d / "wdi.csv").read_text().replace("-7368", "-7369")), "wdi.csv"),
    (lambda d: (d / "claims.json").write_text("[]"), "claims.json"),
    (lambda d: (d / "undesa_stock.provenance.json").write_text("{"), "undesa_stock.provenance.json"),
])
def test_a_damaged_snapshot_is_refused_naming_the_file(data_copy: Path, damage, named):
    """A truncated table, a missing provenance file or a changed figure never reaches a reader half-loaded."""
    folder = data_copy / snapshots.FOLDER / "2026-11-25"
    damage(folder)
    with pytest.raises(snapshots.SnapshotError, match=re.escape(named)):
        snapshots.Store(data_copy).current()


def test_a_renamed_column_is_refused_at_load_even_with_a_matching_checksum(data_copy: Path):
    folder = data_copy / snapshots.FOLDER / "2026-11-25"
    path = folder / "wdi.csv"
    raw = path.read_text().replace("indicator,iso3", "indicator,country", 1)
    path.write_text(raw)
    prov = provenance.read(provenance.path_for(path)).model_copy(update={"checksum": provenance.checksum(path)})
    provenance.path_for(path).write_text(prov.to_json())
    with pytest.raises(snapshots.SnapshotError, match="wdi"):
        snapshots.Store(data_copy).current()


def test_caches_live_on_the_snapshot_and_are_bounded(snap):
    memo = snapshots.Memo(maxsize=3)
    built = []
    for key in "abcd":
        memo.get(key, lambda k=key: built.append(k) or k.upper())
    assert len(memo) == 3 and memo.get("a", lambda: "again") == "again", "the oldest entry was evicted"
    assert memo.get("d", lambda: "never") == "D"
    with pytest.raises(ZeroDivisionError):
        memo.get("boom", lambda: 1 / 0)
    assert memo.get("boom", lambda: "fine") == "fine", "a failed build is not cached"


def test_concurrent_requests_for_one_key_build_it_once():
    memo = snapshots.Memo(maxsize=8)
    calls, start = [], threading.Event()

    def slow():
        calls.append(1)
        start.wait(1)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(memo.get("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    start.set()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1


def test_a_hit_never_waits_for_the_lock_and_recency_still_counts():
    memo = snapshots.Memo(maxsize=2)
    memo.get("a", lambda: "A")
    memo.get("b", lambda: "B")
    got = []
    with memo._lock:  # another thread is building or evicting
        reader = threading.Thread(target=lambda: got.append(memo.get("a", lambda: "rebuilt")))
        reader.start()
        reader.join(2)
        assert not reader.is_alive() and got == ["A"], "a hit waited for the lock"
    memo.get("a", lambda: "rebuilt")  # lock free now: "a" becomes the most recent
    memo.get("c", lambda: "C")  # evicts the least recent, "b"
    assert memo.get("a", lambda: "rebuilt") == "A" and memo.get("b", lambda: "B2") == "B2"


def _figure_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="chart-figure">(.*?)</script>', html)
    return json.loads(match.group(1))


def _emigrants_2024(fig: dict) -> int:
    trace = next(t for t in fig["data"] if t.get("meta", {}).get("measure") == "emigrants")
    return int(dict(zip(trace["x"], trace["y"]))[2024])


def test_every_response_shows_exactly_one_snapshot_while_refreshes_run(data_copy: Path):
    """Refreshes publish new snapshots in a loop while readers request a page's callback, embeds, downloads and
    health: each
    response's figures and its provenance ("data as of") come from the same snapshot, never two."""
    store = snapshots.Store(data_copy)
    app = create_app(data_copy)
    # Snapshot k: 2024 emigrants = 20000 + k, published 2027-01-<k> (the latest date, so it is "data as of").
    expected = {}

    done = threading.Event()

    def refresher(rounds: int):
        for k in range(1, rounds + 1):
            base = store.current()
            snapshot_id = snapshots.publish(store, base, _amended(base, 20000 + k, f"2027-01-{k:02d}"), TODAY)
            expected[snapshot_id] = k
            done.wait(0.02)
        done.set()

    failures, seen = [], set()
    trends_call = next(b for b in dash_calls.calls(app.server.test_client(), "/trends")
                       if b["output"].startswith("..trends-graph.figure"))

    def _as_of(text: str) -> str:
        """The ISO date of the source line's "Data as of 1 January 2027"."""
        shown = re.search(r"Data as of (\d{1,2} \w+ \d{4})", text).group(1)
        return dt.datetime.strptime(shown, "%d %B %Y").date().isoformat()

    def reader(offset: int):
        client = app.server.test_client()
        i = offset
        while not done.is_set():
            i += 1
            # Varied queries, so that most requests build their response rather than find it cached.
            if i % 4 == 3:  # the trends page's callback: its chart and its source line
                body = json.loads(json.dumps(trends_call))
                body["inputs"][3]["value"] = [2000 + i % 15, 2025]
                out = dash_calls.post(client, body).get_json()["response"]
                value = _emigrants_2024(out["trends-graph"]["figure"])
                date = _as_of(out["trends-source"]["children"])
            elif i % 3 == 0:
                html = client.get(f"/embed/trends?years={2000 + i % 15}..2025").data.decode()
                value = _emigrants_2024(_figure_of(html))
                date = _as_of(html)
            elif i % 3 == 1:
                archive = zipfile.ZipFile(io.BytesIO(client.get(f"/data/kz-migration.zip?years={2000 + i % 20}..2025").data))
                csv = archive.read("kz-migration.csv").decode()
                value = int(re.search(r"^2024,emigrants,(\d+),", csv, re.M).group(1))
                date = json.loads(archive.read("kz-migration.meta.json"))["data_as_of"]
            else:
                health = client.get("/healthz").get_json()
                value = None
                date = health["tables"]["bns_releases"]["as_of"]
            k = 0 if date.startswith("2026") else int(date[-2:])
            seen.add(k)
            if value is not None and value != (12732 if k == 0 else 20000 + k):
                failures.append((i, value, date))

    threads = [threading.Thread(target=refresher, args=(6,))] + [threading.Thread(target=reader, args=(r * 1000,))
                                                                  for r in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, f"responses mixed two snapshots: {failures[:5]}"
    assert len(seen) > 2, f"the readers saw too few snapshots to test anything: {seen}"
    assert store.current_id() in expected
