"""`compare --report` and `batch --report`: the reports come from the commands analysts run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

SCENARIOS = Path(__file__).resolve().parent.parent / "instances" / "zhengzhou" / "scenarios"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "landalloc", *args], capture_output=True,
                          text=True, timeout=300, env=env)


class _Figures(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "figure":
            self.ids += [v for k, v in attrs if k == "id"]


def figures(html: Path) -> str:
    p = _Figures()
    p.feed(html.read_text(encoding="utf-8"))
    return " ".join(p.ids)


def test_compare_report(tmp_path):
    rep = tmp_path / "cmp"
    p = run("compare", "zhengzhou", str(SCENARIOS / "airport-expansion.yaml"), "--report",
            str(rep), "--out", str(tmp_path / "cmp.csv"))
    assert p.returncode == 0, p.stderr
    assert (rep / "report.html").exists() and (rep / "report.xlsx").exists()
    table = pd.read_csv(tmp_path / "cmp.csv")
    objective = table[table["kind"] == "objective"]
    change = objective.filter(like="change: ").iloc[0, 0]
    # the report's workbook and the CSV speak of the same two solves
    html = (rep / "report.html").read_text(encoding="utf-8")
    assert f"{change:+,.1f}" in html


def test_compare_report_bad_lang_writes_nothing(tmp_path):
    rep = tmp_path / "cmp"
    p = run("compare", "zhengzhou", str(SCENARIOS / "airport-expansion.yaml"), "--report",
            str(rep), "--lang", "fr")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "unknown language 'fr'" in p.stderr
    assert not rep.exists()


@pytest.mark.parametrize("source", ["table", "files"])
def test_batch_report_shows_the_best_scenario(tmp_path, source):
    if source == "table":
        inputs = tmp_path / "grid.csv"
        pd.DataFrame({"scenario": ["low", "mid", "high"],
                      "sectors.electronics.quota.max": [2100, 2200, 2300],
                      "sectors.other.quota.min": [800, 800, 800]}).to_csv(inputs, index=False)
        extra = ["--base", "zhengzhou"]
    else:
        inputs = SCENARIOS
        extra = []
    out, rep = tmp_path / "res", tmp_path / "rep"
    p = run("batch", str(inputs), *extra, "--out", str(out), "--report", str(rep), "-q")
    assert p.returncode == 0, p.stderr
    summary = pd.read_parquet(out / "summary.parquet")
    # the report is of the best single-period scenario (linked periods are in the tables)
    single = summary[(summary["status"] == "optimal") & ~summary["period"].str.contains(",")]
    best = single["objective"].max()
    assert "batch_change" in figures(rep / "report.html")
    # the report's headline is the best scenario, solved again from its own source
    p2 = run("solve", "--json", *(
        [str(SCENARIOS / single.loc[single["objective"].idxmax(), "file"])]
        if source == "files" else
        ["--set", "sectors.electronics.quota.max=2300", "--set",
         "sectors.other.quota.min=800"]))
    assert json.loads(p2.stdout)["objective"] == pytest.approx(best, rel=1e-9)
    assert f"{best:,.1f}" in (rep / "report.html").read_text(encoding="utf-8")
