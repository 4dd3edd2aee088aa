"""Linked periods (`--period all`): stacked per-period LPs plus rules across periods.

The toy instance (tests/toy.py), solved on paper. Two sectors a, b; districts n (cap 6 ha
per period) and s; 10 ha exactly per period; output per ha a: n 3, s 2 in P1 and n 5, s 3
in P2; b: 1 everywhere.

* Each period alone: a fills n (6 ha) and the rest goes to a in s (4 ha):
  P1 = 6·3 + 4·2 = 26, P2 = 6·5 + 4·3 = 42; together 68.
* Horizon cap on n of 8 ha over both periods: a ha in n is worth 3 − 2 = 1 more than in s
  in P1 and 5 − 3 = 2 more in P2, so P2 takes n's 6 ha and P1 the 2 left:
  P1 = 2·3 + 8·2 = 22, P2 = 42; joint 64; the cap's price is 1 (亿元/ha, one more ha of n
  goes to P1). Sequentially P1 takes 6 in n (26) and P2 gets 2: 2·5 + 8·3 = 34; 60.
  The value of planning both together is 4.
* Carry-over ≤ 3 ha (no horizon cap): a ha of P1's last land earns 2 (in s), in P2 3 (in s):
  3 ha move. P1 = 6·3 + 1·2 = 20, P2 = 6·5 + 7·3 = 51; 71 = 68 + 3.
* A stock target (existing 100 ha, at least 110 ha at the end of P1) forbids the move: 68.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from landalloc.api import solve, solve_horizon
from landalloc.problem.horizon import load_horizon
from tests.toy import write_toy

CAP = """horizon:
  districts: {n: {cap: {max: 8, assumption: toy}}}
