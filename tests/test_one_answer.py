"""One scenario, one answer: every command builds the same LP and reports the same optimum,
the same allocation, and prices only as sure as the mathematics makes them."""

from __future__ import annotations

import json
import math
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import landalloc
from landalloc.cli.app import app
from landalloc.plan.loading import load
from landalloc.present.report.tables import rules_table

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "instances" / "zhengzhou" / "scenarios").glob("*.yaml"))
#: Shipped infeasible on purpose (their descriptions say so).
INFEASIBLE = {"central-no-new-land", "caps-strict-2026-2035"}
#: Scenarios of linked periods (`period: all`): `solve` links them; the single-period
#: commands (sensitivity, export, report, ...) read their default period (tests/test_horizon.py).
LINKED = {"horizon-stock-targets"}
FEASIBLE = [p for p in SCENARIOS if p.stem not in INFEASIBLE and p.stem not in LINKED]
runner = CliRunner()


def cli(*args: str) -> str:
    r = runner.invoke(app, list(args), catch_exceptions=False)
    assert r.exit_code in (0, 3), r.output
    return r.stdout


def cli_json(*args: str) -> dict:
    out = cli(*args, "--json")
    return json.loads(out[out.index("{"):])


def _mps_objective(path: Path) -> float:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(path))
    h.run()
    return float(h.getObjectiveValue())


@pytest.mark.parametrize("scenario", FEASIBLE, ids=lambda p: p.stem)
def test_every_command_reports_solves_objective(scenario: Path, tmp_path: Path):
    """solve, sensitivity, tornado, sweep, export, compare and batch of one scenario (its
    objective weights and solver settings included) all give solve's objective."""
    s = str(scenario)
    want = cli_json("solve", s)["objective"]
    got = {"sensitivity": cli_json("sensitivity", s)["objective"],
           "tornado": cli_json("tornado", s)["objective"]}
    cap = load(s).instance.districts["airport"].cap.max
    sweep = cli_json("sweep", s, "--param", "districts.airport.cap", "--from", str(cap),
                     "--to", str(cap + 10), "--steps", "2")
    got["sweep"] = sweep["points"][0]["objective"]
    cli("export", s, "--out", str(tmp_path / "m.mps"))
    got["export"] = _mps_objective(tmp_path / "m.mps")
    cli("compare", s, s, "--out", str(tmp_path / "cmp.csv"))
    cmp = pd.read_csv(tmp_path / "cmp.csv")
    got["compare"] = float(cmp.loc[cmp["kind"] == "objective"].iloc[0, 3])
    cli("batch", s, "--out", str(tmp_path / "b"), "-j", "1", "--quiet")
    got["batch"] = float(pd.read_parquet(tmp_path / "b" / "summary.parquet")["objective"][0])
    for command, value in got.items():
        assert value == pytest.approx(want, rel=1e-9), command


@pytest.mark.parametrize("stem", sorted(INFEASIBLE))
def test_infeasible_scenarios_are_infeasible_in_every_command(stem: str, tmp_path: Path):
    s = str(ROOT / "instances/zhengzhou/scenarios" / f"{stem}.yaml")
    assert cli_json("solve", s)["status"] == "infeasible"
    assert cli_json("sensitivity", s)["status"] == "infeasible"
    assert cli_json("diagnose", s)["status"] == "infeasible"
    cli("batch", s, "--out", str(tmp_path / "b"), "-j", "1", "--quiet")
    assert pd.read_parquet(tmp_path / "b" / "summary.parquet")["status"][0] == "infeasible"


def test_weighted_scenario_is_weighted_everywhere():
    """The electronics-weighted scenario's weights reach sensitivity (it used to drop them)."""
    s = str(ROOT / "instances/zhengzhou/scenarios/electronics-weighted.yaml")
    weighted = landalloc.solve(s)
    rep = landalloc.sensitivity(s)
    assert rep.objective == pytest.approx(weighted.objective)
    assert "weighted" in weighted.lp.objective_unit
    # projected output (unweighted) is reported beside the weighted objective
    assert float(weighted.lp.output_per_ha() @ weighted.raw.x) < weighted.objective


def test_json_says_how_sure_each_price_is(tmp_path: Path):
    """Zhengzhou 2021-2025 is degenerate: total_increment's price is not unique, so no output
    shows the solver's 0.6035 as its price; the measured values stand in its place."""
    doc = cli_json("solve", "--out", str(tmp_path / "o"))
    assert doc["duals_unique"] is False and doc["allocation_unique"] is False
    rules = {r["name"]: r for r in doc["rules"]}
    total = rules["total_increment"]
    assert total["price_unique"] is False and total["dual"] is None
    for r in doc["rules"]:
        assert {"price_unique", "value_one_more_ha", "value_one_less_ha"} <= set(r)
        if not r["price_unique"]:
            assert r["dual"] is None
    screen = cli("solve")
    csv = (tmp_path / "o" / "rules.csv").read_text()
    from landalloc.present.report import write_report

    files = write_report(landalloc.solve(), tmp_path / "rep")
    page = next(p for p in files if p.suffix == ".html").read_text()
    for text in (screen, csv, page):
        assert "0.6035" not in text and "0.603" not in text


@pytest.mark.parametrize("period", ["2021-2025", "2026-2035"])
def test_report_ranging_equals_sensitivity_ranging(period: str):
    """The report reads the analysis: its ranges equal `sensitivity`'s, basic rows too."""
    result = landalloc.solve(period=period)
    rep = landalloc.sensitivity(period=period).rules.set_index("name")
    table = rules_table(result).set_index("name")
    binding = table.index[table["binding"].astype(bool)]
    assert len(binding)
    for name in binding:
        for col in ("range_lower", "range_upper"):
            a, b = table.at[name, col], rep.at[name, col]
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b), (name, col)
    if period == "2021-2025":  # a basic row at its bound: food's quota ≤ 400 holds up
        assert rep.at["sector_quota[food]", "range_upper"] == math.inf


