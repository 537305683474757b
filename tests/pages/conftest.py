"""Every test here runs inside a request of a fresh app on the fixture snapshot: page layouts and callbacks
read the request's pinned snapshot through ``context.snapshot()``, as they do when Dash calls them."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def request_context(app):
    """A request of the test's own app (``app`` builds it, which also registers its pages with Dash)."""
    with app.server.test_request_context("/"):
        yield app
