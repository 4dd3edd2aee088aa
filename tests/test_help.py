"""Help as a newcomer reads it: which periods a command takes, what a file or folder option
writes, and that compare takes --set and --json like the other analysis commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner as ClickRunner
from typer.testing import CliRunner

from landalloc.cli.app import app, command

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

LINKED = ["solve", "sensitivity", "ranges", "check", "diagnose", "report", "batch"]
ONE = ["sweep", "tornado", "explain", "alternatives", "tradeoff", "compare", "export",
       "serve"]


def help_of(name: str) -> str:
    """The command's --help as `landalloc` prints it (placeholders and all), its lines
    joined (the help reflows to the terminal)."""
    args = [name, "--help"]
    r = ClickRunner().invoke(command(args), args, env={"COLUMNS": "100"})
    assert r.exit_code == 0, r.output
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", r.output).split())


def option_help(text: str, option: str) -> str:
    """An option's placeholder and help in the Options list, up to the next option."""
    options = text.split(" Options", 1)[1]
    m = re.search(rf"{re.escape(option)} ([A-Z].*?)(?= --?[a-z]|$)", options)
    assert m, option
    return m.group(1)


@pytest.mark.parametrize("command", LINKED)
def test_period_help_names_all_and_comma_lists_where_linked_periods_are_read(command):
    text = option_help(help_of(command), "--period")
    assert "all" in text and "2021-2025,2026-2035" in text, text


@pytest.mark.parametrize("command", ONE)
def test_period_help_says_one_period_where_linked_periods_are_refused(command):
    text = option_help(help_of(command), "--period")
    assert "one period" in text and "refuses" in text, text


def test_solve_help_says_it_solves_linked_periods_and_names_the_pdf():
    text = help_of("solve")
    assert "Solve one period, or linked periods as one LP" in text
    assert "report.pdf" in option_help(text, "--report")
    assert "allocation.csv" in option_help(text, "--out")


@pytest.mark.parametrize("command,metavar", [("export", "FILE"), ("compare", "FILE")])
def test_an_option_that_writes_a_file_says_file(command, metavar):
    text = help_of(command)
    assert re.search(rf"--out {metavar}\b", text), text
    assert re.search(r"--out DIR\b", text) is None


def test_compare_takes_set_and_json():
    """--set applies to every scenario: each output is the one solve gives with it."""
    scen = str(ROOT / "instances/zhengzhou/scenarios/airport-expansion.yaml")
    sets = ["--set", "districts.hitech.cap=450"]
    r = runner.invoke(app, ["compare", "zhengzhou", scen, *sets, "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    expected = []
    for ref in ("zhengzhou", scen):
        s = runner.invoke(app, ["solve", ref, *sets, "--json"])
        expected.append(json.loads(s.output)["objective"])
    got = [s["objective"] for s in doc["scenarios"]]
    assert got == pytest.approx(expected, rel=1e-9)
    assert doc["scenarios"][1]["change"] == pytest.approx(expected[1] - expected[0])
    plain = runner.invoke(app, ["compare", "zhengzhou", scen, "--json"])
    assert json.loads(plain.output)["scenarios"][0]["objective"] != pytest.approx(got[0])
    assert doc["cells_moved"] > 0 and doc["table"][0]["kind"] == "objective"


def test_readme_tour_says_how_to_run_the_installed_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    assert "source .venv/bin/activate" in tour and ".venv/bin/landalloc" in tour
