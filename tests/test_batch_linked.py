"""Batches with linked-period scenarios, parameter columns and infeasible groups.

A linked scenario in a batch is the joint LP `landalloc solve --period all` solves: the
same objective and the same allocation, cell by cell; the summary says which periods and
which parameter values each scenario used; infeasible rows name their conflict group.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landalloc.api import solve, solve_horizon
from landalloc.batch import run_batch
from landalloc.batch.worker import VOLATILE

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "instances" / "zhengzhou" / "scenarios"
STOCK = SCENARIOS / "horizon-stock-targets.yaml"
INSTANCE = (ROOT / "instances" / "zhengzhou" / "instance.yaml").as_posix()
CLI = [sys.executable, "-c", "from landalloc.cli.app import main; main()"]
BOTH = "2021-2025,2026-2035"


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {n: pd.read_parquet(out / f"{n}.parquet") for n in ("summary", "allocation", "rules")}


def cells(doc: dict) -> dict[tuple[str, str], float]:
    """A period's allocation from a `solve --json` document, as {(sector, district): ha}."""
    return {(c["sector"], c["district"]): c["hectares"] for c in doc["allocation"]
            if c["hectares"] > 1e-6}


def batch_cells(alloc: pd.DataFrame, sid: int, period: str) -> dict[tuple[str, str], float]:
    a = alloc[(alloc["id"] == sid) & (alloc["period"] == period)]
    return {(s, d): h for s, d, h in zip(a["sector"], a["district"], a["ha"], strict=True)}


def assert_same_as_horizon(t: dict[str, pd.DataFrame], sid: int, doc: dict) -> None:
    """One batch row against the `--period all` document of the same scenario."""
    s = t["summary"].set_index("id").loc[sid]
    assert s["status"] == doc["status"] == "optimal"
    assert s["period"] == BOTH
    assert s["objective"] == pytest.approx(doc["objective"], rel=1e-12)
    assert s["max_violation"] < 1e-6
    for p in BOTH.split(","):
        mine, theirs = batch_cells(t["allocation"], sid, p), cells(doc["periods"][p])
        assert mine.keys() == theirs.keys(), p
        assert all(mine[k] == pytest.approx(theirs[k], abs=1e-9) for k in mine), p
    # the rules across periods: period "", the same activities; a price only where unique
    r = t["rules"]
    across = r[(r["id"] == sid) & (r["period"] == "")].set_index("rule")
    assert sorted(across.index) == sorted(x["name"] for x in doc["rules"])
    for x in doc["rules"]:
        row = across.loc[x["name"]]
        assert row["activity"] == pytest.approx(x["activity"], abs=1e-9)
        assert bool(row["price_unique"]) == x["price_unique"]
        if x["price_unique"]:
            assert row["dual"] == pytest.approx(x["dual"], abs=1e-9)
        else:
            assert math.isnan(row["dual"])
    # every rule of each period is there too, under its period
    for p in BOTH.split(","):
        assert (r[(r["id"] == sid) & (r["period"] == p)]["rule"]
                .str.contains(":").sum()) == 0  # single-period names, not "<period>:<name>"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """Two linked scenario files, two single-period ones and an infeasible one."""
    d = tmp_path_factory.mktemp("mixed")
    (d / "stock-no-carry.yaml").write_text(
        f"extends: {STOCK.as_posix()}\nname: stock-no-carry\nset: {{carry_over.max: 0}}\n")
    for name in ("horizon-stock-targets", "airport-expansion", "central-no-new-land"):
        shutil.copy(SCENARIOS / f"{name}.yaml", d / f"{name}.yaml")
        text = (d / f"{name}.yaml").read_text(encoding="utf-8")
        (d / f"{name}.yaml").write_text(text.replace("../instance.yaml", INSTANCE),
                                        encoding="utf-8")
    out = tmp_path_factory.mktemp("mixed-out") / "b"
    run_batch([str(d)], out, chunk_size=2)
    return out


def test_linked_scenario_files_are_the_joint_lp_of_solve_period_all(mixed):
    t = tables(mixed)
    s = t["summary"].set_index("scenario")
    assert s.loc["horizon-stock-targets", "path"] == "linked"
    done = subprocess.run([*CLI, "solve", str(STOCK), "--json"], capture_output=True,
                          text=True, check=True)
    assert_same_as_horizon(t, int(s.loc["horizon-stock-targets", "id"]),
                           json.loads(done.stdout))
    alone = solve_horizon(STOCK, sets=["carry_over.max=0"]).to_dict()
    assert_same_as_horizon(t, int(s.loc["stock-no-carry", "id"]), alone)


