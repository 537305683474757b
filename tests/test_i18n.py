"""Translations: gettext catalogues extracted with Babel, one language negotiation, plural rules per language."""

from __future__ import annotations

import io

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from dashboard import catalogue, formatting, i18n
from tests.conftest import DATA


@pytest.mark.parametrize("value", ["../../x", "ru/../../etc", "EN", "", None, 3, ["ru"], "de", "kk\x00"])
def test_anything_but_a_known_language_falls_back_to_english(value):
    """`lang` comes from URLs and stores: it must never reach a file path or a catalogue lookup as given."""
    assert i18n.negotiate(value) == "en"


@pytest.mark.parametrize("value", i18n.LANGUAGES)
def test_the_known_languages_are_kept(value):
    assert i18n.negotiate(value) == value


def test_the_catalogues_are_in_step_with_the_code_and_the_snapshot():
    """Every _(), ngettext() and N_() message of the code and every text field of the shipped snapshots is in
    the template and in each language's catalogue (`python -m dashboard.catalogue update` if this fails)."""
    assert catalogue.stale(DATA) == []


def test_extraction_finds_messages_of_the_code_and_of_the_snapshot():
    messages = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue.extract() if m.id}
    assert "Source: {sources}. Data as of {date}." in messages  # a _() call
    assert "{n} row" in messages  # an ngettext() call
    assert "Couple leaves for Kyiv" in messages  # an N_() mark in a table of events
    assert "Ukraine is the main country that draws Kazakh emigrants." in messages  # the claims ledger
    assert any("permanent residence" in m for m in messages)  # a provenance definition


def _catalogue(lang: str, entries: dict) -> bytes:
    catalog = Catalog(locale=lang, domain=i18n.DOMAIN)
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr)
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    return buffer.getvalue()


def test_translations_come_from_the_po_catalogue_and_fall_back_to_english(monkeypatch, tmp_path):
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes(_catalogue("ru", {
        "Source: {sources}. Data as of {date}.": "Источник: {sources}. Данные на {date}.",
        ("{n} row", "{n} rows"): ("{n} строка", "{n} строки", "{n} строк")}))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n._("Source: {sources}. Data as of {date}.", "ru", sources="BNS", date="2026") == \
            "Источник: BNS. Данные на 2026."
        assert i18n._("Not in the catalogue", "ru") == "Not in the catalogue"
        # Russian has three plural forms (one / few / many), English two.
        assert [i18n.ngettext("{n} row", "{n} rows", n, "ru") for n in (1, 3, 5, 21, 22, 25)] == [
            "1 строка", "3 строки", "5 строк", "21 строка", "22 строки", "25 строк"]
        assert [i18n.ngettext("{n} row", "{n} rows", n, "en") for n in (1, 2)] == ["1 row", "2 rows"]
        assert i18n.ngettext("{n} row", "{n} rows", 1234, "ru", n=formatting.number(1234, "ru")) == "1\xa0234 строки"
    finally:
        i18n.translations.cache_clear()


@pytest.mark.parametrize("lang, expected", [("en", "29,088"), ("ru", "29\xa0088"), ("kk", "29\xa0088")])
def test_numbers_are_written_as_each_language_writes_them(lang, expected):
    assert formatting.number(29088, lang) == expected


def test_ordinals_follow_each_language_rule():
    assert [formatting.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st"]


def test_lists_and_year_spans():
    assert formatting.join(["Germany", "Ukraine", "Russia"]) == "Germany, Ukraine and Russia"
    assert formatting.years([2016, 2017, 2018, 2019, 2021]) == "2016–2019 and 2021"
    assert formatting.signed(-32970) == "−32,970" and formatting.signed(2594) == "+2,594"


def test_a_russian_date_ends_a_source_line_with_one_full_stop():
    # "25 ноября 2026 г." at the end of "Data as of {date}." once read "г.." in Russian source lines.
    from dashboard import formatting, provenance
    from dashboard.snapshots import Store
    from tests.conftest import FIXTURE_DATA

    snap = Store(FIXTURE_DATA).current()
    for lang in ("en", "ru", "kk"):
        line = provenance.source_line(list(snap.provenance.values()), lang)
        assert line.endswith(".") and not line.endswith(".."), line
    assert formatting.sentence("Данные на 25 ноября 2026 г..") == "Данные на 25 ноября 2026 г."
    assert formatting.sentence("Data as of 2026.") == "Data as of 2026."
