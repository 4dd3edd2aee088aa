"""The PDF's 结论 gives the change against the plan: the projected output, the plan's own
output and the difference (亿元 and %); for the plan itself, that it is the plan."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import landalloc

ROOT = Path(__file__).resolve().parent.parent
SCEN = ROOT / "instances" / "zhengzhou" / "scenarios" / "airport-expansion.yaml"


def first_page(pdf: Path) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", "", PdfReader(pdf).pages[0].extract_text())


def test_a_changed_plan_states_the_plans_output_and_the_difference(tmp_path):
    out = tmp_path / "rep"
    p = subprocess.run([sys.executable, "-m", "landalloc", "report", str(SCEN), "--lang", "zh",
                        "--out", str(out)], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "COLUMNS": "200"}, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    mine = landalloc.solve(SCEN).objective
    plan = landalloc.solve("zhengzhou").objective  # the plan as written, solved on its own
    d = mine - plan
    assert abs(d) > 1  # the scenario does change the output
    want = (f"预计产出{mine:,.1f}亿元，规划原方案{plan:,.1f}亿元，"
            f"相差{d:+,.1f}亿元（{d / plan:+.1%}）")
    assert want in first_page(out / "report.pdf")


def test_the_plan_says_it_is_the_plan(tmp_path):
    from landalloc.present.report import write_report

    r = landalloc.solve("zhengzhou")
    assert not r.record["overrides"]
    write_report(r, tmp_path / "rep", "zh", plan_objective=None)
    text = first_page(tmp_path / "rep" / "report.pdf")
    assert "本方案即规划原方案" in text and "相差" not in text
