"""The one translation function and the one language negotiation: gettext catalogues read with Babel.

Every user-facing string goes through ``_(text, lang, **fields)`` (or ``ngettext`` for counts).  The
English text is the message id; catalogues live in ``dashboard/locale/<lang>/LC_MESSAGES/messages.po``
and are extracted from the code and the snapshot's text fields with ``pybabel extract`` (see
``babel.cfg`` and ``scripts/i18n``).  A message a catalogue lacks falls back to English, never to a
blank.  ``.po`` files are compiled in memory on first use (no compiled ``.mo`` files to keep in step).
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "ru", "kk")
DEFAULT_LANGUAGE = "en"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(text: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks a string for extraction where it is defined (a table of labels); translated where shown."""
    return text


def negotiate(requested: Any) -> str:
    """The language to use for a requested value (``?lang=``, a store, a callback state): one of
    ``LANGUAGES``, else English.  Never a path component or anything else from the request."""
    return requested if isinstance(requested, str) and requested in LANGUAGES else DEFAULT_LANGUAGE


def plotly_locale_file(lang: str) -> str | None:
    """The static file (``static_files``) of plotly.js's locale for ``lang`` (month names, number and date
    formats in charts): plotly.js's own Russian one and ours for Kazakh (plotly.js has none).  English is
    built in; a page loads only its own language's file."""
    lang = negotiate(lang)
    return None if lang == DEFAULT_LANGUAGE else f"plotly-locale-{lang}.js"


def from_accept_language(header: str | None) -> str:
    """The reader's browser preference (``Accept-Language: ru-KZ,ru;q=0.9,en;q=0.8``) among ours, else English."""
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    best = parse_accept_header(header or "", LanguageAccept).best_match(LANGUAGES)
    return negotiate(best)


def choose(requested: Any, remembered: Any = None, accept_language: str | None = None) -> str:
    """The one language negotiation: an explicit ``?lang=`` wins (anything unknown is English); without one,
    the language remembered for the visit, else the browser's ``Accept-Language``, else English."""
    if requested not in (None, ""):
        return negotiate(requested)
    if isinstance(remembered, str) and remembered in LANGUAGES:
        return remembered
    return from_accept_language(accept_language)


@functools.lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (read once per process); English needs none."""
    lang = negotiate(lang)
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _fill(text: str, fields: dict) -> str:
    return text.format(**fields) if fields else text


def _(text: str, lang: str = DEFAULT_LANGUAGE, **fields) -> str:
    """Translate ``text`` into ``lang`` and fill its ``{fields}``."""
    if not text:
        return text
    return _fill(translations(lang).gettext(text), fields)


def ngettext(singular: str, plural: str, count: int, lang: str = DEFAULT_LANGUAGE, **fields) -> str:
    """The plural form of a message for ``count`` by the language's own rule (Russian has three forms,
    Kazakh and English two); ``{n}`` is the count unless ``fields`` gives it (e.g. formatted: "1,234")."""
    return _fill(translations(lang).ngettext(singular, plural, count), {"n": count, **fields})
