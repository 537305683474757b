"""The ledger file: pydantic models that refuse a malformed claim naming it and the field, a rule union that
picks up every module of ``claims/rules/``, and the JSON Schema editors validate the file with."""

from __future__ import annotations

import copy
import json
import pkgutil
import sys
import textwrap
import typing
from pathlib import Path

import pytest

import dashboard.claims.rules as rules_pkg
from dashboard import provenance
from dashboard.claims import LedgerError
from dashboard.claims.ledger import SCHEMA_FILE, Query, json_schema, load_ledger, parse, schema_text
from dashboard.claims.rules import RULES, discover
from tests.conftest import DATA

SHIPPED = DATA / "snapshots" / (DATA / "CURRENT").read_text(encoding="utf-8").strip() / "claims.json"
IDS = ["leave-30-50k", "eaeu-top-emigration", "mongolia-to-usa", "ukraine-key-destination", "thirty-years",
       "extradition-2019", "departure-2014"]


@pytest.fixture
def raw(snap) -> list[dict]:
    """The fixture snapshot's ledger as decoded JSON, for a test to break."""
    return json.loads(snap.ledger_path.read_text(encoding="utf-8"))


def test_the_ledger_loads_every_claim_of_the_article_in_reading_order(snap):
    claims = load_ledger(snap.ledger_path)
    assert [c.id for c in claims] == IDS
    assert {c.written for c in claims} == {2019}
    range_rule = claims[0].rule
    assert (range_rule.name, range_rule.low, range_rule.high, range_rule.recent_years) == ("range", 30000, 50000, 3)
    assert claims[3].rule.flows.dataset == "kz-destinations"
    assert claims[3].rule.top == 1, "'the key place of attraction' is the 1st destination, not a top 3"
    assert {c.id for c in claims if getattr(c.rule, "unchecked", "")} == {"mongolia-to-usa", "ukraine-key-destination"}
    assert claims[1].rule.min_members == 3 and claims[1].rule.recent_years == 3, "defaults fill what is left out"
    assert claims[0].chart.href == "/trends?measures=emigrants"
    hash(claims[0])  # frozen and hashable


def test_the_shipped_ledger_loads_too():
    assert [c.id for c in load_ledger(SHIPPED)] == IDS


@pytest.mark.parametrize("mutate, message", [
    (lambda raw: raw[1].pop("quote"), r"claim 'eaeu-top-emigration': quote: Field required"),
    (lambda raw: raw[0]["query"]["rule"].pop("low"), r"claim 'leave-30-50k': query\.rule\.range\.low: Field required"),
    (lambda raw: raw[0]["query"]["rule"].update(low=60000), r"'leave-30-50k': query\.rule\.range: .*'low' \(60000\)"),
    (lambda raw: raw[0]["query"]["rule"].update(low="30000"), r"'leave-30-50k': query\.rule\.range\.low: .*number"),
    (lambda raw: raw[0]["query"]["rule"].update(recent_years=0), r"'leave-30-50k': query\.rule\.range\.recent_years"),
    (lambda raw: raw[0]["query"].update(dataset=None), r"'leave-30-50k': query: .*'range' reads a dataset"),
    (lambda raw: raw[0]["query"].update(countries=["KZ"]), r"'leave-30-50k': query\.countries\.0: .*'KZ'"),
    (lambda raw: raw[0].update(quote="x" * 201), r"'leave-30-50k': quote: .*200 characters"),
    (lambda raw: raw[0].update(article_url="http://cabar.asia"), r"'leave-30-50k': article_url"),
    (lambda raw: raw[1]["query"]["rule"]["sources"][0].update(dataset="wdi"),
     r"'eaeu-top-emigration': query\.rule\.rank\.sources\.0\.dataset: .*'eaeu' or 'eec'"),
    (lambda raw: raw[2]["query"]["rule"].update(revision=2019), r"'mongolia-to-usa': query\.rule\.presence\.revision"),
    (lambda raw: raw[3]["query"].update(dataset="nope"), r"'ukraine-key-destination': query\.dataset: .*'nope'"),
    (lambda raw: raw[3]["query"]["rule"].update(top=0),
     r"'ukraine-key-destination': query\.rule\.rank_destination\.top"),
    (lambda raw: raw[4]["query"]["period"].update(first=2030), r"'thirty-years': query\.period: .*2030 is after"),
    (lambda raw: raw[4]["query"]["period"].pop("last"), r"'thirty-years': query\.period\.last: Field required"),
    (lambda raw: raw[5]["query"]["rule"].update(date="Nov 2019"), r"'extradition-2019': query\.rule\.event\.date"),
    (lambda raw: raw[6].update(written="2019"), r"'departure-2014': written: .*integer"),
    (lambda raw: raw[6]["chart"].update(path="trends"), r"'departure-2014': chart\.path"),
    (lambda raw: raw.append(copy.deepcopy(raw[0])), r"claim 'leave-30-50k': duplicate id"),
    (lambda raw: raw.append("not a claim"), r"claim #8: "),
])
def test_a_malformed_entry_is_refused_naming_the_claim_and_the_field(raw, mutate, message):
    mutate(raw)
    with pytest.raises(LedgerError, match=message):
        parse(raw)


