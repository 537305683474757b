"""The story page in a real browser: every callout shows its computed verdict, and its link opens
the chart in the state that shows the claim."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from dashboard import claims, snapshots
from tests.browser.conftest import screenshot, wait_for_dash
from tests.conftest import FIXTURE_DATA

pytestmark = pytest.mark.browser

# The claims with a dataset, for parametrize: the fixture snapshot's ledger (the app serves that snapshot).
LINKED = [c.id for c in claims.ledger(snapshots.Store(FIXTURE_DATA).current()) if c.query.dataset]


def test_every_callout_shows_its_verdict(page, app_url, snap):
    page.goto(app_url + "/")
    wait_for_dash(page)
    verdicts = claims.evaluate_all(snap, "en")
    ledger = claims.ledger(snap)
    callouts = page.locator(".callout")
    assert callouts.count() == len(ledger)
    for claim in ledger:
        callout = page.locator(f"#claim-{claim.id}")
        badge = callout.locator(".verdict").first
        assert badge.get_attribute("data-verdict") == verdicts[claim.id].verdict
        assert badge.is_visible()
        assert "Source:" in callout.inner_text()
    screenshot(page, "home")


@pytest.mark.parametrize("claim_id", LINKED)
def test_a_callout_link_opens_the_chart_in_the_claimed_state(page, app_url, snap, claim_id):
    claim = claims.find(snap, claim_id)
    page.goto(app_url + "/")
    wait_for_dash(page)
    link = page.locator(f"#claim-{claim_id} .claim-link").first
    assert link.get_attribute("href") == claim.chart.href
    link.click()
    page.wait_for_url(f"**{claim.chart.path}*")
    wait_for_dash(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20000)
    # the page opened in the claimed state: no fallback notice, and the claimed query is kept
    assert page.locator(".notice:visible").count() == 0, page.locator(".notice").all_inner_texts()
    expected = dict(p.split("=") for p in claim.chart.query.lstrip("?").split("&") if p)
    shown = dict(parse_qsl(urlsplit(page.url).query))
    for key, value in expected.items():
        assert shown.get(key, value) == value, (key, shown)
