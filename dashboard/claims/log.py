"""The verdicts' dated log, kept with each snapshot (``verdict_log.json``): every claim's first verdict and
every change of verdict from one published snapshot to the next, with the summary a reader saw then.

``refresh`` writes the new snapshot's log (the current one's entries and the new changes) before the new
snapshot becomes current, so the log travels with the data it was computed from; ``GET /claims.atom``
(``routes``) is a feed of its entries.  ``python -m dashboard.claims.log rebuild [DATA_DIR]`` recomputes
the logs of every published snapshot, oldest first, from the snapshots themselves (the shipped ones
were written so).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Mapping

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from dashboard import i18n, settings
from dashboard.claims import evaluate_all, ledger
from dashboard.snapshots import Snapshot, SnapshotError, Store, write_atomic

FILE = "verdict_log.json"


class Entry(BaseModel):
    """A claim's verdict as one snapshot decided it, where it differs from the snapshot before."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: str  # the snapshot's date (YYYY-MM-DD)
    snapshot: str  # its id
    claim: str
    before: str | None  # None: the claim's first verdict
    after: str
    summary: Mapping[str, str]  # the verdict's sentence in each language, as it read then


_LOG = TypeAdapter(list[Entry])


def _entries(path: Path) -> list[Entry]:
    if not path.exists():
        return []
    try:
        return _LOG.validate_json(path.read_bytes())
    except ValidationError as exc:  # truncated or edited by hand: a damaged snapshot file (a 503 naming it)
        raise SnapshotError(f"{path}: not a verdicts' log ({exc.error_count()} errors, the first: "
                            f"{exc.errors()[0]['msg']})") from exc


def _dump(entries: list[Entry]) -> bytes:
    return _LOG.dump_json(entries, indent=1) + b"\n"


def read(snap: Snapshot) -> list[Entry]:
    """The snapshot's log, oldest entry first; [] for a snapshot without one (read once per snapshot)."""
    return snap.cached("misc", "verdict-log", lambda: _entries(snap.directory / FILE))


def changes(before: Snapshot | None, after: Snapshot) -> list[Entry]:
    """What ``after`` decided differently from ``before`` (every claim, if there is no ``before``)."""
    old = {k: v.verdict for k, v in evaluate_all(before).items()} if before is not None else {}
    summaries = {lang: evaluate_all(after, lang) for lang in i18n.LANGUAGES}
    out = []
    for claim in ledger(after):
        verdict = summaries[i18n.DEFAULT_LANGUAGE][claim.id].verdict
        if old.get(claim.id) != verdict:
            out.append(Entry(date=after.date, snapshot=after.id, claim=claim.id, before=old.get(claim.id),
                             after=verdict, summary={lang: found[claim.id].summary for lang, found in summaries.items()}))
    return out


def for_publish(before: Snapshot):
    """What ``snapshots.publish`` writes into a new snapshot before it becomes current (refresh's hook):
    ``before``'s log (begun with its own verdicts if it has none: a data folder older than the log), then
    what the new snapshot changed."""
    def files(after: Snapshot) -> dict[str, bytes]:
        path = before.directory / FILE
        entries = _entries(path) if path.exists() else changes(None, before)
        return {FILE: _dump(entries + changes(before, after))}

    return files


def rebuild(store: Store) -> list[Path]:
    """Every published snapshot's log, recomputed oldest first from the snapshots themselves."""
    written, previous, entries = [], None, []
    for snapshot_id in store.published():
        snap = store.get(snapshot_id)
        entries = entries + changes(previous, snap)
        write_atomic(snap.directory / FILE, _dump(entries))
        written.append(snap.directory / FILE)
        previous = snap
    return written


if __name__ == "__main__":  # python -m dashboard.claims.log rebuild [DATA_DIR]
    if sys.argv[1:2] != ["rebuild"]:
        sys.exit("usage: python -m dashboard.claims.log rebuild [DATA_DIR]")
    for found in rebuild(Store(Path(sys.argv[2] if len(sys.argv) > 2 else settings.data_dir()))):
        print(found)
