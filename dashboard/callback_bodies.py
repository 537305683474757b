"""Call a Dash app's callbacks over HTTP as the browser does, from its own ``/_dash-dependencies``.

``page(client, path)`` renders a page through the Pages router callback; ``calls(client, path)`` builds,
for every server callback whose inputs are on that page, the request body the renderer would send with
the page's initial values; ``post(client, body)`` sends it.  ``client`` is a Flask test client: the app
calls itself in-process, through the same dispatch as a reader's request.  Used by ``warm_up`` (every
bounded state built in the background), the bench, and the tests (every callback of every page works).
"""

from __future__ import annotations

import json
from typing import Any, Iterator

ROUTER = ".._pages_content.children..._pages_store.data.."
ENDPOINT = "/_dash-update-component"


def _split_output(output: str) -> list[tuple[str, str]]:
    """"..a.b...c.d.." -> [(a, b), (c, d)]; "a.b@hash" -> [(a, b)]."""
    output = output.split("@")[0]
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(p.rsplit(".", 1)) for p in parts]  # type: ignore[misc]


def _parse_id(raw: str) -> Any:
    return json.loads(raw) if raw.startswith("{") else raw


def post(client, body: dict):
    return client.post(ENDPOINT, data=json.dumps(body), content_type="application/json")


def page(client, path: str, search: str = "") -> dict:
    """The component tree of a page, as the Pages router callback renders it."""
    body = {"output": ROUTER, "outputs": [{"id": "_pages_content", "property": "children"},
                                          {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    response = post(client, body)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: the page router answered {response.status_code}: "
                           + response.get_data(as_text=True)[:500])
    return response.get_json()["response"]["_pages_content"]["children"]


def components(tree: Any) -> Iterator[dict]:
    """Every component with an id in a layout tree (JSON form)."""
    if isinstance(tree, list):
        for item in tree:
            yield from components(item)
    elif isinstance(tree, dict) and "props" in tree:
        props = tree["props"]
        if "id" in props:
            yield tree
        for value in props.values():
            if isinstance(value, (list, dict)):
                yield from components(value)


def _matches(pattern: dict, ident: Any) -> bool:
    if not isinstance(ident, dict) or set(ident) != set(pattern):
        return False
    return all(isinstance(v, list) or ident[k] == v for k, v in pattern.items())


def _resolve(spec: dict, found: list[dict], match: dict | None) -> Any:
    """An input/state spec -> the entry (or entries, for ALL) the renderer would send."""
    ident, prop = _parse_id(spec["id"]), spec["property"]
    if isinstance(ident, str):
        hit = next((c for c in found if c["props"]["id"] == ident), None)
        return None if hit is None else {"id": ident, "property": prop, "value": hit["props"].get(prop)}
    hits = [c for c in found if _matches(ident, c["props"]["id"])]
    wild = {k: v[0] for k, v in ident.items() if isinstance(v, list)}
    if "MATCH" in wild.values():
        keys = [k for k, v in wild.items() if v == "MATCH"]
        hits = [c for c in hits if match is None or all(c["props"]["id"][k] == match[k] for k in keys)]
        if not hits:
            return None
        c = hits[0]
        return {"id": c["props"]["id"], "property": prop, "value": c["props"].get(prop)}
    return [{"id": c["props"]["id"], "property": prop, "value": c["props"].get(prop)} for c in hits]


def calls(client, path: str, search: str = "") -> list[dict]:
    """Request bodies for every server callback whose inputs are all on the page at ``path``."""
    # The page's components and the app shell's (the theme store lives in the shell, around every page).
    tree = page(client, path, search)
    found = list(components(tree)) + list(components(client.get("/_dash-layout").get_json()))
    bodies = []
    for dep in client.get("/_dash-dependencies").get_json():
        if dep.get("clientside_function") or dep["output"] == ROUTER:
            continue
        # MATCH callbacks: one call per component matched by the first MATCH input.
        first = _parse_id(dep["inputs"][0]["id"])
        groups = [None]
        if isinstance(first, dict) and any(v == ["MATCH"] for v in first.values()):
            groups = [c["props"]["id"] for c in found if _matches(first, c["props"]["id"])]
        for match in groups:
            inputs = [_resolve(s, found, match) for s in dep["inputs"]]
            if any(i is None or i == [] for i in inputs):
                continue
            state = [_resolve(s, found, match) for s in dep["state"]]
            outputs = []
            for ident, prop in _split_output(dep["output"]):
                parsed = _parse_id(ident)
                if isinstance(parsed, dict) and any(isinstance(v, list) for v in parsed.values()):
                    resolved = _resolve({"id": ident, "property": prop}, found, match)
                    outputs.append(resolved if isinstance(resolved, list) else
                                   {"id": resolved["id"], "property": prop})
                    if isinstance(resolved, list):
                        outputs[-1] = [{"id": r["id"], "property": prop} for r in resolved]
                else:
                    outputs.append({"id": parsed, "property": prop})
            multi = dep["output"].startswith("..")
            changed = inputs[0] if isinstance(inputs[0], dict) else (inputs[0][0] if inputs[0] else None)
            bodies.append({
                "output": dep["output"], "outputs": outputs if multi else outputs[0],
                "inputs": inputs, "state": [s if s is not None else [] for s in state],
                "changedPropIds": [f"{json.dumps(changed['id'], separators=(',', ':'), sort_keys=True) if isinstance(changed['id'], dict) else changed['id']}.{changed['property']}"]
                if changed else [],
            })
    return bodies
