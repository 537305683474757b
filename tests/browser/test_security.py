"""The Content-Security-Policy in Chromium, enforced as the app sends it: every page (with its first view),
every embed and the pages' interactions run with no script or style the policy refuses, and still draw."""

from __future__ import annotations

import pytest

from tests.browser.helpers import open_dash, open_embed, wait_for_all_graphs, wait_until
from tests.browser.test_first_view import _built

# Every violation the page reports, from its first script on.
WATCH = """window.__kzViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__kzViolations.push(
    {directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber}));"""


def _violations(page) -> list[dict]:
    return page.evaluate("() => window.__kzViolations")


@pytest.mark.parametrize("path", ["/", "/trends", "/destinations", "/eaeu", "/data"])
def test_pages_and_their_first_views_run_under_the_policy(monkeypatch, browse, app_url, path):
    """A script the policy refused would leave a page without its clientside callbacks (the menu, the
    language links) or its first view without a chart: the policy allows exactly what the pages run."""
    monkeypatch.setenv("KZ_FIRST_VIEW", "1")
    if path != "/data":  # the explorer draws no chart, so it has no first view
        _built(app_url, path)
    page = browse()
    page.add_init_script(WATCH)
    open_dash(page, app_url + path)
    if path != "/data":
        wait_for_all_graphs(page)
    # The clientside callbacks ran: the tab is named after the page's heading (shell.TITLE_JS).
    wait_until(page, "() => document.title.includes(' · ')")
    assert _violations(page) == []


@pytest.mark.parametrize("path", ["/embed/trends", "/embed/destinations-map?theme=auto", "/embed/eaeu-net?lang=kk"])
def test_embeds_draw_with_no_inline_script_allowed(browse, app_url, path):
    """An embed's policy allows no inline script at all: its chart is drawn from a JSON block by embed.js."""
    page = browse()
    page.add_init_script(WATCH)
    open_embed(page, app_url + path)
    assert page.evaluate("() => document.querySelectorAll('#chart .main-svg').length") > 0
    assert "'unsafe-inline'" not in page.evaluate(
        "async () => (await fetch(location.href)).headers.get('content-security-policy').split('script-src')[1]")
    assert _violations(page) == []
