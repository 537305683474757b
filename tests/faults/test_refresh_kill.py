"""A refresh killed with SIGKILL at any moment leaves the old snapshot or a new one current, whole, never a mix.

``python -m dashboard.cli refresh`` runs in a subprocess against the local server (tests/faults/server.py), its
replies sent in slow pieces so that the run spends a while fetching, and is killed: at seeded moments spread
over a whole run's duration, and at the moments the folder shows a stage of the publish (the new folder being
written, renamed into place, the pointer switched).  After each kill the data folder must serve either the old
snapshot or the new one byte for byte as an uninterrupted run writes it, and the next normal refresh must clean
what the killed one left and succeed (a kill before anything was written leaves the very bytes an
uninterrupted run starts from: the reference run is its next run).  Each kill has a fresh copy of the fixture
data; the next runs go on in a thread of the test process (against a second server answering at full speed)
while the next killed run works in its own process, so the two cores are both used.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dashboard import cli, snapshots
from dashboard.sources import undesa
from tests import replies
from tests.conftest import FIXTURE_DATA
from tests.faults.server import FaultServer, serve_snapshot, source_env
from tests.test_refresh import digest

SEED = 13
BY_TIME = 17       # kills at seeded moments spread over a whole run, up to its switch of the pointer
# Kills when the folder shows a stage of the publish: (what appeared, share of the stage's span).  The first
# one watches a whole publish (it is killed after the switch), so that the shares are of a publish as long as
# they are here now.
BY_STAGE = (("switched", 0.0), ("staging", 0.0), ("staging", 0.25), ("staging", 0.5), ("renamed", 0.0),
            ("renamed", 0.0))
PACE = (8192, 0.02)  # every reply in 8 kB pieces 20 ms apart: the run fetches for ~0.4 s
POLL = 0.002
BOUND = 30.0         # no single run may take longer than this (the point: it does not hang)


def _start(data: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "dashboard.cli", "refresh", "--data-dir", str(data)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop(proc: subprocess.Popen) -> None:
    """SIGKILL, as the kernel's OOM killer or a lost machine would stop it (a no-op once it has ended)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=BOUND)


def _marks(data: Path, old_id: str) -> dict[str, bool]:
    """Which stages of a publish the folder shows now."""
    folder = data / snapshots.FOLDER
    pointer = (data / snapshots.POINTER).read_text(encoding="utf-8").strip()
    return {"staging": any(folder.glob(".new-*")),
            "renamed": any(p.name != old_id for p in folder.iterdir() if not p.name.startswith(".")),
            "switched": pointer != old_id}


def _watch(proc: subprocess.Popen, data: Path, old_id: str, until: str | None = None) -> dict[str, float]:
    """Poll the folder while ``proc`` runs: when each stage first showed (seconds after the start), up to the
    first sight of ``until`` (then return at once) or the end of the run."""
    started, seen = time.monotonic(), {}
    while proc.poll() is None:
        now = time.monotonic() - started
        assert now < BOUND, "a refresh against a healthy server did not finish"
        for mark, shown in _marks(data, old_id).items():
            if shown and mark not in seen:
                seen[mark] = now
        if until in seen:
            return seen
        time.sleep(POLL)
    seen["end"] = time.monotonic() - started
    return seen


def _stage(data: Path, old_id: str) -> str:
    """Where a killed run was, judged by what it left."""
    folder = data / snapshots.FOLDER
    if (data / snapshots.POINTER).read_text(encoding="utf-8").strip() != old_id:
        return "switched"
    if any(data.glob(f".{snapshots.POINTER}.*.tmp")):
        return "writing the pointer"
    if any(p.name != old_id for p in folder.iterdir() if not p.name.startswith(".")):
        return "renamed, not yet current"
    if any(folder.glob(".new-*")):
        return "writing the new folder"
    return "before publishing"


def _plan(timeline: dict[str, float]):
    """The kills, seeded: (stage, seconds after the stage showed), then ("time", seconds after the start).

    ``timeline``: when each stage shows in a run here; the caller updates it from the runs it watches, so the
    kills by time are spread over a run as long as runs are by then (the next runs share the machine)."""
    rng = random.Random(SEED)
    following = {"staging": "renamed", "renamed": "switched", "switched": "end"}
    for stage, share in BY_STAGE:
        yield stage, max(0.0, share * (timeline[following[stage]] - timeline[stage]))
    # Up to (nearly) the switch: after it the run only prints its line and exits (the stage kills cover that),
    # and a kill that comes too late kills nothing.
    span = 0.95 * timeline["switched"]
    for i in range(BY_TIME):
        yield "time", span * (i + rng.random()) / BY_TIME


