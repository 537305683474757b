"""Embeds and downloads are kept per exact address once built, and sent as a static file is (routes.kept)."""

from __future__ import annotations

import brotli
import pytest

from dashboard import context, embeds, encoded

BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
ADDRESSES = ["/embed/trends?scale=log", "/embed/claim/leave-30-50k",
             "/data/kz-destinations.csv?countries=RUS~DEU", "/data/kz-migration.meta.json",
             "/data/kz-migration.zip"]


def _http_cache(app):
    with app.server.test_request_context("/"):
        return context.snapshot().caches["http"]


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_kept_reply_is_the_reply_built_afresh(app, client, address):
    first = client.get(address, headers=BROWSER)
    again = client.get(address, headers=BROWSER)
    assert first.status_code == again.status_code == 200
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert dict(again.headers) == dict(first.headers)
    plain = client.get(address)  # a client that takes no compression gets the same content, uncompressed
    assert "Content-Encoding" not in plain.headers
    if first.headers.get("Content-Encoding") == "br":
        assert brotli.decompress(first.data) == plain.data
    assert plain.headers["ETag"] != first.headers["ETag"] or "Content-Encoding" not in first.headers
    assert first.headers["Content-Type"].count("charset") <= 1, first.headers["Content-Type"]


def test_an_embed_is_rendered_once_per_address(client, monkeypatch):
    calls = []
    real = embeds.render
    monkeypatch.setattr(embeds, "render", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    for _ in range(3):
        assert client.get("/embed/eaeu-net?countries=KAZ~RUS", headers=BROWSER).status_code == 200
    assert len(calls) == 1
    # Another spelling of the same view is another address (rendered once more) but the same body.
    one = client.get("/embed/eaeu-net?countries=KAZ~RUS&theme=light", headers=BROWSER)
    two = client.get("/embed/eaeu-net?theme=light&countries=KAZ~RUS", headers=BROWSER)
    assert len(calls) == 3 and one.data == two.data


def test_errors_are_answered_but_never_kept(app, client):
    kept = len(_http_cache(app))
    assert client.get("/embed/no-such-chart").status_code == 404
    assert client.get("/data/kz-migration.csv?years=soon").status_code == 400
    assert client.get("/data/nothing.csv").status_code == 404
    assert len(_http_cache(app)) == kept
    assert client.get("/data/kz-migration.csv?years=2019..2020").status_code == 200
    assert len(_http_cache(app)) == kept + 1


def test_a_body_is_encoded_only_when_compressing_pays():
    small = encoded.encode(b"x" * 10, "text/plain", brotli_quality=5, gzip_level=6)
    archive = encoded.encode(b"PK" * 1000, "application/zip", brotli_quality=5, gzip_level=6)
    text = encoded.encode(b"year,value\n" * 100, "text/csv; charset=utf-8", brotli_quality=5, gzip_level=6)
    assert small.br is None and archive.br is None
    assert brotli.decompress(text.br) == text.identity and len(text.br) < len(text.identity)
    assert text.digest == encoded.digest(text.identity)
