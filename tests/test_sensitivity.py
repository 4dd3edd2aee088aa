"""Shadow prices, ranges, sweeps and tornado moves, each checked against independent solves.

The independent check is always a fresh solve (a new LP or a new `landalloc.solve` from the
YAML files with `--set`), never the live session the code under test re-solves warm.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from landalloc.formulations import formulate
from landalloc.solver import HighsBackend
from landalloc.solver.sensitivity import analyse

import landalloc
from landalloc.analysis.sensitivity import parse_delta
from landalloc.problem.sweep_plan import instance_with, plan_sweep
from landalloc.problem.synthetic import random_instance
from tests.test_cli import run
from tests.test_small_lp import tiny


def cold(lp, row: int | None = None, lower: float | None = None, upper: float | None = None):
    """Objective of a fresh solve of `lp` with one row's bounds replaced (None: infeasible)."""
    lo, hi = lp.row_lower.copy(), lp.row_upper.copy()
    if row is not None:
        lo[row], hi[row] = lower, upper
    from dataclasses import replace

    raw = HighsBackend().solve(replace(lp, row_lower=lo, row_upper=hi))
    return raw.objective if raw.status.value == "optimal" else None


def tiny_lower():
    """Tiny with a binding minimum: A (low value) is held at its minimum of 50 while B
    (worth more) would take its land; the total is capped at 100. By hand: A-X 40, A-Z 10,
    B-Y 30, B-Z 20; one ha less of A's minimum moves one ha of Z from A (1) to B (1.5)."""
    data = tiny().model_dump(exclude_none=True)
    data["total_increment"] = {"max": 100}
    data["sectors"]["A"]["quota"] = {"min": 50, "max": 80}
    data["sectors"]["B"]["quota"] = {"max": 60}
    data["districts"]["Z"]["cap"] = {"max": 60}
    return landalloc.Instance.model_validate(data)


# --- shadow prices and ranges ---------------------------------------------------------

def test_hand_solved_prices_ranges_and_reduced_costs():
    """Values worked on paper in tests/test_small_lp.py, plus their ranges:
    A's quota can move 40..60 (A-Z absorbs it until A-Z = 0 or Z is full), B's 30..50,
    X's cap 30..50, Y's 20..40; Z and the total have slack. A-Y: 3 - u_A - v_Y = -0.5."""
    rep = analyse(formulate(tiny()))
    assert rep.duals_unique and rep.allocation_unique and rep.objective == pytest.approx(345)
    r = rep.rules.set_index("name")
    expect = {"sector_quota[A]": (1.0, 40, 60), "sector_quota[B]": (1.5, 30, 50),
              "district_cap[X]": (4.0, 30, 50), "district_cap[Y]": (2.5, 20, 40)}
    for name, (price, lo, hi) in expect.items():
        assert r.at[name, "shadow_price"] == pytest.approx(price)
        assert (r.at[name, "range_lower"], r.at[name, "range_upper"]) == pytest.approx((lo, hi))
        assert r.at[name, "value_one_more_ha"] == pytest.approx(price)
        assert r.at[name, "value_one_less_ha"] == pytest.approx(-price)
        assert not r.at[name, "degenerate"]
    # a slack row: price 0 from its activity outward (not HiGHS's activity range)
    assert r.at["district_cap[Z]", "side"] == "slack"
    assert r.at["district_cap[Z]", "shadow_price"] == 0
    assert (r.at["district_cap[Z]", "range_lower"], r.at["district_cap[Z]", "range_upper"]) \
        == (pytest.approx(20), math.inf)
    assert "adds 4.0000" in r.at["district_cap[X]", "meaning"]
    c = rep.cells.set_index(["sector", "district"])
    assert c.at[("A", "Y"), "reduced_cost"] == pytest.approx(-0.5)
    assert c.at[("A", "Y"), "cost_range_upper"] == pytest.approx(3.5)  # enters above 3.5
    assert "costs 0.5000" in c.at[("A", "Y"), "meaning"]
    assert not c.at[("B", "X"), "allowed"] and math.isnan(c.at[("B", "X"), "reduced_cost"])


def test_binding_minimum_has_a_negative_price():
    rep = analyse(formulate(tiny_lower()))
    r = rep.rules.set_index("name")
    assert r.at["sector_quota[A]", "side"] == "lower"
    assert r.at["sector_quota[A]", "shadow_price"] == pytest.approx(-0.5)
    assert "costs 0.5000" in r.at["sector_quota[A]", "meaning"]
    assert rep.duals_unique