"""


def test_toy_alone_equals_sum_of_periods(tmp_path):
    folder = write_toy(tmp_path / "toy")
    r = solve_horizon(folder, "all")
    assert r.objective == pytest.approx(68)
    assert solve(folder, "P1").objective == pytest.approx(26)
    assert solve(folder, "P2").objective == pytest.approx(42)


def test_toy_horizon_cap_joint_and_sequential(tmp_path):
    folder = write_toy(tmp_path / "toy", CAP)
    r = solve_horizon(folder, "all")
    d = r.to_dict()
    assert d["objective"] == pytest.approx(64)
    assert d["periods"]["P1"]["objective"] == pytest.approx(22)
    assert d["periods"]["P2"]["objective"] == pytest.approx(42)
    assert d["periods"]["P1"]["totals"]["district"]["n"] == pytest.approx(2)
    cap = next(x for x in d["rules"] if x["name"] == "horizon_district_cap[n]")
    assert cap["binding"] and cap["dual"] == pytest.approx(1)
    assert cap["achieved"] == pytest.approx(8)
    assert d["sequential"]["objective"] == pytest.approx(60)
    assert d["value_of_joint_planning"] == pytest.approx(4)
    seq = solve_horizon(folder, "all", mode="sequential")
    assert seq.objective == pytest.approx(60)


def test_toy_carry_over_and_stock_target(tmp_path):
    folder = write_toy(tmp_path / "toy")
    r = solve_horizon(folder, "all", ["carry_over.max=3"])
    d = r.to_dict()
    assert d["objective"] == pytest.approx(71)
    assert d["carry_over"][0]["hectares"] == pytest.approx(3)
    assert d["periods"]["P1"]["totals"]["district"]["s"] == pytest.approx(1)
    stock = tmp_path / "stock"
    write_toy(stock, "horizon:\n  existing_stock: 100\n  existing_stock_source: toy\n"
                     "  stock_targets: {P1: {total: {min: 110, assumption: toy}}}\n")
    r = solve_horizon(stock, "all", ["carry_over.max=3"])
    assert r.objective == pytest.approx(68)
    d = r.to_dict()
    assert d["carry_over"][0]["hectares"] == pytest.approx(0)
    # the stock is reported as stock: existing 100 ha + P1's 10 ha, against its 110 ha
    row = next(x for x in d["rules"] if x["name"] == "stock_target[P1]")
    assert row["achieved"] == pytest.approx(110) and row["achieved_lower"] == 110
    assert row["lower"] == pytest.approx(10)  # the LP's row: new land within target - stock


def test_zhengzhou_all_equals_the_two_single_period_solves():
    h = solve_horizon("zhengzhou", "all")
    a, b = solve("zhengzhou", "2021-2025"), solve("zhengzhou", "2026-2035")
    assert h.objective == pytest.approx(a.objective + b.objective, rel=1e-9)
    per = h.periods()
    for single, p in ((a, "2021-2025"), (b, "2026-2035")):
        assert per[p].objective == pytest.approx(single.objective, rel=1e-9)
        assert np.allclose(per[p].matrix().to_numpy(), single.matrix().to_numpy(), atol=1e-6)


def test_zhengzhou_carry_over_500():
    base = solve_horizon("zhengzhou", "all")
    r = solve_horizon("zhengzhou", "all", ["carry_over.max=500"])
    d = r.to_dict()
    total = sum(sum(doc["totals"]["sector"].values()) for doc in d["periods"].values())
    assert total == pytest.approx(14000)
    moved = d["carry_over"][0]["hectares"]
    assert -1e-6 <= moved <= 500 + 1e-6
    early = sum(d["periods"]["2021-2025"]["totals"]["sector"].values())
    assert early == pytest.approx(6000 - moved)
    assert r.objective >= base.objective - 1e-6


def test_comma_list_and_unknown_period(tmp_path):
    folder = write_toy(tmp_path / "toy")
    assert load_horizon(folder, "P2,P1").periods == ["P2", "P1"]
    from landalloc.errors import InputError

    with pytest.raises(InputError):
        load_horizon(folder, "P1,P9")


def test_cli_json_document():
    from landalloc.cli.app import app

    out = CliRunner().invoke(app, ["solve", "--period", "all", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert set(doc["periods"]) == {"2021-2025", "2026-2035"}
    assert {"status", "objective", "periods", "rules"} <= set(doc)


def test_horizon_stock_targets_scenario():
    from landalloc.plan.locate import resolve_input

    path = resolve_input("zhengzhou").parent / "scenarios" / "horizon-stock-targets.yaml"
    r = solve_horizon(path, None)
    d = r.to_dict()
    assert d["status"] == "optimal"
    names = {x["name"] for x in d["rules"]}
    assert {"stock_target[2021-2025]", "stock_target[2026-2035]"} <= names
    stock = next(x for x in d["rules"] if x["name"] == "stock_target[2026-2035]")
    assert stock["achieved"] == pytest.approx(40000) and stock["achieved_upper"] == 40000
    assert "Ch.1 §2(3)2" in stock["source"]  # the 2020 stock of 26,000 ha is the plan's


def test_solve_out_writes_linked_periods(tmp_path):
    """`solve --period all --out` writes the tables with a period column; they add up to
    the --json document of the same run."""
    import pandas as pd

    from landalloc.cli.app import app

    out = tmp_path / "hz"
    res = CliRunner().invoke(app, ["solve", "--period", "all", "--set", "carry_over.max=500",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "result.json").read_text(encoding="utf-8"))
    alloc = pd.read_csv(out / "allocation.csv")
    for p, per in doc["periods"].items():
        assert alloc.loc[alloc["period"] == p, "hectares"].sum() == pytest.approx(
            sum(per["totals"]["sector"].values()))
    assert alloc["hectares"].sum() == pytest.approx(14000)
    rules = pd.read_csv(out / "rules.csv", keep_default_na=False)
    assert "carry_over[2021-2025->2026-2035]" in set(rules["name"])
    totals = pd.read_csv(out / "totals.csv", keep_default_na=False)
    horizon = totals[(totals["period"] == "horizon") & (totals["kind"] == "sector")]
    assert horizon["hectares"].sum() == pytest.approx(14000)
    record = json.loads((out / "record.json").read_text(encoding="utf-8"))
    assert set(record["effective_instances"]) == {"2021-2025", "2026-2035"}


@pytest.mark.parametrize("backend", ["pulp", "pyomo"])
def test_linked_periods_on_every_backend(tmp_path, backend):
    """The joint LP and the sequential passes run on the backend asked for, and give HiGHS's
    objective and allocation cell by cell (the toy moves 3 ha across periods; Zhengzhou's
    stock-target scenario links both periods)."""
    from landalloc.plan.locate import resolve_input

    folder = write_toy(tmp_path / "toy")
    zz = resolve_input("zhengzhou").parent / "scenarios" / "horizon-stock-targets.yaml"
    for ref, period, sets in ((folder, "all", ["carry_over.max=3"]), (zz, None, [])):
        ref_h = solve_horizon(ref, period, sets)
        other = solve_horizon(ref, period, sets, backend=backend)
        assert other.objective == pytest.approx(ref_h.objective, rel=1e-9)
        assert other.raw.backend == backend
        assert np.allclose(other.raw.x, ref_h.raw.x, atol=1e-5)
        seq = other.to_dict()["sequential"]
        assert seq["objective"] == pytest.approx(ref_h.to_dict()["sequential"]["objective"])


def test_solve_linked_honours_report_and_refuses_a_forecast_increment(tmp_path, monkeypatch):
    """--report is written for linked periods (not silently dropped); --increment-from
    forecast, which reads one period, is refused."""
    from landalloc.cli.app import app
    from landalloc.present.report import horizon as hz_report

    written = []
    monkeypatch.setattr(hz_report, "write_horizon_report",
                        lambda result, out, lang="both": written.append(
                            (result.objective, str(out), lang)))
    res = CliRunner().invoke(app, ["solve", "--period", "all", "--report",
                                   str(tmp_path / "r"), "--lang", "zh", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert written == [(pytest.approx(doc["objective"]), str(tmp_path / "r"), "zh")]
    bad = CliRunner().invoke(app, ["solve", "--period", "all", "--increment-from", "forecast"])
    assert bad.exit_code != 0 and "reads one period" in str(bad.exception or bad.output)
