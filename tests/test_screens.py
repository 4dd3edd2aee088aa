"""Screens at the widths people use: a block meant to be pasted survives being pasted, and
no figure or row name is cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import landalloc
from landalloc.cli.app import app

runner = CliRunner()


def screen(args: list[str], columns: int = 80) -> tuple[int, str]:
    """A command's exit code and its screen at `columns` wide."""
    r = runner.invoke(app, args, env={"COLUMNS": str(columns)})
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r.exit_code, r.output


def set_block(text: str) -> str:
    """The `set:` block of a screen, as a person would select it: from `set:` to the
    first line that is not indented under it."""
    lines = text.splitlines()
    start = lines.index("set:")
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return "\n".join(block) + "\n"


# ---------------------------------------------------------------- pasted blocks


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_the_repair_block_pasted_at_80_columns_solves(tmp_path: Path, lang: str):
    """Other industries at 1,500 ha against the leading six's 83.3 % share: the repair's
    line (path, value and what it changes) is longer than 80 columns; pasted into a
    scenario that extends the broken one, it loads and solves."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nextends: zhengzhou\nset:\n  sectors.other.quota: 1500\n",
                   encoding="utf-8")
    code, out = screen(["diagnose", str(bad), "--relax", "groups", "--lang", lang])
    assert code == 3
    block = set_block(out)
    assert max(len(line) for line in block.splitlines()) > 80  # the case that wrapped
    assert "sector_groups.leading_six.share.min: 0.75" in block
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text("name: fixed\nextends: bad.yaml\n" + block, encoding="utf-8")
    r = landalloc.solve(str(fixed))
    assert r.status == "optimal"
    assert r.instance.sector_groups["leading_six"].share.min == pytest.approx(0.75)


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_the_explain_block_pasted_at_80_columns_loads(tmp_path: Path, lang: str):
    """explain's smallest change of rules for 1,200 ha of electronics in 航空港区, pasted
    into a scenario: the cap it names is the one the scenario gets, and it solves."""
    code, out = screen(["explain", "electronics", "airport", "--target", "1200",
                        "--slack", "0.02", "--lang", lang])
    assert code == 0
    block = set_block(out)
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text("name: fixed\nextends: zhengzhou\n" + block, encoding="utf-8")
    r = landalloc.solve(str(fixed))
    assert r.status == "optimal"
    assert r.instance.districts["airport"].cap.max == pytest.approx(1200)
