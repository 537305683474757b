"""Each claim's verdict as schema.org ``ClaimReview`` JSON-LD, in the HTML the server sends for the story
page and for each claim's embed, so fact-check aggregators read it without running JavaScript.

What Google's fact-check markup asks for: ``claimReviewed``, ``reviewRating`` (a ``Rating`` whose
``alternateName`` is the verdict in words) and ``url`` (the review's own page) are required; ``author``,
``datePublished`` and ``itemReviewed`` (a ``Claim`` with its ``author``, ``datePublished`` and
``appearance``, the work it was made in) are recommended.  Here:

- ``url``: the claim's embed (``/embed/claim/<id>``), the one page that shows that verdict alone; a claim
  without a chart (an event) is reviewed on the story page, at its callout;
- ``datePublished``: the date of the snapshot the verdict was computed from (a refresh may change it);
- ``reviewRating``: the verdict and its one-sentence summary; no number, the verdicts are not a scale;
- ``itemReviewed.author``: the article's author and outlet, as the ledger's ``attribution`` gives them
  (``"<author>, <outlet> (<year>)"``).

Absolute addresses need the site's public root, so only the live app writes them (a static bake, which
knows no public address, carries none).
"""

from __future__ import annotations

import json
import re

from dashboard import claims
from dashboard.claims import Claim, Verdict
from dashboard.i18n import _
from dashboard.snapshots import Snapshot

PUBLISHER = "kz-emigration"
# "Andrei Grishin, CABAR.asia (2020)" -> author, outlet; anything else: the whole text names the author.
_ATTRIBUTION = re.compile(r"^(?P<author>[^,]+),\s*(?P<outlet>.+?)(?:\s*\(\d{4}\))?$")


def claim_author(attribution: str) -> dict:
    found = _ATTRIBUTION.match(attribution.strip())
    if not found:
        return {"@type": "Person", "name": attribution.strip()}
    return {"@type": "Person", "name": found["author"].strip(),
            "worksFor": {"@type": "Organization", "name": found["outlet"].strip()}}


def review_url(claim: Claim, root: str) -> str:
    root = root.rstrip("/")
    return f"{root}/embed/claim/{claim.id}" if claims.has_chart(claim) else f"{root}/#claim-{claim.id}"


def review(claim: Claim, verdict: Verdict, snap: Snapshot, root: str, lang: str = "en") -> dict:
    """One claim's ClaimReview (a JSON-LD object), in ``lang``; ``root``: the site's public address."""
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url(claim, root),
        "inLanguage": lang,
        "claimReviewed": _(claim.paraphrase, lang),
        "datePublished": snap.date,
        "author": {"@type": "Organization", "name": PUBLISHER, "url": root.rstrip("/") + "/"},
        "itemReviewed": {
            "@type": "Claim",
            "author": claim_author(claim.attribution),
            "datePublished": claim.article_date,
            "appearance": {"@type": "CreativeWork", "url": claim.article_url},
            "firstAppearance": {"@type": "CreativeWork", "url": claim.article_url},
        },
        "reviewRating": {"@type": "Rating", "alternateName": _(verdict.verdict, lang),
                         "ratingExplanation": verdict.summary},
    }


def reviews(snap: Snapshot, root: str, lang: str = "en", claim_id: str | None = None) -> list[dict]:
    """Every claim's review in ledger order (or only ``claim_id``'s)."""
    verdicts = claims.evaluate_all(snap, lang)
    return [review(c, verdicts[c.id], snap, root, lang) for c in claims.ledger(snap)
            if claim_id is None or c.id == claim_id]


def script(items: list[dict]) -> str:
    """The ``<script type="application/ld+json">`` element; "<", ">" and "&" escaped so no text in it can
    end the element."""
    text = json.dumps(items if len(items) != 1 else items[0], ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
