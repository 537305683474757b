"""Walking a Dash layout in tests: find components by id, read the notices a reader sees."""

from __future__ import annotations

from dash import html


def walk(component):
    """Every component of a layout tree, depth first."""
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def by_id(layout, ident):
    """The one component with this id (fails if there are none or several)."""
    found = [c for c in walk(layout) if getattr(c, "id", None) == ident]
    assert len(found) == 1, f"{ident}: {len(found)} components"
    return found[0]


def notice_texts(layout) -> list:
    """Texts of the visible notices (query values that fell back to defaults)."""
    return [c.children for c in walk(layout) if isinstance(c, html.P) and c.className == "notice"]
