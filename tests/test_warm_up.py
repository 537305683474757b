"""The background warm-up (dashboard.warm_up): every bounded state of the pages' chart callbacks is built
once per snapshot, so a reader changing a bounded control gets a reply already built."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from dashboard import callback_bodies, context, warm_up
from dashboard.snapshots import Store


def _radio(values, value):
    return {"type": "RadioItems", "props": {"id": "r", "options": [{"label": str(v), "value": v} for v in values],
                                            "value": value}}


def test_a_radio_or_short_dropdown_takes_each_of_its_values():
    assert warm_up.choices(_radio([2020, 2024], 2020)) == [2020, 2024]
    dropdown = {"type": "Dropdown", "props": {"options": ["a", "b", "c"], "value": "a"}}
    assert warm_up.choices(dropdown) == ["a", "b", "c"]


def test_a_long_list_a_wide_checklist_or_a_long_slider_is_not_bounded():
    long = {"type": "Dropdown", "props": {"options": list(range(warm_up.MAX_OPTIONS + 1)), "value": 0}}
    slider = {"type": "RangeSlider", "props": {"min": 1000, "max": 2025, "step": 1, "value": [1000, 2025]}}
    wide = {"type": "Checklist", "props": {"options": list("abcdef"), "value": []}}
    assert warm_up.choices(long) is None and warm_up.choices(slider) is None and warm_up.choices(wide) is None


def test_a_range_slider_takes_every_range_its_handles_can_make():
    slider = {"type": "RangeSlider", "props": {"min": 2000, "max": 2025, "step": 1, "value": [2000, 2025]}}
    ranges = warm_up.choices(slider)
    assert len(ranges) == 26 * 27 // 2 and [2000, 2025] in ranges and [2007, 2007] in ranges
    assert all(a <= b for a, b in ranges) and [2007, 2003] not in ranges
    assert warm_up.choices({"type": "RangeSlider", "props": {"min": 2000, "max": 2004, "step": 2}}) == [
        [2000, 2000], [2000, 2002], [2000, 2004], [2002, 2002], [2002, 2004], [2004, 2004]]


def test_a_range_slider_is_warmed_alone_never_in_combinations():
    found = {"a": _radio([1, 2], 1),
             "y": {"type": "RangeSlider", "props": {"min": 2000, "max": 2002, "step": 1, "value": [2000, 2002]}}}
    body = {"inputs": [{"id": "a", "property": "value", "value": 1}, {"id": "y", "property": "value", "value": [2000, 2002]}]}
    states = list(warm_up.states(body, found))
    assert {"y": [2000, 2001]} in states and {"a": 2} in states
    assert not any(len(s) > 1 for s in states)  # 2 x 6 combinations would multiply every toggle by every range


def test_a_checklist_takes_every_subset_in_the_order_a_reader_sends_it():
    checklist = {"type": "Checklist", "props": {"options": ["ARM", "BLR", "KAZ"], "value": ["KAZ", "ARM"]}}
    subsets = warm_up.choices(checklist)
    assert len(subsets) == 8 and [] in subsets
    # unticking keeps the default's order; ticking appends (as dcc.Checklist does)
    assert ["KAZ"] in subsets and ["KAZ", "ARM"] in subsets and ["KAZ", "ARM", "BLR"] in subsets
    assert ["ARM", "KAZ"] not in subsets


def test_states_are_the_default_each_control_alone_then_small_combinations():
    found = {"a": _radio([1, 2, 3], 1), "b": _radio(["x", "y"], "x")}
    body = {"inputs": [{"id": "a", "property": "value", "value": 1}, {"id": "b", "property": "value", "value": "x"},
                       {"id": "kz-theme", "property": "data", "value": None}]}
    states = list(warm_up.states(body, found))
    assert states[0] == {}
    assert {"a": 2} in states and {"b": "y"} in states
    assert {"a": 3, "b": "y"} in states  # 3 x 2 = 6 combinations: all of them
    keys = [tuple(sorted(s.items())) for s in states]
    assert len(keys) == len(set(keys))


def _reply_memo(app):
    with app.server.test_request_context("/"):
        return context.snapshot().caches["reply"]


def _reader_bodies(client) -> list[dict]:
    """What readers send when they change the bounded controls: each map year, each destination picked,
    the trends toggles, the EAEU countries (unticked from the default), in each language and theme."""
    out = []
    for lang, theme in itertools.product(warm_up.LANGUAGES, warm_up.THEMES):
        search = f"?lang={lang}"
        tree = callback_bodies.page(client, "/destinations", search)
        found = {c["props"]["id"]: c for c in callback_bodies.components(tree) if isinstance(c["props"]["id"], str)}
        years = [o["value"] for o in found["destinations-year"]["props"]["options"]]
        countries = [o["value"] for o in found["destinations-picker"]["props"]["options"]]
        bodies = {b["output"]: b for b in callback_bodies.calls(client, "/destinations", search)}
        bodies.update({b["output"]: b for p in ("/trends", "/eaeu") for b in callback_bodies.calls(client, p, search)})
        charts = next(b for o, b in bodies.items() if o.startswith("..destinations-map.figure"))
        series = next(b for o, b in bodies.items() if o.startswith("..destinations-series.figure"))
        trends = next(b for o, b in bodies.items() if o.startswith("..trends-graph.figure"))
        eaeu = next(b for o, b in bodies.items() if o.startswith("..eaeu-net-graph.figure"))
        default = next(i["value"] for i in eaeu["inputs"] if i["id"] == "eaeu-countries")
        out += [warm_up._with(charts, {"destinations-year": y}, theme) for y in years]
        out += [warm_up._with(series, {"destinations-picker": c}, theme) for c in countries]
        out += [warm_up._with(trends, {"trends-measures": m, "trends-per1000": p, "trends-scale": s}, theme)
                for m in (["emigrants"], ["emigrants", "immigrants"], ["immigrants", "net"])
                for p in ([], ["1"]) for s in ("linear", "log")]
        out += [warm_up._with(eaeu, {"eaeu-countries": [c for c in default if c == "KAZ" or c in keep]}, theme)
                for n in (0, 1, 2) for keep in itertools.combinations(["ARM", "BLR", "KGZ", "RUS"], n)]
    return out


def test_after_the_warm_up_every_bounded_state_a_reader_picks_is_already_built(app, client, monkeypatch):
    # One language and theme (the walk is the same for each; all six take ~100 s).
    monkeypatch.setattr(warm_up, "LANGUAGES", ("ru",))
    monkeypatch.setattr(warm_up, "THEMES", ("dark",))
    progress = warm_up.warm(app.server)
    assert progress.done and progress.failed == 0 and progress.states > 100, progress.status()
    memo = _reply_memo(app)
    built = len(memo)
    readers = _reader_bodies(client)
    for body in readers:
        assert callback_bodies.post(client, body).status_code == 200, body["output"]
    assert len(memo) == built, f"{len(memo) - built} of {len(readers)} reader states were not warmed"
    # every range of the years slider is built too, with the other controls at their defaults ...
    trends = next(b for b in callback_bodies.calls(client, "/trends", "?lang=ru")
                  if b["output"].startswith("..trends-graph"))
    for years in ([2005, 2015], [2013, 2013], [2000, 2024]):
        callback_bodies.post(client, warm_up._with(trends, {"trends-years": years}, "dark"))
    assert len(memo) == built
    # ... but a range with a toggle changed waits for its first reader
    callback_bodies.post(client, warm_up._with(trends, {"trends-years": [2005, 2015], "trends-scale": "log"}, "dark"))
    assert len(memo) == built + 1


def test_the_first_request_starts_one_warm_up_and_healthz_reports_it(app, client, monkeypatch):
    monkeypatch.setenv("KZ_WARM_UP", "1")
    monkeypatch.setattr(warm_up, "PAGES", ("/eaeu",))  # a short walk
    monkeypatch.setattr(warm_up, "LANGUAGES", ("kk",))
    assert client.get("/healthz").status_code == 200
    deadline = time.monotonic() + 120
    status = client.get("/healthz").get_json()["warm_up"]
    while not status["done"] and time.monotonic() < deadline:
        time.sleep(0.2)
        status = client.get("/healthz").get_json()["warm_up"]
    assert status["done"] and status["states"] > 10 and status["failed"] == 0, status
    for _ in range(3):
        client.get("/eaeu")
    assert sum(t.name == "kz-warm-up" for t in threading.enumerate()) <= 1
    assert client.get("/healthz").get_json()["warm_up"]["states"] == status["states"]  # not started again


def test_off_by_setting(client, monkeypatch):
    monkeypatch.setenv("KZ_WARM_UP", "0")
    assert client.get("/healthz").get_json()["warm_up"] == {"enabled": False, "done": False}


def test_a_warm_up_stops_when_a_newer_snapshot_becomes_current(app, monkeypatch):
    real = warm_up.ordered

    def then_refreshed(found):
        bodies = real(found)  # the pages are read; then another process publishes a snapshot
        monkeypatch.setattr(Store, "current_id", lambda self: "2099-01-01")
        return bodies

    monkeypatch.setattr(warm_up, "ordered", then_refreshed)
    progress = warm_up.warm(app.server)
    assert not progress.done and progress.stopped and progress.states == 0


@pytest.mark.parametrize("path", warm_up.PAGES)
def test_every_warmed_page_has_chart_callbacks_to_warm(client, path):
    assert any(".figure" in b["output"] for b in callback_bodies.calls(client, path))


def test_a_theme_store_not_yet_set_is_the_light_reply(app, client):
    """Before the browser reads prefers-color-scheme the theme store holds None, which draws light: one reply."""
    memo = _reply_memo(app)
    trends = next(b for b in callback_bodies.calls(client, "/trends") if b["output"].startswith("..trends-graph"))
    before = len(memo)
    unset = callback_bodies.post(client, warm_up._with(trends, {}, None))
    light = callback_bodies.post(client, warm_up._with(trends, {}, "light"))
    dark = callback_bodies.post(client, warm_up._with(trends, {}, "dark"))
    assert unset.status_code == light.status_code == dark.status_code == 200
    assert unset.get_json() == light.get_json() != dark.get_json()
    assert len(memo) == before + 2
