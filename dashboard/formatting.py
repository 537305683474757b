"""Numbers, ordinals, lists and dates as each language writes them, through Babel (CLDR).

One place for every figure a reader sees in text (verdicts, hover, alt text, notes): ``29,088`` in
English, ``29 088`` in Russian and Kazakh.  English follows British usage (the project's spelling):
"Germany, Ukraine and Russia", "45.2k".
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Iterable

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from dashboard.i18n import N_, _, negotiate

# The CLDR locale each interface language formats with.
_LOCALES = {"en": "en_GB", "ru": "ru", "kk": "kk"}
MINUS = "\u2212"  # a real minus sign for signed figures (−32,970)
GAP = "–"  # shown where there is no figure


@functools.lru_cache(maxsize=8)
def locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES[negotiate(lang)])


def separators(lang: str = "en") -> str:
    """plotly's ``layout.separators`` (decimal mark, then thousands separator) for the language, so tick
    labels read as the text does: ".," in English, ", " (a no-break space) in Russian and Kazakh."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(locale(lang)) + get_group_symbol(locale(lang))


def is_number(value) -> bool:
    """A finite int or float (not a bool, not NaN, not None)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(value, lang: str = "en", *, decimals: int | None = None, max_decimals: int | None = None) -> str:
    """29088 -> "29,088"; -0.634 -> "-0.63": whole numbers without decimals, others with two, or exactly
    ``decimals``, or at most ``max_decimals`` (0.5 -> "0.5")."""
    value = float(value)
    if max_decimals is not None:
        pattern = "#,##0" + ("." + "#" * max_decimals if max_decimals else "")
        return _minus(format_decimal(round(value, max_decimals), format=pattern, locale=locale(lang)))
    if decimals is None:
        decimals = 0 if value.is_integer() else 2
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return _minus(format_decimal(round(value, decimals), format=pattern, locale=locale(lang)))


def _minus(text: str) -> str:
    """CLDR writes a hyphen-minus for negatives; the text shows a real minus sign (−4.84), as ``signed`` does."""
    return MINUS + text[1:] if text.startswith("-") else text


def signed(value, lang: str = "en") -> str:
    """+2,594 / −32,970 / 0: the sign always shown, with a real minus sign."""
    value = float(value)
    text = number(abs(value), lang)
    return ("+" if value > 0 else MINUS if value < 0 else "") + text


def percent(value, lang: str = "en") -> str:
    """A share already in percent, as the language writes it: 12.3 -> "12.3%" (Russian "12,3 %");
    under 0.1 with up to three decimals ("0.05%"); a published 0 share -> "<0.001%"; no share -> "–"."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return GAP
    if math.isnan(value):
        return GAP
    if value == 0:
        return "<" + _percent(0.001, "0.###", lang)
    return _percent(value, "0.###" if value < 0.1 else "0.0", lang)


def _percent(value: float, decimals: str, lang: str) -> str:
    # The locale's own percent pattern ("#,##0%", Russian "#,##0 %") with the decimals asked for.
    pattern = re.sub(r"0(?=[^0#]*%)", decimals, locale(lang).percent_formats[None].pattern, count=1)
    return format_percent(value / 100, format=pattern, locale=locale(lang))


def compact(value, lang: str = "en") -> str:
    """Short axis and tick labels: 1,000 -> "1k", 45,225 -> "45.2k", 2,500,000 -> "2.5M" (in English)."""
    value = float(value)
    if abs(value) < 1000:
        return number(value, lang, max_decimals=1)
    return format_compact_decimal(value, locale=locale(lang), fraction_digits=1)


# The CLDR ordinal plural category of a number -> its English message ("1st", "2nd", "3rd", "4th").
# Russian and Kazakh have one category; their catalogues give "{n}-е" / "{n}-ші" style forms.
# By CLDR's ordinal rule of the language (Babel); Russian and Kazakh have only the "other" form: "{n}-е"
# (with the noun after it: "3-е место") and "{n}-" (written onto the noun: "3-орын").
_ORDINALS = {"one": N_("{n}st"), "two": N_("{n}nd"), "few": N_("{n}rd"), "other": N_("{n}th")}


def ordinal(n: int, lang: str = "en") -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd" (by the language's CLDR ordinal rule)."""
    form = locale(lang).ordinal_form(int(n))
    return _(_ORDINALS.get(form, _ORDINALS["other"]), lang, n=int(n))


def place(n: int, lang: str = "en") -> str:
    """A rank standing alone (an axis tick, a list): "3rd place", "3-е место", "3-орын"."""
    return _("{ordinal} place", lang, ordinal=ordinal(n, lang))


def join(items: Iterable[str], lang: str = "en") -> str:
    """["a", "b", "c"] -> "a, b and c" as the language writes a list."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return format_list(items, locale=locale(lang))


def spans(years: Iterable[int]) -> list[str]:
    """[2016, 2017, 2018, 2019, 2021] -> ["2016–2019", "2021"] (runs of consecutive years)."""
    years = sorted({int(y) for y in years})
    out: list[str] = []
    start = None
    for i, year in enumerate(years):
        if start is None:
            start = year
        if i == len(years) - 1 or years[i + 1] != year + 1:
            out.append(str(start) if start == year else f"{start}–{year}")
            start = None
    return out


def years(values: Iterable[int], lang: str = "en") -> str:
    """[2016, 2017, 2018, 2021] -> "2016–2018 and 2021"."""
    return join(spans(values), lang)


def sentence(text: str) -> str:
    """A sentence whose last word ends with its own full stop ends with one only: a Russian date written
    "25 ноября 2026 г." at the end of "Data as of {date}." would otherwise end "г.."."""
    return text[:-1] if text.endswith("..") and not text.endswith("...") else text


def date(value: str | dt.date, lang: str = "en") -> str:
    """An ISO date as the language writes it: "2026-03-13" -> "13 March 2026" / "13 марта 2026 г." /
    "2026 ж. 13 наурыз"; a year-month "2026-07" -> "July 2026" / "июль 2026 г."; anything else as given."""
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}-\d{2}", value):
            year, month = (int(x) for x in value.split("-"))
            return format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale(lang))
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value
        value = dt.date.fromisoformat(value)
    return format_date(value, "long", locale=locale(lang))
