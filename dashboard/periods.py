"""Periods as BNS and the EEC publish them (2024, 2022-H1, 2022-Q1, 2023-Q1-Q3): parse, order, place on a
yearly axis, and name them in every wording the dashboard uses.

A partial period (a half-year, a quarter, nine months) is never a year: ``is_partial`` says so, and every
label of one says which part of the year it is.
"""

from __future__ import annotations

import re

from dashboard.i18n import N_, _, ngettext

_PERIOD = re.compile(r"^(\d{4})(?:-H([12])|-Q([1-4])(?:-Q([1-4]))?)?$")

# Whole messages per quarter and half (a translation inflects the ordinal with its noun: Russian "первый
# квартал" but "первое полугодие"), never an ordinal word dropped into a sentence.
_QUARTER_LABELS = {1: N_("{span} {year} (first quarter)"), 2: N_("{span} {year} (second quarter)"),
                   3: N_("{span} {year} (third quarter)"), 4: N_("{span} {year} (fourth quarter)")}
_QUARTER_SENTENCES = {1: N_("the first quarter of {year}"), 2: N_("the second quarter of {year}"),
                      3: N_("the third quarter of {year}"), 4: N_("the fourth quarter of {year}")}
_MONTH_SPANS = {9: N_("{span} {year} (nine months)")}


def months(period: str) -> tuple[int, int, int]:
    """(year, first month, last month) of a published period; ValueError for anything else."""
    match = _PERIOD.match(str(period))
    if not match:
        raise ValueError(f"not a published period: {period!r}")
    year, half, q_first, q_last = match.groups()
    if half:
        first, last = (1, 6) if half == "1" else (7, 12)
    elif q_first:
        first, last = 3 * int(q_first) - 2, 3 * int(q_last or q_first)
        if last < first:
            raise ValueError(f"not a published period: {period!r}")
    else:
        first, last = 1, 12
    return int(year), first, last


def is_period(value: str) -> bool:
    try:
        months(value)
    except ValueError:
        return False
    return True


def is_partial(period: str) -> bool:
    """True for a half-year, quarter or nine months: never to be read or summed as a whole year."""
    _year, first, last = months(period)
    return (first, last) != (1, 12)


def end_month(period: str) -> int:
    """The month a period ends (Q1 -> 3, H1 -> 6, Q1-Q3 -> 9, a year -> 12)."""
    return months(period)[2]


def sort_key(period: str) -> tuple[int, int, int]:
    """Chronological order: by year, then by the month the period ends (Q1 < H1 < Q1-Q3 < the year)."""
    year, first, last = months(period)
    return year, last, first


def axis_x(period: str) -> float:
    """Where a period sits on a yearly axis: a whole year on its tick, a partial one at its middle
    (2019-Q1 -> 2019.125, 2020-Q1-Q3 -> 2020.375, 2021-H1 -> 2021.25)."""
    year, first, last = months(period)
    return float(year) if (first, last) == (1, 12) else year + (first - 1 + last) / 24


def kind(period: str) -> str:
    """year | half-year | quarter | nine-months (the snapshot's ``period_type``)."""
    _year, first, last = months(period)
    length = last - first + 1
    return {12: "year", 6: "half-year", 3: "quarter", 9: "nine-months"}.get(length, "months")


def month_name(month: int, lang: str = "en", width: str = "wide") -> str:
    """A month as the language names it standing alone, as in a span "January–September" (CLDR via Babel):
    9 -> "September", Russian "сентябрь", Kazakh "қыркүйек"; ``width="abbreviated"`` -> "Sept", "сент."."""
    from babel.dates import get_month_names

    from dashboard.formatting import locale

    name = str(get_month_names(width, context="stand-alone", locale=locale(lang))[month])
    # CLDR capitalises Kazakh stand-alone month names; BNS writes them in lower case within a text.
    return name.lower() if lang == "kk" else name


def _span(first: int, last: int, lang: str, width: str = "wide") -> str:
    return _("{first}–{last}", lang, first=month_name(first, lang, width), last=month_name(last, lang, width))


def label(period: str, lang: str = "en") -> str:
    """Titles, hover and options: "2024"; "first half of 2022"; "January–March 2019 (first quarter)";
    "January–September 2023 (nine months)"."""
    year, first, last = months(period)
    length = last - first + 1
    if length == 12:
        return str(year)
    if length == 6 and first in (1, 7):
        return (_("first half of {year}", lang, year=year) if first == 1
                else _("second half of {year}", lang, year=year))
    if length == 3:
        return _(_QUARTER_LABELS[last // 3], lang, span=_span(first, last, lang), year=year)
    if length in _MONTH_SPANS:
        return _(_MONTH_SPANS[length], lang, span=_span(first, last, lang), year=year)
    return ngettext("{span} {year} ({n} month)", "{span} {year} ({n} months)", length, lang,
                    span=_span(first, last, lang), year=year)


def in_sentence(period: str, lang: str = "en") -> str:
    """Inside a sentence: "2020"; "the first half of 2022"; "the first quarter of 2019";
    "January–September 2023"."""
    year, first, last = months(period)
    length = last - first + 1
    if length == 12:
        return str(year)
    if length == 6 and first in (1, 7):
        return (_("the first half of {year}", lang, year=year) if first == 1
                else _("the second half of {year}", lang, year=year))
    if length == 3:
        return _(_QUARTER_SENTENCES[last // 3], lang, year=year)
    return _("{span} {year}", lang, span=_span(first, last, lang), year=year)


def short(period: str, lang: str = "en") -> str:
    """Compact axis label: "2024", "2022 H1", "2022 Q1", "2023 Jan–Sep"."""
    year, first, last = months(period)
    length = last - first + 1
    if length == 12:
        return str(year)
    if length == 6 and first in (1, 7):
        return _("{year} H{half}", lang, year=year, half=1 if first == 1 else 2)
    if length == 3:
        return _("{year} Q{quarter}", lang, year=year, quarter=last // 3)
    return _("{year} {span}", lang, year=year, span=_span(first, last, lang, "abbreviated"))


def tag(period: str, lang: str = "en") -> str:
    """The partial part of a period alone, for a marker beside its year: "2020-Q1-Q3" -> "Q1–Q3"; "" for a year."""
    _year, first, last = months(period)
    if (first, last) == (1, 12):
        return ""
    if last - first + 1 == 6 and first in (1, 7):
        return _("H{half}", lang, half=1 if first == 1 else 2)
    if first == last - 2:
        return _("Q{quarter}", lang, quarter=last // 3)
    return _("Q{first}–Q{last}", lang, first=(first + 2) // 3, last=last // 3)


def tick(period: str, lang: str = "en") -> str:
    """A category-axis label on three short lines: "2019<br>Q1<br>(partial)"; a whole year stays "2020"."""
    if not is_partial(period):
        return str(months(period)[0])
    return f"{months(period)[0]}<br>{tag(period, lang)}<br>" + _("(partial)", lang)
