"""Request size limits (dashboard/limits.py): 414, 431 and 413 with a plain message, answered before anything
reads the request; every request the dashboard itself makes fits well inside them."""

from __future__ import annotations

import json

import pytest

from dashboard import limits
from dashboard.app import create_app
from tests import dash_calls
from tests.conftest import FIXTURE_DATA


@pytest.fixture(scope="module")
def client():
    return create_app(FIXTURE_DATA).server.test_client()


def test_a_query_string_over_the_limit_is_a_414(client):
    response = client.get("/data/kz-migration.csv?years=" + "1" * limits.MAX_QUERY)
    assert response.status_code == 414 and str(limits.MAX_QUERY) in response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    assert client.get("/data/kz-migration.csv?years=2019").status_code == 200


def test_headers_over_the_limit_are_a_431(client):
    response = client.get("/trends", headers={"X-Padding": "a" * limits.MAX_HEADERS})
    assert response.status_code == 431 and "headers" in response.get_data(as_text=True)


def test_a_body_over_the_limit_is_a_413_before_it_is_read(client):
    response = client.post("/_dash-update-component", data=b"[" * (limits.MAX_BODY + 1),
                           content_type="application/json")
    assert response.status_code == 413 and str(limits.MAX_BODY) in response.get_data(as_text=True)


def test_every_request_the_dashboard_makes_fits(client):
    bodies = [b for path in ("/", "/trends", "/destinations", "/eaeu", "/data") for b in dash_calls.calls(client, path)]
    assert max(len(json.dumps(b)) for b in bodies) < limits.MAX_BODY / 20
    # The longest addresses a reader's state gives are far below the query limit.
    assert client.get("/trends?measures=emigrants~immigrants~net&per1000=1&scale=log&years=2000..2025&lang=kk"
                      ).status_code == 200
