"""`kz-emigration refresh`: live sources (mocked like their real replies) into an atomic snapshot swap.

A failed refresh must leave every byte of the old snapshot in place, say which source failed and
why, and exit non-zero.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
import requests
import responses

from dashboard import cli, data, provenance, refresh
from dashboard.sources import bns_dynamic, undesa
from dashboard.sources._http import make_session
from tests import replies


def digest(directory: Path) -> dict[str, str]:
    """Every file under the snapshot folder (archives included), by relative path."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def live(snapshot_copy: Path):
    """Every source answers like the real one, with the snapshot's own figures."""
    snap = data.snapshot(snapshot_copy)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, replies.WB_URL,
                          callback=lambda req: replies.worldbank_reply(snap, req.url))
        for rev, url in undesa.URLS.items():
            mock.add(responses.GET, url, body=replies.undesa_workbook(snap, rev),
                     content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        mock.add(responses.GET, bns_dynamic.url(), body=replies.bns_csv(snap).encode("utf-8"),
                 content_type="text/csv; charset=utf-8")
        yield mock


def run(directory: Path, sources=None):
    return refresh.run(directory, sources or list(refresh.SOURCES), make_session(retries=0),
                       today=dt.date(2026, 11, 25))


def test_refresh_reproduces_the_snapshot_and_updates_provenance(live, snapshot_copy: Path):
    """Replies carrying the published figures give back the same tables, with fresh checksums."""
    before = data.snapshot(snapshot_copy)
    outcome = run(snapshot_copy)
    assert outcome.ok, outcome.failures
    assert set(outcome.written) == {"wdi", "undesa_stock", "undesa_origin_totals", "bns_net_migration"}
    after = data.snapshot(snapshot_copy)
    for name in ("undesa_origin_totals", "bns_net_migration"):
        pd.testing.assert_frame_equal(after.frame(name).reset_index(drop=True),
                                      before.frame(name).reset_index(drop=True), check_dtype=False)
    kaz = after.frame("undesa_stock").query("origin == 'KAZ'").reset_index(drop=True)
    pd.testing.assert_frame_equal(kaz, before.frame("undesa_stock").reset_index(drop=True), check_dtype=False)
    wdi = after.frame("wdi")
    eaeu = wdi[wdi["iso3"].isin(["ARM", "BLR", "KAZ", "KGZ", "RUS"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(eaeu, before.frame("wdi").reset_index(drop=True), check_dtype=False)
    assert {"DEU", "USA", "MNG"} <= set(wdi.loc[wdi["indicator"] == "SP.POP.TOTL", "iso3"])
    for name in outcome.written:
        prov = provenance.read(provenance.path_for(snapshot_copy / f"{name}.csv"))
        assert prov.checksum == provenance.checksum(snapshot_copy / f"{name}.csv")
        assert prov.date_accessed == "2026-11-25"
    assert after.provenance["wdi"].date_published == "2026-07-13"
    # the curated tables are not touched
    assert after.provenance["bns_releases"] == before.provenance["bns_releases"]


def test_refresh_of_one_source_touches_only_its_tables(live, snapshot_copy: Path):
    before = digest(snapshot_copy)
    assert run(snapshot_copy, ["bns"]).ok
    after = digest(snapshot_copy)
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"bns_net_migration.csv", "bns_net_migration.provenance.json"}
    archived = {name for name in after if name.startswith("archive/")}
    assert archived, "the replaced snapshot was not archived"


def test_the_replaced_snapshot_is_archived_for_pinned_embeds(live, snapshot_copy: Path):
    """An article's embed pinned with ?as_of= must keep showing the numbers it was published with."""
    old = data.snapshot(snapshot_copy)
    old_date = data.snapshot_date(old)
    before = digest(snapshot_copy)
    assert run(snapshot_copy, ["bns"]).ok
    archive = data.archived(snapshot_copy)
    assert list(archive) == [old_date]
    for name in data.TABLES:
        assert digest(archive[old_date])[f"{name}.csv"] == before[f"{name}.csv"]
    pinned = data.snapshot(archive[old_date])
    pd.testing.assert_frame_equal(pinned.frame("bns_net_migration"), old.frame("bns_net_migration"))


FAULTS = {
    "http 500 from the World Bank": ("worldbank", lambda m: m.replace(responses.GET, replies.WB_URL, status=500),
                                     "HTTP 500"),
    "timeout at un.org": ("undesa", lambda m: m.replace(responses.GET, undesa.URLS[2024],
                                                        body=requests.exceptions.ReadTimeout("read timed out")),
                          "timed out"),
    "truncated World Bank JSON": ("worldbank", lambda m: m.replace(responses.GET, replies.WB_URL,
                                                                   body='[{"page": 1, "pages": 1, "per_'),
                                  "not valid JSON"),
    "renamed UN DESA column": ("undesa", lambda m: m.replace(
        responses.GET, undesa.URLS[2020], body=_renamed_undesa()), "Location code of destination"),
    "BNS 404": ("bns", lambda m: m.replace(responses.GET, bns_dynamic.url(), status=404), "404"),
    "BNS layout change": ("bns", lambda m: m.replace(responses.GET, bns_dynamic.url(),
                                                     body='"a"\t"b"\r\n"1"\t"2"\r\n'), "bns"),
}


def _renamed_undesa() -> bytes:
    header = list(replies_header())
    header[3] = "Code of destination"  # upstream renamed the column
    return replies.build_workbook(2020, header=header)


def replies_header():
    from tests.sources.test_undesa import HEADER
    return HEADER


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_a_failed_refresh_leaves_the_snapshot_byte_for_byte(live, snapshot_copy: Path, fault: str):
    """Whatever breaks upstream, readers keep the old numbers and the operator learns what broke."""
    source, break_it, expected = FAULTS[fault]
    break_it(live)
    before = digest(snapshot_copy)
    outcome = run(snapshot_copy)
    assert not outcome.ok
    assert [s for s, _ in outcome.failures] == [source]
    assert expected in outcome.failures[0][1]
    assert digest(snapshot_copy) == before
    assert not list(snapshot_copy.glob(".*.tmp")), "temporary files left behind"


def test_a_reply_much_smaller_than_the_snapshot_is_refused(live, snapshot_copy: Path):
    """A reply that validates but has lost most rows (a truncated export) must not replace the table."""
    snap = data.snapshot(snapshot_copy)
    short = replies.bns_csv(snap).split("\r\n")
    live.replace(responses.GET, bns_dynamic.url(), body="\r\n".join(short[:6]) + "\r\n")
    before = digest(snapshot_copy)
    outcome = run(snapshot_copy, ["bns"])
    assert not outcome.ok and "rows" in outcome.failures[0][1]
    assert digest(snapshot_copy) == before


def test_cli_exits_non_zero_and_names_the_failed_source(live, snapshot_copy: Path, capsys):
    live.replace(responses.GET, replies.WB_URL, status=503)
    before = digest(snapshot_copy)
    code = cli.main(["refresh", "--data-dir", str(snapshot_copy), "--source", "worldbank"])
    err = capsys.readouterr().err
    assert code == 1
    assert "worldbank" in err and "503" in err and "unchanged" in err
    assert digest(snapshot_copy) == before


def test_cli_refresh_succeeds_with_progress(live, snapshot_copy: Path, capsys):
    code = cli.main(["refresh", "--data-dir", str(snapshot_copy), "--source", "bns"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "refreshed bns_net_migration" in captured.out
    assert re.search(r"refresh: 100%", captured.err)  # tqdm's progress bar


def test_cli_rejects_an_unknown_source(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["refresh", "--source", "imf"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
