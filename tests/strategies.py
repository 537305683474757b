"""Hypothesis strategies for bad input (issue 13): hostile parameter values, raw query strings with repeated
keys, broken percent-encoding and invalid UTF-8, path-traversal segments, and JSON of any shape and depth.

Every hostile value carries ``MARK``, a string no reply of the app's own contains: a test finds the request's
own text in a reply by it (``<kzx`` in a body means markup from the request was reflected unescaped).
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import quote

from hypothesis import strategies as st

MARK = "kzx"

# Values a reader, a crawler or an attacker sends; each holds MARK, so none is ever a valid value.
HOSTILE = (
    f"<script>{MARK}(1)</script>",
    f'"><img src=x onerror={MARK}(1)>',
    f"x' {MARK}=1 '",  # out of a single-quoted attribute into one of its own
    f'x" {MARK}=1 "',
    f"</textarea><svg/onload={MARK}>",
    f"javascript:{MARK}(1)",
    f"{{{{7*7}}}}${{7*7}}{MARK}",  # template injection: {{7*7}}${7*7}
    f"{MARK}\r\nSet-Cookie: {MARK}=1",
    f"{MARK}\x00\x01\x7f",
    f"../../{MARK}/../etc/passwd",
    f"%2e%2e%2f{MARK}%00",
    f"=HYPERLINK(\"http://{MARK}\")",  # a spreadsheet formula
    f"\u202e{MARK}\u200b\ufeff",  # right-to-left override, zero-width space, BOM
    f"{MARK}~" * 30,  # a long list of unknown codes
    f"{MARK}\\..\\..\\windows",
    f"{MARK}\U0001f600\u0301",  # astral plane, combining mark
)

# Near-misses: the shapes of valid values, bent (a test must not assume any of these is valid or invalid).
NEAR = ("", " ", "~", "..", "2010..", "..2010", "2020..2010", "1e3", "-1", "0", "1", "01", "2", "NaN", "inf",
        "9" * 30, "٢٠٢٠", "２０２０", "KAZ~", "kaz~rus", "KAZ~KAZ", "-value~value", "true", "null", "[]", "{}",
        "2026-11-25", "2026-13-45", "0000-00-00", "9999-12-31", "1990..2030", "light", "DARK", "en", "ru-RU")


def hostile_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Arbitrary text (any code point but lone surrogates) with MARK in it, followed by "!" (so that no pattern
    of three letters, like a country code, takes it for valid)."""
    return st.tuples(st.text(max_size=max_size), st.text(max_size=10)).map(lambda p: p[0] + MARK + "!" + p[1])


def huge(limit: int) -> st.SearchStrategy[str]:
    """Values around and beyond the query limit: a few hundred bytes to twice ``limit``."""
    return st.integers(min_value=200, max_value=2 * limit).map(lambda n: (MARK + "9" * n)[:n])


def hostile_values(limit: int) -> st.SearchStrategy[str]:
    """A value that is never valid: a payload, arbitrary text or a huge value, each holding MARK."""
    return st.one_of(st.sampled_from(HOSTILE), hostile_text(), huge(limit))


def values(valid: Iterable[str], limit: int) -> st.SearchStrategy[str]:
    """Any value: one of ``valid`` (a parameter's own), a near-miss, a number, arbitrary text, or hostile."""
    valid = tuple(valid)
    return st.one_of(
        *([st.sampled_from(valid)] if valid else []),
        st.sampled_from(NEAR),
        st.integers().map(str),
        st.text(max_size=30),
        hostile_values(limit),
    )


# Raw bytes a query string may hold that no form encoder writes: invalid UTF-8 (a lone continuation byte,
# an overlong "/", a surrogate, a truncated sequence), and broken or double percent-encoding.
RAW = (b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"%", b"%z", b"%fg", b"%%", b"%ff%fe",
       b"%C0%AE", b"%ED%A0%80", b"%252e", b"%00", b"+", b"%2B", b"%26", b"%3D", b"#", b";", b"&&", b"==")


