"""The Content-Security-Policy allows exactly the scripts the pages run, and no error shows a reader a
traceback: a script added inline without its hash would be refused by every reader's browser."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from dashboard import bake, security

# An executable inline script: a <script> with no src and no data type (JSON blocks are not run).
INLINE = re.compile(r"<script(?![^>]*(?:\ssrc=|application/(?:ld\+)?json))[^>]*>(.*?)</script>", re.S)


def directive(policy: str, name: str) -> list[str]:
    found = [d.split()[1:] for d in policy.split(";") if d.split() and d.split()[0] == name]
    assert len(found) == 1, policy
    return found[0]


def sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


@pytest.mark.parametrize("path", ["/", "/trends", "/destinations?country=DEU", "/eaeu?lang=kk", "/data", "/story"])
def test_every_inline_script_of_a_page_is_allowed_by_its_hash_and_nothing_else_is(client, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    # Dash's IE warning sits in a conditional comment no current browser runs.
    scripts = INLINE.findall(re.sub(r"<!--\[if IE\]>.*?<!\[endif\]-->", "", html, flags=re.S))
    assert scripts, "a Dash page has inline scripts (its renderer's start): the test would check nothing"
    sources = directive(response.headers["Content-Security-Policy"], "script-src")
    assert sources[0] == "'self'"
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert {sha256(s) for s in scripts} <= set(sources[1:])


@pytest.mark.parametrize("path", ["/embed/trends", "/embed/destinations-map?theme=auto&lang=ru",
                                  "/embed/eaeu-net?controls=1"])
def test_an_embed_runs_no_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert INLINE.findall(response.get_data(as_text=True)) == []
    assert 'id="chart-figure"' in response.get_data(as_text=True)  # its figure is a JSON block instead


def test_every_response_carries_the_policy_and_the_headers(client):
    for path in ("/healthz", "/data/migrant-stock.csv", "/nope", "/embed/nope", "/claims.atom"):
        response = client.get(path)
        assert directive(response.headers["Content-Security-Policy"], "default-src") == ["'self'"], path
        assert directive(response.headers["Content-Security-Policy"], "object-src") == ["'none'"], path
        for name, value in security.HEADERS.items():
            assert response.headers[name] == value, (path, name)


def test_the_bakes_headers_give_embeds_the_live_embed_policy_without_inline_scripts():
    lines = bake.headers().split("/embed/*\n")[1].splitlines()
    policy = next(line for line in lines if "Content-Security-Policy" in line).split(": ", 1)[1]
    assert directive(policy, "script-src") == ["'self'"]
    assert directive(policy, "frame-ancestors") == [security.embed_ancestors()]


def test_debug_and_dev_tools_are_off_and_an_error_shows_no_traceback(app):
    """Unless `kz-emigration serve --debug` asks for them: a reader never sees code, paths or a traceback."""
    server = app.server
    assert not server.debug and not app.config.get("dev_tools_ui") and not app._dev_tools.ui

    @server.route("/__test_fault")
    def fault():
        raise RuntimeError("secret /srv/path detail")

    response = server.test_client().get("/__test_fault")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "secret" not in body and "/srv/path" not in body


def test_junk_addresses_fill_the_kept_replies_up_to_their_bound_and_no_further(app, monkeypatch):
    """A crawler or an attacker sending endless new addresses: each is answered, and the replies kept for
    them stop at their bound (``/healthz`` shows it), so memory does not grow with the number of addresses."""
    from dashboard import snapshots

    monkeypatch.setitem(snapshots.CACHE_SIZES, "http", 20)  # small, so the test fills it quickly
    client = app.server.test_client()
    for i in range(60):
        assert client.get(f"/embed/eaeu-net?junk{i}=1").status_code == 200
        assert client.get(f"/data/kz-migration.csv?years=20{i % 25:02d}").status_code in (200, 400)
    caches = client.get("/healthz").get_json()["caches"]
    assert caches["http"] == {"entries": 20, "bound": 20}
    assert all(c["entries"] <= c["bound"] for c in caches.values())
