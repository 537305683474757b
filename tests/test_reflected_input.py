"""Bad input gets a clear answer that names what was wrong and reflects at most a short, harmless excerpt
of it; every response carries nosniff, a referrer policy and a permissions policy (issue 13's first items)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from dashboard import urlstate
from dashboard.app import create_app
from dashboard.security import HEADERS as SECURITY_HEADERS
from tests.conftest import FIXTURE_DATA

PAYLOAD = "<script>alert(1)</script>"
TAG = "<img src=x onerror=alert(1)>"  # no "/": stays one path segment


@pytest.fixture(scope="module")
def client():
    return create_app(FIXTURE_DATA).server.test_client()


@pytest.mark.parametrize("url", [
    f"/data/kz-migration.csv?years={PAYLOAD}",
    f"/data/kz-migration.csv?{PAYLOAD}=1",
    f"/data/{TAG}.csv",
    f"/embed/{TAG}",
    f"/oembed?url=https://elsewhere.example/{PAYLOAD}",
    f"/claims.atom?lang={PAYLOAD}",
])
def test_an_error_names_the_problem_without_reflecting_the_payload(client, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    body = response.get_data(as_text=True)
    assert "<" not in body and ">" not in body and "alert(1)" not in body, body
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_excerpt_is_short_and_harmless():
    assert urlstate.excerpt("2010..2020") == "2010..2020"
    assert urlstate.excerpt(PAYLOAD) == "?script?alert?1??/script?"
    assert urlstate.excerpt("x" * 100) == "x" * urlstate.EXCERPT + "…"
    assert urlstate.excerpt("a\r\nb%3Cc'\"") == "a??b?3Cc??"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_no_excerpt_carries_markup_quotes_or_control_characters(text):
    shown = urlstate.excerpt(text)
    assert len(shown) <= urlstate.EXCERPT + 1
    assert not any(c in shown for c in "<>&'\"%\\\r\n\t\x00")


@pytest.mark.parametrize("path", ["/", "/trends", "/embed/trends", "/data/kz-migration.csv", "/healthz",
                                  "/claims.atom", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, (path, name)


def test_a_page_address_with_markup_is_never_reflected_raw(client):
    # Not a route of ours: Dash's page answers, its meta tags carry the address escaped.
    body = client.get(f"/embed/{PAYLOAD}").get_data(as_text=True)
    assert PAYLOAD not in body and "<script>alert" not in body
