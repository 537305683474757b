"""The one translation function: every user-facing string goes through ``_(text, lang, **fields)``.

English text is the message id (gettext style).  Russian and Kazakh catalogues are added in
``CATALOGUES`` as they are translated; a missing entry falls back to English, never to a blank.
"""

from __future__ import annotations

from types import MappingProxyType

LANGUAGES = ("en", "ru", "kk")
DEFAULT_LANGUAGE = "en"

# Read-only catalogues: message id -> translation.  Kept tiny until the ru/kk interface issue.
CATALOGUES = MappingProxyType({
    "ru": MappingProxyType({
        "Source: {sources}. Data as of {date}.": "Источник: {sources}. Данные на {date}.",
    }),
    "kk": MappingProxyType({
        "Source: {sources}. Data as of {date}.": "Дереккөз: {sources}. Деректер {date} бойынша.",
    }),
})


def _(text: str, lang: str = DEFAULT_LANGUAGE, **fields) -> str:
    """Translate ``text`` into ``lang`` and fill its ``{fields}``."""
    translated = CATALOGUES.get(lang, {}).get(text, text)
    return translated.format(**fields) if fields else translated
