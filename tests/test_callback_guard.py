"""Dash's callback endpoint answers a request no renderer sends with 400 and what is wrong, never a 500
(dashboard/callback_guard.py; issue 13's malformed bodies)."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dashboard.app import create_app
from tests import dash_calls
from tests.conftest import FIXTURE_DATA

ENDPOINT = "/_dash-update-component"


@pytest.fixture(scope="module")
def client():
    return create_app(FIXTURE_DATA).server.test_client()


@pytest.fixture(scope="module")
def trends_call(client):
    return next(b for b in dash_calls.calls(client, "/trends") if b["output"].startswith("..trends-graph.figure"))


def _post(client, body) -> tuple[int, str]:
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    response = client.post(ENDPOINT, data=raw, content_type="application/json")
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("body, says", [
    ([], "not a JSON object"),
    ({}, "'output' is missing"),
    ("not json", "not a JSON object"),
    ({"output": 5}, "'output' is missing"),
    ({"output": "x", "inputs": []}, "no callback has the output 'x'"),
    ({"output": "<script>.children", "outputs": {}, "inputs": []}, "no callback has the output '?script?.children'"),
])
def test_a_body_no_renderer_sends_is_a_400_saying_why(client, body, says):
    status, text = _post(client, body)
    assert status == 400 and says in text, (status, text)


def test_the_callbacks_own_body_still_works(client, trends_call):
    status, text = _post(client, trends_call)
    assert status == 200 and json.loads(text)["response"]["trends-graph"]["figure"]["data"]


@pytest.mark.parametrize("change, says", [
    (lambda b: b.update(inputs=b["inputs"][:-1]), "'inputs' has"),
    (lambda b: b.update(state="x"), "'state' is not a list"),
    (lambda b: b.update(outputs=[]), "'outputs' has 0 items"),
    (lambda b: b["inputs"][0].pop("property"), "has no id or property"),
    (lambda b: b.update(changedPropIds=[1]), "'changedPropIds'"),
    (lambda b: b["inputs"][0].update(value=5), "cannot use the values it was sent"),  # measures: a number
])
def test_a_callbacks_body_bent_out_of_shape_is_a_400(client, trends_call, change, says):
    body = copy.deepcopy(trends_call)
    change(body)
    status, text = _post(client, body)
    assert status == 400 and says in text, (status, text)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional={"output": JSON | st.sampled_from(["trends-graph.figure", "x.y"]),
                                           "outputs": JSON, "inputs": JSON, "state": JSON, "changedPropIds": JSON}))
def test_no_body_is_a_server_error(client, body):
    status, _text = _post(client, body)
    assert status < 500, body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(JSON, min_size=5, max_size=5))
def test_no_input_values_are_a_server_error(client, trends_call, values):
    body = copy.deepcopy(trends_call)
    for item, value in zip(body["inputs"], values):
        item["value"] = value
    status, text = _post(client, body)
    assert status in (200, 204, 400), (status, text[:200], values)
