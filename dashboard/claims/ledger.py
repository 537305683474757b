"""The claims ledger (``claims.json`` in each snapshot folder) -> validated, immutable :class:`Claim` objects.

Each claim of the article: a paraphrase, a short quote, the query (dataset, measure, countries,
years) and a *rule with its parameters*.  It never holds a verdict (every verdict is computed from
the data, so verdicts follow a refresh): a typed-in ``verdict`` field is refused like any unknown
field.  The rule is a discriminated union on its ``name`` over every module of ``claims/rules/``.
``docs/schemas/claims.schema.json`` is the ledger's JSON Schema for editors (:func:`write_schema`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import (BaseModel, ConfigDict, Field, StrictInt, StringConstraints, TypeAdapter, ValidationError,
                      model_validator)

from dashboard.claims.rules import RULES
from dashboard.claims.rules.base import ISO3, DatasetName, RuleBase, Year

MAX_QUOTE = 200  # at most one short sentence from the article (quotation, not reproduction)
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "claims.schema.json"

Text = Annotated[str, StringConstraints(pattern=r"\S")]  # not empty, not blank
# An id is a URL path segment (/embed/claim/<id>, #claim-<id>).
ClaimId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
AnyRule = Annotated[Union[tuple(RULES.values())], Field(discriminator="name")]


class LedgerError(ValueError):
    """A malformed ledger; the message names the claim and the field at fault."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Period(_Frozen):
    """The claim's years; null: the series' own first or last year."""

    first: Year | None
    last: Year | None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.first is not None and self.last is not None and self.first > self.last:
            raise ValueError(f"first {self.first} is after last {self.last}")
        return self


class Query(_Frozen):
    """What the claim is checked against, and the rule that decides it."""

    dataset: DatasetName | None = Field(description="A public dataset; null only for a rule about an event")
    measure: Text | None
    countries: tuple[ISO3, ...]
    period: Period
    rule: AnyRule

    @model_validator(mode="after")
    def _dataset_needed(self) -> Query:
        if self.dataset is None and self.rule.needs_dataset:
            raise ValueError(f"rule {self.rule.name!r} reads a dataset: 'dataset' must name one")
        return self


class Chart(_Frozen):
    """Where the claim's full chart is: a page path and its URL query."""

    path: Annotated[str, StringConstraints(pattern=r"^/")]
    query: Annotated[str, StringConstraints(pattern=r"^(\?.*)?$")] = ""

    @property
    def href(self) -> str:
        return self.path + self.query


class Claim(_Frozen):
    """One claim of the article, as the ledger records it (never with a verdict)."""

    id: ClaimId
    paraphrase: Text = Field(description="The project's own words")
    quote: Annotated[Text, StringConstraints(max_length=MAX_QUOTE)] = Field(
        description=f"At most one short sentence from the article ({MAX_QUOTE} characters)")
    attribution: Text
    article_url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]
    article_date: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
    written: StrictInt = Field(ge=1900, le=2100, description="The last full year of data when the article was written")
    query: Query
    chart: Chart
    note: str = ""

    @property
    def rule(self) -> RuleBase:
        return self.query.rule


_LEDGER = TypeAdapter(list[Claim])


def _describe(exc: ValidationError) -> str:
    """pydantic's errors -> "query.rule.range.low: Field required; ..." (the field path first)."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(claim)"
        text = f"{loc}: {err['msg']}"
        if err["type"] == "extra_forbidden" and err["loc"][-1:] == ("verdict",):
            text += " (verdicts are computed from the data, never typed in)"
        elif isinstance(err.get("input"), (str, int, float)) and err["type"] != "missing":
            shown = repr(err["input"])
            text += f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
        parts.append(text)
    return "; ".join(parts)


def parse(raw: Any, source: str = "ledger") -> tuple[Claim, ...]:
    """A decoded ledger (a JSON list) -> its claims; :class:`LedgerError` names the first bad claim and field."""
    if not isinstance(raw, list):
        raise LedgerError(f"{source}: must be a list of claims")
    claims, seen = [], set()
    for index, item in enumerate(raw):
        cid = item.get("id") if isinstance(item, dict) else None
        name = f"claim '{cid}'" if isinstance(cid, str) and cid.strip() else f"claim #{index + 1}"
        try:
            claim = Claim.model_validate(item)
        except ValidationError as exc:
            raise LedgerError(f"{source}: {name}: {_describe(exc)}") from exc
        if claim.id in seen:
            raise LedgerError(f"{source}: {name}: duplicate id")
        seen.add(claim.id)
        claims.append(claim)
    return tuple(claims)


def load_ledger(path: Path | str) -> tuple[Claim, ...]:
    """Read and validate a ledger file."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LedgerError(f"{path}: not a readable JSON file: {exc}") from exc
    return parse(raw, str(path))


def _def_name(rule_name: str) -> str:
    """"rank_destination" -> "RankDestinationRule": the rule's name in the schema's definitions."""
    return "".join(part.title() for part in rule_name.split("_")) + "Rule"


def json_schema() -> dict:
    """The ledger's JSON Schema (a list of claims), generated from the models."""
    text = json.dumps(_LEDGER.json_schema())
    # Every rule class is called Rule, so pydantic names their definitions by module path: name them by tag.
    for name, rule in RULES.items():
        text = text.replace(f"{rule.__module__}.Rule".replace(".", "__") + '"', _def_name(name) + '"')
    schema = json.loads(text)
    for name in RULES:
        schema["$defs"][_def_name(name)]["title"] = f"Rule '{name}'"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Claims ledger",
            "description": "The article's claims, each with its query and the rule that decides it; verdicts "
                           "are computed from the data, never stored.", **schema}


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema(path: Path = SCHEMA_FILE) -> Path:
    """Write the JSON Schema for editors (a test checks the file is in step with the models)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    return path
