"""What the data explorer's grid shows for coded cells, in the reader's language.

The grid holds the rows of the CSV exactly, machine names and codes included (``measure=emigrants``,
``status=rounded``, ``period=2022-H1``): what a reader filters and downloads never changes with the language.
Only the displayed text of a few closed vocabularies is translated, through ag-grid's ``refData`` (value ->
label), so sorting, the CSV and the URL keep the codes.  Country names come from their codes (pycountry), not
from the English name column, which is the data's own spelling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboard import periods
from dashboard.countries import country_name
from dashboard.figures.common import status_label
from dashboard.i18n import N_, _

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the app starts without pandas (see snapshots)

# measure codes of every dataset; one message per code
MEASURES = {
    "emigrants": N_("Emigrants"), "immigrants": N_("Immigrants"), "net": N_("Net migration"),
    "arrivals": N_("arrivals"), "departures": N_("departures"),
    "net_migration": N_("Net migration, model estimate (World Bank/UN)"),
    "net_migration_per_1000": N_("Net migration per 1,000 residents"),
    "population": N_("Population"), "immigrant_stock": N_("Immigrant stock"),
    "emigrant_stock_rev2020": N_("Emigrant stock, UN DESA revision 2020"),
    "emigrant_stock_rev2024": N_("Emigrant stock, UN DESA revision 2024"),
    "emigrant_stock_pct_of_population_rev2020": N_("Emigrant stock, % of population, UN DESA revision 2020"),
    "emigrant_stock_pct_of_population_rev2024": N_("Emigrant stock, % of population, UN DESA revision 2024"),
}
PERIOD_TYPES = {"year": N_("full year"), "half-year": N_("half-year"), "nine-months": N_("nine months"),
                "quarter": N_("quarter")}
# name column -> the code column it names
NAMED_BY = {"destination_name": "destination", "country": "iso3"}


def labels(df: pd.DataFrame, column: str, lang: str = "en") -> dict[str, str] | None:
    """``refData`` for ``column`` (every value in ``df`` -> its label), or None where the cells show as they are."""
    if lang == "en":  # English shows the cells exactly as the CSV has them
        return None
    values = [v for v in df[column].dropna().unique()] if column in df else []
    if column == "measure":
        return {v: _(MEASURES[v], lang) for v in values if v in MEASURES}
    if column == "status":
        return {v: status_label(v, lang) for v in values}
    if column == "period_type":
        return {v: _(PERIOD_TYPES[v], lang) for v in values if v in PERIOD_TYPES}
    if column == "period":
        return {v: periods.label(v, lang) for v in values if periods.is_period(v)}
    if column in NAMED_BY and NAMED_BY[column] in df:
        pairs = df[[NAMED_BY[column], column]].dropna().drop_duplicates()
        return {name: country_name(code, lang) for code, name in pairs.itertuples(index=False)}
    return None
