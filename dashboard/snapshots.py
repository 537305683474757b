"""The one accessor the app reads: immutable, versioned snapshots of the data, and the pointer to the current one.

Layout of the data folder (``KZ_DATA_DIR``)::

    data/CURRENT                      one line: the id of the current snapshot
    data/snapshots/<id>/<table>.csv   every table, validated against ``schemas``
    data/snapshots/<id>/<table>.provenance.json
    data/snapshots/<id>/claims.json   the claims ledger the snapshot is checked against (+ provenance)

A snapshot folder is never changed once written: ``refresh`` writes a new folder complete with
provenance, then switches ``CURRENT`` with one ``os.replace``.  Earlier folders stay, so an embed pinned
with ``?as_of=`` keeps showing what an article was published with.  A request takes one
:class:`Snapshot` at its start and reads only that object, so a response never mixes two snapshots; the
caches derived from a snapshot (datasets, verdicts, figures, pages) live on the object and die with it.

A damaged snapshot (a missing file, or one whose bytes no longer match the checksum in its provenance) is
never served half-loaded: :func:`verify` checks a folder's files without reading a table (no pandas, so
start-up can afford it), :func:`load` refuses it naming the file, and the app's store
(``context.AppStore``) serves the latest whole published snapshot instead, or refuses to start.

pandas (~0.3 s to import with numpy) is imported when the first snapshot is loaded, not with this module:
the app starts and answers its index page without it (the bench's cold start), and the warm-up thread
the first request starts loads it then.  The modules between here and the pages import pandas the same
way, for annotations only or in the functions that build frames (tests/test_cold_start_imports.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Hashable, Mapping

from dashboard import provenance as prov_mod
from dashboard import schemas
from dashboard.provenance import Provenance, ProvenanceError

if TYPE_CHECKING:
    import pandas as pd

TABLES = tuple(schemas.TABLES)
POINTER = "CURRENT"
FOLDER = "snapshots"
LEDGER = "claims.json"
# <date>[-<n>]: the day the snapshot was made, and a sequence number for a second one that day.
_ID = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-(\d+))?$")


class SnapshotError(RuntimeError):
    """A snapshot that cannot be served: a missing, truncated or altered file; the message names it.
    (A RuntimeError: gunicorn's master prints its message alone and exits when loading the app raises one.)"""


@dataclass(frozen=True)
class Damage:
    """The snapshot the pointer names, when an earlier one is served instead: its id and why (naming the file)."""

    id: str
    reason: str


def parse_id(snapshot_id: str) -> tuple[str, int]:
    """"2026-12-02-2" -> ("2026-12-02", 2); ValueError for anything else."""
    match = _ID.match(snapshot_id)
    if not match:
        raise ValueError(f"not a snapshot id: {snapshot_id!r}")
    return match.group(1), int(match.group(2) or 1)


_MISSING = object()


class Memo:
    """A bounded, thread-safe cache whose values are built once per key (single flight).

    Concurrent requests for the same key wait for the one build; a build that raises is not cached.
    """

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._building: dict[Hashable, Future] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        # A hit reads without waiting for the lock (one dict lookup, atomic under the GIL): a reply asked for
        # thousands of times a second by a worker's threads must not queue on it.  Its recency is updated
        # only if the lock is free at that moment, so eviction is least-recently-used, nearly.
        found = self._values.get(key, _MISSING)
        if found is not _MISSING:
            if self._lock.acquire(blocking=False):
                try:
                    if key in self._values:
                        self._values.move_to_end(key)
                finally:
                    self._lock.release()
            return found
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            pending = self._building.get(key)
            if pending is None:
                pending = self._building[key] = Future()
                owner = True
            else:
                owner = False
        if not owner:
            return pending.result()
        try:
            value = build()
        except BaseException as exc:
            with self._lock:
                del self._building[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            del self._building[key]
            self._values[key] = value
            while len(self._values) > self.maxsize:
                self._values.popitem(last=False)
        pending.set_result(value)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def peek(self, key: Hashable) -> Any:
        """The value kept for ``key``, or None; never builds, never waits (a lock-free read, as in ``get``)."""
        return self._values.get(key)


# Cache kinds held by every snapshot, with their bounds: a few large frames, many small renderings.
CACHE_SIZES = {"dataset": 32, "verdicts": 16, "figure": 512, "page": 256, "embed": 512, "download": 512,
               # every warmed chart state (warm_up: ~3,500 in 3 languages x 2 themes, ~6 kB each as zlib JSON)
               "reply": 4096,
               # Finished HTTP replies by exact address -> their bodies by content (shared between addresses).
               # A body lives while an address keeps it, so "http" bounds the memory: 512 bodies, at most
               # ~40 MB of map embeds (identity, brotli and gzip) per process however junky the addresses.
               "http": 512, "encoded": 256,
               "misc": 64}


@dataclass(frozen=True, eq=False)
class Snapshot:
    """All tables of one snapshot folder, validated, with their provenance.  Never mutate the frames."""

    id: str
    directory: Path
    frames: Mapping[str, pd.DataFrame]
    provenance: Mapping[str, Provenance]
    caches: Mapping[str, Memo] = field(default_factory=lambda: MappingProxyType(
        {kind: Memo(size) for kind, size in CACHE_SIZES.items()}), repr=False)

    @property
    def date(self) -> str:
        """The day the snapshot was made (its id without the sequence number); ``?as_of=`` names it."""
        return parse_id(self.id)[0]

    def frame(self, name: str) -> pd.DataFrame:
        """A copy of a table, so a caller cannot leak its changes into another reader's view."""
        return self.frames[name].copy()

    def cached(self, kind: str, key: Hashable, build: Callable[[], Any]) -> Any:
        """``build()`` once per key for this snapshot (bounded per kind); later calls get the same object."""
        return self.caches[kind].get(key, build)

    @property
    def ledger_path(self) -> Path:
        return self.directory / LEDGER


def read_table(path: Path, name: str) -> pd.DataFrame:
    """Read one snapshot CSV and cast it to its contract (no validation)."""
    import pandas as pd

    # keep_default_na=False + na_values=[""]: a country code "NA" (Namibia) must not turn into a gap.
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    return schemas.coerce(df, name)


def _checked_provenance(data_path: Path) -> Provenance:
    prov = prov_mod.read(prov_mod.path_for(data_path))
    try:
        actual = prov_mod.checksum(data_path)
    except FileNotFoundError as exc:
        raise SnapshotError(f"{data_path}: missing data file") from exc
    except OSError as exc:
        raise SnapshotError(f"{data_path}: not readable: {exc.strerror or exc}") from exc
    if actual != prov.checksum:  # (the checksums shortened to 12 digits: enough to tell them apart in a log)
        raise SnapshotError(f"{data_path}: checksum {actual[:19]}... does not match its provenance's "
                            f"{prov.checksum[:19]}...: the file was changed or truncated after it was written")
    return prov


def verify(directory: Path) -> dict[str, Provenance]:
    """Every table and the ledger of a snapshot folder present, with a valid provenance file whose checksum
    the file's bytes match; no table is read (no pandas: ~1 ms for the shipped snapshot, what start-up can
    afford).  Returns the tables' provenance; :class:`SnapshotError` names the first damaged file."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SnapshotError(f"{directory}: no such snapshot folder")
    try:
        provs = {name: _checked_provenance(directory / f"{name}.csv") for name in TABLES}
        _checked_provenance(directory / LEDGER)
    except ProvenanceError as exc:
        raise SnapshotError(str(exc)) from exc
    return provs


def load(directory: Path) -> Snapshot:
    """Read and validate every table of a snapshot folder; :class:`SnapshotError` names a damaged file."""
    import pandas as pd

    directory = Path(directory)
    provs = verify(directory)
    frames = {}
    for name in TABLES:
        path = directory / f"{name}.csv"
        try:
            df = schemas.validate(read_table(path, name), name)
        except schemas.SchemaError as exc:
            raise SnapshotError(f"{path}: {exc}") from exc
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
            raise SnapshotError(f"{path}: not a readable CSV: {exc}") from exc
        df.flags.allows_duplicate_labels = False
        frames[name] = df
    return Snapshot(directory.name, directory, MappingProxyType(frames), MappingProxyType(provs))


class Store:
    """The snapshots under one data folder: which is current, which exist, each loaded once.

    Loaded snapshots are kept in a small LRU (the current one and a few pinned by ``as_of``), so their
    caches live as long as the snapshot is in use and go with it.
    """

    def __init__(self, root: Path, keep: int = 4):
        self.root = Path(root).resolve()
        self._loaded: OrderedDict[str, Snapshot] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        return self.root / FOLDER

    def pointer_id(self) -> str:
        """The id the pointer file names (one small file read); :class:`SnapshotError` names the file when it
        is missing, unreadable or names no snapshot."""
        pointer = self.root / POINTER
        try:
            snapshot_id = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError as exc:
            raise SnapshotError(f"{pointer}: no current snapshot (the pointer file is missing)") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise SnapshotError(f"{pointer}: the pointer file is not readable text: {exc}") from exc
        if not _ID.match(snapshot_id):
            shown = f"{snapshot_id[:40]!r}" if snapshot_id else "nothing"
            raise SnapshotError(f"{pointer}: the pointer file holds {shown}, not a snapshot id (one line, like "
                                "2026-11-25): no current snapshot")
        return snapshot_id

    def current_id(self) -> str:
        return self.serving()[0]

    def serving(self) -> tuple[str, Damage | None]:
        """(the snapshot to serve now, the damage of the one the pointer names if another is served): here
        always the pointer's; the app's store (``context.AppStore``) serves an earlier one instead of a damaged one."""
        return self.pointer_id(), None

    def ids(self) -> list[str]:
        """Every snapshot folder, oldest first (temp folders of an unfinished refresh left out)."""
        if not self.folder.is_dir():
            return []
        found = [p.name for p in self.folder.iterdir() if p.is_dir() and _ID.match(p.name)]
        return sorted(found, key=parse_id)

    def get(self, snapshot_id: str) -> Snapshot:
        parse_id(snapshot_id)
        with self._lock:
            if snapshot_id in self._loaded:
                self._loaded.move_to_end(snapshot_id)
                return self._loaded[snapshot_id]
        snap = load(self.folder / snapshot_id)
        with self._lock:
            snap = self._loaded.setdefault(snapshot_id, snap)
            self._loaded.move_to_end(snapshot_id)
            while len(self._loaded) > self._keep:
                self._loaded.popitem(last=False)
        return snap

    def loaded(self, snapshot_id: str) -> Snapshot | None:
        """The snapshot if this process has loaded it already, else None (never reads a file)."""
        with self._lock:
            return self._loaded.get(snapshot_id)

    def current(self) -> Snapshot:
        """The snapshot the pointer names now (one small file read; the tables are loaded once)."""
        return self.get(self.current_id())

    def published(self) -> list[str]:
        """The snapshots that have been current: every folder up to the one the pointer names (a newer folder
        is a publish that was interrupted before its switch, and is never served)."""
        current = parse_id(self.pointer_id())
        return [i for i in self.ids() if parse_id(i) <= current]

    def on_or_before(self, date: str) -> str | None:
        """The latest published snapshot made on or before ``date`` (YYYY-MM-DD), or None."""
        earlier = [i for i in self.published() if parse_id(i)[0] <= date]
        return earlier[-1] if earlier else None

    def new_id(self, today: dt.date) -> str:
        """A fresh id for a snapshot made ``today`` (a second one that day gets ``-2``, and so on)."""
        day = today.isoformat()
        taken = [parse_id(i)[1] for i in self.ids() if parse_id(i)[0] == day]
        return day if not taken else f"{day}-{max(taken) + 1}"

    def switch(self, snapshot_id: str) -> None:
        """Make ``snapshot_id`` current: one atomic ``os.replace`` of the pointer file."""
        load(self.folder / snapshot_id)  # never point at a folder that cannot be served
        write_atomic(self.root / POINTER, (snapshot_id + "\n").encode())


def write_atomic(path: Path, raw: bytes) -> None:
    """Write to a temp file beside ``path``, fsync, then ``os.replace``: readers see the old or the new file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def publish(store: Store, base: Snapshot, files: Mapping[str, bytes], today: dt.date,
            derived: Callable[[Snapshot], Mapping[str, bytes]] | None = None) -> str:
    """A new snapshot made current: ``base``'s files with ``files`` (file name -> bytes) replacing or adding
    to them.  Written under a temp name, loaded back and validated like any snapshot, renamed into place,
    and only then made current by the pointer's one ``os.replace``; on any failure nothing is left.
    ``derived(new snapshot)``: more files computed from the new snapshot (the verdicts' log), written
    before it becomes current."""
    store.folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=store.folder, prefix=".new-"))
    try:
        for path in base.directory.iterdir():
            if path.is_file() and path.name not in files:
                shutil.copy2(path, staging / path.name)
        for name, raw in files.items():
            (staging / name).write_bytes(raw)
        for path in staging.iterdir():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        staged = load(staging)
        snapshot_id = store.new_id(today)
        if derived is not None:
            for name, raw in derived(dataclasses.replace(staged, id=snapshot_id)).items():
                with (staging / name).open("wb") as fh:
                    fh.write(raw)
                    fh.flush()
                    os.fsync(fh.fileno())
        os.rename(staging, store.folder / snapshot_id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    store.switch(snapshot_id)
    return snapshot_id


def clean_leftovers(store: Store) -> list[str]:
    """Temp folders and files an interrupted publish left behind (never a published snapshot)."""
    removed = []
    leftovers = [*store.folder.glob(".new-*"), *store.root.glob(f".{POINTER}.*.tmp")] if store.root.is_dir() else []
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed
