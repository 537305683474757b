"""Verdicts over time (dashboard/claims/history.py): each claim decided again with the figures up to each
year; the story page says when the 30-50 thousand claim stopped holding, computed from the data."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from dashboard import claims, context, i18n
from dashboard.app import create_app
from dashboard.claims import history
from dashboard.views import story
from tests.conftest import DATA, FIXTURE_DATA


def _snapshot(folder):
    server = create_app(folder).server
    with server.test_request_context("/"):
        return context.snapshot()


@pytest.fixture(scope="module")
def snap():
    return _snapshot(FIXTURE_DATA)


def test_the_figures_up_to_a_year_are_those_rows_alone(snap):
    view = history.through(snap, 2019)
    for name, frame in view.frames.items():
        assert len(frame) and frame["year"].max() <= 2019, name
        assert len(frame) == (snap.frames[name]["year"] <= 2019).sum(), name
    assert view.provenance is snap.provenance and view.ledger_path == snap.ledger_path
    assert view.caches is not snap.caches  # its datasets and verdicts are its own


def test_the_last_year_gives_the_verdict_the_page_shows(snap):
    verdicts = claims.evaluate_all(snap)
    by_year = history.by_year(snap)
    assert list(by_year) == [c.id for c in claims.ledger(snap)]
    for claim_id, hist in by_year.items():
        assert [y for y, _v in hist] == list(range(history.FIRST_YEAR, history.last_year(snap) + 1))
        assert hist[-1][1] == verdicts[claim_id].verdict, claim_id


def test_the_30_50k_claim_stopped_holding_with_the_2022_figures():
    # The shipped snapshot: 2016-2019 and 2021 inside the range, 2020 just below (29,088), below since 2022.
    shipped = _snapshot(DATA)
    hist = dict(history.by_year(shipped)["leave-30-50k"])
    assert hist[2019] == claims.SOME_YEARS  # 2013 (24,384) and 2014 (29,000, rounded) fall outside
    assert hist[2020] == claims.OUTDATED and hist[2021] == claims.SOME_YEARS
    assert all(hist[y] == claims.OUTDATED for y in range(2022, history.last_year(shipped) + 1))
    assert history.stopped(tuple(sorted(hist.items()))) == 2022
    callout = next(c for c in story.callouts(shipped, "en") if c.id == "leave-30-50k")
    assert callout.stopped == "It stopped holding with the figures for 2022."
    assert callout.history.startswith("With the figures up to each year: 2017–2019: holds only for some years; "
                                      "2020: outdated; 2021: holds only for some years; 2022–")
    ru = next(c for c in story.callouts(shipped, "ru") if c.id == "leave-30-50k")
    assert "2022" in ru.stopped and i18n._(claims.OUTDATED, "ru") in ru.history


def test_a_claim_that_never_held_never_stopped_holding(snap):
    for claim_id in ("ukraine-key-destination", "thirty-years", "extradition-2019"):
        assert history.stopped(history.by_year(snap)[claim_id]) is None


def test_the_story_page_shows_the_history(snap):
    from dashboard.pages import home

    server = create_app(FIXTURE_DATA).server
    with server.test_request_context("/"):
        item = next(c for c in story.callouts(context.snapshot(), "kk") if c.id == "leave-30-50k")
        block = home.callout(item, "kk")
    found = [node for node in _walk(block) if getattr(node, "className", None) == "verdict-history"]
    assert len(found) == 1
    text = "".join(str(part) if isinstance(part, str) else str(part.children) for part in found[0].children)
    assert item.stopped in text and item.history in text


def _walk(node):
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from _walk(child)


VERDICT = st.sampled_from(claims.VERDICTS)


@given(st.lists(VERDICT, min_size=1, max_size=12))
def test_runs_and_changes_cover_the_years_in_order(verdicts):
    hist = tuple((2017 + i, v) for i, v in enumerate(verdicts))
    runs = history.runs(hist)
    assert [y for years, _v in runs for y in years] == [y for y, _v in hist]
    assert all(a[1] != b[1] for a, b in zip(runs, runs[1:]))  # neighbouring runs differ
    changes = history.changes(hist)
    assert len(changes) == len(runs) - 1
    assert [c.year for c in changes] == [years[0] for years, _v in runs[1:]]
    stopped = history.stopped(hist)
    if stopped is not None:
        assert dict(hist)[stopped] in (claims.OUTDATED, claims.DOES_NOT_HOLD)
        assert all(dict(hist)[y] in (claims.OUTDATED, claims.DOES_NOT_HOLD) for y in dict(hist) if y >= stopped)
