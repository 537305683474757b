"""The ``kz-emigration`` command: refresh the snapshot, serve the dashboard."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard import settings


def _refresh(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from dashboard import refresh
    from dashboard.sources._http import make_session

    sources = args.source or list(refresh.SOURCES)
    outcome = refresh.run(Path(args.data_dir), sources, make_session(), progress=tqdm)
    if not outcome.ok:
        for source, reason in outcome.failures:
            print(f"refresh failed: {reason}" if reason.startswith(source) else f"refresh failed: {source}: {reason}",
                  file=sys.stderr)
        print("The snapshot was left unchanged.", file=sys.stderr)
        return 1
    print(f"refreshed {', '.join(outcome.written)} in {args.data_dir}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from dashboard.app import create_app

    create_app().run(host=args.host, port=args.port, debug=args.debug)
    return 0


def parser() -> argparse.ArgumentParser:
    from dashboard.refresh import SOURCES

    p = argparse.ArgumentParser(prog="kz-emigration", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("refresh", help="pull live data and swap it into the snapshot atomically")
    r.add_argument("--source", action="append", choices=sorted(SOURCES),
                   help="refresh only this source (repeatable); default: all")
    r.add_argument("--data-dir", default=str(settings.data_dir()), help="snapshot folder (default: %(default)s)")
    r.set_defaults(func=_refresh)
    s = sub.add_parser("serve", help="start the dashboard on the snapshot (development server)")
    s.add_argument("--host", default=settings.get("HOST"))
    s.add_argument("--port", type=int, default=int(settings.get("PORT")))
    s.add_argument("--debug", action="store_true")
    s.set_defaults(func=_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