def test_mixed_batch_single_periods_fill_their_period(mixed):
    t = tables(mixed)
    s = t["summary"].set_index("scenario")
    assert s.loc["airport-expansion", "period"] == "2021-2025"
    assert s.loc["airport-expansion", "objective"] == pytest.approx(
        solve(SCENARIOS / "airport-expansion.yaml").objective, rel=1e-12)
    a = t["allocation"]
    one = a[a["id"] == s.loc["airport-expansion", "id"]]
    assert set(one["period"]) == {"2021-2025"}
    assert one["ha"].sum() == pytest.approx(6000)  # Table 3-2: 6,000 ha in 2021-2025
    # linked: each period's land plus the carry-over, 6,000 + 8,000 ha over both
    for name in ("horizon-stock-targets", "stock-no-carry"):
        sid = s.loc[name, "id"]
        mine = a[a["id"] == sid].groupby("period")["ha"].sum()
        carry = t["rules"].set_index(["id", "rule"]).loc[
            (sid, "carry_over[2021-2025->2026-2035]"), "activity"]
        assert mine["2021-2025"] == pytest.approx(6000 - carry, abs=1e-6)
        assert mine.sum() == pytest.approx(14000, abs=1e-6)
    assert s.loc["central-no-new-land", "status"] == "infeasible"


def test_summary_has_the_parameters_of_scenario_files(mixed):
    s = pd.read_parquet(mixed / "summary.parquet").set_index("scenario")
    # airport-expansion.yaml sets these three (read by hand from the file)
    assert s.loc["airport-expansion", "districts.airport.cap"] == 1500
    assert json.loads(s.loc["airport-expansion", "sectors.electronics.quota"]) == {
        "min": 1890, "max": 2310}  # a bound: JSON text
    assert json.loads(s.loc["airport-expansion", "sectors.other.quota"]) == {
        "min": 790, "max": 1210}
    assert s["districts.airport.cap"].dtype == np.float64
    assert math.isnan(s.loc["horizon-stock-targets", "districts.airport.cap"])
    # a child's set: wins over its parent's
    assert s.loc["horizon-stock-targets", "carry_over.max"] == 500
    assert s.loc["stock-no-carry", "carry_over.max"] == 0
    assert s.loc["stock-no-carry", "horizon.existing_stock"] == 26000
    csv = pd.read_csv(mixed / "summary.csv").set_index("scenario")
    assert csv.loc["airport-expansion", "districts.airport.cap"] == 1500
    assert "parameters" not in s.columns


def test_resume_finishes_linked_and_single_scenarios_alike(mixed, tmp_path):
    out = tmp_path / "b"
    shutil.copytree(mixed, out)
    before = tables(out)
    linked_id = int(before["summary"].set_index("scenario").loc["stock-no-carry", "id"])
    chunk = next(p for p in (out / "chunks").iterdir()
                 if int(p.name.split("-")[0]) <= linked_id <= int(p.name.split("-")[1]))
    lost = len(pd.read_parquet(chunk / "summary.parquet"))
    shutil.rmtree(chunk)
    report = run_batch([], out, resume=True)
    assert report.solved_now == lost == 2  # chunks of two: exactly the lost ones again
    after = tables(out)
    for name in before:
        drop = [c for c in VOLATILE if c in before[name]]
        pd.testing.assert_frame_equal(before[name].drop(columns=drop),
                                      after[name].drop(columns=drop))


