"""Country codes and names: UN M49 numeric -> ISO3, and display names in en/ru/kk via pycountry."""

from __future__ import annotations

import functools
import gettext

import pycountry

from dashboard.i18n import N_, _

EAEU = ("ARM", "BLR", "KAZ", "KGZ", "RUS")

# Kosovo has an M49-like code in UN tables (412) but no ISO 3166 entry; "XKX" is the code the
# World Bank uses.  Channel Islands (830) and Sark are statistical areas without ISO3.
_EXTRA_M49 = {412: "XKX"}


def m49_to_iso3(code: int | str) -> str | None:
    """ISO3 for a UN M49 country code, or None for a region or aggregate (World, Europe, ...)."""
    try:
        number = int(code)
    except (TypeError, ValueError):
        return None
    if number in _EXTRA_M49:
        return _EXTRA_M49[number]
    country = pycountry.countries.get(numeric=f"{number:03d}")
    return country.alpha_3 if country else None


def m49_numeric(iso3: str) -> int | None:
    """UN M49 / ISO 3166 numeric code for an ISO3 code (None where ISO has none, e.g. Kosovo)."""
    country = pycountry.countries.get(alpha_3=iso3)
    return int(country.numeric) if country else None


# UN DESA spellings (2020 file without codes) that pycountry's lookup does not resolve by itself.
_NAME_ALIASES = {
    "russia": "RUS", "russian federation": "RUS", "south korea": "KOR", "republic of korea": "KOR",
    "turkey": "TUR", "türkiye": "TUR", "moldova": "MDA", "republic of moldova": "MDA",
    "united states": "USA", "united states of america": "USA", "united kingdom": "GBR",
    "czechia": "CZE", "bolivia": "BOL", "bolivia (plurinational state of)": "BOL",
    "iran": "IRN", "iran (islamic republic of)": "IRN", "libya": "LBY", "state of libya": "LBY",
    "dominican republic": "DOM", "netherlands": "NLD", "netherlands (kingdom of the)": "NLD",
    "china": "CHN", "viet nam": "VNM", "syria": "SYR", "syrian arab republic": "SYR",
}


def name_to_iso3(name: str) -> str | None:
    """ISO3 for an English country name as the UN or World Bank spell it (a trailing ``*`` is a footnote)."""
    cleaned = name.strip().rstrip("*").strip()
    alias = _NAME_ALIASES.get(cleaned.casefold())
    if alias:
        return alias
    try:
        return pycountry.countries.lookup(cleaned).alpha_3
    except LookupError:
        return None


@functools.lru_cache(maxsize=8)
def _translator(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


# Short names where the ISO 3166 name is a long official form ("Russian Federation", "Korea, Republic of").
# They are messages of our own catalogue, so Russian and Kazakh get the short forms their press and the BNS
# use (Россия / Ресей, США / АҚШ, Кыргызстан / Қырғызстан); every other name is pycountry's ISO translation.
_SHORT = {"RUS": N_("Russia"), "KOR": N_("South Korea"), "PRK": N_("North Korea"), "MDA": N_("Moldova"),
          "USA": N_("United States"), "GBR": N_("United Kingdom"), "IRN": N_("Iran"), "SYR": N_("Syria"),
          "VNM": N_("Vietnam"), "BOL": N_("Bolivia"), "VEN": N_("Venezuela"), "LAO": N_("Laos"),
          "KGZ": N_("Kyrgyzstan"), "TZA": N_("Tanzania"), "XKX": N_("Kosovo")}
# The country groups BNS releases publish totals for (in kz-destinations): not countries, never
# drawn on the map nor ranked among countries.
GROUPS = {"CIS": N_("CIS countries"), "NON-CIS": N_("Non-CIS countries")}


def is_group(code: str) -> bool:
    return code in GROUPS


def country_name(iso3: str, lang: str = "en") -> str:
    """A short display name in ``lang``; groups (CIS, NON-CIS) go through the translation function."""
    if iso3 in GROUPS:
        return _(GROUPS[iso3], lang)
    short = _SHORT.get(iso3)
    if short and (lang == "en" or _(short, lang) != short):
        return _(short, lang)
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return _(short, lang) if short else iso3
    if lang == "en":
        return getattr(country, "common_name", None) or country.name
    return _translator(lang).gettext(country.name)
