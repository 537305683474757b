"""Provenance files (``<table>.provenance.json`` beside each data file) and source lines derived from them."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dashboard.i18n import _

REQUIRED = ("producer", "title", "url", "date_accessed", "date_published", "licence", "checksum", "revision")
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Provenance:
    producer: str
    title: str
    url: str
    date_accessed: str
    date_published: str
    licence: str
    checksum: str
    revision: str
    short: str = ""  # short producer name for source lines, e.g. "BNS"
    definition: str = ""  # what the numbers count, for the definition badge
    caveats: tuple[str, ...] = field(default=())

    @property
    def as_of(self) -> str:
        """The "data as of" date: the publication date where it is a date, else the access date."""
        return self.date_published if _ISO_DATE.match(self.date_published) else self.date_accessed

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"


def path_for(data_path: Path) -> Path:
    """``data/wdi.csv`` -> ``data/wdi.provenance.json``."""
    return data_path.with_name(data_path.name.split(".")[0] + ".provenance.json")


def checksum_bytes(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def checksum(path: Path) -> str:
    return checksum_bytes(Path(path).read_bytes())


def read(path: Path) -> Provenance:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    missing = [k for k in REQUIRED if not str(raw.get(k, "")).strip()]
    if missing:
        raise ValueError(f"{path}: provenance lacks {missing}")
    raw["caveats"] = tuple(raw.get("caveats", ()))
    return Provenance(**raw)


def source_line(provs: list[Provenance] | Provenance, lang: str = "en", revision: str | None = None) -> str:
    """"Source: World Bank WDI; UN DESA (revision 2020). Data as of 2026-07." -- derived, never typed.

    ``revision`` names the one revision a chart shows where a table holds several (UN DESA).
    """
    provs = [provs] if isinstance(provs, Provenance) else list(provs)
    parts = []
    for p in provs:
        label = p.short or p.producer
        if revision and p.short == "UN DESA":
            label += " " + _("(revision {revision})", lang, revision=revision)
        if label not in parts:
            parts.append(label)
    as_of = max(p.as_of for p in provs)
    return _("Source: {sources}. Data as of {date}.", lang, sources="; ".join(parts), date=as_of)
