"""Requests to Dash's own endpoints that no renderer sends, answered with a plain message that says what is
wrong, never a 500.

The callback endpoint: Dash's dispatch indexes the body without checking it (``[]``, ``{}``, an output no
callback has, inputs of another length or shape all raised inside it), and Python's JSON parser gives up on
a body nested some thousand levels deep with a RecursionError, which Flask's ``get_json(silent=True)`` does
not catch.  ``problem(body, callback_map)`` checks the body's nesting and shape against the callback it
names; ``install`` wraps the endpoint so that it answers 400 with that sentence, and also when a callback
cannot use the values it was sent (a number where a list of countries belongs: TypeError, ValueError,
KeyError inside it; logged).

The component suites (``/_dash-component-suites/<package>/<path>``): Dash raises DependencyException for a
package or file it does not serve (a mistyped or climbing path); that is a 404.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Mapping

import dash.exceptions
import flask

from dashboard.routes import plain
from dashboard.urlstate import excerpt

LOG = logging.getLogger(__name__)
ENDPOINT = "/_dash-update-component"
# Lists and objects inside one another, at most: the dashboard's own bodies go 10 deep, a page's component
# tree (what a callback could send back as state) 26.
MAX_DEPTH = 64
# What a callback or Dash raises on values of the wrong shape (CallbackException: outputs that do not match).
CANNOT_USE = (TypeError, ValueError, KeyError, IndexError, AttributeError, dash.exceptions.CallbackException)


def _items_ok(items: Any) -> bool:
    group = items if isinstance(items, list) else [items]  # a pattern-matching (ALL) input is a list of them
    return all(isinstance(i, dict) and "id" in i and isinstance(i.get("property"), str) for i in group)


def depth(value: Any) -> int:
    """How many lists and objects deep ``value`` goes (without recursing: the value may be very deep)."""
    deepest, stack = 0, [(value, 1)] if isinstance(value, (list, dict)) else []
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((inner, level + 1) for inner in (item.values() if isinstance(item, dict) else item)
                     if isinstance(inner, (list, dict)))
    return deepest


def problem(body: Any, callback_map: Mapping[str, dict]) -> str | None:
    """What makes ``body`` a request no Dash renderer sends, or None."""
    if depth(body) > MAX_DEPTH:
        return f"the body is nested more than {MAX_DEPTH} levels deep"
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str):
        return "'output' is missing or not a string"
    spec = callback_map.get(output)
    if spec is None:
        return f"no callback has the output '{excerpt(output)}'"
    outputs = body.get("outputs")
    count = len(output[2:-2].split("...")) if output.startswith("..") else 1  # "..a.b...c.d.." holds two
    if count == 1 and not isinstance(outputs, (dict, list)) or count > 1 and not isinstance(outputs, list):
        return "'outputs' is missing"
    if count > 1 and len(outputs) != count:
        return f"'outputs' has {len(outputs)} items; the callback has {count}"
    for field in ("inputs", "state"):
        given = body.get(field, [])
        expected = spec.get(field) or []
        if not isinstance(given, list):
            return f"'{field}' is not a list"
        if len(given) != len(expected):
            return f"'{field}' has {len(given)} items; the callback takes {len(expected)}"
        if not all(_items_ok(item) for item in given):
            return f"an item of '{field}' has no id or property"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "'changedPropIds' is not a list of strings"
    return None


def refused(message: str) -> flask.Response:
    return plain(400, f"bad callback request: {message}")


TOO_DEEP = object()  # a body the JSON parser could not read for its depth


def body() -> Any:
    """The request's JSON, None if it is not JSON, or TOO_DEEP (the parser recursed out of it)."""
    try:
        return flask.request.get_json(silent=True)
    except RecursionError:
        return TOO_DEEP


def unknown_file(_error: dash.exceptions.DependencyException) -> flask.Response:
    found = flask.request.view_args or {}
    name = f"{found.get('package_name', '')}/{found.get('fingerprinted_path', '')}"
    return plain(404, f"unknown file '{excerpt(name)}' of Dash's component suites")


def install(app) -> None:
    """Wrap the Dash app's callback endpoint (Dash 4 registers it through its Flask backend); answer a file
    Dash's component suites do not hold with a 404."""
    server = app.server
    endpoint = next(rule.endpoint for rule in server.url_map.iter_rules() if rule.rule.endswith(ENDPOINT))
    dispatch = server.view_functions[endpoint]
    server.register_error_handler(dash.exceptions.DependencyException, unknown_file)

    @functools.wraps(dispatch)
    def guarded(*args, **kwargs):
        sent = body()
        if sent is TOO_DEEP:
            return refused(f"the body is nested more than {MAX_DEPTH} levels deep")
        found = problem(sent, app.callback_map)
        if found:
            return refused(found)
        try:
            return dispatch(*args, **kwargs)
        except CANNOT_USE as exc:
            LOG.warning("callback request refused: %s: %s", type(exc).__name__, exc)
            return refused(f"the callback cannot use the values it was sent ({type(exc).__name__})")

    server.view_functions[endpoint] = guarded
