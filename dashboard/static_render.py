"""Dash components written out as plain HTML, for a page's first view (``first_view``): what the page will
show, drawn by the browser before Dash's scripts have run.

Only what the pages use: every ``dash.html`` element with its text, classes, inline style, ARIA and data
attributes; dcc's links, lists of options (checkboxes and radio buttons, shown as set), dropdowns (their
chosen label in a box), sliders (a bar of their height), graphs (an empty box of their height, or the
first view's chart: ``graph_html`` decides); stores, locations and anything unknown write nothing.  Ids are
left out (the page's own elements carry them: the view is a copy beside it).  Nothing here is
interactive: the layer it goes into is ``inert``.
"""

from __future__ import annotations

import html
import re
from typing import Any, Callable

HTML_NAMESPACE = "dash_html_components"
CORE_NAMESPACE = "dash_core_components"
VOID = {"br", "hr", "img", "input", "col", "wbr", "source", "track", "area"}
# Dash names a few elements other than their tag.
TAGS = {"ObjectEl": "object", "MapEl": "map"}
ATTRIBUTES = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "hrefLang": "hreflang",
              "colSpan": "colspan", "rowSpan": "rowspan"}
PLAIN = {"href", "title", "role", "lang", "target", "rel", "type", "alt", "src", "width", "height", "open",
         "hidden", "value", "scope"}


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower()  # maxWidth -> max-width


def _css(style: dict | None) -> str:
    if not style:
        return ""
    return "; ".join(f"{_kebab(k)}: {v}" for k, v in style.items() if v is not None and v != "")


def attributes(props: dict) -> str:
    """A component's props as HTML attributes (a leading space each; children and ids left out)."""
    out = []
    for name, value in props.items():
        if name in ("children", "id", "style") or value is None or value is False:
            continue
        if name.startswith(("aria-", "data-")) or name in ATTRIBUTES or name in PLAIN:
            attr = ATTRIBUTES.get(name, name)
            out.append(attr if value is True else f'{attr}="{html.escape(str(value))}"')
    style = _css(props.get("style"))
    if style:
        out.append(f'style="{html.escape(style)}"')
    return "".join(" " + a for a in out)


def _label(option: Any) -> str:
    return str(option["label"] if isinstance(option, dict) else option)


def _value(option: Any) -> Any:
    return option["value"] if isinstance(option, dict) else option


def _core(kind: str, props: dict, render: Callable[[Any], str], graph_html: Callable[[dict], str]) -> str:
    if kind == "Link":
        return f'<a{attributes(props)}>{render(props.get("children"))}</a>'
    if kind == "Loading":
        return render(props.get("children"))
    if kind == "Graph":
        return graph_html(props)
    if kind in ("Checklist", "RadioItems"):
        chosen = props.get("value")
        chosen = chosen if isinstance(chosen, list) else [chosen]
        box = "checkbox" if kind == "Checklist" else "radio"
        items = "".join(f'<label class="kz-fv-option"><input type="{box}"'
                        f'{" checked" if _value(o) in chosen else ""}> {html.escape(_label(o))}</label>'
                        for o in props.get("options") or [])
        return f'<div class="kz-fv-options{" kz-fv-inline" if props.get("inline") else ""}">{items}</div>'
    if kind == "Dropdown":
        chosen = props.get("value")
        chosen = chosen if isinstance(chosen, list) else [chosen]
        labels = [_label(o) for o in props.get("options") or [] if _value(o) in chosen]
        text = ", ".join(labels) or str(props.get("placeholder") or "")
        return f'<div class="kz-fv-select">{html.escape(text)}</div>'
    if kind in ("RangeSlider", "Slider"):
        return '<div class="kz-fv-slider"></div>'
    return ""  # Store, Location, Textarea, ...: nothing a reader sees before Dash starts


def to_html(node: Any, graph_html: Callable[[dict], str], replace: dict[str, Any] | None = None) -> str:
    """``node`` (a component, a list of them, text or a number) as HTML; ``graph_html(props)`` writes a
    dcc.Graph; ``replace``: component id -> what to write as its children instead (Dash Pages' page
    content, filled by its router callback)."""
    replace = replace or {}

    def render(child: Any) -> str:
        if child is None or child is False:
            return ""
        if isinstance(child, (list, tuple)):
            return "".join(render(c) for c in child)
        if isinstance(child, (str, int, float)):
            return html.escape(str(child))
        data = child.to_plotly_json() if hasattr(child, "to_plotly_json") else child
        if not isinstance(data, dict) or "type" not in data:
            return ""
        props = data.get("props") or {}
        if data.get("namespace") == CORE_NAMESPACE:
            return _core(data["type"], props, render, graph_html)
        if data.get("namespace") != HTML_NAMESPACE:
            return ""  # another library's component (the explorer's grid): drawn by Dash only
        tag = TAGS.get(data["type"], data["type"].lower())
        if tag in VOID:
            return f"<{tag}{attributes(props)}>"
        ident = props.get("id")
        children = replace[ident] if isinstance(ident, str) and ident in replace else props.get("children")
        return f"<{tag}{attributes(props)}>{render(children)}</{tag}>"

    return render(node)