def test_an_unknown_rule_is_refused_naming_the_known_ones(raw):
    raw[0]["query"]["rule"]["name"] = "guess"
    with pytest.raises(LedgerError) as caught:
        parse(raw)
    message = str(caught.value)
    assert "'leave-30-50k'" in message and "query.rule" in message and "'guess'" in message
    assert all(f"'{name}'" in message for name in RULES), message


def test_a_typed_in_verdict_is_refused(raw):
    """Verdicts are computed from the data so they follow a refresh: a stored one would go stale."""
    raw[2]["verdict"] = "holds"
    with pytest.raises(LedgerError, match=r"claim 'mongolia-to-usa': verdict: .*never typed in"):
        parse(raw)


def test_a_parameter_a_rule_does_not_take_is_refused(raw):
    raw[0]["query"]["rule"]["target"] = "KAZ"  # a rank parameter on a range rule: a typo, never ignored
    with pytest.raises(LedgerError, match=r"'leave-30-50k': query\.rule\.range\.target: Extra inputs"):
        parse(raw)


def test_an_unreadable_file_names_itself(tmp_path: Path):
    path = tmp_path / "claims.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(LedgerError, match="claims.json: not a readable JSON"):
        load_ledger(path)
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(LedgerError, match="must be a list"):
        load_ledger(path)


# --- one module per rule -------------------------------------------------------------------------------------

def _union_tags() -> set[str]:
    union = typing.get_args(Query.model_fields["rule"].annotation)
    return {typing.get_args(rule.model_fields["name"].annotation)[0] for rule in union}


def test_the_rule_union_holds_exactly_the_modules_of_the_rules_package():
    """A rule file dropped into claims/rules/ is a rule of the ledger; nothing else has to list it."""
    modules = {m.name for m in pkgutil.iter_modules(rules_pkg.__path__)} - {"base"}
    assert modules == {"range", "rank", "presence", "rank_destination", "coverage", "event"}
    assert _union_tags() == modules == set(RULES)
    assert set(json_schema()["$defs"]["Query"]["properties"]["rule"]["discriminator"]["mapping"]) == modules


def _package(tmp_path: Path, name: str, modules: dict[str, str]) -> str:
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("", encoding="utf-8")
    for module, code in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    return name


TINY = """
    from typing import Literal
    from dashboard.claims.rules.base import RuleBase

    class Rule(RuleBase):
        name: Literal["tiny"]
        size: int = 1
"""


def test_a_new_rule_module_is_discovered_without_editing_another_file(tmp_path: Path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    package = _package(tmp_path, "extra_rules", {"tiny": TINY, "base": "x = 1\n", "_helper": "y = 2\n"})
    try:
        found = discover(package)
        assert list(found) == ["tiny"]
        assert found["tiny"].model_validate({"name": "tiny"}).size == 1
    finally:
        for module in [m for m in sys.modules if m.startswith(package)]:
            del sys.modules[module]


@pytest.mark.parametrize("code, message", [
    ("x = 1\n", "defines no 'Rule'"),
    (TINY, "named 'tiny'"),  # in a module called "wrong": the ledger tag would not match the file
])
def test_a_rule_module_that_would_silently_drop_its_rule_is_an_error(tmp_path: Path, monkeypatch, code, message):
    monkeypatch.syspath_prepend(str(tmp_path))
    package = _package(tmp_path, "broken_rules", {"wrong": code})
    try:
        with pytest.raises(TypeError, match=message):
            discover(package)
    finally:
        for module in [m for m in sys.modules if m.startswith(package)]:
            del sys.modules[module]


# --- the JSON Schema for editors ------------------------------------------------------------------------------

def test_the_schema_file_is_what_json_schema_returns():
    """docs/schemas/claims.schema.json is generated; regenerate with
    python -c "from dashboard.claims.ledger import write_schema; write_schema()"."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema()


def test_the_schema_validates_the_shipped_ledger_and_refuses_a_typed_in_verdict():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    raw = json.loads(SHIPPED.read_text(encoding="utf-8"))
    jsonschema.validate(raw, schema)
    raw[0]["verdict"] = "holds"
    with pytest.raises(jsonschema.ValidationError, match="verdict"):
        jsonschema.validate(raw, schema)


def test_the_schema_says_what_the_models_enforce():
    defs = json_schema()["$defs"]
    claim = defs["Claim"]
    assert claim["additionalProperties"] is False
    assert claim["properties"]["quote"]["maxLength"] == 200
    assert set(claim["required"]) == {"id", "paraphrase", "quote", "attribution", "article_url", "article_date",
                                      "written", "query", "chart"}
    assert defs["PresenceRule"]["properties"]["revision"]["enum"] == [2020, 2024]
    assert defs["RangeRule"]["properties"]["recent_years"]["default"] == 3


def test_claims_json_has_a_complete_provenance_file(snap):
    prov = provenance.read(provenance.path_for(snap.ledger_path))  # the model refuses an incomplete file
    assert prov.checksum == provenance.checksum(snap.ledger_path), "claims.json edited without its checksum"
    assert prov.short == "CABAR.asia" and prov.url.startswith("https://")

