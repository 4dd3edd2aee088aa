"""`landalloc report` of linked periods: the horizon's conclusion first, each period's
sections, the horizon totals — every number the one `solve --period all --json` gives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCEN = ROOT / "instances" / "zhengzhou" / "scenarios" / "horizon-stock-targets.yaml"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "landalloc", *args], capture_output=True,
                          text=True, timeout=600, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    out = tmp_path_factory.mktemp("linked") / "rep"
    p = run("report", str(SCEN), "--lang", "zh", "--out", str(out))
    assert p.returncode == 0, p.stderr
    j = run("solve", str(SCEN), "--json")
    assert j.returncode == 0, j.stderr
    return out, json.loads(j.stdout)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _horizon_sheet(out: Path) -> list[tuple]:
    from openpyxl import load_workbook

    wb = load_workbook(out / "report.xlsx")
    assert wb.sheetnames[0] == "规划期合计"
    return [r for r in wb.worksheets[0].iter_rows(values_only=True)]


def test_workbook_numbers_equal_solve_json(linked):
    from openpyxl import load_workbook

    out, doc = linked
    rows = _horizon_sheet(out)
    value = {r[0]: r[1] for r in rows if r[0] and isinstance(r[1], int | float)}
    assert value["规划期合计预计产出 (亿元)"] == pytest.approx(doc["objective"], abs=1e-9)
    for p, d in doc["periods"].items():
        assert value[f"{p} 预计产出 (亿元)"] == pytest.approx(d["objective"], abs=1e-9)
    for c in doc["carry_over"]:
        assert value[f"结转用地 {c['from']} → {c['to']} (ha)"] == pytest.approx(c["hectares"])
    assert value["逐期规划预计产出 (亿元)"] == pytest.approx(doc["sequential"]["objective"])
    assert value["联合规划的价值 (亿元)"] == pytest.approx(doc["value_of_joint_planning"])
    # district x period: each period's totals and the horizon's, by district name
    zh = {d: v["zh"] for d, v in yaml.safe_load(
        (ROOT / "instances" / "zhengzhou" / "instance.yaml").read_text("utf-8"))
        ["districts"].items()}
    by_name = {r[0]: r for r in rows if r[0] in zh.values()}
    periods = list(doc["periods"])
    for d, total in doc["horizon_totals"]["district"].items():
        row = by_name[zh[d]]
        for k, p in enumerate(periods, start=1):
            assert row[k] == pytest.approx(doc["periods"][p]["totals"]["district"].get(d, 0))
        assert row[len(periods) + 1] == pytest.approx(total)
    # a sheet per period: its allocation is the JSON's, cell by cell
    wb = load_workbook(out / "report.xlsx")
    for p, d in doc["periods"].items():
        ws = wb[f"{p} 分配矩阵"]
        head = [c.value for c in ws[1]]
        got = {}
        for row in ws.iter_rows(min_row=2, values_only=True):
            if row[0] == "合计":  # the total row
                continue
            for j, v in enumerate(row[1:-1], start=1):
                if isinstance(v, int | float) and v:
                    got[(head[j], row[0])] = v
        assert sum(got.values()) == pytest.approx(sum(a["hectares"] for a in d["allocation"]))
        assert len(got) == sum(a["hectares"] > 0.5 for a in d["allocation"])


def test_stock_targets_are_the_scenarios_figures(linked):
    out, doc = linked
    scen = yaml.safe_load(SCEN.read_text("utf-8"))["set"]
    existing = scen["horizon.existing_stock"]
    rows = _horizon_sheet(out)
    stock = {r[0]: r for r in rows if r[0] and str(r[0]).endswith("末")}
    rules = {r["name"]: r for r in doc["rules"]}
    for p in doc["periods"]:
        r = stock[f"{p}末"]
        target = scen[f"horizon.stock_targets.{p}.total"]
        lo, hi = ((target["min"], target["max"]) if "min" in target
                  else (target["value"], target["value"]))
        achieved = existing + rules[f"stock_target[{p}]"]["activity"]
        assert r[1:] == pytest.approx((existing, achieved - existing, achieved, lo, hi))
        assert lo - 1e-6 <= achieved <= hi + 1e-6
    assert stock["2026-2035末"][3] == pytest.approx(40000)  # 26,000 existing + 14,000 new


def test_pdf_conclusion_first_with_the_horizon(linked):
    from pypdf import PdfReader

    out, doc = linked
    pdf = PdfReader(out / "report.pdf")
    for p in pdf.pages:  # A4, portrait or (a chart) landscape
        assert abs(min(float(p.mediabox.width), float(p.mediabox.height)) - 595.28) < 1
    first = flat(pdf.pages[0].extract_text())  # words wrap: compare without spaces
    assert first.startswith("结论")
    assert flat(f"规划期合计预计产出 {doc['objective']:,.1f} 亿元") in first
    for p, d in doc["periods"].items():
        assert flat(f"{p} 新增工业用地 {sum(a['hectares'] for a in d['allocation']):,.0f} 公顷，"
                    f"预计产出 {d['objective']:,.1f} 亿元") in first
    for c in doc["carry_over"]:
        assert flat(f"{c['hectares']:,.0f} 公顷（上限 500 公顷）") in first
    assert flat(f"联合规划的价值 {doc['value_of_joint_planning']:+,.1f} 亿元") in first
    # the binding rules across periods in words; prices not unique: measured, never a dual
    binding = [r for r in doc["rules"] if r["binding"]]
    assert flat(f"起约束作用的跨期规则 {len(binding)} 条") in first
    assert all(not r["price_unique"] for r in binding)
    assert first.count("价格不唯一（实测）") == len(binding)
    assert not re.search(r"影子价格[+\-]\d", first)
    text = "".join(p.extract_text() for p in pdf.pages)
    for p in doc["periods"]:  # each period's own sections follow
        assert flat(f"{p} · 表") in flat(text) and flat("分配矩阵") in flat(text)
    assert flat("2021-2025 · 表3-") not in flat(text)  # the report numbers its own tables
    assert flat("资料来源：规划表3-4") in flat(text)  # and cites the plan's


def test_html_has_each_period_and_the_horizon(linked):
    out, doc = linked
    page = (out / "report.html").read_text("utf-8")
    assert "规划期合计：区县 × 规划期（公顷）" in page and "跨期规则" in page
    for p in doc["periods"]:
        assert f"{p} · 图表" in page and f"{p} · 对照规划" in page
    figs = {f.stem for f in (out / "figures").glob("*.png")}
    assert {f"{p}_map_new_land" for p in doc["periods"]} <= figs


def test_compare_with_linked_periods_is_refused(tmp_path):
    p = run("report", "--compare", "zhengzhou", "--vs", "districts.airport.cap=1500",
            "--period", "all", "--out", str(tmp_path / "x"))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "--period" in p.stderr and not (tmp_path / "x").exists()


def test_help_keeps_example_lines_apart():
    """Examples are a no-rewrap block: click would otherwise run them into one paragraph."""
    from click.testing import CliRunner

    from landalloc.cli.app import command

    cmd = command()
    names = [[n] for n in cmd.commands if not getattr(cmd.commands[n], "commands", None)]
    names += [[g, s] for g, c in cmd.commands.items() for s in getattr(c, "commands", {})]
    for name in names:
        out = CliRunner().invoke(cmd, [*name, "--help"], terminal_width=100).output
        mashed = [line for line in out.splitlines() if line.count("landalloc ") > 1]
        assert not mashed, (name, mashed)
        assert "\\[" not in out, name  # a markup escape shown as text
    out = CliRunner().invoke(cmd, ["report", "--help"], terminal_width=100).output
    assert "\n    landalloc report --period all --out hz" in out
