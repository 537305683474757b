"""Each claim as schema.org ClaimReview JSON-LD in the HTML the server sends (dashboard/claim_review.py):
the story page and each claim's embed, with the fields Google's fact-check markup requires and recommends."""

from __future__ import annotations

import json
import re

import pytest

from dashboard import claim_review, claims, context, embeds, i18n
from dashboard.app import create_app
from dashboard.views import charts
from tests.conftest import FIXTURE_DATA

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture
def client():
    return create_app(FIXTURE_DATA).server.test_client()


def _snapshot(client):
    with client.application.test_request_context("/"):
        return context.snapshot()


def _reviews(html: str) -> list[dict]:
    found = LD.findall(html)
    assert len(found) == 1, found
    data = json.loads(found[0])
    return data if isinstance(data, list) else [data]


def check_claim_review(item: dict, root: str) -> None:
    """The fields the ClaimReview markup documentation requires (claimReviewed, reviewRating with its
    alternateName, url) and those it recommends (author, datePublished, itemReviewed as a Claim with its
    author, date and appearance)."""
    assert item["@context"] == "https://schema.org" and item["@type"] == "ClaimReview"
    assert isinstance(item["claimReviewed"], str) and item["claimReviewed"].strip()
    rating = item["reviewRating"]
    assert rating["@type"] == "Rating" and isinstance(rating["alternateName"], str) and rating["alternateName"]
    assert item["url"].startswith(root)
    assert item["author"]["@type"] in ("Organization", "Person") and item["author"]["name"]
    assert DATE.match(item["datePublished"])
    claim = item["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"]["@type"] in ("Organization", "Person") and claim["author"]["name"]
    assert DATE.match(claim["datePublished"])
    assert claim["appearance"]["url"].startswith("https://")


def test_the_story_page_reviews_every_claim_with_its_computed_verdict(client):
    assert not LD.search(client.get("/").get_data(as_text=True))  # the first request reads no data
    client.get("/healthz")  # reads it
    snap = _snapshot(client)
    for lang in i18n.LANGUAGES:
        items = _reviews(client.get(f"/?lang={lang}").get_data(as_text=True))
        ledger = claims.ledger(snap)
        verdicts = claims.evaluate_all(snap, lang)
        assert len(items) == len(ledger)
        for item, claim in zip(items, ledger):
            check_claim_review(item, "http://localhost/")
            assert item["inLanguage"] == lang
            assert item["claimReviewed"] == i18n._(claim.paraphrase, lang)
            assert item["reviewRating"]["alternateName"] == i18n._(verdicts[claim.id].verdict, lang)
            assert item["reviewRating"]["ratingExplanation"] == verdicts[claim.id].summary
            assert item["datePublished"] == snap.date
            assert item["itemReviewed"]["appearance"]["url"] == claim.article_url
            assert item["itemReviewed"]["datePublished"] == claim.article_date
            expected = (f"http://localhost/embed/claim/{claim.id}" if claims.has_chart(claim)
                        else f"http://localhost/#claim-{claim.id}")
            assert item["url"] == expected
    assert "application/ld+json" not in client.get("/trends").get_data(as_text=True)


def test_each_claim_embed_reviews_its_own_claim(client):
    snap = _snapshot(client)
    for chart_id in charts.registry(snap):
        html = client.get(f"/embed/{chart_id}").get_data(as_text=True)
        if not chart_id.startswith(charts.CLAIM_PREFIX):
            assert "application/ld+json" not in html, chart_id
            continue
        (item,) = _reviews(html)
        check_claim_review(item, "http://localhost/")
        assert item["url"] == f"http://localhost/embed/{chart_id}"
        # In the head the server sends, before any script runs.
        assert html.index("application/ld+json") < html.index("</head>")


def test_behind_a_proxy_the_addresses_are_the_public_ones(monkeypatch):
    monkeypatch.setenv("KZ_TRUSTED_PROXIES", "1")
    client = create_app(FIXTURE_DATA).server.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kz.example.org"}
    (item,) = _reviews(client.get("/embed/claim/leave-30-50k", headers=headers).get_data(as_text=True))
    assert item["url"] == "https://kz.example.org/embed/claim/leave-30-50k"
    assert item["author"]["url"] == "https://kz.example.org/"


def test_a_baked_embed_carries_no_review(client, tmp_path):
    # A static bake knows no public address: its pages carry no absolute URLs to claim.
    snap = _snapshot(client)
    chart = charts.registry(snap)["claim/leave-30-50k"]
    with client.application.test_request_context("/"):
        from dashboard import static_files

        values = {**chart.defaults(), **{p.name: p.default for p in embeds.embed_params()}}
        html = embeds.page_html(chart, values, snap, snap, "en", static_files.of(),
                                embeds.Links("x.csv", None), root=None)
    assert "application/ld+json" not in html


def test_the_claims_author_is_read_from_the_attribution():
    assert claim_review.claim_author("Andrei Grishin, CABAR.asia (2020)") == {
        "@type": "Person", "name": "Andrei Grishin", "worksFor": {"@type": "Organization", "name": "CABAR.asia"}}
    assert claim_review.claim_author("Anonymous") == {"@type": "Person", "name": "Anonymous"}


def test_no_text_can_end_the_script_element():
    block = claim_review.script([{"claimReviewed": "</script><script>alert(1)</script> & more"}])
    body = block[len('<script type="application/ld+json">'):-len("</script>")]
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body)["claimReviewed"] == "</script><script>alert(1)</script> & more"
