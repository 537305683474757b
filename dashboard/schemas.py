"""Column contracts of every snapshot table; ``validate`` checks a frame at load and at refresh."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the app starts without pandas (see snapshots)

PERIOD_TYPES = ("year", "half-year", "quarter", "nine-months")
STATUSES = ("final", "preliminary", "rounded")


class SchemaError(ValueError):
    """A frame does not match its table's contract (renamed column, wrong type, bad value)."""


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "str", "int", "Int64" (nullable integer), "float", "Float64", "bool"
    nullable: bool = False
    allowed: tuple = ()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())  # columns that identify a row; must be unique

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_PROVENANCE_COLS = (Column("status", "str", allowed=STATUSES),
                    Column("publisher", "str"), Column("citation", "str"), Column("note", "str", nullable=True))
_PERIOD_COLS = (Column("period", "str"), Column("period_type", "str", allowed=PERIOD_TYPES), Column("year", "int"))

TABLES: dict[str, Table] = {t.name: t for t in (
    # World Bank WDI: SM.POP.NETM (UN WPP model), SP.POP.TOTL, SM.POP.TOTL.
    Table("wdi", (Column("indicator", "str"), Column("iso3", "str"), Column("year", "int"),
                  Column("value", "Int64", nullable=True)), key=("indicator", "iso3", "year")),
    # BNS dynamic table 6567: net migration by all flows, national row and regions.
    Table("bns_net_migration", (Column("year", "int"), Column("territory", "str"), Column("national", "bool"),
                                Column("value", "Int64")), key=("year", "territory")),
    # BNS releases as quoted (curated): annual totals of emigrants, immigrants, net migration.
    Table("bns_releases", (*_PERIOD_COLS, Column("measure", "str", allowed=("emigrants", "immigrants", "net")),
                           Column("value", "Int64"), Column("preferred", "bool"), *_PROVENANCE_COLS),
          key=("period", "measure", "citation")),
    # BNS releases as quoted (curated): emigrants by destination (ISO3, or the CIS / NON-CIS groups).
    Table("bns_destinations", (*_PERIOD_COLS, Column("destination", "str"), Column("value", "Int64"),
                               *_PROVENANCE_COLS), key=("period", "destination")),
    # BNS releases as quoted (curated): emigrants by ethnicity, region, education; immigrants by origin.
    Table("bns_breakdowns", (*_PERIOD_COLS, Column("breakdown", "str"), Column("category", "str"),
                             Column("value", "Float64"), Column("unit", "str"), *_PROVENANCE_COLS),
          key=("period", "breakdown", "category")),
    # UN DESA International Migrant Stock: people born in `origin` living in `destination`.
    Table("undesa_stock", (Column("revision", "int", allowed=(2020, 2024)), Column("origin", "str"),
                           Column("destination", "str"), Column("destination_name", "str"), Column("year", "int"),
                           Column("value", "Int64")), key=("revision", "origin", "destination", "year")),
    # UN DESA: total emigrant stock by origin (sum over destination countries with a value).
    Table("undesa_origin_totals", (Column("revision", "int", allowed=(2020, 2024)), Column("origin", "str"),
                                   Column("year", "int"), Column("value", "Int64")),
          key=("revision", "origin", "year")),
    # Eurasian Economic Commission departures / arrivals / net, as quoted by the press.
    Table("eec_flows", (*_PERIOD_COLS, Column("iso3", "str"),
                        Column("measure", "str", allowed=("departures", "arrivals", "net")),
                        Column("value", "Int64"), Column("citation", "str"), Column("note", "str", nullable=True)),
          key=("period", "iso3", "measure")),
)}

_PANDAS_DTYPES = {"str": "string", "int": "int64", "Int64": "Int64", "float": "float64",
                  "Float64": "Float64", "bool": "bool"}


def coerce(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Cast a frame read from CSV to its table's dtypes (raises SchemaError on a bad cast)."""
    table = TABLES[name]
    out = df.copy()
    for col in table.columns:
        if col.name not in out.columns:
            continue
        try:
            if col.dtype == "bool" and out[col.name].dtype != bool:
                mapping = {"true": True, "false": False, "True": True, "False": False}
                mapped = out[col.name].astype("string").map(mapping)
                if mapped.isna().any():
                    raise ValueError(f"non-boolean values {sorted(set(out[col.name][mapped.isna()]))}")
                out[col.name] = mapped.astype(bool)
            else:
                out[col.name] = out[col.name].astype(_PANDAS_DTYPES[col.dtype])
        except (ValueError, TypeError) as exc:
            raise SchemaError(f"{name}.{col.name}: cannot read as {col.dtype}: {exc}") from exc
    return out


def validate(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check columns, types, nulls, allowed values and key uniqueness; return the frame unchanged."""
    table = TABLES[name]
    expected, actual = table.column_names, list(df.columns)
    if actual != expected:
        missing = [c for c in expected if c not in actual]
        extra = [c for c in actual if c not in expected]
        raise SchemaError(f"{name}: columns differ from the contract (missing {missing}, unexpected {extra}, "
                          f"expected order {expected})")
    if df.empty:
        raise SchemaError(f"{name}: no rows")
    for col in table.columns:
        series = df[col.name]
        want = _PANDAS_DTYPES[col.dtype]
        if str(series.dtype) not in (want, "str" if want == "string" else want):
            raise SchemaError(f"{name}.{col.name}: dtype {series.dtype}, expected {want}")
        if not col.nullable and series.isna().any():
            raise SchemaError(f"{name}.{col.name}: {int(series.isna().sum())} missing values where none allowed")
        if col.allowed:
            bad = sorted(set(series.dropna()) - set(col.allowed))
            if bad:
                raise SchemaError(f"{name}.{col.name}: values {bad} not in {list(col.allowed)}")
    if table.key and df.duplicated(list(table.key)).any():
        dupes = df[df.duplicated(list(table.key), keep=False)][list(table.key)].head(3).to_dict("records")
        raise SchemaError(f"{name}: duplicate rows for key {table.key}, e.g. {dupes}")
    return df
