"""Every colour of every chart comes from the theme, and every chart is readable in both themes.

In dark mode the net-migration line was black on #111, event labels light grey on light grey and the
subtitles nearly vanished.  Here every chart of the registry (each in its default state and in the other
states a reader reaches) is drawn in the light and the dark theme, and every colour a reader must see is
measured against what it is drawn on (WCAG 2.2 AA): text at least 4.5:1, lines, markers and bars at least
3:1.  Choropleth fills are areas whose meaning is the class, not a contrast: there the classes must differ
from the "no figure" land and step monotonically away from the background.
"""

from __future__ import annotations

import colorsys

import plotly.graph_objects as go
import pytest

from dashboard import components, snapshots
from dashboard.figures import theme
from dashboard.figures.common import base_layout
from dashboard.views import charts
from tests.conftest import FIXTURE_DATA

TEXT, MARKS = 4.5, 3.0
FONT_KEYS = ("font", "tickfont", "textfont", "outsidetextfont", "insidetextfont")

_SNAP = snapshots.Store(FIXTURE_DATA).current()
REGISTRY = charts.registry(_SNAP)
CLAIMS = [c for c in REGISTRY if c.startswith("claim/")]

# (chart id, state on top of its defaults): the default view of every chart, and the others readers reach.
STATES = [(cid, {"country": "DEU"} if cid == "destination-series" else {}) for cid in REGISTRY] + [
    ("destinations-map", {"measure": "flows"}),
    ("destinations-map", {"measure": "flows", "period": "2023-Q1-Q3", "country": "DEU"}),
    ("destinations-map", {"year": 2000}),  # published zeros (Luxembourg) in their own trace
    ("destinations-map", {"country": "DEU"}),  # the chosen destination outlined
    ("top-destinations", {"measure": "flows"}),
    ("top-destinations", {"no_russia": True}),
    ("destination-series", {"country": "USA"}),
    ("destination-series", {}),  # no country yet: the prompt
    ("trends", {"per1000": True}),
    ("trends", {"scale": "log"}),
    ("trends", {"measures": ()}),
    ("trends-compare", {"years": (2015, 2020)}),
    ("eaeu-net", {"measure": "per1000"}),
    ("eaeu-stock-share", {"revision": 2024}),
    ("eaeu-eec", {"countries": ("ARM",)}),
    ("eaeu-net", {"countries": ()}),  # nothing ticked: the short "pick a country" chart
]


def _ident(item) -> str:
    cid, state = item
    return cid + ("" if not state else "?" + "&".join(f"{k}={v}" for k, v in state.items()))


@pytest.fixture(scope="module", params=STATES, ids=[_ident(s) for s in STATES])
def figure(request, snap):
    cid, state = request.param
    chart = charts.registry(snap)[cid]
    return chart.figure({**chart.defaults(), **state}, snap, "en")


def solid(colour: str, background: str) -> str:
    """A colour with alpha as seen over an opaque background."""
    return "rgb({},{},{})".format(*(round(c) for c in theme.blend(colour, background)))


def with_opacity(colour: str, opacity: float) -> str:
    r, g, b, a = theme._parse(colour)
    return f"rgba({r},{g},{b},{a * opacity})"


