"""Embeds and downloads are kept per exact address once built, and sent as a static file is (routes.kept)."""

from __future__ import annotations

import json

import brotli
import pytest

from dashboard import context, embeds, encoded
from tests import dash_calls

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


def _replies(app):
    with app.server.test_request_context("/"):
        return context.snapshot().caches["reply"]


def _with_value(body: dict, control: str, value) -> dict:
    assert any(i["id"] == control for i in body["inputs"]), f"{control} is not an input of this body"
    inputs = [{**i, "value": value} if i["id"] == control else i for i in body["inputs"]]
    return {**body, "inputs": inputs}


@pytest.mark.parametrize("path, output, control, meant, sent", [
    ("/trends", "trends-graph", "trends-scale", "linear", "zzz"),  # not an option: the default scale
    ("/trends", "trends-graph", "trends-years", [1990, 2030], [1800, 3000]),  # past what a URL may ask
    ("/eaeu", "eaeu-net-graph", "eaeu-measure", "absolute", "<script>"),
    ("/destinations", "destinations-map", "destinations-picker", None, "ZZZ"),  # no such destination
    ("/destinations", "destinations-map", "destinations-year", 2020, 1800),  # a year the revision lacks
    ("/destinations", "destinations-map", "destinations-top", 10, 12345),  # not one of the offered numbers
])
def test_callback_values_no_control_sends_get_the_reply_of_the_state_they_mean(app, client, path, output,
                                                                               control, meant, sent):
    # A chart callback's reply is kept by the state its values mean, so junk values (which no control can
    # send) are answered from the reply already built for that state, and add nothing to the kept replies.
    body = next(b for b in dash_calls.calls(client, path) if b["output"].startswith(".." + output + "."))
    good = dash_calls.post(client, _with_value(body, control, meant))
    assert good.status_code == 200, good.get_data(as_text=True)[:300]
    kept = len(_replies(app))
    odd = dash_calls.post(client, _with_value(body, control, sent))
    assert odd.status_code == 200, odd.get_data(as_text=True)[:300]
    good, odd = good.get_json()["response"], odd.get_json()["response"]
    # Where the page says what it did with a value (a notice quoting it), that notice is the one difference.
    notices = "destinations-live-notices"
    if odd.get(notices, {}).get("children"):
        assert str(sent) in json.dumps(odd.pop(notices)) and good.pop(notices) == {"children": []}
    assert odd == good
    assert len(_replies(app)) == kept


def test_an_embed_answered_with_a_notice_is_sent_but_never_kept(app, client):
    # Its body quotes what the address got wrong, so each junk address would be a kept body of its own,
    # evicting the replies real readers ask for; the chart in it is still built once (embeds.render).
    real = client.get("/embed/trends?scale=log", headers=BROWSER)
    kept = len(_http_cache(app))
    for junk in ("zzz", "<b>", "linear%00"):
        odd = client.get(f"/embed/trends?scale={junk}", headers=BROWSER)
        assert odd.status_code == 200 and odd.headers["Content-Encoding"] == "br" and odd.headers["ETag"]
        assert b'class="notice"' in brotli.decompress(odd.data)
    assert len(_http_cache(app)) == kept
    assert client.get("/embed/trends?scale=log", headers=BROWSER).data == real.data
    assert client.get("/embed/trends?per1000=1", headers=BROWSER).status_code == 200
    assert len(_http_cache(app)) == kept + 1