def _encode(text: str, how: str) -> bytes:
    if how == "quoted":
        return quote(text, safe="").encode("ascii")
    # Raw: the text's own UTF-8 bytes, only the separators escaped (markup, spaces, quotes reach the app as
    # they are, as from a client that encodes nothing).
    return text.encode("utf-8", "surrogatepass").replace(b"%", b"%25").replace(b"&", b"%26") \
        .replace(b"=", b"%3D").replace(b"#", b"%23")


@st.composite
def pair_bytes(draw, name: str, value: str) -> bytes:
    """One ``name=value`` of a query string, written in one of the ways a client (or an attacker) does."""
    how = draw(st.sampled_from(("quoted", "raw")))
    key, val = _encode(name, how), _encode(value, how)
    if draw(st.integers(min_value=0, max_value=4)) == 0:  # now and then, a raw byte or broken escape inside
        val = val + draw(st.sampled_from(RAW))
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        key = key + draw(st.sampled_from(RAW))
    return key + (b"" if draw(st.integers(min_value=0, max_value=9)) == 0 and not value else b"=" + val)


@st.composite
def queries(draw, known: dict[str, tuple[str, ...]], limit: int, max_pairs: int = 5) -> bytes:
    """A query string for a route, as the raw bytes a client sends.  Names are the route's own (``known``:
    name -> some of its valid values) or random; a name may repeat."""
    names = st.one_of(st.sampled_from(sorted(known)), hostile_text(20), st.text(min_size=1, max_size=12)) \
        if known else st.one_of(hostile_text(20), st.text(min_size=1, max_size=12))
    pairs = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_pairs))):
        name = draw(names)
        pairs.append((name, draw(values(known.get(name, ()), limit))))
    if pairs and draw(st.booleans()):  # a repeated key: the same name again, with another value
        name = draw(st.sampled_from([n for n, _v in pairs]))
        pairs.append((name, draw(values(known.get(name, ()), limit))))
    return b"&".join(draw(pair_bytes(n, v)) for n, v in pairs)


# Ways of writing "../" that reach a file server: plain, percent-encoded in parts or whole, double-encoded,
# overlong UTF-8, Windows separators, and with a null byte or a semicolon (Tomcat's path parameters).
TRAVERSALS = ("../", "..%2f", "%2e%2e%2f", "%2e%2e/", ".%2e/", "..%252f", "%252e%252e%252f", "..%c0%af",
              "..\\", "..%5c", "....//", "..;/", "..%00/", "%2e%2e%5c", "/..", "./../")


@st.composite
def traversal(draw, target: str) -> str:
    """A path (percent-escapes left for the server to decode) that climbs out of a folder towards ``target``,
    a path relative to that folder like ``../../tmp/x/marker.txt``."""
    step = draw(st.sampled_from(TRAVERSALS))
    ups = target.count("../") + draw(st.integers(min_value=0, max_value=3))
    rest = target.replace("../", "")
    tail = draw(st.sampled_from(("", "%00", "%00.js", "?x=1", "#x", ".")))
    return step * ups + rest + tail


def json_values(max_leaves: int = 20) -> st.SearchStrategy:
    """JSON values of any shape, with what a form encoder never sends: huge and negative numbers, NaN and
    infinities, lone surrogates, control characters."""
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**4000),
                       st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                       st.sampled_from(("\ud800", "\x00", "<script>", "/../", "..", "~"  * 50)),
                       st.sampled_from(HOSTILE))
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=max_leaves)


def nested(depth: int, leaf: str = "1") -> str:
    """JSON text of ``depth`` nested lists and objects around ``leaf``, without building the Python value."""
    opens = "".join('{"a":' if i % 2 else "[" for i in range(depth))
    closes = "".join("}" if i % 2 else "]" for i in reversed(range(depth)))
    return opens + leaf + closes
