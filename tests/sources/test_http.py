"""The shared session: transient faults are retried with backoff, and un.org sees a browser-like agent."""

from __future__ import annotations

from dashboard.sources._http import BROWSER_USER_AGENT, make_session


def test_session_retries_transient_errors_with_backoff():
    session = make_session()
    retry = session.get_adapter("https://api.worldbank.org/").max_retries
    assert retry.total == 3
    assert retry.backoff_factor > 0
    assert {429, 500, 502, 503, 504} <= set(retry.status_forcelist)


def test_session_sends_a_browser_like_user_agent():
    """un.org refuses some default client user agents."""
    assert make_session().headers["User-Agent"] == BROWSER_USER_AGENT
    assert BROWSER_USER_AGENT.startswith("Mozilla/5.0")
