"""Every command on another city's plan (Lakeport, tests/data/lakeport): it runs, and no
output of it — screen, JSON, CSV, report PDF/HTML/workbook, charts' names — carries a table
number, a district or the output unit of the flagship instance. Reports render Lakeport's
own figures in its own unit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import DATA

LAKE = DATA / "lakeport"
SCENARIO = LAKE / "scenarios" / "more-core.yaml"
CLI = [sys.executable, "-c", "from landalloc.cli.app import main; main()"]
#: What only the flagship instance may print.
FOREIGN = ("郑州", "航空港", "经开区", "金水", "亿元", "表3-", "表 3-", "Table 3-", "zhengzhou",
           "airport", "electronics")

pytestmark = pytest.mark.slow


def run(*args: str, code: int = 0) -> str:
    done = subprocess.run([*CLI, *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == code, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done.stdout + done.stderr


def text_of(path: Path) -> str:
    """Everything a reader of the file sees, as text."""
    if path.suffix == ".pdf":
        import pypdf

        return "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages)
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(ws.title + "\n" + "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for row in ws.iter_rows(values_only=True)) for ws in book.worksheets)
    if path.suffix in (".parquet",):
        return pd.read_parquet(path).to_csv()
    if path.suffix in (".png", ".svg") or path.name.startswith(".landalloc"):
        return path.name
    return path.read_text("utf-8", errors="replace")


def foreign_in(text: str) -> list[str]:
    return [w for w in FOREIGN if w in text]


def test_every_command_runs_on_another_city_and_speaks_of_it_alone(tmp_path):
    outputs: dict[str, str] = {}
    lake, scen = str(LAKE), str(SCENARIO)
    outputs["solve"] = run("solve", lake)
    outputs["solve --json"] = run("solve", lake, "--json")
    doc = json.loads(outputs["solve --json"])
    assert doc["objective_unit"] == "万元/年"
    outputs["solve 2023"] = run("solve", lake, "--period", "2023", "--lang", "en")
    outputs["solve scenario"] = run("solve", scen, "--out", str(tmp_path / "solved"))
    outputs["sensitivity"] = run("sensitivity", lake, "--lang", "both")
    outputs["sweep"] = run("sweep", lake, "--param", "zones.core.share.max", "--from", "0.08",
                           "--to", "0.12", "--steps", "5", "--out", str(tmp_path / "sweep"))
    outputs["tornado"] = run("tornado", lake, "--out", str(tmp_path / "tornado"))
    outputs["explain"] = run("explain", "m0", "gulou", lake)
    outputs["ranges"] = run("ranges", lake)
    outputs["alternatives"] = run("alternatives", lake, "-n", "2")
    outputs["tradeoff"] = run("tradeoff", lake, "--out", str(tmp_path / "front"))
    outputs["compare"] = run("compare", lake, scen)
    outputs["diagnose"] = run("diagnose", lake, "--set", "total_increment=1900", code=3)
    outputs["export"] = run("export", lake, "--out", str(tmp_path / "lake.lp"))
    outputs["check"] = run("check", str(tmp_path / "solved" / "allocation.csv"), scen)
    outputs["report"] = run("report", lake, "--out", str(tmp_path / "report"))
    table = tmp_path / "table.csv"
    pd.DataFrame({"scenario": ["a", "b"], "zones.core.share.max": [0.08, 0.12]}).to_csv(
        table, index=False)
    outputs["batch"] = run("batch", str(table), "--base", lake, "--out",
                           str(tmp_path / "batch"), "--report", str(tmp_path / "batch-report"))
    for name, text in outputs.items():
        assert not foreign_in(text), (name, foreign_in(text), text[:3000])
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "table.csv"]
    assert len(files) >= 15
    for path in files:
        text = text_of(path)
        assert not foreign_in(text), (path, foreign_in(text))
    report = text_of(tmp_path / "report" / "report.pdf")
    assert "万元/年" in report and "中心城区" in report  # its own unit and zones
    assert "表 1" in report  # the report numbers its tables itself
    sweep = pd.read_csv(next((tmp_path / "sweep").glob("*.csv")))
    assert sweep["status"].eq("optimal").all()