CASES = {
    "tiny": lambda: formulate(tiny()),
    "tiny-lower": lambda: formulate(tiny_lower()),
    "zhengzhou-2021-2025": lambda: formulate(landalloc.load_instance("zhengzhou", "2021-2025")),
    "zhengzhou-2026-2035": lambda: formulate(landalloc.load_instance("zhengzhou", "2026-2035")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_price_times_step_inside_the_range(case):
    """Every binding rule, moved a small step inside its range (each side that has width),
    changes a fresh solve's objective by shadow price x step."""
    lp = CASES[case]()
    rep = analyse(lp)
    base = rep.objective
    checked = 0
    for _, r in rep.rules.iterrows():
        if r["side"] not in ("upper", "lower", "fixed"):
            continue
        i = lp.row_index(r["name"])
        bound = lp.row_upper[i] if r["side"] in ("upper", "fixed") else lp.row_lower[i]
        for room, sign in ((r["range_upper"] - bound, 1.0), (bound - r["range_lower"], -1.0)):
            if not room > 1e-6:
                continue  # zero width on this side: degenerate, no claim made
            step = sign * min(1.0, 0.25 * room)
            lo = lp.row_lower[i] + (step if r["side"] in ("lower", "fixed") else 0.0)
            hi = lp.row_upper[i] + (step if r["side"] in ("upper", "fixed") else 0.0)
            got = cold(lp, i, lo, hi)
            assert got is not None, (r["name"], step)
            # a unique price holds both ways; where it is not unique, the measured value
            # of one more (less) unit holds on the side where the basis stays optimal
            if r["price_unique"]:
                want = r["shadow_price"] * step
            elif step > 0:
                want = r["value_one_more_ha"] * step
            else:
                want = r["value_one_less_ha"] * -step
            assert abs((got - base) - want) <= 1e-6 * max(abs(want), 1e-6 * abs(base)), \
                (r["name"], step, got - base, want)
            checked += 1
    assert checked >= {"tiny": 8, "tiny-lower": 6}.get(case, 8)


def test_zhengzhou_degenerate_optimum_is_flagged_honestly():
    """Its district caps add up to the zone totals, which add up to the total: lowering the
    airport cap alone is infeasible, raising it is worth 0.126847 亿元 per ha, measured to
    1,301 ha; HiGHS's ranging, of one basis of the degenerate optimum, says 1,120 ha."""
    rep = landalloc.sensitivity("zhengzhou", period="2021-2025")
    assert not rep.duals_unique
    assert any("not unique" in n for n in rep.notes)
    r = rep.rules.set_index("name")
    air = r.loc["district_cap[airport]"]
    assert air["degenerate"] and not air["price_unique"]
    assert math.isnan(air["value_one_less_ha"]) and math.isnan(air["shadow_price"])
    base = landalloc.solve("zhengzhou", period="2021-2025").objective
    up = landalloc.solve("zhengzhou", period="2021-2025",
                         sets=["districts.airport.cap=1101"]).objective
    assert up - base == pytest.approx(air["value_one_more_ha"], rel=1e-6)
    assert landalloc.solve("zhengzhou", period="2021-2025",
                           sets=["districts.airport.cap=1099"]).status == "infeasible"
    assert air["range_upper"] == pytest.approx(1120)
    far = landalloc.solve("zhengzhou", period="2021-2025",
                          sets=["districts.airport.cap=1301"]).objective
    assert far - base == pytest.approx(201 * air["value_one_more_ha"], rel=1e-6)
    assert air["value_one_more_ha"] == pytest.approx(0.126847, abs=1e-6)
    assert air["set_path"] == "districts.airport.cap"
    assert not rep.allocation_unique


# --- sweeps -------------------------------------------------------------------------

def cold_solve(path_values: list[tuple[str, float]], period: str = "2021-2025"):
    r = landalloc.solve("zhengzhou", period=period,
                        sets=[f"{p}={v!r}" for p, v in path_values])
    return r.status, r.objective


@pytest.mark.parametrize("param,a,b,n,method", [
    ("districts.airport.cap", 900, 1500, 25, "warm"),
    ("sectors.electronics.quota", 1800, 2600, 21, "warm"),
    ("output.electronics.airport", 0.5, 1.5, 21, "warm"),
    ("sector_groups.leading_six.share", 0.7, 0.9, 21, "warm"),  # matrix coefficients
    ("sector_groups.leading_six.share", 0.7, 0.9, 11, "rebuild"),  # asked for
])
def test_sweep_equals_cold_solves(param, a, b, n, method):
    df = landalloc.sweep("zhengzhou", param, a, b, steps=n, rebuild=method == "rebuild")
    assert df.attrs["method"] == method
    assert len(df) == n
    for _, r in df.iterrows():
        status, obj = cold_solve([(param, r[param])])
        assert r["status"] == status, r[param]
        if status == "optimal":
            assert r["objective"] == pytest.approx(obj, rel=1e-6, abs=1e-9)
            assert r["max_violation"] <= 1e-6
    assert (df["status"] == "optimal").sum() >= 5


def test_two_dimensional_grid_equals_cold_solves():
    spec = [("districts.airport.cap", 1000, 1600, 4), ("sectors.electronics.quota", 2000, 2600, 5)]
    df = landalloc.sweep("zhengzhou", spec)
    assert df.attrs["method"] == "warm" and len(df) == 20
    for _, r in df.iterrows():
        status, obj = cold_solve([(p, r[p]) for p, *_ in spec])
        assert r["status"] == status
        if status == "optimal":
            assert r["objective"] == pytest.approx(obj, rel=1e-6)


def test_marginal_of_a_cap_is_its_shadow_price():
    df = landalloc.sweep("zhengzhou", "districts.airport.cap", 1100, 1300, steps=5)
    rep = landalloc.sensitivity("zhengzhou")
    price = rep.rules.set_index("name").at["district_cap[airport]", "value_one_more_ha"]
    assert df["marginal[districts.airport.cap]"].to_numpy() == pytest.approx(price)
    assert np.diff(df["objective"]) == pytest.approx(price * 50)


def test_footprint_from_the_formulation_diff():
    inst = landalloc.load_instance("zhengzhou")
    plan = plan_sweep(inst, [("sectors.electronics.quota", 2000, 2400)])
    (m,) = plan.maps
    assert plan.warm and m.summary(plan.lp) == \
        "sectors.electronics.quota -> sector_quota[electronics] (lower, upper)"
    assert [(e.array, e.beta.tolist()) for e in m.entries] == \
        [("row_lower", [1.0]), ("row_upper", [1.0])]
    plan = plan_sweep(inst, [("districts.airport.cap", 1000, 1400)])
    assert [(e.array, e.beta.tolist()) for e in plan.maps[0].entries] == [("row_upper", [1.0])]
    # a share moves coefficients (member - share): warm too, through changeCoeff
    plan = plan_sweep(inst, [("sector_groups.leading_six.share.min", 0.7, 0.9)])
    (e,) = plan.maps[0].entries
    row = plan.lp.row_index("sector_group_share[leading_six]")
    assert plan.warm and e.array == "A" and np.all(e.beta == -1.0)
    assert set(plan.lp.A.indices[e.index].tolist()) == {row}
    # two parameters on one bound: each footprint is taken with the other at its start
    plan = plan_sweep(inst, [("sectors.electronics.quota", 2000, 2400),
                             ("sectors.electronics.quota.max", 2500, 2600)])
    assert plan.warm and [[e.array for e in m.entries] for m in plan.maps] == \
        [["row_lower"], ["row_upper"]]
    with pytest.raises(landalloc.InputError, match="changes nothing"):
        plan_sweep(inst, [("output.food.airport", 0.1, 0.5)])  # a cell the plan does not allow
    with pytest.raises(landalloc.InputError, match="move min and max together"):
        plan_sweep(inst, [("sectors.electronics.quota.min", 1800, 2600)])


def two_groups():
    """Tiny with A alone in group g (min share s of the total), B in h; total <= 100, A <= 80,
    B <= 60, Z's cap 60. By hand: free, A-X 40, B-Y 30, B-Z 30 = 365 with A's share 0.4.
    Above 0.4, each ha of B-Z (1.5) moves to A-Z (1): 385 - 50 s up to s = 0.7 (B-Z empty);
    then B-Y (4) moves to A-Y (3): slope -100."""
    return tiny(total_increment={"max": 100},
                sector_groups={"g": {"zh": "组", "en": "group", "share": 0.2},
                               "h": {"zh": "乙组", "en": "other"}},
                sectors={"A": {"zh": "甲", "en": "A", "group": "g", "quota": {"max": 80}},
                         "B": {"zh": "乙", "en": "B", "group": "h", "quota": {"max": 60}}},
                districts={d: {"zh": d, "en": d, "zone": "z", "area_class": "a", "cap": c}
                           for d, c in (("X", 40), ("Y", 30), ("Z", 60))})


def test_share_sweep_is_warm_and_worked_by_hand():
    """A share moves matrix coefficients (member - share), changed in the live model: the
    objective and its dual-based slope (-sum y_i x_j d a_ij / d s) match the hand solution,
    and every point matches a fresh solve of the changed instance."""
    inst = two_groups()
    df = landalloc.sweep(inst, "sector_groups.g.share.min", 0.0, 0.8, steps=17)
    assert df.attrs["method"] == "warm" and (df["status"] == "optimal").all()
    s = df["sector_groups.g.share.min"].to_numpy()
    want = np.where(s <= 0.4, 365, np.where(s <= 0.7, 385 - 50 * s, 350 - 100 * (s - 0.7)))
    np.testing.assert_allclose(df["objective"], want, rtol=1e-9)
    g = df["marginal[sector_groups.g.share.min]"].to_numpy()
    inside = (np.abs(s - 0.4) > 1e-9) & (np.abs(s - 0.7) > 1e-9)  # kinks: any supergradient
    want_g = np.where(s < 0.4, 0, np.where(s < 0.7, -50, -100))
    np.testing.assert_allclose(g[inside], want_g[inside], atol=1e-9)
    for v, obj in zip(s[::4], df["objective"].to_numpy()[::4], strict=True):
        cold = landalloc.solve_instance(instance_with(inst, [("sector_groups.g.share.min", v)]))
        assert obj == pytest.approx(cold.objective, rel=1e-9)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(S=st.integers(2, 6), D=st.integers(2, 6), seed=st.integers(0, 10_000),
       pick=st.integers(0, 100))
def test_objective_along_a_cap_is_concave_piecewise_linear(S, D, seed, pick):
    """Maximisation: the optimal value is concave in a right-hand side. Feasible points form
    one interval; secant slopes fall; the dual-based slope at each point lies between the
    secants either side of it, and where two neighbours share a slope the secant equals it."""
    inst = random_instance(S, D, seed=seed)
    d = list(inst.districts)[pick % D]
    cap = inst.districts[d].cap.max
    df = landalloc.sweep(inst, f"districts.{d}.cap", 0.2 * cap, 2.5 * cap + 1, steps=24)
    assert df.attrs["method"] == "warm"
    ok = (df["status"] == "optimal").to_numpy()
    assert ok.any()
    idx = np.flatnonzero(ok)
    assert (np.diff(idx) == 1).all()  # one interval
    x = df[f"districts.{d}.cap"].to_numpy()[idx]
    f = df["objective"].to_numpy()[idx]
    g = df[f"marginal[districts.{d}.cap]"].to_numpy()[idx]
    scale = 1e-7 * max(1.0, np.abs(f).max())
    sec = np.diff(f) / np.diff(x)
    assert (np.diff(f) >= -scale).all()  # more cap never hurts
    assert (np.diff(sec) <= 1e-6 * max(1.0, np.abs(sec).max())).all()  # concave
    for k in range(len(sec)):
        assert g[k] >= sec[k] - 1e-6 and g[k + 1] <= sec[k] + 1e-6  # supergradients
        if abs(g[k] - g[k + 1]) <= 1e-9:
            assert sec[k] == pytest.approx(g[k], abs=1e-6)  # linear between equal slopes
    # spot-check against fresh solves of the changed instance
    for k in (idx[0], idx[-1], idx[len(idx) // 2]):
        v = df[f"districts.{d}.cap"].iloc[k]
        want = landalloc.solve_instance(instance_with(inst, [(f"districts.{d}.cap", v)]))
        assert df["objective"].iloc[k] == pytest.approx(want.objective, rel=1e-7)


# --- tornado --------------------------------------------------------------------------

def test_tornado_matches_fresh_solves():
    df = landalloc.tornado("zhengzhou", delta="10%")
    lp = formulate(landalloc.load_instance("zhengzhou"))
    base = df.attrs["objective"]
    swing = df["swing"].to_numpy()
    finite = swing[~np.isnan(swing)]
    assert (np.diff(finite) <= 1e-12).all() and np.isnan(swing[len(finite):]).all()
    assert df.iloc[0]["name"] == "sector_quota[electronics]"  # the rule worth most
    for _, r in df.iterrows():
        if r["method"] != "warm":
            continue
        i = lp.row_index(r["name"])
        for tag, f in (("low", 0.9), ("high", 1.1)):
            lo, hi = lp.row_lower[i] * f, lp.row_upper[i] * f
            got = cold(lp, i, lo if np.isfinite(lo) else lp.row_lower[i],
                       hi if np.isfinite(hi) else lp.row_upper[i])
            if got is None:
                assert r[f"status_{tag}"] == "infeasible"
            else:
                assert r[f"change_{tag}"] == pytest.approx(got - base, abs=1e-7)
    share = df.set_index("name").loc["sector_group_share[leading_six]"]
    assert share["method"] == "rebuild" and share["share_low"] == pytest.approx(0.833 * 0.9)
    status, _ = cold_solve([("sector_groups.leading_six.share.min", 0.833 * 1.1)])
    assert share["status_high"] == status


def test_parse_delta():
    assert parse_delta("10%") == (pytest.approx(0.1), True)
    assert parse_delta("50") == (50.0, False)
    for bad in ("10x", "-5%", "0"):
        with pytest.raises(landalloc.InputError):
            parse_delta(bad)


# --- the commands ---------------------------------------------------------------------

def test_sensitivity_json_and_files(tmp_path):
    p = run("sensitivity", "--json", "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["duals_unique"] is False and doc["status"] == "optimal"
    air = next(r for r in doc["rules"] if r["name"] == "district_cap[airport]")
    assert air["shadow_price"] is None and air["price_unique"] is False
    assert air["value_one_more_ha"] > 0
    assert air["value_one_less_ha"] is None and air["range_upper"] == pytest.approx(1120)
    assert {f.name for f in tmp_path.iterdir()
            if not f.name.startswith(".")} == {"rules.csv", "cells.csv",
                                                     "sensitivity.json"}


def test_sensitivity_screen_explains_the_sign():
    p = run("sensitivity")
    assert p.returncode == 0, p.stderr
    for word in ("航空港区", "one more ha of cap", "degenerate", "not unique"):
        assert word in p.stdout


def test_sweep_command_writes_table_parquet_and_plot(tmp_path):
    import pandas as pd

    p = run("sweep", "--param", "districts.airport.cap", "--from", "1000", "--to", "1600",
            "--steps", "7", "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    csv = pd.read_csv(tmp_path / "sweep.csv")
    pq = pd.read_parquet(tmp_path / "sweep.parquet")
    assert len(csv) == len(pq) == 7
    assert csv["status"].tolist()[0] == "infeasible"  # recorded, not fatal
    assert (tmp_path / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / "record.json").read_text())["method"] == "warm"


def test_sweep_command_grid_and_json():
    p = run("sweep", "--param", "districts.airport.cap", "--from", "1100", "--to", "1300",
            "--steps", "3", "--param", "sectors.electronics.quota", "--from", "2100", "--to",
            "2300", "--steps", "2", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert len(doc["points"]) == 6 and doc["method"] == "warm"


def test_sweep_command_bad_input_is_one_line():
    p = run("sweep", "--param", "districts.nowhere.cap", "--from", "1", "--to", "2")
    assert p.returncode == 2
    assert "unknown district 'nowhere'" in p.stderr and "Traceback" not in p.stderr
    p = run("sweep", "--param", "districts.airport.cap", "--from", "1")
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_tornado_command(tmp_path):
    p = run("tornado", "--delta", "10%", "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    assert "sector_quota[electronics]" in p.stdout and "infeasible" in p.stdout
    assert (tmp_path / "tornado.png").read_bytes()[:4] == b"\x89PNG"
    p = run("tornado", "--delta", "ten")
    assert p.returncode == 2 and "--delta" in p.stderr


def test_a_rule_the_allocation_leaves_below_its_bound_is_not_binding():
    """After `diagnose`'s repair of caps-strict-2026-2035, 巩义 gets 430 ha of its 540 and 登封
    553.33 of 670: neither binds (they were called binding from the first stage, whose
    allocation is not the one shown). For every rule, binding is: the allocation shown holds
    it at a bound."""
    from pathlib import Path

    import landalloc
    from landalloc.plan.locate import instances_root

    r = landalloc.solve(
        Path(instances_root()) / "zhengzhou" / "scenarios" / "caps-strict-2026-2035.yaml",
        sets=["sectors.electronics.quota.min=2276.67", "sectors.new_materials.quota.max=1223.33",
              "districts.zhengdong.cap=226.67", "districts.zhongmou.cap=1373.33"])
    rules = r.rules().set_index("name")
    for cap, ha in (("district_cap[gongyi]", 430.0), ("district_cap[dengfeng]", 553.33)):
        assert rules.loc[cap, "activity"] == pytest.approx(ha, abs=1e-6)
        assert not rules.loc[cap, "binding"]
    at = ((rules["activity"] - rules["lower"]).abs() <= 1e-6) \
        | ((rules["upper"] - rules["activity"]).abs() <= 1e-6)
    assert (rules["binding"] == at).all()
    words = " ".join(r.to_dict().get("notes") or [])
    assert "gongyi" not in words