def colours(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def fonts(node, path: str):
    """Every (path, font dict) under a node of plotly JSON."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FONT_KEYS and isinstance(value, dict):
                yield f"{path}.{key}", key, value
            elif isinstance(value, (dict, list)):
                yield from fonts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from fonts(value, f"{path}[{i}]")


def text_checks(fig: dict):
    """(what, text colour, background) for every text of the figure, each against what it is drawn on."""
    layout, bg = fig["layout"], fig["layout"]["paper_bgcolor"]
    for what, _key, font in fonts({k: v for k, v in layout.items() if k not in ("annotations", "hoverlabel")},
                                  "layout"):
        for colour in colours(font.get("color")):
            yield what, colour, bg
    for i, note in enumerate(layout.get("annotations", [])):
        behind = solid(note["bgcolor"], bg) if note.get("bgcolor") else bg
        for colour in colours((note.get("font") or {}).get("color")):
            yield f"annotation {i} {note.get('text', '')[:30]!r}", colour, behind
    hover = layout.get("hoverlabel") or {}
    if hover.get("bgcolor"):
        for colour in colours((hover.get("font") or {}).get("color")):
            yield "hoverlabel", colour, solid(hover["bgcolor"], bg)
    for i, trace in enumerate(fig["data"]):
        name = f"trace {i} {trace.get('type')} {trace.get('name', '')!r}"
        fills = colours((trace.get("marker") or {}).get("color")) or [bg]
        positions = colours(trace.get("textposition")) or ["auto"]
        for what, key, font in fonts(trace, name):
            for colour in colours(font.get("color")):
                inside = key == "insidetextfont" or (key == "textfont" and set(positions) == {"inside"})
                for behind in ([solid(f, bg) for f in fills] if inside else [bg]):
                    yield what, colour, behind


def mark_checks(fig: dict):
    """(what, colour, background, outline) for every line, marker and bar of every trace (legend-only entries
    too: they are what the legend shows); ``outline`` is the bar's edge colour, which may carry its contrast."""
    bg = fig["layout"]["paper_bgcolor"]
    for i, shape in enumerate(fig["layout"].get("shapes", [])):  # event lines, the claim band's edge
        line = shape.get("line") or {}
        if line.get("width", 1) and line.get("color"):
            yield f"shape {i} {shape.get('name', '')!r} line", line["color"], bg, []
    for i, trace in enumerate(fig["data"]):
        if trace.get("type") == "choropleth":
            continue  # areas: see the class tests below
        name = f"trace {i} {trace.get('type')} {trace.get('name', '')!r}"
        opacity = trace.get("opacity", 1)
        line, marker = trace.get("line") or {}, trace.get("marker") or {}
        edge = marker.get("line") or {}
        edge_shown = edge.get("width", 1) not in (0, None) if isinstance(edge.get("width", 1), (int, float)) else True
        outline = [c for c in colours(edge.get("color")) if edge_shown and c != theme.TRANSPARENT]
        mode = trace.get("mode", "lines+markers")
        if trace.get("type") != "bar" and "lines" in mode:
            for colour in colours(line.get("color")):
                yield f"{name} line", with_opacity(colour, opacity), bg, []
        if trace.get("type") == "bar" or "markers" in mode:
            for colour in colours(marker.get("color")):
                yield f"{name} marker", with_opacity(colour, opacity), bg, outline
            for colour in outline:
                if colour.lower() != bg.lower():  # a halo in the background's colour separates, it is not seen
                    yield f"{name} marker outline", with_opacity(colour, opacity), bg, []


def failures(fig: dict):
    bad = []
    for what, colour, behind in text_checks(fig):
        if colour != theme.TRANSPARENT and theme.contrast(colour, behind) < TEXT:
            bad.append(f"text {what}: {colour} on {behind} = {theme.contrast(colour, behind):.2f}")
    for what, colour, behind, outline in mark_checks(fig):
        if colour.startswith("rgba(0,0,0,0") or theme._parse(colour)[3] == 0:
            continue
        ratio = theme.contrast(colour, behind)
        if ratio < MARKS and not any(theme.contrast(o, behind) >= MARKS for o in outline):
            bad.append(f"mark {what}: {colour} on {behind} = {ratio:.2f}")
    return bad


# --- contrast of every chart, both themes -------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_and_mark_has_enough_contrast(figure, scheme):
    fig = theme.apply(figure, scheme)
    assert fig["layout"]["paper_bgcolor"] == fig["layout"]["plot_bgcolor"] == theme.THEMES[scheme].background
    flow_lines = {i for i, t in enumerate(fig["data"]) if (t.get("meta") or {}).get("role") == "flow-line"}
    # Flow lines are half-transparent: checked apart, as seen over the map (below).
    rest = {**fig, "data": [t for i, t in enumerate(fig["data"]) if i not in flow_lines]}
    assert failures(rest) == []
    assert list(text_checks(fig)), "the check saw no text at all"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_flow_line_colours_have_3_to_1_before_their_transparency(snap, scheme):
    fig = theme.apply(REGISTRY["destinations-map"].figure(REGISTRY["destinations-map"].defaults(), snap, "en"), scheme)
    lines = [t for t in fig["data"] if (t.get("meta") or {}).get("role") == "flow-line"]
    assert lines
    bg = fig["layout"]["paper_bgcolor"]
    assert all(theme.contrast(t["line"]["color"], bg) >= MARKS for t in lines)


def test_flow_lines_as_seen_have_3_to_1_in_the_light_theme(snap):
    fig = theme.apply(REGISTRY["destinations-map"].figure(REGISTRY["destinations-map"].defaults(), snap, "en"), "light")
    lines = [t for t in fig["data"] if (t.get("meta") or {}).get("role") == "flow-line"]
    bg = fig["layout"]["paper_bgcolor"]
    assert all(theme.contrast(with_opacity(t["line"]["color"], t.get("opacity", 1)), bg) >= MARKS for t in lines)


def test_the_check_catches_what_issue_9_saw(snap):
    """The test itself: the old dark net line (black on #121212) and light-grey event labels fail it."""
    fig = theme.apply(REGISTRY["trends"].figure(REGISTRY["trends"].defaults(), snap, "en"), "dark")
    net = next(t for t in fig["data"] if (t.get("meta") or {}).get("measure") == "net")
    net["line"]["color"] = "#1a1a1a"
    note = next(a for a in fig["layout"]["annotations"] if (a.get("name") or "").startswith("event"))
    note["font"]["color"], note["bgcolor"] = "#cccccc", "rgba(230,230,230,0.85)"
    fig["layout"]["title"]["subtitle"]["font"]["color"] = "#333333"
    found = " ".join(failures(fig))
    assert "'Net migration' line" in found and "annotation" in found and "subtitle" in found


# --- the map's classes --------------------------------------------------------------------------------------

def _chroma(colour: str) -> float:
    r, g, b, _a = theme._parse(colour)
    return colorsys.rgb_to_hls(r / 255, g / 255, b / 255)[2] * (max(r, g, b) - min(r, g, b))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_map_classes_step_away_from_the_background_and_differ_from_no_figure(snap, scheme):
    """The classes get darker (light theme) or lighter (dark theme) as the counts grow, strictly, and none
    can be mistaken for the grey of "no figure" or the white/black of "published as 0"."""
    colours_ = theme.THEMES[scheme]
    for state in ({}, {"measure": "flows"}, {"year": 2000}):
        chart = REGISTRY["destinations-map"]
        fig = theme.apply(chart.figure({**chart.defaults(), **state}, snap, "en"), scheme)
        classes = next(t for t in fig["data"] if (t.get("meta") or {}).get("role") == "classes")
        steps = list(dict.fromkeys(c for _pos, c in classes["colorscale"]))
        assert steps == list(colours_.map_classes)
        land = fig["layout"]["geo"]["landcolor"]
        assert land == colours_.land
        lum = [theme.luminance(theme.blend(c, colours_.background)) for c in steps]
        if scheme == "light":
            assert all(a > b for a, b in zip(lum, lum[1:])), lum  # darker as the class grows
        else:
            assert all(a < b for a, b in zip(lum, lum[1:])), lum  # lighter as the class grows
        contrast = [theme.contrast(c, colours_.background) for c in steps]
        assert contrast == sorted(contrast), "each class further from the background than the one before"
        for colour in steps:
            assert colour.lower() != land.lower() and colour.lower() != colours_.zero_fill.lower()
            assert _chroma(colour) > 5 * max(_chroma(land), 1), (colour, land)  # a blue, never a grey
        zero = [t for t in fig["data"] if (t.get("meta") or {}).get("role") == "published-zero"]
        for trace in zero:
            assert {c for _p, c in trace["colorscale"]} == {colours_.zero_fill} and colours_.zero_fill != land
            assert theme.contrast(trace["marker"]["line"]["color"], colours_.zero_fill) >= MARKS


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_origin_and_the_chosen_destination_stand_out(snap, scheme):
    chart = REGISTRY["destinations-map"]
    fig = theme.apply(chart.figure({**chart.defaults(), "country": "DEU"}, snap, "en"), scheme)
    bg, land = fig["layout"]["paper_bgcolor"], fig["layout"]["geo"]["landcolor"]
    origin = next(t for t in fig["data"] if (t.get("meta") or {}).get("role") == "origin")
    outline = next(t for t in fig["data"] if (t.get("meta") or {}).get("role") == "selected")
    for colour in (origin["marker"]["color"], outline["marker"]["line"]["color"]):
        assert theme.contrast(colour, bg) >= MARKS and theme.contrast(colour, land) >= MARKS


# --- the theme module itself --------------------------------------------------------------------------------

def test_theme_apply_refuses_a_colour_that_belongs_to_no_role():
    """A literal colour in a figure would stay light in the dark theme: apply refuses it."""
    fig = base_layout(go.Figure(go.Scatter(x=[1], y=[1], line={"color": "#123456"})), "t", "Source: x")
    with pytest.raises(ValueError, match="#123456"):
        theme.apply(fig, "dark")
    with pytest.raises(ValueError, match="belongs to no role"):
        theme.apply(fig, "light")
    fine = base_layout(go.Figure(go.Scatter(x=[1], y=[1], line={"color": theme.LIGHT.net})), "t", "Source: x")
    assert theme.apply(fine, "dark")["data"][0]["line"]["color"] == theme.DARK.net == "#ececec"


def test_no_light_colour_maps_to_two_dark_ones():
    """Two roles sharing a light colour must share the dark one too, or apply could not choose."""
    assert theme.ambiguous(theme.DARK) == {}
    assert theme.ambiguous(theme.LIGHT) == {}


def test_contrast_is_the_wcag_ratio():
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert theme.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert theme.contrast("rgba(0,0,0,0)", "#ffffff") == pytest.approx(1.0)
    assert theme.contrast("rgba(0,0,0,0.5)", "#ffffff") < theme.contrast("#000000", "#ffffff")


def test_theme_roles_meet_their_own_contrast(snap):
    """The roles a reader reads (ink, muted) and sees (the series colours) hold AA in each theme."""
    for colours_ in (theme.LIGHT, theme.DARK):
        bg = colours_.background
        for role in ("ink", "muted", "band_ink"):
            assert theme.contrast(getattr(colours_, role), bg) >= TEXT, (colours_.name, role)
        for role in ("emigrants", "immigrants", "net", "model", "kaz", "rus", "blr", "arm", "kgz", "revision_2020",
                     "revision_2024", "bar", "highlight", "inside", "outside", "borderline", "axis", "flow",
                     "origin", "selected", "band_edge", "gap_edge"):
            assert theme.contrast(getattr(colours_, role), bg) >= MARKS, (colours_.name, role)
        assert theme.contrast(colours_.bar_text, colours_.bar) >= TEXT


def test_patch_turns_the_light_figure_into_the_dark_one(snap):
    light = theme.apply(REGISTRY["trends"].figure(REGISTRY["trends"].defaults(), snap, "en"), "light")
    dark = theme.apply(light, "dark")
    changes = theme.patch(light, dark)
    assert changes and all(isinstance(path, list) for path, _v in changes)
    import copy

    patched = copy.deepcopy(light)
    for path, value in changes:
        node = patched
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    assert patched == dark
    assert theme.patch(light, light) == []


def test_components_themed_falls_back_to_light(snap):
    fig = REGISTRY["eaeu-rank"].figure(REGISTRY["eaeu-rank"].defaults(), snap, "en")
    for unknown in (None, "", "purple"):
        assert components.themed(fig, unknown)["layout"]["paper_bgcolor"] == theme.LIGHT.background
    assert components.themed(fig, "dark")["layout"]["paper_bgcolor"] == theme.DARK.background


def test_every_chart_callback_takes_the_readers_theme(client):
    """A chart drawn without the theme input would stay light for a dark reader."""
    deps = client.get("/_dash-dependencies").get_json()
    drawing = [d for d in deps if ".figure" in d["output"] and not d.get("clientside_function")
               and "_pages_content" not in d["output"]]
    assert len(drawing) >= 4
    for dep in drawing:
        inputs = [(i["id"], i["property"]) for i in dep["inputs"]]
        assert (components.THEME, "data") in inputs, dep["output"]
