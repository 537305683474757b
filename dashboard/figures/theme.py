"""Every colour a figure uses, by role, for the light and the dark theme; and the WCAG contrast that checks them.

Figure functions draw with the light theme's colours (``LIGHT.<role>``); :func:`apply` turns a figure into
another theme by mapping each colour to the same role's colour there, and refuses a colour that belongs
to no role, so no literal colour can slip into a figure.  Okabe-Ito hues (distinguishable under the
common colour-vision deficiencies), darkened on white and lightened on near-black until every line and
marker has at least 3:1 contrast with its background and every text 4.5:1 (WCAG 2.2 AA).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

TRANSPARENT = "rgba(0,0,0,0)"


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    ink: str  # titles, labels, values
    muted: str  # subtitles, notes, hover secondary text
    axis: str  # axis lines, zero line, event lines
    grid: str  # grid lines (decoration: not data)
    label_background: str  # box behind labels drawn over the plot
    emigrants: str
    immigrants: str
    net: str
    model: str  # the World Bank / UN model estimate, never mixed with BNS
    kaz: str
    rus: str
    blr: str
    arm: str
    kgz: str
    revision_2020: str
    revision_2024: str
    bar: str
    bar_text: str  # a figure written inside a bar
    highlight: str  # the claim's countries on story charts
    band_fill: str  # the article's claimed range
    band_edge: str
    band_ink: str
    inside: str  # a year inside the claimed range
    outside: str
    borderline: str
    gap_fill: str  # "no official figure" cells
    gap_edge: str
    land: str  # countries without a figure (absent, not zero)
    border: str  # country borders
    zero_fill: str  # a corridor published as 0
    flow: str  # flow lines on the map
    origin: str  # Kazakhstan, the origin, on the map
    selected: str  # the chosen destination's outline
    map_classes: tuple[str, ...]  # classed colour scale for counts, light to dark


LIGHT = Theme(
    name="light", background="#ffffff", ink="#1a1a1a", muted="#595959", axis="#767676", grid="#e5e5e5",
    label_background="rgba(255,255,255,0.85)",
    emigrants="#C45100", immigrants="#0072B2", net="#1a1a1a", model="#A86200",
    kaz="#C45100", rus="#0072B2", blr="#007A5A", arm="#A86200", kgz="#A4507F",
    revision_2020="#0072B2", revision_2024="#A86200",
    bar="#0072B2", bar_text="#ffffff", highlight="#C45100",
    band_fill="rgba(0,158,115,0.16)", band_edge="#007A5A", band_ink="#00573f",
    inside="#0072B2", outside="#C45100", borderline="#A86200",
    gap_fill="#f2f2f2", gap_edge="#8c8c8c",
    land="#e6e6e6", border="#8c8c8c", zero_fill="#ffffff", flow="#C45100", origin="#1a1a1a", selected="#1a1a1a",
    map_classes=("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"),
)
DARK = Theme(
    name="dark", background="#121212", ink="#ececec", muted="#b3b3b3", axis="#8c8c8c", grid="#333333",
    label_background="rgba(18,18,18,0.85)",
    emigrants="#FF8A4C", immigrants="#56B4E9", net="#ececec", model="#E69F00",
    kaz="#FF8A4C", rus="#56B4E9", blr="#2ECC9A", arm="#E69F00", kgz="#E08CC4",
    revision_2020="#56B4E9", revision_2024="#E69F00",
    bar="#56B4E9", bar_text="#121212", highlight="#FF8A4C",
    band_fill="rgba(46,204,154,0.20)", band_edge="#2ECC9A", band_ink="#7fe3c2",
    inside="#56B4E9", outside="#FF8A4C", borderline="#E69F00",
    gap_fill="#262626", gap_edge="#7a7a7a",
    land="#2b2b2b", border="#7a7a7a", zero_fill="#121212", flow="#FF8A4C", origin="#ececec", selected="#ececec",
    map_classes=("#1f3b57", "#25507a", "#2f6a9e", "#4a8cc4", "#78b3e0", "#b5d8f3"),
)
THEMES = {t.name: t for t in (LIGHT, DARK)}


def name_of(theme: str | None) -> str:
    """A theme's name; anything else (the page's theme store before the browser has set it) is light."""
    return theme if theme in THEMES else LIGHT.name


def _parse(colour: str) -> tuple[float, float, float, float]:
    """"#rgb", "#rrggbb", "rgb(r,g,b)" or "rgba(r,g,b,a)" -> (r, g, b, a) with r, g, b in 0..255."""
    colour = colour.strip().lower()
    if colour.startswith("#"):
        hexa = colour[1:]
        if len(hexa) == 3:
            hexa = "".join(c * 2 for c in hexa)
        return int(hexa[0:2], 16), int(hexa[2:4], 16), int(hexa[4:6], 16), 1.0
    match = re.match(r"rgba?\(([^)]*)\)", colour)
    if not match:
        raise ValueError(f"not a colour: {colour!r}")
    parts = [float(p) for p in match.group(1).split(",")]
    return parts[0], parts[1], parts[2], parts[3] if len(parts) == 4 else 1.0


def _key(colour: str) -> tuple:
    r, g, b, a = _parse(colour)
    return round(r), round(g), round(b), round(a, 3)


def blend(colour: str, background: str) -> tuple[float, float, float]:
    """The colour as seen over ``background`` (alpha composited)."""
    r, g, b, a = _parse(colour)
    br, bg, bb, _ = _parse(background)
    return r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a)


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(colour: str, background: str) -> float:
    """The WCAG contrast ratio of a colour (alpha composited) against an opaque background."""
    lum = sorted((luminance(blend(colour, background)), luminance(blend(background, background))), reverse=True)
    return (lum[0] + 0.05) / (lum[1] + 0.05)


def ambiguous(target: Theme) -> dict[str, set[str]]:
    """Light colours that two roles share but ``target`` gives two colours (the mapping could not choose)."""
    seen: dict[tuple, set[str]] = {}
    for field in fields(Theme):
        if field.name == "name":
            continue
        light, other = getattr(LIGHT, field.name), getattr(target, field.name)
        for a, b in (zip(light, other) if isinstance(light, tuple) else [(light, other)]):
            seen.setdefault(_key(a), set()).add(b.lower())
    return {str(k): v for k, v in seen.items() if len(v) > 1}


def _mapping(target: Theme) -> dict[tuple, str]:
    out: dict[tuple, str] = {_key(TRANSPARENT): TRANSPARENT}
    for field in fields(Theme):
        if field.name == "name":
            continue
        light, other = getattr(LIGHT, field.name), getattr(target, field.name)
        pairs = zip(light, other) if isinstance(light, tuple) else [(light, other)]
        for a, b in pairs:
            out.setdefault(_key(a), b)
    return out


def _is_colour_key(key: str) -> bool:
    return key == "color" or key.endswith("color") or key in ("fgcolor", "bgcolor")


def _convert(node: Any, mapping: dict, path: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if _is_colour_key(key):
                out[key] = _colours(value, mapping, f"{path}.{key}")
            elif key == "colorscale" and isinstance(value, (list, tuple)):
                out[key] = [[stop, _colour(c, mapping, f"{path}.colorscale")] for stop, c in value]
            else:
                out[key] = _convert(value, mapping, f"{path}.{key}")
        return out
    if isinstance(node, (list, tuple)):
        return [_convert(v, mapping, path) for v in node]
    return node


def _colours(value: Any, mapping: dict, path: str) -> Any:
    if isinstance(value, str):
        return _colour(value, mapping, path)
    if isinstance(value, (list, tuple)):
        return [_colour(v, mapping, path) if isinstance(v, str) else v for v in value]
    return value


def _colour(value: str, mapping: dict, path: str) -> str:
    try:
        return mapping[_key(value)]
    except (KeyError, ValueError):
        raise ValueError(f"{path}: colour {value!r} belongs to no role of the theme") from None


def apply(fig: go.Figure | dict, theme: Theme | str) -> dict:
    """The figure (as plotly JSON) in ``theme``: every colour mapped by its role, the backgrounds set.
    A colour that is no theme role raises ValueError (so the light figure is checked too)."""
    theme = THEMES[theme] if isinstance(theme, str) else theme
    # Through JSON: plotly keeps arrays as numpy or tuples; the mapping walks plain lists and dicts.
    figure = json.loads(pio.to_json(fig, validate=False)) if isinstance(fig, go.Figure) else fig
    out = _convert(figure, _mapping(theme), "figure")
    layout = out.setdefault("layout", {})
    layout["paper_bgcolor"] = layout["plot_bgcolor"] = theme.background
    if "geo" in layout:
        layout["geo"]["bgcolor"] = theme.background
    return out


def patch(figure: dict, other: dict) -> list[list]:
    """The [[path...], value] changes that turn ``figure`` into ``other`` (the same figure in another theme):
    what an embed with ``theme=auto`` applies in the browser when the reader prefers dark."""
    changes: list[list] = []

    def walk(a: Any, b: Any, path: list) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in b:
                if key in a:
                    walk(a[key], b[key], [*path, key])
                else:
                    changes.append([[*path, key], b[key]])
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, [*path, i])
        elif a != b:
            changes.append([path, b])

    walk(figure, other, [])
    return changes
