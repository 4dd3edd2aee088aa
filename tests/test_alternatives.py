"""check, ranges, alternatives and explain: each figure against an independent computation."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from landalloc.solver import alternatives as al
from openpyxl import Workbook
from scipy.optimize import linprog

import landalloc
from landalloc.cli.app import run
from landalloc.problem.build import load_problem

ZZ = ("zhengzhou", "2021-2025")


@pytest.fixture(scope="module")
def zz():
    return landalloc.solve(*ZZ)


@pytest.fixture(scope="module")
def problem():
    return load_problem(*ZZ)


def _over_cap(zz):
    """The optimum's matrix with 50 ha moved from 高新区 into 航空港区 (over its cap)."""
    m = zz.matrix().copy()
    # 航空港区 1,100 ha (Table 3-4) = electronics 1,080 + its vehicle (三辅) and biomedicine
    # (一基地) bases at their 10 ha minimums
    assert m.loc["electronics", "airport"] == pytest.approx(1080)
    assert m["airport"].sum() == pytest.approx(1100)
    assert m.loc["electronics", "hitech"] >= 50
    m.loc["electronics", "airport"] += 50
    m.loc["electronics", "hitech"] -= 50
    return m


def _write_long(path, m, names=None):
    lines = ["sector,district,hectares"]
    for s in m.index:
        for d in m.columns:
            if m.loc[s, d] > 0:
                lines.append(f"{names(s, d) if names else s + ',' + d},{m.loc[s, d]:g}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_wide_csv(path, m, inst):
    head = ["产业 / 区县 (ha)"] + [f"{inst.districts[d].zh} {inst.districts[d].en}"
                                 for d in m.columns] + ["合计 Total"]
    rows = [",".join(head)]
    for s in m.index:
        v = [f"{m.loc[s, d]:g}" for d in m.columns]
        rows.append(",".join([f"{inst.sectors[s].zh} {inst.sectors[s].en}", *v,
                              f"{m.loc[s].sum():g}"]))
    rows.append(",".join(["合计 Total", *[f"{m[d].sum():g}" for d in m.columns],
                          f"{m.to_numpy().sum():g}"]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ check
def test_check_of_the_optimum_is_feasible_with_gap_zero(zz, tmp_path):
    f = tmp_path / "opt.csv"
    zz.allocation()[["sector", "district", "hectares"]].to_csv(f, index=False)
    rep = landalloc.check(f, *ZZ)
    assert rep.feasible and rep.violations == [] and rep.not_allowed == []
    assert rep.gap == pytest.approx(0, abs=1e-6)
    assert rep.objective == pytest.approx(zz.objective)
    assert rep.nearest_optimal["moved_ha"] == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("form", ["long_ids", "long_zh", "wide_csv", "wide_xlsx"])
def test_fifty_ha_over_a_cap_is_named_and_repaired(zz, tmp_path, form):
    m, inst = _over_cap(zz), zz.instance
    if form == "long_ids":
        f = _write_long(tmp_path / "t.csv", m)
    elif form == "long_zh":
        f = _write_long(tmp_path / "t.csv", m,
                        lambda s, d: f"{inst.sectors[s].zh},{inst.districts[d].zh}")
    elif form == "wide_csv":
        f = _write_wide_csv(tmp_path / "t.csv", m, inst)
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = "分配矩阵 Allocation"
        ws.append(["产业 \\ 区县 (ha)", *[f"{inst.districts[d].zh} {inst.districts[d].en}"
                                         for d in m.columns]])
        for s in m.index:
            ws.append([f"{inst.sectors[s].zh} {inst.sectors[s].en}",
                       *[float(v) for v in m.loc[s]]])
        f = tmp_path / "report.xlsx"
        wb.save(f)
    rep = landalloc.check(f, *ZZ)
    assert not rep.feasible
    (v,) = rep.violations
    assert v["rule"] == "district_cap[airport]"
    assert v["excess"] == pytest.approx(50) and v["limit"] == 1100 and v["value"] == 1150
    assert "航空港区" in v["sentence"] and "Table 3-4" in v["sentence"] and "50 over" in \
        v["sentence"]
    assert rep.nearest["moved_ha"] == pytest.approx(50)
    x = np.zeros(zz.lp.num_col)
    for a in rep.nearest["allocation"]:
        x[zz.lp.col_index(a["sector"], a["district"])] = a["hectares"]
    assert zz.lp.max_violation(x) < 1e-6
    assert x[zz.lp.col_index("electronics", "airport")] <= 1100 + 1e-6


def test_check_json_shape(zz, tmp_path, capsys):
    f = _write_long(tmp_path / "t.csv", _over_cap(zz))
    assert run(["check", str(f), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"feasible", "violations", "objective", "optimum", "gap", "nearest"}
    assert set(doc["violations"][0]) >= {"rule", "label", "limit", "value", "excess"}
    assert set(doc["nearest"]) >= {"allocation", "moved_ha", "objective"}


@pytest.mark.parametrize("body,line,word", [
    ("sector,district,hectares\nelectronics,nowhere,10\n", 2, "unknown district"),
    ("sector,district,hectares\nelectronics,airport,-5\n", 2, "negative"),
    ("sector,district,hectares\nelectronics,airport,\n", 2, "blank"),
    ("sector,district,hectares\nelectronics,airport,lots\n", 2, "not a number"),
    ("sector,district,hectares\nelectronics,airport,5\nelectronics,航空港区,5\n", 3, "twice"),
    ("sector,district,hectares\n,airport,5\n", 2, "blank sector"),
])
def test_bad_tables_are_bad_input(tmp_path, capsys, body, line, word):
    f = tmp_path / "bad.csv"
    f.write_text(body, encoding="utf-8")
    assert run(["check", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"{f}:{line}" in err and word in err and "Traceback" not in err


def test_check_names_a_cell_the_plan_does_not_allow(tmp_path, problem):
    lp = problem.lp
    j = int(np.flatnonzero(lp.col_upper == 0)[0])
    s, d = lp.sectors[lp.col_sector[j]], lp.districts[lp.col_district[j]]
    f = tmp_path / "t.csv"
    f.write_text(f"sector,district,hectares\n{s},{d},10\n", encoding="utf-8")
    rep = landalloc.check(f, *ZZ)
    assert not rep.feasible and rep.not_allowed[0]["sector"] == s


# ------------------------------------------------------------------ ranges
@pytest.fixture(scope="module")
def ranges0():
    return landalloc.ranges(*ZZ, slack=0.0)


@pytest.fixture(scope="module")
def ranges2():
    return landalloc.ranges(*ZZ, slack=0.02)


def test_the_solve_lies_inside_every_range(ranges0, ranges2, zz):
    for rep in (ranges0, ranges2):
        c = rep.cells
        assert ((c["hectares"] >= c["min"] - 1e-6) & (c["hectares"] <= c["max"] + 1e-6)).all()
        m = zz.matrix()
        assert np.allclose(c["hectares"], [m.loc[s, d] for s, d in zip(c["sector"],
                                                                       c["district"],
                                                                       strict=True)])


def test_the_optimal_face_has_room(ranges0):
    assert (ranges0.cells["room"] > 1).sum() > 0
    assert (ranges0.cells["room"] == 0).sum() > 0  # and cells the rules fix


def test_ranges_at_two_percent_contain_those_at_zero(ranges0, ranges2):
    a, b = ranges0.cells, ranges2.cells
    assert (b["min"] <= a["min"] + 1e-6).all() and (b["max"] >= a["max"] - 1e-6).all()
    assert (b["room"] > a["room"] + 1).any()


@pytest.mark.parametrize("slack", [0.0, 0.02])
def test_each_range_end_is_an_independent_lp(problem, slack, ranges0, ranges2):
    lp = problem.lp
    rep = ranges0 if slack == 0 else ranges2
    opt = -linprog(-lp.c, bounds=list(zip(lp.col_lower, lp.col_upper,
                                                      strict=True)), **_rows(lp)).fun
    assert opt == pytest.approx(rep.optimum, rel=1e-9)
    floor = opt - max(slack * abs(opt), 1e-7)
    A = lp.A.toarray()
    A_ub = np.vstack([A, -A, -lp.c])
    b_ub = np.concatenate([lp.row_upper, -lp.row_lower, [-floor]])
    ok = np.isfinite(b_ub)
    bounds = list(zip(lp.col_lower, lp.col_upper, strict=True))
    cells = rep.cells.set_index(["sector", "district"])
    rng = np.random.default_rng(0)
    idx = np.flatnonzero(al.allowed_cells(lp))
    for j in rng.choice(idx, size=min(20, idx.size), replace=False):
        key = (lp.sectors[lp.col_sector[j]], lp.districts[lp.col_district[j]])
        e = np.zeros(lp.num_col)
        e[j] = 1.0
        lo = linprog(e, A_ub=A_ub[ok], b_ub=b_ub[ok], bounds=bounds, method="highs").fun
        hi = -linprog(-e, A_ub=A_ub[ok], b_ub=b_ub[ok], bounds=bounds, method="highs").fun
        assert cells.loc[key, "min"] == pytest.approx(lo, abs=1e-4)
        assert cells.loc[key, "max"] == pytest.approx(hi, abs=1e-4)


def _rows(lp):
    A = lp.A.toarray()
    A_ub = np.vstack([A, -A])
    b_ub = np.concatenate([lp.row_upper, -lp.row_lower])
    ok = np.isfinite(b_ub)
    return {"A_ub": A_ub[ok], "b_ub": b_ub[ok], "method": "highs"}


def test_warm_ranges_equal_cold_ones_on_a_synthetic_instance():
    from landalloc.problem.synthetic import random_lp

    lp = random_lp(8, 12, seed=3)
    first = al.optimum(lp)
    for slack in (0.0, 0.05):
        region = al.near_optimal(lp, first, slack)
        w, c = al.cell_ranges(region), al.cold_ranges(region)
        assert np.allclose(w.lower, c.lower, atol=1e-6)
        assert np.allclose(w.upper, c.upper, atol=1e-6)


def test_ranges_json(capsys):
    assert run(["ranges", "--slack", "0.02", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["slack"] == 0.02
    assert set(doc["cells"][0]) == {"sector", "district", "hectares", "min", "max"}


def test_bad_slack_is_bad_input(capsys):
    assert run(["ranges", "--slack", "1.5"]) == 2


# ------------------------------------------------------------------ alternatives
def test_alternatives_within_slack_far_apart_and_reproducible(tmp_path, capsys):
    out = tmp_path / "alts"
    args = ["alternatives", "--slack", "0.02", "-n", "3", "--seed", "7", "--json"]
    assert run([*args, "--out", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert run(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert doc["alternatives"] == again["alternatives"]
    assert len(doc["alternatives"]) == 3
    opt = doc["optimum"]
    stated = doc["min_pairwise_moved_ha"]
    assert stated >= 100
    xs = []
    for k, a in enumerate(doc["alternatives"], start=1):
        rep = landalloc.check(out / f"alternative-{k}.csv", *ZZ)  # reproduces it
        assert rep.feasible
        assert rep.objective >= 0.98 * opt - 1e-6
        assert rep.objective == pytest.approx(a["objective"], abs=1e-6)
        # and the scenario file: `landalloc solve` of it is this alternative
        again = landalloc.solve(out / f"alternative-{k}.yaml")
        assert again.objective == pytest.approx(a["objective"], abs=1e-6)
        got = again.matrix()
        for r in a["allocation"]:
            assert got.loc[r["sector"], r["district"]] == pytest.approx(r["hectares"],
                                                                        abs=1e-6)
        xs.append({(r["sector"], r["district"]): r["hectares"] for r in a["allocation"]})
    for i in range(len(xs)):
        for k in range(i + 1, len(xs)):
            keys = set(xs[i]) | set(xs[k])
            diff = [xs[k].get(c, 0) - xs[i].get(c, 0) for c in keys]
            moved = max(sum(d for d in diff if d > 0), -sum(d for d in diff if d < 0))
            assert moved >= stated - 1e-6


@pytest.mark.parametrize("spec", ["less:airport", "more:transformation", "less:electronics"])
def test_a_named_direction_reaches_its_extreme(problem, spec):
    """'less:airport' keeps 航空港区's 1,100 ha (the zone totals fix it) but is still the
    least airport land within the slack; each direction's alternative is the LP's extreme."""
    from landalloc.analysis.alternatives import direction_vector

    rep = landalloc.alternatives(*ZZ, slack=0.02, n=1, directions=[spec])
    lp = problem.lp
    d = direction_vector(problem, spec)
    first = al.optimum(lp)
    best = al.solve(al.near_optimal(lp, first, 0.02, costs=d))
    assert d @ rep.xs[0] == pytest.approx(best.objective, abs=1e-6)
    assert d @ rep.xs[0] >= d @ rep.base - 1e-6
    assert rep.items[0]["how"] == spec


def test_a_bad_direction_is_bad_input(capsys):
    assert run(["alternatives", "-n", "1", "--direction", "more:atlantis"]) == 2


# ------------------------------------------------------------------ explain
@pytest.mark.parametrize("cell", [("food", "zhongyuan"), ("electronics", "airport"),
                                  ("auto_equipment", "xingyang")])
def test_the_reduced_cost_split_adds_up(problem, cell):
    rep = landalloc.explain(*cell, *ZZ)
    lp = problem.lp
    first = al.optimum(lp)
    j = lp.col_index(*cell)
    assert rep.output_per_ha - sum(p["part"] for p in rep.parts) == \
        pytest.approx(rep.reduced_cost, abs=1e-9)
    assert rep.reduced_cost == pytest.approx(first.col_dual[j], abs=1e-7)


@pytest.mark.parametrize("cell,target", [(("food", "guancheng"), 100.0),
                                         (("electronics", "airport"), 500.0),
                                         (("auto_equipment", "gongyi"), 250.0)])
def test_a_forced_target_costs_what_a_fixed_resolve_costs(problem, cell, target):
    rep = landalloc.explain(*cell, *ZZ, target=target)
    lp = problem.lp
    j = lp.col_index(*cell)
    cl, cu = lp.col_lower.copy(), lp.col_upper.copy()
    cl[j] = cu[j] = target
    raw = al.solve(dataclasses.replace(lp, col_lower=cl, col_upper=cu))
    assert rep.forced_loss == pytest.approx(rep.optimum - raw.objective, abs=1e-6)
    for t in np.linspace(rep.curve["hectares"].min(), rep.curve["hectares"].max(), 7):
        cl[j] = cu[j] = t
        raw = al.solve(dataclasses.replace(lp, col_lower=cl, col_upper=cu))
        assert np.interp(t, rep.curve["hectares"], rep.curve["optimum"]) == \
            pytest.approx(raw.objective, abs=1e-6)


def test_the_repair_block_gives_the_target(problem):
    # 1,200 ha of electronics and the airport's two named bases (10 ha each) need 1,220
    rep = landalloc.explain("electronics", "airport", *ZZ, slack=0.02, target=1200)
    assert rep.repair == {"districts.airport.cap": 1220.0}
    assert rep.repair_verified
    assert "set:\n  districts.airport.cap: 1220" in rep.repair_block()


def test_explain_cli(capsys):
    assert run(["explain", "电子信息", "航空港区", "--target", "1200", "--slack", "0.02"]) == 0
    out = capsys.readouterr().out
    assert "reduced cost" in out and "districts.airport.cap: 1220" in out
    assert run(["explain", "electronics", "atlantis"]) == 2


def test_explain_in_both_languages_keeps_each_line_in_its_own(capsys, monkeypatch):
    """With --lang both, a price line comes as a Chinese line then an English one; neither
    carries the other's words, and no figure reads -0.0000."""
    monkeypatch.setenv("COLUMNS", "400")  # one line each, unwrapped
    assert run(["explain", "electronics", "xinmi"]) == 0
    lines = capsys.readouterr().out.splitlines()
    priced = [ln for ln in lines if "× 价格" in ln or "× price" in ln
              or "多一单位" in ln or "one more unit" in ln]
    assert len(priced) >= 8
    for ln in priced:
        if "× 价格" in ln or "多一单位" in ln:
            assert "not unique" not in ln and "infeasible" not in ln, ln
        else:
            assert "价格不唯一" not in ln and "单独不可行" not in ln, ln
        assert "-0.0000" not in ln, ln


def test_explain_reads_the_segment_after_a_breakpoint_with_float_noise():
    """The allocation puts 200 ha in the cell; the re-solve found the breakpoint at
    200.0000000001. The next hectare costs what the segment after 200 loses (by hand:
    (3,100 − 3,092.2) / 200 = 0.039 per ha), not the gain of the segment before it
    (it printed −0.5, a gain)."""
    import numpy as np
    from landalloc.solver.alternatives import Curve

    curve = Curve(np.array([0.0, 200.0000000001, 400.0]), np.array([3000.0, 3100.0, 3092.2]),
                  3)
    assert -curve.slope_right(200.0) == pytest.approx(0.039, rel=1e-6)
    assert -curve.slope_right(199.0) == pytest.approx(-0.5, rel=1e-6)
    assert -curve.slope_right(0.0) == pytest.approx(-0.5, rel=1e-6)
    assert np.isnan(curve.slope_right(400.0))
