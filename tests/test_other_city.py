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


def test_rivertown_linked_periods_on_paper():
    """tests/data/rivertown/horizon.yaml, solved by hand in its header: a horizon cap on
    harbor, a stock target and a carry-over limit across 2030 and 2040 (robots exist only
    in 2040, logistics only in 2030)."""
    from landalloc.api import solve_horizon

    path = DATA / "rivertown" / "horizon.yaml"
    d = solve_horizon(path, None).to_dict()
    assert d["status"] == "optimal" and d["objective"] == pytest.approx(1675)
    assert d["carry_over"][0]["hectares"] == pytest.approx(5)
    assert d["sequential"]["objective"] == pytest.approx(1655)
    assert d["value_of_joint_planning"] == pytest.approx(20)
    rules = {r["name"]: r for r in d["rules"]}
    assert rules["horizon_district_cap[harbor]"]["achieved"] == pytest.approx(105)
    assert rules["stock_target[2030]"]["achieved"] == pytest.approx(1155)
    assert d["periods"]["2040"]["totals"]["sector"]["robots"] == pytest.approx(35)
    assert "logistics" not in d["periods"]["2040"]["totals"]["sector"]
    # the prices, against re-solves: one more ha of harbor +1, a stock target 1 ha higher -4
    assert rules["horizon_district_cap[harbor]"]["dual"] == pytest.approx(1)
    more = solve_horizon(path, None, ["horizon.districts.harbor.cap=106"])
    assert more.objective - 1675 == pytest.approx(1)
    higher = solve_horizon(path, None, ["horizon.stock_targets.2030.total.min=1156"])
    assert higher.objective - 1675 == pytest.approx(-4)