def test_override_table_with_period_all(tmp_path):
    table = tmp_path / "t.csv"
    pd.DataFrame({"scenario": ["no-carry", "carry-300", "airport-2600", "airport-2400"],
                  "carry_over.max": [0, 300, 300, 300],
                  "horizon.districts.airport.cap": [None, None, 2600, 2400]}
                 ).to_csv(table, index=False)
    out = tmp_path / "out"
    done = subprocess.run([*CLI, "batch", str(table), "--base", "zhengzhou", "--period",
                           "all", "--out", str(out), "-q"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    t = tables(out)
    s = t["summary"].set_index("scenario")
    assert set(s["period"]) == {BOTH}
    # the parameter columns are the table's, with its values (blank: not set)
    assert s["carry_over.max"].tolist() == [0, 300, 300, 300]
    assert math.isnan(s.loc["no-carry", "horizon.districts.airport.cap"])
    assert s.loc["airport-2600", "horizon.districts.airport.cap"] == 2600
    for name in ("no-carry", "carry-300", "airport-2600"):
        sets = [f"carry_over.max={s.loc[name, 'carry_over.max']}"]
        cap = s.loc[name, "horizon.districts.airport.cap"]
        if cap == cap:
            sets.append(f"horizon.districts.airport.cap={cap}")
        doc = solve_horizon("zhengzhou", "all", sets).to_dict()
        assert_same_as_horizon(t, int(s.loc[name, "id"]), doc)
    # the 2,400 ha cap over both periods is below what 2021-2025 and 2026-2035 need
    assert solve_horizon("zhengzhou", "all", ["carry_over.max=300",
                         "horizon.districts.airport.cap=2400"]).status == "infeasible"
    assert s.loc["airport-2400", "status"] == "infeasible"
    assert "conflict group 1 of 1" in s.loc["airport-2400", "message"]


def test_infeasible_rows_name_their_conflict_group(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    # aluminium needs 900 ha but the plan's districts allowed to take it hold less
    for k, ha in enumerate((900, 950)):
        (d / f"alu-{k}.yaml").write_text(
            f"extends: {INSTANCE}\nset: {{sectors.aluminum.quota: {ha}}}\n")
    shutil.copy(SCENARIOS / "central-no-new-land.yaml", d / "central.yaml")
    text = (d / "central.yaml").read_text(encoding="utf-8")
    (d / "central.yaml").write_text(text.replace("../instance.yaml", INSTANCE), "utf-8")
    (d / "fine.yaml").write_text(f"extends: {INSTANCE}\n")
    out = tmp_path / "out"
    run_batch([str(d)], out)
    s = pd.read_parquet(out / "summary.parquet").set_index("scenario")
    groups = json.loads((out / "infeasible_groups.json").read_text("utf-8"))
    assert [g["count"] for g in groups] == [2, 1]
    assert sorted(groups[0]["scenarios"]) == ["alu-0", "alu-1"]
    assert "sector_quota[aluminum]" in groups[0]["rules"]
    assert "sector_quota[aluminum]" not in groups[1]["rules"]
    assert groups[1]["example"] == "central-no-new-land"
    for name in ("alu-0", "alu-1"):
        assert s.loc[name, "message"].startswith("infeasible: conflict group 1 of 2 (")
        assert groups[0]["labels"][0] in s.loc[name, "message"]  # the plan's words
    assert "conflict group 2 of 2" in s.loc["central-no-new-land", "message"]
    assert s.loc["fine", "message"] == ""


def test_report_headline_names_the_best_and_its_change_against_the_plan(tmp_path):
    import re

    table = tmp_path / "caps.csv"
    caps = [1000, 1100, 1300, 1500]  # 1,000 ha: the leading zone's 2,300 ha cannot fit
    pd.DataFrame({"scenario": [f"cap-{c}" for c in caps],
                  "districts.airport.cap": caps}).to_csv(table, index=False)
    out, rep = tmp_path / "out", tmp_path / "rep"
    run_batch([str(table)], out, base="zhengzhou")
    from landalloc.batch.report import write_batch_report

    write_batch_report(out, rep, "zhengzhou", None, "en")
    s = pd.read_parquet(out / "summary.parquet").set_index("scenario")
    assert s.loc["cap-1000", "status"] == "infeasible"
    objs = {c: solve("zhengzhou", sets=[f"districts.airport.cap={c}"]) for c in caps}
    best = max((c for c in caps if objs[c].optimal), key=lambda c: objs[c].objective)
    change = objs[best].objective - solve("zhengzhou").objective
    text = re.sub(r"<[^>]+>", " ", (rep / "report.html").read_text("utf-8"))
    text = re.sub(r"\s+", " ", text)
    assert f"best scenario cap-{best} [2021-2025]" in text
    assert f"districts.airport.cap = {best:,}" in text
    assert f"change against the base (亿元) {change:+,.1f} (zhengzhou, 2021-2025)" in text
    figures = {p.name for p in (rep / "figures").iterdir()}
    assert {"batch_change.png", "batch_parameters.png"} <= figures
    assert "batch_objective.png" not in figures  # no absolute distribution any more
    sheet = pd.read_excel(rep / "report.xlsx", sheet_name=None)
    batch = next(df for name, df in sheet.items() if "Batch" in name)
    row = batch.set_index("scenario").loc[f"cap-{best}"]
    assert row["change"] == pytest.approx(change, abs=1e-6)
    assert math.isnan(batch.set_index("scenario").loc["cap-1000", "change"])


def test_a_batch_of_linked_scenarios_reports_its_best(tmp_path):
    """Only linked scenarios: the report is of the best of them as the joint LP, with its
    parameters and its change against the base's linked solve in the headline."""
    import re

    from pypdf import PdfReader

    table = tmp_path / "horizon.csv"
    caps = [2500, 2700, 2900]  # airport over both periods (alone it takes 1,100 + 1,480)
    pd.DataFrame({"scenario": [f"cap-{c}" for c in caps],
                  "horizon.districts.airport.cap": caps}).to_csv(table, index=False)
    out, rep = tmp_path / "out", tmp_path / "rep"
    run_batch([str(table)], out, base="zhengzhou", period="all")
    from landalloc.batch.report import write_batch_report

    write_batch_report(out, rep, "zhengzhou", "all", "en")
    objs = {c: solve_horizon("zhengzhou", "all", [f"horizon.districts.airport.cap={c}"])
            for c in caps}
    best = max((c for c in caps if objs[c].optimal), key=lambda c: objs[c].objective)
    change = objs[best].objective - solve_horizon("zhengzhou", "all").objective
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                      (rep / "report.html").read_text("utf-8")))
    assert f"best scenario cap-{best} [{BOTH}]" in text
    assert f"horizon.districts.airport.cap = {best:,}" in text
    assert f"{change:+,.1f} (zhengzhou, {BOTH})" in text
    first = PdfReader(rep / "report.pdf").pages[0].extract_text().replace("\n", " ")
    assert f"cap-{best}" in first
    assert {"batch_change.png", "batch_parameters.png"} <= {
        p.name for p in (rep / "figures").iterdir()}
    sheets = pd.read_excel(rep / "report.xlsx", sheet_name=None)
    batch = next(df for name, df in sheets.items() if "Batch" in name)
    assert batch.set_index("scenario").loc[f"cap-{best}", "change"] == pytest.approx(change)


def test_a_best_that_ties_says_so(tmp_path):
    """Airport caps of 1,600 and 1,650 ha give the same output (past about 1,570 ha the
    leading zone's 2,300 ha binds first, Table 3-1): the best is one of two, on screen and
    in the report."""
    import re

    table = tmp_path / "caps.csv"
    pd.DataFrame({"scenario": ["a", "b", "c"],
                  "districts.airport.cap": [1200, 1600, 1650]}).to_csv(table, index=False)
    a, b = (solve("zhengzhou", sets=[f"districts.airport.cap={c}"]) for c in (1600, 1650))
    assert a.objective == pytest.approx(b.objective, rel=1e-9)  # the premise, independently
    out, rep = tmp_path / "out", tmp_path / "rep"
    done = subprocess.run([*CLI, "batch", str(table), "--base", "zhengzhou", "--out", str(out),
                           "--report", str(rep), "-q", "--lang", "en"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "best (2 scenarios tie, e.g.): b" in re.sub(r"\s+", " ", done.stdout)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (rep / "report.html").read_text("utf-8")))
    assert "best scenario b [2021-2025] (2 scenarios tie)" in text


def test_a_best_among_ties_is_the_first_given_not_the_largest_float():
    """Warm re-solves leave objectives that tie in their last bits (4.5e-13 here): the best
    is the first of the tying rows in the table's order, whatever the noise, and the
    ranking below it is by output."""
    from landalloc.present.answer import ranked, ties_at_best

    top = 3112.3
    frame = pd.DataFrame({"scenario": ["a", "b", "c", "d"],
                          "objective": [3000.0, top, top + 4.5e-13, top - 1e-13]})
    assert ties_at_best(frame["objective"]) == 3
    assert list(ranked(frame)["scenario"]) == ["b", "c", "d", "a"]
    noisy = frame.assign(objective=[3000.0, top + 4.5e-13, top, top])
    assert ranked(noisy)["scenario"].iloc[0] == "b"
