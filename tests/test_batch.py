"""Batch solving: agreement with `landalloc solve`, broken inputs, kill -9 and resume,
Dask and the local pool giving the same tables, and `landalloc compare`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from landalloc.api import solve, solve_horizon
from landalloc.batch import run_batch
from landalloc.batch.worker import VOLATILE
from landalloc.errors import InputError
from landalloc.plan.generate import grid, sample, write_set

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "instances" / "zhengzhou" / "scenarios"
INSTANCE = (ROOT / "instances" / "zhengzhou" / "instance.yaml").as_posix()
CLI = [sys.executable, "-c", "from landalloc.cli.app import main; main()"]

#: Monte Carlo parameters around the plan: caps, quotas, a share (a coefficient), an
#: output per ha (a cost), and a cap that goes negative now and then (invalid rows).
PARAMS = [
    "districts.airport.cap=uniform(1000,1600)",
    "districts.etdz.cap=triangular(600,800,1000)",
    "sectors.electronics.quota.min=uniform(1800,2200)",
    "sectors.electronics.quota.max=uniform(2200,2600)",
    "sectors.other.quota.min=uniform(600,1000)",
    "sector_groups.leading_six.share.min=uniform(0.75,0.86)",
    "output.food.xinzheng=uniform(0.1,0.9)",
    "districts.hitech.cap=normal(380,60)",
    "districts.shangjie.cap=normal(260,120)",
]


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {n: pd.read_parquet(out / f"{n}.parquet") for n in ("summary", "allocation", "rules")}


@pytest.fixture(scope="module")
def mc_table(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mc") / "mc.parquet"
    paths, values = sample(PARAMS, 1200, seed=11, decimals=2)
    write_set(path, "zhengzhou", None, "mc", paths, values, "")
    return path


@pytest.fixture(scope="module")
def mc_run(mc_table, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mc-out")
    run_batch([str(mc_table)], out, chunk_size=200)
    return out


def test_batch_agrees_with_solving_each_alone(mc_table, mc_run):
    summary = tables(mc_run)["summary"]
    assert len(summary) == 1200 and summary["id"].tolist() == list(range(1200))
    counts = summary["status"].value_counts()
    assert counts.get("optimal", 0) > 300 and counts.get("infeasible", 0) > 50
    assert counts.get("invalid", 0) > 0  # negative shangjie caps
    assert set(summary["path"]) == {"fast", "load"}  # both ways were taken
    rows = pd.read_parquet(mc_table)
    rng = np.random.default_rng(0)
    picks = sorted(set(rng.choice(1200, 40, replace=False).tolist())
                   | set(summary.index[summary["status"] == "invalid"][:3]))
    for i in picks:
        sets = [f"{c}={float(rows.loc[i, c])!r}" for c in rows.columns
                if c not in ("scenario", "extends")]
        row = summary.loc[i]
        try:
            alone = solve("zhengzhou", sets=sets)
        except InputError as e:
            assert row["status"] == "invalid", (i, str(e))
            assert str(e.problems[0].message) in row["message"]
            continue
        assert row["status"] == alone.status, i
        if alone.optimal:
            assert row["objective"] == pytest.approx(alone.objective, rel=1e-9, abs=1e-7)
            assert row["max_violation"] < 1e-6


def test_batch_objective_matches_the_solve_command(mc_table, mc_run):
    """The same check through the real `landalloc solve --json`, on a few rows."""
    summary = tables(mc_run)["summary"]
    rows = pd.read_parquet(mc_table)
    optimal = summary.index[summary["status"] == "optimal"][:2]
    for i in optimal:
        sets = [a for c in rows.columns if c not in ("scenario", "extends")
                for a in ("--set", f"{c}={float(rows.loc[i, c])!r}")]
        done = subprocess.run([*CLI, "solve", "zhengzhou", "--json", *sets],
                              capture_output=True, text=True, check=True)
        assert json.loads(done.stdout)["objective"] == pytest.approx(
            summary.loc[i, "objective"], rel=1e-9)


def test_allocation_and_rules_are_consistent_with_summary(mc_run):
    t = tables(mc_run)
    s, a, r = t["summary"], t["allocation"], t["rules"]
    ok = set(s.loc[s["status"] == "optimal", "id"])
    assert set(a["id"]) == ok and set(r["id"]) == ok
    # every optimal scenario places exactly the total increment (6,000 ha)
    assert np.allclose(a.groupby("id")["ha"].sum(), 6000)
    # the airport row's activity equals the airport column of the allocation
    airport = a[a["district"] == "airport"].groupby("id")["ha"].sum()
    cap = r[r["rule"] == "district_cap[airport]"].set_index("id")["activity"]
    assert np.allclose(airport.reindex(cap.index, fill_value=0), cap, atol=1e-6)


def test_files_batch_matches_landalloc_solve(tmp_path):
    paths, rows = grid(["districts.airport.cap=1000:1400:200",
                        "sectors.electronics.quota.max=2100,2400"])
    write_set(tmp_path / "grid", str(SCENARIOS / "table-3-3-exact.yaml"), None, "g",
              paths, rows, "")
    out = tmp_path / "out"
    report = run_batch([str(tmp_path / "grid"), str(SCENARIOS)], out, chunk_size=4)
    s = tables(out)["summary"]
    assert report.total == len(s) == 6 + len(list(SCENARIOS.glob("*.yaml")))
    for row in s.itertuples():
        if "period: all" in Path(row.file).read_text(encoding="utf-8"):
            # linked periods: the joint LP of `solve --period all` (tests/test_batch_linked)
            assert row.status == "optimal" and row.period == "2021-2025,2026-2035"
            assert row.objective == pytest.approx(solve_horizon(row.file).objective,
                                                  rel=1e-9)
            continue
        alone = solve(row.file)
        assert row.status == alone.status and row.scenario == alone.record["scenario"]
        if alone.optimal:
            assert row.objective == pytest.approx(alone.objective, rel=1e-9)


def test_broken_inputs_are_rows_and_good_ones_solve(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good1.yaml").write_text(f"extends: {INSTANCE}\nset: {{districts.airport.cap: 1200}}\n")
    (d / "good2.yaml").write_text(
        "extends: good1.yaml\nset: {sectors.electronics.quota: {min: 2000, max: 2200}}\n")
    (d / "syntax.yaml").write_text(f"extends: {INSTANCE}\nset: {{a: [1, 2\n")
    (d / "unknown-key.yaml").write_text(f"extends: {INSTANCE}\ncolour: blue\n")
    (d / "unknown-district.yaml").write_text(
        f"extends: {INSTANCE}\nset: {{districts.atlantis.cap: 10}}\n")
    (d / "cycle-a.yaml").write_text("extends: cycle-b.yaml\n")
    (d / "cycle-b.yaml").write_text("extends: cycle-a.yaml\n")
    (d / "missing-parent.yaml").write_text("extends: not-there.yaml\n")
    (d / "infeasible.yaml").write_text(
        f"extends: {INSTANCE}\nset: {{sectors.aluminum.quota: 900}}\n")
    missing = str(tmp_path / "no-such-file.yaml")
    out = tmp_path / "out"
    done = subprocess.run([*CLI, "batch", str(d), missing, "--out", str(out), "-q"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    s = tables(out)["summary"].set_index("scenario")
    expect = {
        "good1": ("optimal", ""),
        "good2": ("optimal", ""),
        "syntax": ("invalid", "YAML syntax error"),
        "unknown-key": ("invalid", "colour: unknown key"),
        "unknown-district": ("invalid", "unknown district 'atlantis'"),
        "cycle-a": ("invalid", "extends forms a cycle"),
        "cycle-b": ("invalid", "extends forms a cycle"),
        "missing-parent": ("invalid", "extends a file that does not exist"),
        "infeasible": ("infeasible", "nfeasible"),
        "no-such-file": ("invalid", "file not found"),
    }
    assert set(s.index) == set(expect)
    for name, (status, text) in expect.items():
        assert s.loc[name, "status"] == status, (name, s.loc[name, "message"])
        assert text in s.loc[name, "message"], (name, s.loc[name, "message"])
    assert s.loc["good2", "objective"] >= s.loc["good1", "objective"] - 1e-9  # a relaxation
    assert (out / "summary.csv").exists() and (out / "results.xlsx").exists()
    assert "optimal 2" in done.stderr and "invalid 7" in done.stderr


def test_rerun_needs_resume_or_overwrite(mc_table, tmp_path):
    out = tmp_path / "o"
    run_batch([str(SCENARIOS)], out)
    with pytest.raises(InputError, match="--resume"):
        run_batch([str(SCENARIOS)], out)
    with pytest.raises(InputError, match="differ"):
        run_batch([str(mc_table)], out, resume=True)
    before = tables(out)
    report = run_batch([], out, resume=True)  # nothing missing: nothing solved
    assert report.solved_now == 0
    after = tables(out)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])


def test_kill_9_then_resume_gives_every_scenario_once(tmp_path):
    table = tmp_path / "t.parquet"
    paths, values = sample(PARAMS[:5], 3000, seed=3, decimals=1)
    write_set(table, "zhengzhou", None, "k", paths, values, "")
    out = tmp_path / "out"
    cmd = [*CLI, "batch", str(table), "--out", str(out), "--chunk-size", "10", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    chunks = out / "chunks"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if chunks.exists() and sum(1 for p in chunks.iterdir()
                                   if not p.name.startswith(".")) >= 5:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    survived = {p.name for p in chunks.iterdir() if not p.name.startswith(".")}
    assert 5 <= len(survived) < 300  # killed mid-run
    assert not (out / "summary.parquet").exists()

    done = subprocess.run([*CLI, "batch", "--out", str(out), "--resume", "-q"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    s = pq.read_table(out / "summary.parquet").to_pandas()
    assert s["id"].tolist() == list(range(3000))  # every scenario, exactly once, in order
    assert s["scenario"].tolist() == [f"k-{i:06d}" for i in range(1, 3001)]
    a = pq.read_table(out / "allocation.parquet").to_pandas()
    assert not a.duplicated(["id", "sector", "district"]).any()
    assert set(a["id"]) == set(s.loc[s["status"] == "optimal", "id"])
    # the chunks written before the kill were kept, not solved again
    assert survived <= {p.name for p in chunks.iterdir()}
    solved_again = int(done.stderr.split("solved ")[1].split(" now")[0].replace(",", ""))
    assert solved_again == 3000 - 10 * len(survived)


def test_dask_and_local_pool_give_identical_tables(mc_table, tmp_path):
    small = tmp_path / "small.parquet"
    pd.read_parquet(mc_table).head(300).to_parquet(small)
    inputs = [str(small), str(SCENARIOS)]
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    r1 = run_batch(inputs, pool, jobs=2, chunk_size=40)
    r2 = run_batch(inputs, dask, jobs=2, scheduler="local", chunk_size=40)
    assert r1.total == r2.total == 300 + len(list(SCENARIOS.glob("*.yaml")))
    t1, t2 = tables(pool), tables(dask)
    for name in t1:
        a = t1[name].drop(columns=[c for c in VOLATILE if c in t1[name]])
        b = t2[name].drop(columns=[c for c in VOLATILE if c in t2[name]])
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_compare_shows_what_moved(tmp_path):
    out = tmp_path / "cmp.csv"
    done = subprocess.run([*CLI, "compare", "zhengzhou",
                           str(SCENARIOS / "airport-expansion.yaml"), "--out", str(out)],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "Cells that moved" in done.stdout
    t = pd.read_csv(out)
    row = t[(t["kind"] == "district") & (t["item"] == "airport")].iloc[0]
    assert row["zhengzhou 2021-2025"] == pytest.approx(1100)
    assert row["airport-expansion"] == pytest.approx(1500)
    assert row["change: airport-expansion"] == pytest.approx(400)
    cells = t[t["kind"] == "cell"]
    # cells sum to the district totals in each scenario
    air = cells[cells["item"].str.endswith(",airport")]
    assert air["airport-expansion"].sum() == pytest.approx(1500)
    obj = t[t["kind"] == "objective"].iloc[0]
    assert obj["change: airport-expansion"] == pytest.approx(
        obj["airport-expansion"] - obj["zhengzhou 2021-2025"])


def test_resume_keeps_every_solver_setting(mc_table, tmp_path):
    """The manifest records every solver setting; --resume solves with all of them."""
    import json

    from landalloc.solver import SolverOptions

    from landalloc.batch import run as batch_run

    opts = SolverOptions(time_limit=30.0, primal_tolerance=1e-8, dual_tolerance=1e-8)
    run_batch([str(mc_table)], tmp_path, chunk_size=400, options=opts)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    saved = manifest["solver_options"]
    assert saved["time_limit"] == 30.0 and saved["primal_tolerance"] == 1e-8
    assert saved["dual_tolerance"] == 1e-8 and saved["threads"] == 1
    seen = []
    real = batch_run.SolverOptions

    def spy(**kw):
        seen.append(kw)
        return real(**kw)

    batch_run.SolverOptions = spy
    try:
        run_batch([], tmp_path, resume=True)
    finally:
        batch_run.SolverOptions = real
    assert any(kw.get("primal_tolerance") == 1e-8 and kw.get("dual_tolerance") == 1e-8
               for kw in seen)
