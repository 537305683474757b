"""The one accessor the app reads: loads the snapshot once, validates it, hands out copies."""

from __future__ import annotations

import contextlib
import contextvars
import functools
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import pandas as pd

from dashboard import provenance as prov_mod
from dashboard import schemas, settings
from dashboard.provenance import Provenance

TABLES = tuple(schemas.TABLES)
ARCHIVE = "archive"  # data/archive/<snapshot date>/: earlier snapshots, kept by refresh for pinned embeds

# The snapshot folder pinned for the current request (an embed with ?as_of=...).  A context
# variable, not module state: each request/thread sees only its own pin.
_PINNED: contextvars.ContextVar[Path | None] = contextvars.ContextVar("kz_pinned_snapshot", default=None)


@dataclass(frozen=True)
class Snapshot:
    """All tables of one snapshot, validated, with their provenance.  Never mutate the frames."""

    directory: Path
    frames: Mapping[str, pd.DataFrame]
    provenance: Mapping[str, Provenance]
    signature: tuple

    def frame(self, name: str) -> pd.DataFrame:
        """A copy of a table, so a caller cannot leak its changes into another reader's view."""
        return self.frames[name].copy()


def read_table(path: Path, name: str) -> pd.DataFrame:
    """Read one snapshot CSV and cast it to its contract (no validation)."""
    # keep_default_na=False + na_values=[""]: a country code "NA" (Namibia) must not turn into a gap.
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    return schemas.coerce(df, name)


def _signature(directory: Path) -> tuple:
    """Changes whenever refresh swaps a file in (os.replace gives a new inode and mtime)."""
    out = []
    for name in TABLES:
        st = (directory / f"{name}.csv").stat()
        out.append((name, st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(out)


@functools.lru_cache(maxsize=2)
def _load(directory: Path, signature: tuple) -> Snapshot:
    frames, provs = {}, {}
    for name in TABLES:
        path = directory / f"{name}.csv"
        df = schemas.validate(read_table(path, name), name)
        df.flags.allows_duplicate_labels = False
        frames[name] = df
        provs[name] = prov_mod.read(prov_mod.path_for(path))
    return Snapshot(directory, MappingProxyType(frames), MappingProxyType(provs), signature)


def snapshot(directory: Path | None = None) -> Snapshot:
    """The current snapshot; read from disk once per version of the files, then served from memory."""
    directory = Path(directory or _PINNED.get() or settings.data_dir()).resolve()
    return _load(directory, _signature(directory))


def snapshot_date(snap: Snapshot) -> str:
    """A snapshot's name for ``?as_of=``: the latest date any of its tables was accessed."""
    return max(p.date_accessed for p in snap.provenance.values())


def archived(directory: Path | None = None) -> dict[str, Path]:
    """Earlier snapshots kept under data/archive/, by snapshot date."""
    root = Path(directory or settings.data_dir()) / ARCHIVE
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir()} if root.is_dir() else {}


@contextlib.contextmanager
def pinned(directory: Path | None):
    """Within this block, ``snapshot()`` reads ``directory`` (None: the current snapshot)."""
    token = _PINNED.set(Path(directory) if directory else None)
    try:
        yield
    finally:
        _PINNED.reset(token)


def frame(name: str, directory: Path | None = None) -> pd.DataFrame:
    return snapshot(directory).frame(name)


def provenance(name: str, directory: Path | None = None) -> Provenance:
    return snapshot(directory).provenance[name]
