"""``/claims.atom``: an Atom feed of the verdicts' dated log (``claims.log``), newest entry first: each
claim's first verdict and every change of verdict a data update brought, with the summary it had then.
A fact-checker subscribes once and hears when the data turn a claim."""

from __future__ import annotations

from dashboard import claim_review, claims, embeds, i18n, urlstate
from dashboard.claims import log
from dashboard.i18n import _
from dashboard.snapshots import Snapshot

PARAMS = (urlstate.Param("lang", "choice", i18n.DEFAULT_LANGUAGE, i18n.LANGUAGES),)


def _time(date: str) -> str:
    return f"{date}T00:00:00Z"  # a snapshot has a day, not a time: its start, in UTC


def claims_atom(snap: Snapshot, root: str, lang: str = "en") -> str:
    """The feed's XML for the snapshot's log, its addresses under ``root`` (the site's public address)."""
    root = root.rstrip("/") + "/"
    by_id = {c.id: c for c in claims.ledger(snap)}
    entries = []
    for entry in reversed(log.read(snap)):
        claim = by_id.get(entry.claim)
        name = _(claim.paraphrase, lang) if claim else entry.claim
        if entry.before is None:
            title = _("{claim}: {verdict}", lang, claim=name, verdict=_(entry.after, lang))
        else:
            title = _("{claim}: from “{before}” to “{after}”", lang, claim=name, before=_(entry.before, lang),
                      after=_(entry.after, lang))
        entries.append({
            "id": f"{root}claims.atom#{entry.snapshot}/{entry.claim}", "title": title, "updated": _time(entry.date),
            "url": claim_review.review_url(claim, root) if claim else root,
            "summary": entry.summary.get(lang) or entry.summary.get(i18n.DEFAULT_LANGUAGE, "")})
    updated = entries[0]["updated"] if entries else _time(snap.date)
    return embeds.environment().get_template("claims.atom").render(
        lang=lang, feed_id=f"{root}claims.atom", self_url=urlstate.with_lang(f"{root}claims.atom", lang),
        story_url=urlstate.with_lang(root, lang), updated=updated, publisher=claim_review.PUBLISHER,
        title=_("Verdicts on the article's claims", lang),
        subtitle=_("An entry for each claim's first verdict and for each change of verdict a data update brings.",
                   lang),
        entries=entries)
