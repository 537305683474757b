"""kz-emigration: serve the dashboard, refresh the snapshot, amend a curated table."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from dashboard import settings

GUNICORN_CONFIG = "python:dashboard.gunicorn_config"


def _refresh(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from dashboard import refresh
    from dashboard.claims import log
    from dashboard.sources._http import make_session

    sources = args.source or list(refresh.SOURCES)
    # The new snapshot carries the verdicts' log: the current one's, and what the new data changed.
    outcome = refresh.run(Path(args.data_dir), sources, make_session(), progress=tqdm, derived=log.for_publish)
    if not outcome.ok:
        for source, reason in outcome.failures:
            print(f"refresh failed: {reason}" if reason.startswith(source) else f"refresh failed: {source}: {reason}",
                  file=sys.stderr)
        print("The snapshot was left unchanged.", file=sys.stderr)
        return 1
    print(f"refreshed {', '.join(outcome.written)}: snapshot {outcome.snapshot} is now current in {args.data_dir}")
    return 0


def _amend(args: argparse.Namespace) -> int:
    """A curated table (BNS releases, EEC figures, the claims ledger) corrected by hand, as a new snapshot."""
    from dashboard import provenance, snapshots
    from dashboard.claims import LedgerError, log

    store = snapshots.Store(Path(args.data_dir))
    snapshots.clean_leftovers(store)  # what an interrupted refresh or amend left behind
    current = store.current()
    raw = Path(args.file).read_bytes()
    name = snapshots.LEDGER if args.table == "claims" else f"{args.table}.csv"
    prov_path = provenance.path_for(current.directory / name)
    prov = provenance.read(Path(args.provenance)) if args.provenance else provenance.read(prov_path)
    prov = prov.model_copy(update={"checksum": provenance.checksum_bytes(raw)})
    files = {name: raw, prov_path.name: prov.to_json().encode("utf-8")}
    try:
        # The verdicts' log comes along (an amended ledger or table may turn a verdict); a ledger the claims
        # cannot be read from is refused here rather than published.
        snapshot_id = snapshots.publish(store, current, files, dt.date.today(), log.for_publish(current))
    except (snapshots.SnapshotError, LedgerError) as exc:
        print(f"amend failed: {exc}\nThe snapshot was left unchanged.", file=sys.stderr)
        return 1
    print(f"snapshot {snapshot_id} (from {current.id}, {name} replaced) is now current")
    return 0


def _bake(args: argparse.Namespace) -> int:
    import time

    from dashboard import bake, snapshots, static_files

    started = time.perf_counter()
    static = static_files.StaticFiles(static_files.package_files(settings.assets_dir()))
    try:
        made = bake.bake(Path(args.out), snapshots.Store(Path(args.data_dir)), static, site=args.site,
                         only=args.chart or ())
    except (bake.BakeError, snapshots.SnapshotError) as exc:
        print(f"bake failed: {exc}", file=sys.stderr)
        return 1
    print(f"baked snapshot {made['snapshot']} into {args.out} in {time.perf_counter() - started:.0f} s: "
          f"{made['pages']} embed pages of {len(made['charts'])} charts, {made['data_files']} data files, "
          f"{made['assets']} assets")
    return 0


def _serve(args: argparse.Namespace) -> int:
    if args.debug:  # Flask's development server, with reloading: for local work only
        from dashboard.app import create_app

        create_app().run(host=args.host, port=args.port, debug=True)
        return 0
    # The Procfile's gunicorn, with its settings; exec so that signals reach gunicorn itself.
    argv = [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG, "--bind", f"{args.host}:{args.port}",
            "dashboard.app:server"]
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover (exec does not return)


def parser() -> argparse.ArgumentParser:
    from dashboard.refresh import SOURCES
    from dashboard.schemas import TABLES

    p = argparse.ArgumentParser(prog="kz-emigration", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="start the dashboard on the current snapshot (gunicorn, as the Procfile runs it)")
    s.add_argument("--host", default=settings.get("HOST"), help="address to listen on (default: %(default)s)")
    s.add_argument("--port", type=int, default=int(settings.get("PORT")), help="port (default: %(default)s)")
    s.add_argument("--debug", action="store_true", help="Flask's development server with reloading, for local work")
    s.set_defaults(func=_serve)
    r = sub.add_parser("refresh", help="pull live data into a new snapshot and make it current atomically")
    r.add_argument("--source", action="append", choices=sorted(SOURCES),
                   help="refresh only this source (repeatable); default: all")
    r.add_argument("--data-dir", default=str(settings.data_dir()), help="data folder (default: %(default)s)")
    r.set_defaults(func=_refresh)
    a = sub.add_parser("amend", help="publish a hand-corrected curated table as a new snapshot")
    a.add_argument("table", choices=sorted([*TABLES, "claims"]), help="the table to replace")
    a.add_argument("file", help="the corrected CSV (or claims.json)")
    a.add_argument("--provenance", help="a new provenance file for it (default: the current one, checksum updated)")
    a.add_argument("--data-dir", default=str(settings.data_dir()), help="data folder (default: %(default)s)")
    a.set_defaults(func=_amend)
    b = sub.add_parser("bake", help="write every embed, its data files and the assets as static files, for any "
                                    "static host or CDN")
    b.add_argument("out", help="folder to write (new, empty, or a previous bake, which is replaced whole)")
    b.add_argument("--site", help="the live dashboard's address, for the embeds' 'Open the full chart' links "
                                  "(default: no such link)")
    b.add_argument("--chart", action="append", help="bake only this chart id (repeatable); default: every chart")
    b.add_argument("--data-dir", default=str(settings.data_dir()), help="data folder (default: %(default)s)")
    b.set_defaults(func=_bake)
    return p


def main(argv: list[str] | None = None) -> int:
    from dashboard.snapshots import SnapshotError

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except SnapshotError as exc:  # a damaged current snapshot: one line naming the file, never a traceback
        print(f"{args.command} failed: {exc}\nNothing was changed.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
