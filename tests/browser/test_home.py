"""The story page in a real browser: loads offline, no console errors, readable on a phone."""

from __future__ import annotations

from tests.browser.conftest import screenshot, wait_for_dash


def test_home_loads_without_errors_or_external_requests(page, app_url):
    page.goto(app_url + "/")
    wait_for_dash(page)
    assert "Emigration from Kazakhstan" in page.inner_text("h1")
    assert "Source:" in page.inner_text(".source-line")
    screenshot(page, "home")


def test_home_is_readable_at_phone_width(phone_page, app_url):
    phone_page.goto(app_url + "/")
    wait_for_dash(phone_page)
    overflow = phone_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a 375px phone"
    screenshot(phone_page, "home-phone")
