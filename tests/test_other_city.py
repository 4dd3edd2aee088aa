"""Another city's plan is another folder: a made-up instance solves with no code change."""

from __future__ import annotations

import pytest

import landalloc
from tests.conftest import DATA


def test_rivertown_by_hand():
    r = landalloc.solve(DATA / "rivertown")
    assert r.status == "optimal"
    # see tests/data/rivertown/2030.yaml: 60*10 + 20*8 + 40*3 + 10*2 + 30*1
    assert r.objective == pytest.approx(930)
    m = r.matrix()
    assert m.loc["chips", "harbor"] == pytest.approx(60)
    assert m.loc["logistics", "ridge"] == pytest.approx(30)
    zones = r.totals("zone").set_index("id")["hectares"]
    assert zones["south"] == pytest.approx(60)
    assert list(r.lp.sectors) == ["chips", "textiles", "logistics"]


def test_rivertown_scenario_extends_relative_to_itself():
    r = landalloc.solve(DATA / "rivertown" / "airport-more.yaml")
    assert r.objective == pytest.approx(970)  # chips all in harbor: 800 + 120 + 20 + 30
    assert r.record["overrides"][0]["path"] == "districts.harbor.cap"
