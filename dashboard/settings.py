"""Every setting in one declarative place: name, default, help; read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("KZ_DATA_DIR", str(PACKAGE_ROOT / "data"), "Folder holding the snapshot (data files + provenance)."),
    Setting("KZ_ASSETS_DIR", str(PACKAGE_ROOT / "assets"), "Folder of static assets (CSS, JS, map shapes)."),
    Setting("HOST", "127.0.0.1", "Address `kz-emigration serve` listens on."),
    Setting("PORT", "8050", "Port `kz-emigration serve` and gunicorn listen on."),
    Setting("WEB_CONCURRENCY", "2", "gunicorn worker processes (Procfile)."),
    Setting("GUNICORN_THREADS", "4", "gunicorn threads per worker (Procfile)."),
    Setting("KZ_EMBED_FRAME_ANCESTORS", "*", "Who may frame /embed/* pages (CSP frame-ancestors), space-separated."),
    Setting("REDIS_URL", "", "Redis shared by every worker and instance for rendered embeds and chart replies "
            "(e.g. redis://localhost:6379/0); empty: each process keeps its own."),
    Setting("KZ_WARM_UP", "1", "Build the pages' chart replies for every bounded control state in the background, "
            "once per snapshot and process, from the first request on (0: off; each state is then built by its "
            "first reader)."),
    Setting("KZ_FIRST_VIEW", "1", "Draw each page's first chart from its HTML before Dash starts, once the view is "
            "built (the warm-up builds the pages' defaults; another address's view is built in the background "
            "for its next reader). 0: off, the pages as Dash renders them."),
    Setting("KZ_TRUSTED_PROXIES", "0", "How many reverse proxies in front of the app to trust for X-Forwarded-Proto, "
            "-Host, -Port and -Prefix (0: none; 1 behind one TLS-terminating proxy)."),
    Setting("KZ_WORLDBANK_URL", "https://api.worldbank.org/v2", "Base address of the World Bank API v2 that "
            "`kz-emigration refresh` reads (a mirror, or a local test server)."),
    Setting("KZ_UNDESA_URL", "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files",
            "Folder address of UN DESA's migrant stock workbooks that `kz-emigration refresh` reads."),
    Setting("KZ_BNS_URL", "https://stat.gov.kz", "Base address of the BNS (stat.gov.kz) dynamic-table API that "
            "`kz-emigration refresh` reads."),
    Setting("KZ_REFRESH_TIMEOUT", "60", "Seconds `refresh` waits for a source to connect or to send more of its "
            "reply before that attempt fails; the body of a reply may take ten times this."),
    Setting("KZ_REFRESH_RETRIES", "3", "How many times `refresh` retries a request after a 429, a 5xx, a timeout "
            "or a reset connection, with exponential backoff (0, 2, 4 s, ...)."),
    Setting("KZ_REFRESH_RETRY_AFTER_MAX", "30", "Longest wait in seconds `refresh` honours from a source's "
            "Retry-After before retrying; a longer one is cut to this."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The setting's value: the environment's if set, else its default."""
    return os.environ.get(name, _BY_NAME[name].default)


def enabled(name: str) -> bool:
    """An on/off setting: anything but "0", "", "false" or "no" is on."""
    return get(name) not in ("0", "", "false", "no")


def data_dir() -> Path:
    return Path(get("KZ_DATA_DIR"))


def assets_dir() -> Path:
    return Path(get("KZ_ASSETS_DIR"))
