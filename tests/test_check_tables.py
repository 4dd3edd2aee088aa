"""`landalloc check` reads back every allocation table landalloc writes — the report's
workbook (districts down, sectors across; one sheet per period for linked periods) and
`solve --out`'s allocation.csv — and gives the solve's own objective; a table above the
optimum is said to be above it because it breaks rules."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from landalloc.cli.app import app

runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, list(args), env={"COLUMNS": "100"})
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r.exit_code, r.output


def doc(*args: str) -> dict:
    code, out = cli(*args, "--json")
    assert code == 0, out
    return json.loads(out)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """One period's report (both languages) and solve --out; linked periods' report
    (English) and solve --out."""
    root = tmp_path_factory.mktemp("written")
    out = {"report": root / "rep", "solve": root / "sol", "report_all": root / "rep_all",
           "solve_all": root / "sol_all"}
    for args in (["report", "--out", str(out["report"])],
                 ["solve", "--out", str(out["solve"])],
                 ["report", "--period", "all", "--lang", "en", "--out", str(out["report_all"])],
                 ["solve", "--period", "all", "--out", str(out["solve_all"])]):
        code, text = cli(*args)
        assert code == 0, text
    return out


@pytest.fixture(scope="module")
def solved() -> dict:
    return doc("solve")


@pytest.fixture(scope="module")
def solved_all() -> dict:
    return doc("solve", "--period", "all")


def test_check_of_the_report_workbook_gives_the_solves_objective(written, solved):
    got = doc("check", str(written["report"] / "report.xlsx"))
    assert got["feasible"] and not got["violations"] and not got["cells_not_allowed"]
    assert got["objective"] == pytest.approx(solved["objective"], rel=1e-9)
    assert got["above_optimum"] is False


def test_check_of_solve_out_gives_the_solves_objective(written, solved):
    got = doc("check", str(written["solve"] / "allocation.csv"))
    assert got["feasible"]
    assert got["objective"] == pytest.approx(solved["objective"], rel=1e-9)


@pytest.mark.parametrize("table", ["report_all/report.xlsx", "solve_all/allocation.csv"])
def test_check_of_linked_periods_tables_gives_the_joint_objective(written, solved_all, table):
    """Zhengzhou's 2026-2035 has a sector (六大未来产业) that 2021-2025 has not: both
    tables name it, and the linked check reads it."""
    folder, file = table.split("/")
    got = doc("check", str(written[folder] / file), "--period", "all")
    assert got["feasible"]
    assert got["objective"] == pytest.approx(solved_all["objective"], rel=1e-9)


def test_one_period_of_the_linked_workbook_is_its_own_sheet(written, solved_all):
    """--period 2026-2035 reads the workbook's 2026-2035 sheet, not the first one: its
    output is that period's output in the joint solve."""
    got = doc("check", str(written["report_all"] / "report.xlsx"), "--period", "2026-2035")
    assert got["objective"] == pytest.approx(
        solved_all["periods"]["2026-2035"]["objective"], rel=1e-9)


def _over_cap(written: dict[str, Path], tmp_path: Path) -> Path:
    """solve --out's table with 100 ha more electronics in 航空港区: above its cap, the
    sector's quota, the zone's total and the period's total, and above the optimum."""
    df = pd.read_csv(written["solve"] / "allocation.csv")
    at = (df.sector == "electronics") & (df.district == "airport")
    assert at.sum() == 1
    df.loc[at, "hectares"] += 100
    f = tmp_path / "over.csv"
    df.to_csv(f, index=False)
    return f


def test_a_table_above_the_optimum_says_it_breaks_rules(written, solved, tmp_path):
    f = _over_cap(written, tmp_path)
    got = doc("check", str(f))
    assert not got["feasible"] and got["above_optimum"] is True
    assert got["objective"] > solved["objective"] and got["gap"] < 0
    assert "district_cap[airport]" in {v["rule"] for v in got["violations"]}
    above = f"{got['objective'] - got['optimum']:,.2f}"
    code, en = cli("check", str(f), "--lang", "en")
    assert code == 0
    flat = " ".join(en.split())
    assert f"{above} 亿元" in flat
    assert "above the optimum" in flat and "only because it breaks the plan's rules" in flat
    assert "gap -" not in flat and "gap −" not in flat
    code, zh = cli("check", str(f), "--lang", "zh")
    flat = "".join(zh.split())
    assert "高出只是因为它违反了规划的规则" in flat and f"高{above}亿元" in flat


def test_a_table_below_the_optimum_reads_as_a_gap(written, tmp_path):
    df = pd.read_csv(written["solve"] / "allocation.csv")
    df = df[~((df.sector == "electronics") & (df.district == "airport"))]
    f = tmp_path / "less.csv"
    df.to_csv(f, index=False)
    got = doc("check", str(f))
    assert got["above_optimum"] is False and got["gap"] > 0
    code, en = cli("check", str(f), "--lang", "en")
    assert code == 0 and "above the optimum" not in en and "gap" in en
