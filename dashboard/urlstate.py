"""Query-string state shared by pages, embeds and CSV downloads: ``countries=RUS~DEU``, ``years=2010..2020``.

Pages parse leniently (a bad value falls back to its default with a visible notice); the CSV and
embed routes parse strictly (a bad value is a 400 naming the parameter and what is allowed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import urlencode

from dashboard.i18n import _

SEP = "~"
RANGE = ".."


EXCERPT = 40  # characters of a request's own text an error message or notice quotes back, at most
_QUOTABLE = frozenset(" .,_~:+-/=")


def excerpt(value: object) -> str:
    """A short, harmless excerpt of text a request sent, for a message that names it: at most ``EXCERPT``
    characters, anything but letters, digits and a few punctuation marks shown as "?" (no markup, quotes,
    control characters or percent-encoding is ever reflected)."""
    text = str(value)
    shown = "".join(c if c.isalnum() or c in _QUOTABLE else "?" for c in text[:EXCERPT])
    return shown + ("…" if len(text) > EXCERPT else "")


class BadParameter(ValueError):
    """A query parameter the app cannot honour; the message names it and what is allowed, quoting at most a
    short excerpt of what was sent (``excerpt``)."""

    def __init__(self, name: str, value: str, allowed: str):
        # What is allowed may quote the parameter's name ("give 'x' once"): as its excerpt, like the name.
        allowed = allowed.replace(f"'{name}'", f"'{excerpt(name)}'") if name else allowed
        self.name, self.value, self.allowed = name, value, allowed
        super().__init__(f"bad parameter '{excerpt(name)}': '{excerpt(value)}' is not allowed; allowed: {allowed}")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "codes" (ISO3 list), "names" (lower-case names list), "years" (range), "choice", "flag", "pattern"
    default: Any
    choices: tuple = ()  # allowed codes / names / choices; for "years": (first, last)
    help: str = ""
    label: str = ""  # short English label of the control (through _() when shown)
    # "pattern": the value's shape (a regex) and its cast; whether it exists is checked against the data later
    pattern: str = ""
    cast: Callable[[str], Any] = str
    allow_empty: bool = False  # "codes": an empty value is a choice of none (``countries=``), not an error
    labels: tuple = ()  # "choice": the English message id of each choice, for controls (else the value)

    def label_of(self, choice: Any) -> str:
        """The English label of a choice (a message id for ``_``)."""
        return dict(zip(self.choices, self.labels)).get(choice, str(choice))

    def allowed(self) -> str:
        if self.kind == "years":
            lo, hi = self.choices
            return f"a year {lo}..{hi} or a range like {lo}..{hi}"
        if self.kind == "codes":
            if len(self.choices) > 12:  # every ISO 3166 country: name the rule, not 250 codes
                extra = [c for c in self.choices if len(c) != 3]
                return (f"ISO3 codes joined with '{SEP}', like DEU{SEP}RUS"
                        + (f", or the groups {', '.join(extra)}" if extra else ""))
            return f"codes joined with '{SEP}' from {SEP.join(self.choices)}"
        if self.kind == "names":
            return f"names joined with '{SEP}' from {SEP.join(self.choices)}"
        if self.kind == "flag":
            return "0 or 1"
        if self.kind == "sort":
            return (f"columns joined with '{SEP}', each optionally preceded by '-' for descending, from "
                    f"{SEP.join(self.choices)}")
        if self.kind == "pattern":
            return self.help
        return " | ".join(str(c) for c in self.choices)

    def parse(self, raw: str) -> Any:
        raw = raw.strip()
        if self.kind == "years":
            lo, hi = self.choices
            parts = raw.split(RANGE)
            if len(parts) not in (1, 2) or not all(p.isdigit() for p in parts):
                raise BadParameter(self.name, raw, self.allowed())
            first, last = int(parts[0]), int(parts[-1])
            if not (lo <= first <= last <= hi):
                raise BadParameter(self.name, raw, self.allowed())
            return (first, last)
        if self.kind == "codes":
            codes = tuple(c.strip().upper() for c in raw.split(SEP) if c.strip())
            bad = [c for c in codes if c not in self.choices]
            if not codes and self.allow_empty and not raw:
                return ()
            if not codes or bad:
                raise BadParameter(self.name, raw, self.allowed())
            return tuple(dict.fromkeys(codes))
        if self.kind == "names":
            # Lower-case names kept in the canonical order; an empty value is a valid choice of none.
            names = [n.strip().lower() for n in raw.split(SEP) if n.strip()]
            if any(n not in self.choices for n in names):
                raise BadParameter(self.name, raw, self.allowed())
            return tuple(c for c in self.choices if c in names)
        if self.kind == "flag":
            if raw not in ("0", "1"):
                raise BadParameter(self.name, raw, self.allowed())
            return raw == "1"
        if self.kind == "sort":
            # "-value~year": by value, largest first, then by year; each column once.
            keys = [k.strip() for k in raw.split(SEP) if k.strip()]
            out = tuple((k.lstrip("-"), k.startswith("-")) for k in keys)
            names = [c for c, _desc in out]
            if not out or any(c not in self.choices for c in names) or len(set(names)) != len(names):
                raise BadParameter(self.name, raw, self.allowed())
            return out
        if self.kind == "pattern":
            if not re.fullmatch(self.pattern, raw, flags=re.IGNORECASE):
                raise BadParameter(self.name, raw, self.allowed())
            return self.cast(raw)
        value = next((c for c in self.choices if str(c) == raw), None)
        if value is None:
            raise BadParameter(self.name, raw, self.allowed())
        return value

    def encode(self, value: Any) -> str:
        if self.kind == "years":
            first, last = value
            return str(first) if first == last else f"{first}{RANGE}{last}"
        if self.kind in ("codes", "names"):
            return SEP.join(value)
        if self.kind == "sort":
            return SEP.join(("-" if desc else "") + column for column, desc in value)
        if self.kind == "flag":
            return "1" if value else "0"
        return str(value)


def parse(query: Mapping[str, str], params: Sequence[Param], *, strict: bool,
          ignore: Iterable[str] = (), lang: str = "en") -> tuple[dict[str, Any], list[str]]:
    """Values for every param (defaults where absent) and notices for what fell back.

    ``strict`` raises :class:`BadParameter` on a bad value or an unknown parameter name.
    """
    by_name = {p.name: p for p in params}
    values = {p.name: p.default for p in params}
    notices = []
    for name, raw in query.items():
        if name in ignore:
            continue
        if isinstance(raw, (list, tuple)):  # a repeated parameter (Dash's router passes a list)
            if strict:
                raise BadParameter(name, "&".join(map(str, raw)), f"give '{name}' once (join several values "
                                                                  f"with '{SEP}')")
            notices.append(_("'{name}' was given more than once; the last value is used.", lang, name=excerpt(name)))
            raw = raw[-1] if raw else ""
        raw = str(raw)
        param = by_name.get(name)
        if param is None:
            if strict:
                raise BadParameter(name, raw, "one of " + ", ".join(by_name) if by_name else "no parameters")
            notices.append(_("Ignored unknown setting '{name}'.", lang, name=excerpt(name)))
            continue
        try:
            values[name] = param.parse(raw)
        except BadParameter as exc:
            if strict:
                raise
            notices.append(_("'{name}={value}' is not valid ({allowed}); showing the default instead.", lang,
                             name=name, value=excerpt(raw), allowed=exc.allowed))
    return values, notices


def encode(values: Mapping[str, Any], params: Sequence[Param]) -> str:
    """``?countries=RUS~DEU&years=2010..2020``, leaving out defaults; "" when everything is default."""
    pairs = [(p.name, p.encode(values[p.name])) for p in params
             if p.name in values and values[p.name] != p.default and values[p.name] is not None
             and not (p.kind == "codes" and values[p.name] == () and not p.allow_empty)]
    return ("?" + urlencode(pairs, safe=SEP + ".")) if pairs else ""


def with_lang(url: str, lang: str) -> str:
    """A query string ("?years=2010..2020", or "") or a URL that keeps the reader's language (English,
    the default, stays out of it)."""
    if not lang or lang == "en":
        return url
    return url + ("&" if "?" in url else "?") + urlencode({"lang": lang})
