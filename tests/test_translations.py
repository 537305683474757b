"""The Russian and Kazakh catalogues: complete, faithful to each message's fields, with each language's plural
forms, and using the glossary's terms (dashboard/locale/glossary.csv)."""

from __future__ import annotations

import ast
import csv
import re
import string

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from dashboard import catalogue, formatting, i18n
from dashboard.i18n import LOCALE_DIR

TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT_LANGUAGE]
GLOSSARY = LOCALE_DIR / "glossary.csv"


def _catalog(lang: str):
    with catalogue.catalogue_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def _messages(lang: str):
    """(msgid, [msgstr forms]) of every message of ``lang``'s catalogue."""
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield ids, list(strings)


def _fields(text: str) -> set[str]:
    """The str.format fields of a message ("{name}", "{n}"), and plotly's own "%{x}" templates."""
    plotly = set(re.findall(r"%\{[^}]*\}", text))
    plain = re.sub(r"%\{[^}]*\}", "", text)
    return {f for _lit, f, _spec, _conv in string.Formatter().parse(plain) if f is not None} | plotly


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation(lang):
    missing = [ids[0] for ids, strings in _messages(lang) if not all(s.strip() for s in strings)]
    assert not missing, f"{len(missing)} messages lack a {lang} translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_every_field_and_add_none(lang):
    """A translation that drops or renames {name} would raise at run time or lose a figure."""
    wrong = []
    for ids, strings in _messages(lang):
        expected = _fields(ids[0]) | (_fields(ids[1]) if len(ids) > 1 else set())
        for form in strings:
            got = _fields(form)
            # A plural's singular may leave out {n} ("A lone figure" / "Сызықтан бөлек жалғыз мән"), never add one.
            if got - expected or (expected - got - {"n"}):
                wrong.append((ids[0], form))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_format_without_error(lang):
    for ids, strings in _messages(lang):
        fields = {f: "x" for f in _fields(ids[-1]) if not f.startswith("%")}
        for form in strings:
            if fields:  # as i18n._ fills it (a message without fields is never formatted)
                form.format(**fields)


@pytest.mark.parametrize("lang, forms", [("ru", 3), ("kk", 2)])
def test_plural_messages_have_the_languages_number_of_forms(lang, forms):
    """Russian: one / few / many (1 строка, 3 строки, 5 строк); Kazakh: one / other (CLDR)."""
    assert get_plural(lang).num_plurals == forms  # gettext's plural rule for the language (Babel's table)
    plurals = [(ids, strings) for ids, strings in _messages(lang) if len(ids) > 1]
    assert plurals, "no plural message in the catalogue"
    assert all(len(strings) == forms for _ids, strings in plurals), [ids for ids, s in plurals if len(s) != forms]
    assert _catalog(lang).num_plurals == forms


def test_plural_forms_are_chosen_by_each_languages_rule():
    assert [i18n.ngettext("{n} row", "{n} rows", n, "ru") for n in (1, 3, 5, 11, 21)] == [
        "1 строка", "3 строки", "5 строк", "11 строк", "21 строка"]
    assert [i18n.ngettext("{n} row", "{n} rows", n, "kk") for n in (1, 5)] == ["1 жол", "5 жол"]


def test_every_literal_message_of_the_code_is_extracted():
    """A message written inside an f-string or nested in another call's arguments is invisible to Babel; it
    would stay English.  Every literal first argument of _() / ngettext() / N_() must be in the template."""
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue.extract() if m.id}
    found = []
    for path in sorted(catalogue.PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_", "ngettext")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                    and node.args[0].value):
                found.append((path.name, node.args[0].value))
    assert len(found) > 300
    assert [f for f in found if f[1] not in extracted] == []


def _glossary_checks():
    with GLOSSARY.open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if row["en_match"]]


def test_the_glossary_names_the_terms_the_issue_lists():
    ids = {row["id"] for row in _glossary_checks()}
    assert {"emigrants", "immigrants", "net_migration", "migrant_stock", "departure_permanent", "partial_period",
            "revision", "preliminary", "rounded"} <= ids


@pytest.mark.parametrize("row", _glossary_checks(), ids=lambda row: row["id"])
@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalogues_use_the_glossary_terms(row, lang):
    """Every message with a glossary term is translated with that term (its own column of glossary.csv says
    which stems count; the check itself must accept the glossary's own rendering)."""
    match = re.compile(row[f"{lang}_match"], re.IGNORECASE)
    term = re.compile(row["en_match"], re.IGNORECASE)
    assert match.search(row[lang]) or row[f"{lang}_match"].startswith("^"), (row[lang], row[f"{lang}_match"])
    wrong = [(ids[0], form) for ids, strings in _messages(lang) if term.search(re.sub(r"\{[^}]*\}", "", ids[0]))
             for form in strings if not match.search(form)]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("lang, expected", [("en", ["1st", "2nd", "3rd place"]), ("ru", ["1-е", "2-е", "3-е место"]),
                                            ("kk", ["1-", "2-", "3-орын"])])
def test_ordinals_and_places_in_each_language(lang, expected):
    assert [formatting.ordinal(1, lang), formatting.ordinal(2, lang), formatting.place(3, lang)] == expected


def test_country_names_are_the_short_forms_readers_know():
    from dashboard.countries import country_name

    assert [country_name(c, "ru") for c in ("RUS", "USA", "KGZ", "DEU")] == ["Россия", "США", "Кыргызстан", "Германия"]
    assert [country_name(c, "kk") for c in ("RUS", "USA", "KGZ", "DEU")] == ["Ресей", "АҚШ", "Қырғызстан", "Германия"]
    assert [country_name(c, "en") for c in ("RUS", "USA", "KGZ", "DEU")] == ["Russia", "United States", "Kyrgyzstan",
                                                                             "Germany"]