def test_equality_rows_are_probed_on_both_bounds():
    """2026-2035 electronics quota is exact at 3,000 ha: one more ha moves both bounds."""
    rep = landalloc.sensitivity(period="2026-2035").rules.set_index("name")
    e = rep.loc["sector_quota[electronics]"]
    up = landalloc.solve(period="2026-2035", sets=["sectors.electronics.quota=3001"])
    base = landalloc.solve(period="2026-2035")
    if up.status == "optimal":
        assert e["value_one_more_ha"] == pytest.approx(up.objective - base.objective, rel=1e-4)
    else:
        assert math.isnan(e["value_one_more_ha"])


@pytest.mark.parametrize("period", ["2021-2025", "2026-2035"])
def test_backends_give_the_same_allocation(period: str):
    """The tie-break stage makes the allocation the same cell by cell on every backend."""
    mats = [landalloc.solve(period=period, backend=b).matrix() for b in ("highs", "pulp",
                                                                          "pyomo")]
    for m in mats[1:]:
        assert np.allclose(m.to_numpy(), mats[0].to_numpy(), atol=1e-6)


def test_batch_allocations_equal_solve_for_sampled_scenarios(tmp_path: Path):
    """120 draws (caps and output per ha varied), batched with 1 and 2 jobs and different
    chunk sizes: every allocation equals `landalloc.solve` of the same overrides."""
    table = tmp_path / "mc.parquet"
    cli("scenarios", "sample", "-P", "districts.airport.cap=uniform(1100,1400)",
        "-P", "districts.hitech.cap=uniform(400,600)",
        "-P", "output.other.xinmi=uniform(0.1,0.5)",
        "-P", "output.electronics.xingyang=uniform(0.2,0.6)",
        "-n", "120", "--seed", "7", "--out", str(table))
    runs = {}
    for jobs, chunk in (("1", "7"), ("2", "25"), ("2", "120")):
        out = tmp_path / f"b{jobs}-{chunk}"
        cli("batch", str(table), "--out", str(out), "-j", jobs, "--chunk-size", chunk,
            "--quiet")
        a = pd.read_parquet(out / "allocation.parquet")
        runs[(jobs, chunk)] = a.pivot_table(index="id", columns=["sector", "district"],
                                            values="ha", fill_value=0.0).sort_index()
    first = next(iter(runs.values()))
    for key, m in runs.items():
        m = m.reindex(columns=first.columns, fill_value=0.0)
        assert np.allclose(m.to_numpy(), first.to_numpy(), atol=1e-6), key
    params = pd.read_parquet(table)
    paths = [c for c in params.columns if "." in c]
    summary = pd.read_parquet(tmp_path / "b1-7" / "summary.parquet").set_index("id")
    assert (summary["status"] == "optimal").sum() >= 100
    checked = 0
    for sid, row in summary.iterrows():
        if row["status"] != "optimal":
            continue
        sets = [f"{p}={params.iloc[int(sid)][p]}" for p in paths]
        m = landalloc.solve(sets=sets).matrix().stack()
        got = first.loc[sid].reindex(m.index, fill_value=0.0)
        assert np.allclose(got.to_numpy(), m.to_numpy(), atol=1e-6), sets
        checked += 1
    assert checked >= 100


def test_compare_separates_scenario_moves_from_ties():
    """Each moved cell is labelled: a tie when the variant's optimal face can hold it at the
    base's value (checked by an independent LP: scipy's linprog over that face), else moved
    by the scenario."""
    from landalloc.solver.stages import face_lp
    from scipy.optimize import linprog

    from landalloc.cli.compare import comparison, moved_cells

    base = landalloc.solve()
    variant = landalloc.solve(str(ROOT / "instances/zhengzhou/scenarios/airport-expansion.yaml"))
    table = comparison([base, variant])
    moved = moved_cells(table)
    why = [c for c in table.columns if c.startswith("why: ")]
    assert len(moved) and set(moved[why[0]]) <= {"tie", "scenario"}
    region = face_lp(variant.lp, variant.raw, variant.tolerance,
                     costs=np.zeros(variant.lp.num_col))
    eq = region.row_lower == region.row_upper
    A = region.A.toarray()
    a_ub = np.vstack([A[~eq & np.isfinite(region.row_upper)],
                      -A[~eq & np.isfinite(region.row_lower)]])
    b_ub = np.concatenate([region.row_upper[~eq & np.isfinite(region.row_upper)],
                           -region.row_lower[~eq & np.isfinite(region.row_lower)]])
    bounds = list(zip(region.col_lower, region.col_upper, strict=True))
    for _, row in moved.iterrows():
        s, d = row["item"].split(",")
        j = variant.lp.col_index(s, d)
        c = np.zeros(region.num_col)
        ends = []
        for sign in (1.0, -1.0):
            c[j] = sign
            r = linprog(c, A_ub=a_ub if len(b_ub) else None, b_ub=b_ub if len(b_ub) else None,
                        A_eq=A[eq], b_eq=region.row_lower[eq], bounds=bounds, method="highs")
            ends.append(r.x[j])
        lo, hi = ends
        keeps = lo - 1e-6 <= float(base.matrix().loc[s, d]) <= hi + 1e-6
        assert row[why[0]] == ("tie" if keeps else "scenario"), (s, d, lo, hi)
