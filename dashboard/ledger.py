"""The claims ledger (``data/claims.json``): each claim of the article, its query and the rule that decides it.

Loading validates every field and names the claim and field at fault; the ledger never holds a verdict
(``dashboard.claims`` computes them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from dashboard import datasets, events, settings

LEDGER_FILE = "claims.json"


class LedgerError(ValueError):
    """A malformed ledger entry; the message names the claim and the field."""


# --- the ledger -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    name: str
    params: Mapping[str, Any]  # read-only; nested lists are tuples, nested objects read-only mappings

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    def __hash__(self) -> int:  # params is a read-only mapping (unhashable): hash its JSON form
        return hash((self.name, json.dumps(_thaw(self.params), sort_keys=True)))


@dataclass(frozen=True)
class Query:
    dataset: str | None  # None only for events
    measure: str | None
    countries: tuple[str, ...]
    first: int | None  # None: the first year of the series
    last: int | None  # None: the last year of the series
    rule: Rule


@dataclass(frozen=True)
class Chart:
    path: str  # page path, e.g. "/trends"
    query: str  # URL query string, "" or starting with "?"

    @property
    def href(self) -> str:
        return self.path + self.query


@dataclass(frozen=True)
class Claim:
    id: str
    paraphrase: str  # the project's own words
    quote: str  # at most one short sentence from the article
    attribution: str
    article_url: str
    article_date: str
    written: int  # last full year of data when the article was written
    query: Query
    chart: Chart
    note: str = ""


# Rule name -> (required params, optional params with defaults).
RULES: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "range": (("low", "high"), {"recent_years": 3}),
    "rank": (("target", "sources"), {"min_members": 3, "recent_years": 3}),
    "presence": (("revision",), {"unchecked": ""}),
    "rank_destination": (("target", "revision", "top"), {"flows": None}),
    "coverage": ((), {"alternative": None}),
    "event": (("date",), {}),
}
_FIELDS = {"id": str, "paraphrase": str, "quote": str, "attribution": str, "article_url": str,
           "article_date": str, "written": int, "query": dict, "chart": dict}
_OPTIONAL = {"note": str}
_QUERY_FIELDS = ("dataset", "measure", "countries", "period", "rule")
MAX_QUOTE = 200


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _check_rule(cid: str, raw: Any) -> Rule:
    def fail(msg: str) -> LedgerError:
        return LedgerError(f"claim '{cid}': rule: {msg}")

    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise fail("must be an object with a 'name'")
    name = raw["name"]
    if name not in RULES:
        raise fail(f"unknown rule {name!r}; known: {', '.join(RULES)}")
    required, optional = RULES[name]
    params = {k: v for k, v in raw.items() if k != "name"}
    missing = [k for k in required if k not in params]
    unknown = [k for k in params if k not in required and k not in optional]
    if missing:
        raise fail(f"'{name}' lacks {missing}")
    if unknown:
        raise fail(f"'{name}' does not take {unknown}")
    params = {**optional, **params}
    if name == "range":
        low, high = params["low"], params["high"]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)) or low > high:
            raise fail("'low' and 'high' must be numbers with low <= high")
    if name in ("rank", "range") and (not isinstance(params["recent_years"], int) or params["recent_years"] < 1):
        raise fail("'recent_years' must be a positive integer")
    if name == "rank":
        sources = params["sources"]
        if not isinstance(sources, list) or not sources or not all(
                isinstance(s, dict) and s.get("dataset") in ("eaeu", "eec") and isinstance(s.get("measure"), str)
                for s in sources):
            raise fail("'sources' must be a list of {dataset: eaeu | eec, measure}")
    if name in ("presence", "rank_destination") and params["revision"] not in (2020, 2024):
        raise fail("'revision' must be 2020 or 2024")
    if name == "rank_destination" and (not isinstance(params["top"], int) or params["top"] < 1):
        raise fail("'top' must be a positive integer")
    if name == "event":
        try:
            events.Event(params["date"], "", "", "")
        except (ValueError, TypeError) as exc:
            raise fail(str(exc)) from exc
    return Rule(name, _freeze(params))


def _check_claim(raw: Any, index: int) -> Claim:
    if not isinstance(raw, dict):
        raise LedgerError(f"claim #{index + 1}: must be an object")
    cid = raw.get("id")
    if not isinstance(cid, str) or not cid.strip():
        raise LedgerError(f"claim #{index + 1}: missing field 'id'")

    def fail(msg: str) -> LedgerError:
        return LedgerError(f"claim '{cid}': {msg}")

    for key, kind in _FIELDS.items():
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise fail(f"missing field '{key}'")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise fail(f"field '{key}' must be {kind.__name__}")
    unknown = [k for k in raw if k not in _FIELDS and k not in _OPTIONAL]
    if unknown:  # e.g. a typed-in "verdict": verdicts are computed, never stored
        raise fail(f"unknown fields {unknown}")
    if len(raw["quote"]) > MAX_QUOTE:
        raise fail(f"quote is longer than {MAX_QUOTE} characters (at most one short sentence)")
    if not raw["article_url"].startswith("https://"):
        raise fail("article_url must start with https://")
    q = raw["query"]
    missing = [k for k in _QUERY_FIELDS if k not in q]
    if missing:
        raise fail(f"query lacks {missing}")
    rule = _check_rule(cid, q["rule"])
    dataset = q["dataset"]
    if rule.name == "event":
        if dataset is not None and dataset not in datasets.DATASETS:
            raise fail(f"query.dataset {dataset!r} is not a dataset")
    elif dataset not in datasets.DATASETS:
        raise fail(f"query.dataset {dataset!r} is not one of {', '.join(datasets.DATASETS)}")
    countries = q["countries"]
    if not isinstance(countries, list) or not all(isinstance(c, str) and len(c) == 3 for c in countries):
        raise fail("query.countries must be a list of ISO3 codes")
    period = q["period"]
    if not isinstance(period, dict) or set(period) != {"first", "last"}:
        raise fail("query.period must be {first, last} (years, or null for the series' own ends)")
    first, last = period["first"], period["last"]
    if any(v is not None and (not isinstance(v, int) or isinstance(v, bool)) for v in (first, last)):
        raise fail("query.period years must be integers or null")
    if first is not None and last is not None and first > last:
        raise fail(f"query.period first {first} is after last {last}")
    chart = raw["chart"]
    if not isinstance(chart.get("path"), str) or not chart["path"].startswith("/"):
        raise fail("chart.path must be a page path starting with '/'")
    cq = chart.get("query", "")
    if not isinstance(cq, str) or (cq and not cq.startswith("?")):
        raise fail("chart.query must be '' or start with '?'")
    return Claim(id=cid, paraphrase=raw["paraphrase"], quote=raw["quote"], attribution=raw["attribution"],
                 article_url=raw["article_url"], article_date=raw["article_date"], written=raw["written"],
                 query=Query(dataset, q["measure"], tuple(countries), first, last, rule),
                 chart=Chart(chart["path"], cq), note=raw.get("note", ""))


def ledger_path() -> Path:
    return settings.data_dir() / LEDGER_FILE


def load_ledger(path: Path | str | None = None) -> tuple[Claim, ...]:
    """The claims of the ledger, validated; :class:`LedgerError` names the first malformed claim."""
    path = Path(path or ledger_path())
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise LedgerError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(raw, list):
        raise LedgerError(f"{path}: must be a list of claims")
    claims = tuple(_check_claim(item, i) for i, item in enumerate(raw))
    seen: set[str] = set()
    for claim in claims:
        if claim.id in seen:
            raise LedgerError(f"claim '{claim.id}': duplicate id")
        seen.add(claim.id)
    return claims
