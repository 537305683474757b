"""Provenance files (``<table>.provenance.json`` beside each data file) and source lines derived from them.

The file's schema is the pydantic model :class:`Provenance`; ``docs/schemas/provenance.schema.json`` is
its JSON Schema, for editors (``python -m dashboard.schema_export`` writes it; a test keeps it in step).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dashboard import formatting
from dashboard.i18n import _

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CHECKSUM = re.compile(r"^sha256:[0-9a-f]{64}$")


class ProvenanceError(ValueError):
    """A provenance file that is missing, unreadable or incomplete; the message names the file and field."""


def _required_text(value: str) -> str:
    if not str(value).strip():
        raise ValueError("must not be empty")
    return value


class Provenance(BaseModel):
    """Where a table's figures come from: OWID's ``.dvc`` fields plus what a reader must be told."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    producer: str = Field(description="Who published the figures")
    title: str = Field(description="Title of the publication or table")
    url: str = Field(description="Where it is published")
    date_accessed: str = Field(description="When the figures were read (YYYY-MM-DD)")
    date_published: str = Field(description="When they were published (YYYY, YYYY-MM or YYYY-MM-DD, or words)")
    licence: str
    checksum: str = Field(description="sha256:<hex> of the data file's bytes")
    revision: str = Field(description="Revision, edition or curation note")
    short: str = Field("", description="Short producer name for source lines, e.g. 'BNS'")
    definition: str = Field("", description="What the numbers count (the definition badge)")
    caveats: tuple[str, ...] = Field((), description="What a reader must know, shown with the chart")

    _text = field_validator("producer", "title", "url", "date_published", "licence", "revision")(_required_text)

    @field_validator("date_accessed")
    @classmethod
    def _iso(cls, value: str) -> str:
        if not _ISO_DATE.match(value):
            raise ValueError("must be an ISO date")
        return value

    @field_validator("checksum")
    @classmethod
    def _sha(cls, value: str) -> str:
        if not _CHECKSUM.match(value):
            raise ValueError("must be 'sha256:' and 64 hex digits")
        return value

    @property
    def as_of(self) -> str:
        """The "data as of" date: the publication date where it is a date, else the access date."""
        return self.date_published if _ISO_DATE.match(self.date_published) else self.date_accessed

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def path_for(data_path: Path) -> Path:
    """``wdi.csv`` -> ``wdi.provenance.json``."""
    return data_path.with_name(data_path.name.split(".")[0] + ".provenance.json")


def checksum_bytes(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def checksum(path: Path) -> str:
    return checksum_bytes(Path(path).read_bytes())


def read(path: Path) -> Provenance:
    """A provenance file, validated; :class:`ProvenanceError` names the file and each bad field."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProvenanceError(f"{path}: missing provenance file") from exc
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProvenanceError(f"{path}: not readable JSON: {exc}") from exc
    try:
        return Provenance.model_validate(raw)
    except ValidationError as exc:
        fields = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors())
        raise ProvenanceError(f"{path}: {fields}") from exc


def source_line(provs: list[Provenance] | Provenance, lang: str = "en", revision: str | None = None) -> str:
    """"Source: World Bank WDI; UN DESA (revision 2020). Data as of 2026-07." -- derived, never typed.

    ``revision`` names the one revision a chart shows where a table holds several (UN DESA).
    """
    provs = [provs] if isinstance(provs, Provenance) else list(provs)
    parts: list[str] = []
    for p in provs:
        label = _(p.short or p.producer, lang)
        if revision and p.short == "UN DESA":
            label += " " + _("(revision {revision})", lang, revision=revision)
        if label not in parts:
            parts.append(label)
    as_of = max(p.as_of for p in provs)
    return formatting.sentence(_("Source: {sources}. Data as of {date}.", lang, sources="; ".join(parts),
                                 date=formatting.date(as_of, lang)))
