"""The callback bodies a browser sends (dashboard.callback_bodies), under the name the tests use."""

from dashboard.callback_bodies import ENDPOINT, ROUTER, calls, components, page, post

__all__ = ["ENDPOINT", "ROUTER", "calls", "components", "page", "post"]
