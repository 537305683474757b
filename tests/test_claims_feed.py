"""The verdicts' dated log kept with each snapshot (dashboard/claims/log.py) and its Atom feed
(GET /claims.atom, dashboard/feeds.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dashboard import claims, i18n, provenance, snapshots
from dashboard.app import create_app
from dashboard.claims import log
from tests.conftest import DATA

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped data folder (two published snapshots)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_the_logs_are_rebuilt_from_the_snapshots_oldest_first(shipped):
    store = snapshots.Store(shipped)
    for path in store.folder.glob(f"*/{log.FILE}"):
        path.unlink()
    written = log.rebuild(store)
    ids = store.published()
    assert [p.parent.name for p in written] == ids and len(ids) >= 2
    first, last = (snapshots.Store(shipped).get(i) for i in (ids[0], ids[-1]))
    first_log = log.read(first)
    # The first snapshot: every claim's first verdict, as that snapshot decides it.
    assert [e.claim for e in first_log] == [c.id for c in claims.ledger(first)]
    assert all(e.before is None and e.date == first.date for e in first_log)
    verdicts = claims.evaluate_all(first, "ru")
    assert all(e.after == verdicts[e.claim].verdict and e.summary["ru"] == verdicts[e.claim].summary
               for e in first_log)
    # The last: the first's entries, then one per claim whose verdict changed.
    last_log = log.read(last)
    assert last_log[:len(first_log)] == first_log
    for entry in last_log[len(first_log):]:
        assert entry.before != entry.after and entry.snapshot in ids[1:]


def test_the_shipped_logs_are_what_the_snapshots_decide(shipped):
    # data/ ships its logs (written by `rebuild`, then by each amend): their verdicts are what the snapshots
    # decide.  Only the summaries may differ from a rebuild: a log keeps the sentence a reader saw then.
    store = snapshots.Store(shipped)

    def verdicts(paths):
        return {p.parent.name: [(e.date, e.snapshot, e.claim, e.before, e.after) for e in log._entries(p)]
                for p in paths}

    paths = sorted(store.folder.glob(f"*/{log.FILE}"))
    assert [p.parent.name for p in paths] == store.published()
    shipped_verdicts = verdicts(paths)
    log.rebuild(store)
    assert verdicts(paths) == shipped_verdicts


def test_the_feed_has_an_entry_per_logged_verdict_newest_first(shipped):
    client = create_app(shipped).server.test_client()
    snap = snapshots.Store(shipped).current()
    entries = log.read(snap)
    for lang in i18n.LANGUAGES:
        response = client.get("/claims.atom" + ("" if lang == "en" else f"?lang={lang}"))
        assert response.status_code == 200
        assert response.mimetype == "application/atom+xml"
        feed = ET.fromstring(response.data)
        assert feed.tag == f"{ATOM}feed"
        assert feed.findtext(f"{ATOM}id") == "http://localhost/claims.atom"
        items = feed.findall(f"{ATOM}entry")
        assert len(items) == len(entries)
        updated = [i.findtext(f"{ATOM}updated") for i in items]
        assert updated == sorted(updated, reverse=True)
        assert feed.findtext(f"{ATOM}updated") == updated[0]
        newest, item = entries[-1], items[0]
        claim = claims.find(snap, newest.claim)
        assert i18n._(claim.paraphrase, lang) in item.findtext(f"{ATOM}title")
        assert i18n._(newest.after, lang) in item.findtext(f"{ATOM}title")
        assert item.findtext(f"{ATOM}summary") == newest.summary[lang]
        assert item.find(f"{ATOM}link").get("href").startswith("http://localhost/")
        assert len({i.findtext(f"{ATOM}id") for i in items}) == len(items)  # every entry its own id


def test_the_story_page_points_to_the_feed(shipped):
    client = create_app(shipped).server.test_client()
    assert '<link rel="alternate" type="application/atom+xml" href="/claims.atom?lang=kk">' in \
        client.get("/?lang=kk").get_data(as_text=True)


@pytest.mark.parametrize("query, named", [("?lang=xx", "lang"), ("?lang=ru&lang=kk", "lang"), ("?page=2", "page")])
def test_a_bad_feed_parameter_is_a_400_naming_it(shipped, query, named):
    response = create_app(shipped).server.test_client().get("/claims.atom" + query)
    assert response.status_code == 400 and f"'{named}'" in response.get_data(as_text=True)


def test_a_snapshot_without_a_log_gives_an_empty_feed(data_copy):
    response = create_app(data_copy).server.test_client().get("/claims.atom")
    assert response.status_code == 200
    assert ET.fromstring(response.data).findall(f"{ATOM}entry") == []


def test_publish_writes_the_new_snapshots_log_before_it_becomes_current(shipped):
    store = snapshots.Store(shipped)
    current = store.current()
    old_entries = log.read(current)
    # A new snapshot in which one verdict turns: the 30-50k claim's range widened to 1-1,000,000 (every year).
    ledger = json.loads((current.directory / "claims.json").read_text(encoding="utf-8"))
    rule = next(c for c in ledger if c["id"] == "leave-30-50k")["query"]["rule"]
    rule.update(low=1, high=1_000_000)
    raw = json.dumps(ledger).encode("utf-8")
    prov = provenance.read(current.directory / "claims.provenance.json")
    files = {"claims.json": raw,
             "claims.provenance.json": prov.model_copy(update={"checksum": provenance.checksum_bytes(raw)})
             .to_json().encode("utf-8")}
    new_id = snapshots.publish(store, current, files, dt.date(2026, 12, 31), log.for_publish(current))
    new = snapshots.Store(shipped).get(new_id)
    assert store.current_id() == new_id
    entries = log.read(new)
    assert entries[:len(old_entries)] == old_entries
    (change,) = entries[len(old_entries):]
    assert (change.claim, change.before, change.after) == ("leave-30-50k", claims.OUTDATED, claims.HOLDS)
    assert (change.date, change.snapshot) == ("2026-12-31", new_id)


def test_a_failing_log_leaves_the_data_folder_as_it_was(shipped):
    def digest() -> dict:
        return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(shipped.rglob("*")) if p.is_file()}

    store = snapshots.Store(shipped)
    before = digest()

    def broken(snapshot):
        raise RuntimeError("claims could not be evaluated")

    with pytest.raises(RuntimeError):
        snapshots.publish(store, store.current(), {}, dt.date(2026, 12, 31), broken)
    assert digest() == before and not list(store.folder.glob(".new-*"))


def test_amending_the_ledger_logs_the_verdict_it_turns(shipped, tmp_path, capsys):
    from dashboard import cli

    store = snapshots.Store(shipped)
    current = store.current()
    ledger = json.loads((current.directory / "claims.json").read_text(encoding="utf-8"))
    next(c for c in ledger if c["id"] == "leave-30-50k")["query"]["rule"].update(low=1, high=1_000_000)
    amended = tmp_path / "claims.json"
    amended.write_text(json.dumps(ledger), encoding="utf-8")
    assert cli.main(["amend", "claims", str(amended), "--data-dir", str(shipped)]) == 0, capsys.readouterr().err
    new = snapshots.Store(shipped).current()
    last = log.read(new)[-1]
    assert (last.claim, last.before, last.after, last.snapshot) == ("leave-30-50k", claims.OUTDATED, claims.HOLDS,
                                                                    new.id)


def test_a_ledger_the_claims_cannot_be_read_from_is_refused(shipped, tmp_path, capsys):
    from dashboard import cli

    before = {str(p): p.read_bytes() for p in sorted(shipped.rglob("*")) if p.is_file()}
    ledger = json.loads((snapshots.Store(shipped).current().directory / "claims.json").read_text(encoding="utf-8"))
    ledger[0]["verdict"] = "holds"  # verdicts are computed, never typed in: the ledger's schema refuses it
    amended = tmp_path / "claims.json"
    amended.write_text(json.dumps(ledger), encoding="utf-8")
    assert cli.main(["amend", "claims", str(amended), "--data-dir", str(shipped)]) == 1
    assert "amend failed" in capsys.readouterr().err
    assert {str(p): p.read_bytes() for p in sorted(shipped.rglob("*")) if p.is_file()} == before


def test_a_truncated_verdict_log_is_a_503_naming_it_never_a_500(data_copy):
    """The log has no provenance of its own: cut short on disk, the feed says which file is damaged."""
    from dashboard.app import create_app
    from dashboard.claims import log

    store = snapshots.Store(data_copy)
    path = store.folder / store.current_id() / log.FILE
    path.write_text('[{"date": "2026-11-25", "snapshot": "2026-11-2', encoding="utf-8")  # cut short
    response = create_app(data_copy).server.test_client().get("/claims.atom")
    assert response.status_code == 503 and log.FILE in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