def _follow_up(data: Path, old_id: str, old_files: dict[str, str], what: str) -> float:
    """The next normal refresh (the CLI, in this process, against the server answering at full speed) cleans
    what the killed one left and succeeds; the old snapshot is still as it was.  Returns its duration."""
    started = time.monotonic()
    assert cli.main(["refresh", "--data-dir", str(data)]) == 0, f"{what}: the next refresh failed"
    took = time.monotonic() - started
    assert took < BOUND, f"{what}: the next refresh took {took:.0f}s"
    store = snapshots.Store(data)
    assert not list(store.folder.glob(".new-*")), f"{what}: a temp folder was left"
    assert not list(data.glob(f".{snapshots.POINTER}.*.tmp")), f"{what}: a temp pointer was left"
    assert snapshots.parse_id(store.current().id) > snapshots.parse_id(old_id), what
    assert digest(store.folder / old_id) == old_files, f"{what}: the old snapshot changed"
    shutil.rmtree(data)  # keep tmp_path small: this copy has served its checks
    return took


def test_a_refresh_killed_at_any_moment_leaves_one_whole_snapshot_current(tmp_path: Path, monkeypatch, capsys):
    """A scheduled refresh can die at any point (the OOM killer, a redeploy, a lost machine): readers must then
    still get one complete snapshot, old or new, and the next run must recover by itself."""
    started = time.monotonic()
    old = snapshots.Store(FIXTURE_DATA).current()
    old_files, pristine = digest(old.directory), digest(FIXTURE_DATA)
    workbooks = {revision: replies.undesa_workbook(old, revision) for revision in undesa.FILES}
    # Two servers with the same figures: slow pieces for the runs that are killed, full speed for the runs
    # after them, which go on in a thread of this process while the next killed run works in its own.
    with FaultServer() as slow, FaultServer() as fast, ThreadPoolExecutor(max_workers=1) as after:
        serve_snapshot(slow, old, workbooks, pace=PACE)
        serve_snapshot(fast, old, workbooks)
        for name, value in source_env(fast).items():
            monkeypatch.setenv(name, value)
        env = {**os.environ, **source_env(slow), "KZ_REFRESH_TIMEOUT": "10"}

        # An uninterrupted run: when each stage shows here, and the new snapshot as it should be.
        reference = tmp_path / "reference"
        shutil.copytree(FIXTURE_DATA, reference)
        proc = _start(reference, env, tmp_path / "reference.log")
        try:
            calibration = _watch(proc, reference, old.id)
        finally:
            _stop(proc)
        assert proc.returncode == 0, (tmp_path / "reference.log").read_text()
        assert slow.hits("/"), "the refresh did not read the local server"
        new = snapshots.Store(reference).current()
        assert new.id != old.id
        new_files = digest(new.directory)

        stages: Counter[str] = Counter()
        follow_ups = []
        timeline = dict(calibration)
        for number, (trigger, delay) in enumerate(_plan(timeline)):
            data = tmp_path / f"kill-{number}"
            shutil.copytree(FIXTURE_DATA, data)
            proc = _start(data, env, tmp_path / f"kill-{number}.log")
            try:
                if trigger == "time":
                    time.sleep(delay)
                else:
                    seen = _watch(proc, data, old.id, until=trigger)
                    assert trigger in seen, f"run {number} ended without showing stage {trigger!r}"
                    if {"staging", "renamed", "switched"} <= set(seen):
                        timeline.update(seen)  # a whole publish seen: how long runs take now
                    time.sleep(delay)
            finally:
                _stop(proc)
            stage = _stage(data, old.id)
            stages[stage if proc.returncode == -signal.SIGKILL else "finished before the kill"] += 1
            what = f"run {number} killed {delay:.3f}s after {trigger} ({stage})"

            # Readers see one whole snapshot, old or new, never a mix.
            store = snapshots.Store(data)
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(-\d+)?\n", (data / snapshots.POINTER).read_text()), what
            current = store.current()  # loads and checks every table against its checksum
            if current.id == old.id:
                assert digest(current.directory) == old_files, what
            elif current.id == new.id:
                assert digest(current.directory) == new_files, f"{what}: the new snapshot is not whole"
            else:  # only if the day turned during the test: a snapshot of the new day (loaded and checked above)
                assert current.id == dt.date.today().isoformat() != new.id, what
            assert digest(store.folder / old.id) == old_files, f"{what}: the old snapshot changed"
            # A folder under a snapshot's name is complete even if it never became current.
            for snapshot_id in store.ids():
                snapshots.load(store.folder / snapshot_id)
            if digest(data) == pristine:
                # Killed before it wrote anything: the next run starts from the very bytes the uninterrupted
                # run above started from, and that one succeeded.  (Running it again would cost a third of
                # this test and show nothing new.)
                shutil.rmtree(data)
                continue
            follow_ups.append(after.submit(_follow_up, data, old.id, old_files, what))
        took = [future.result() for future in follow_ups]  # re-raises what a next run found

    with capsys.disabled():
        alone, watched = ({k: round(v, 2) for k, v in t.items()} for t in (calibration, timeline))
        print(f"\nkills by stage: {dict(stages)}; {time.monotonic() - started:.1f}s in all, the next runs "
              f"{sum(took):.1f}s of it; stages (s) of the run alone: {alone}, of the last one watched: {watched}")
    assert sum(n for stage, n in stages.items() if stage != "finished before the kill") >= 20, stages
    # The kills reached the stages that matter: before anything was written, while the new folder was being
    # written, and after the switch.
    assert {"before publishing", "writing the new folder", "switched"} <= set(stages), stages
