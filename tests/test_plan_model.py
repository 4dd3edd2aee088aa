"""Another city's plan, read as the plan model reads any plan: Lakeport (tests/data/lakeport),
written in the form of an annual land-supply plan — five land-use types, two overlapping
sector groups, 17 districts in four zones with shares of the year's total as ranges, years
named by plain YAML numbers, its own unit of output, and allowed cells in every shorthand
(a group by zone, a list, `all`, one district).

The oracle is an LP written here from the YAML alone (no landalloc code), solved by scipy.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.optimize import linprog

from tests.conftest import DATA

LAKE = DATA / "lakeport"
CLI = [sys.executable, "-c", "from landalloc.cli.app import main; main()"]


def independent(period: str, forbid: tuple[tuple[str, str], ...] = (),
                zone_share: dict[str, tuple[float, float]] | None = None) -> float | None:
    """The optimum of the period's LP built from the YAML files by hand; None if
    infeasible. `forbid` removes cells, `zone_share` replaces zones' share ranges."""
    inst = yaml.safe_load((LAKE / "instance.yaml").read_text("utf-8"))
    per = yaml.safe_load((LAKE / f"{period}.yaml").read_text("utf-8"))
    districts = list(inst["districts"])
    sectors = list(per["sectors"])
    zone_of = {d: v["zone"] for d, v in inst["districts"].items()}
    groups = {s: {v["group"], *v.get("groups", [])} for s, v in inst["sectors"].items()}
    cells: dict[str, set[str]] = {s: set() for s in sectors}
    for key, row in per["allowed"].items():
        members = [key] if key in sectors else [s for s in sectors if key in groups[s]]
        if row == "all":
            ds = set(districts)
        elif isinstance(row, list):
            ds = set(row)
        else:
            ds = set()
            for k in row:
                ds |= {d for d in districts if zone_of[d] == k} if k in inst["zones"] else {k}
        for s in members:
            cells[s] |= ds
    for s, d in forbid:
        cells[s].discard(d)
    cols = [(s, d) for s in sectors for d in districts if d in cells[s]]
    c = -np.array([per["output"][s][d] for s, d in cols], dtype=float)
    rows, lo, hi = [], [], []

    def add(coef, low, high):
        rows.append(np.asarray(coef, dtype=float))
        lo.append(-np.inf if low is None else low)
        hi.append(np.inf if high is None else high)

    ones = np.ones(len(cols))
    add(ones, per["total_increment"].get("min"), per["total_increment"].get("max"))
    for s, v in per["sectors"].items():
        q = v["quota"]
        add([1.0 if cs == s else 0.0 for cs, _ in cols], q.get("min"), q.get("max"))
    for g, v in per.get("sector_groups", {}).items():
        member = np.array([1.0 if g in groups[cs] else 0.0 for cs, _ in cols])
        if "total" in v:
            add(member, v["total"].get("min"), v["total"].get("max"))
        if "share" in v:
            if v["share"].get("min") is not None:
                add(member - v["share"]["min"], 0.0, None)
            if v["share"].get("max") is not None:
                add(member - v["share"]["max"], None, 0.0)
    for d, v in per["districts"].items():
        add([1.0 if cd == d else 0.0 for _, cd in cols], None, v["cap"]["max"])
    for z, v in per["zones"].items():
        low, high = (zone_share or {}).get(z, (v["share"]["min"], v["share"]["max"]))
        member = np.array([1.0 if zone_of[cd] == z else 0.0 for _, cd in cols])
        add(member - low, 0.0, None)
        add(member - high, None, 0.0)
    A = np.vstack(rows)
    lo, hi = np.array(lo), np.array(hi)
    A_ub = np.vstack([A[np.isfinite(hi)], -A[np.isfinite(lo)]])
    b_ub = np.concatenate([hi[np.isfinite(hi)], -lo[np.isfinite(lo)]])
    got = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=(0, None), method="highs-ipm")
    return -got.fun if got.status == 0 else None


def cli_json(*args: str) -> tuple[int, dict | None, str]:
    done = subprocess.run([*CLI, *args], capture_output=True, text=True)
    try:
        doc = json.loads(done.stdout) if done.stdout.strip() else None
    except json.JSONDecodeError:
        doc = None
    return done.returncode, doc, done.stderr


def test_default_period_written_as_a_plain_yaml_number():
    """`default_period: 2024` and `2024:` as period keys are YAML integers: the period is
    2024 all the same (it was refused: "unknown period '2024' (known: 2023, 2024)")."""
    import landalloc

    r = landalloc.solve(LAKE)
    assert r.status == "optimal" and r.instance.period == "2024"
    assert landalloc.solve(LAKE, period="2023").instance.period == "2023"
    code, doc, err = cli_json("solve", str(LAKE), "--period", "2023", "--json")
    assert code == 0, err
    assert doc["period"] == "2023"


@pytest.mark.parametrize("period", ["2023", "2024"])
def test_lakeport_matches_an_lp_written_by_hand(period):
    import landalloc

    r = landalloc.solve(LAKE, period=period)
    assert r.status == "optimal"
    assert r.objective == pytest.approx(independent(period), rel=1e-7)
    assert r.lp.objective_unit == "万元/年"


def test_zone_shares_are_figures_of_the_plan():
    """A zone's share of the year's total is a plan figure: shown as a share against its
    range, changed with --set, and the LP agrees with the one written by hand."""
    import landalloc

    r = landalloc.solve(LAKE)
    zones = {z["id"]: z for z in r.totals_rows("zone")}
    total = sum(z["hectares"] for z in zones.values())
    for z in zones.values():
        assert z["share"] == pytest.approx(z["hectares"] / total)
        assert z["plan_share_min"] - 1e-9 <= z["share"] <= z["plan_share_max"] + 1e-9
    assert zones["east"]["plan_share_min"] == pytest.approx(0.30)
    moved = landalloc.solve(LAKE, sets=["zones.core.share.max=0.07"])
    assert moved.objective == pytest.approx(
        independent("2024", zone_share={"core": (0.06, 0.07)}), rel=1e-7)
    core = next(z for z in moved.totals_rows("zone") if z["id"] == "core")
    assert core["share"] <= 0.07 + 1e-9
    rules = moved.rules().set_index("name")
    assert rules.loc["zone_share_max[core]", "kind"] == "zone_share"


# one cell of each shorthand the period file uses, each one the optimum puts land on
FORMS = {"list": ("m0", "gulou"), "group by zone": ("m1", "lianjiang"),
         "all": ("w1", "cangshan"), "one district": ("rural", "mawei")}


@pytest.mark.parametrize("form", list(FORMS))
def test_allowed_false_is_honoured_whatever_form_the_period_file_uses(form, tmp_path):
    """`--set allowed.<s>.<d>=false` on a cell the period file allows by shorthand: the
    cell gets no land and the output is that of the LP without it — in solve, the API and
    a batch. (It was silently ignored for a group or zone row, and exit 70 for `all` or a
    list.)"""
    import landalloc

    s, d = FORMS[form]
    want = independent("2024", forbid=((s, d),))
    path = f"allowed.{s}.{d}=false"
    r = landalloc.solve(LAKE, sets=[path])
    assert r.status == "optimal"
    assert r.matrix().loc[s, d] == 0
    assert r.objective == pytest.approx(want, rel=1e-7)
    code, doc, err = cli_json("solve", str(LAKE), "--set", path, "--json")
    assert code == 0, err
    assert doc["objective"] == pytest.approx(want, rel=1e-7)
    assert not [c for c in doc["allocation"] if (c["sector"], c["district"]) == (s, d)
                and c["hectares"] > 0]
    table = tmp_path / "t.csv"
    pd.DataFrame({"scenario": ["x"], f"allowed.{s}.{d}": [False]}).to_csv(table, index=False)
    out = tmp_path / "out"
    done = subprocess.run([*CLI, "batch", str(table), "--base", str(LAKE), "--out", str(out),
                           "-q"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    summary = pd.read_parquet(out / "summary.parquet")
    assert summary["objective"].iloc[0] == pytest.approx(want, rel=1e-7)


def test_allowed_false_can_make_a_plan_infeasible_in_every_command(tmp_path):
    """The central zone must take at least 6 % of the year's land; forbidding every cell
    it has (a list, `all` and a one-district row) leaves it none: infeasible by hand, and
    in solve, diagnose and a batch."""
    core = [("m0", "gulou"), ("m0", "cangshan"), ("rural", "mawei")] + [
        ("w1", d) for d in ("gulou", "taijiang", "cangshan", "jinan", "mawei")]
    assert independent("2024", forbid=tuple(core)) is None
    sets = [a for s, d in core for a in ("--set", f"allowed.{s}.{d}=false")]
    code, doc, err = cli_json("solve", str(LAKE), *sets, "--json")
    assert code == 3 and doc["status"] == "infeasible", err
    done = subprocess.run([*CLI, "diagnose", str(LAKE), *sets, "--lang", "en"],
                          capture_output=True, text=True)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "zone_share" in done.stdout or "Central city share" in done.stdout
    table = tmp_path / "t.csv"
    pd.DataFrame({"scenario": ["x"], **{f"allowed.{s}.{d}": [False] for s, d in core}}
                 ).to_csv(table, index=False)
    out = tmp_path / "out"
    run = subprocess.run([*CLI, "batch", str(table), "--base", str(LAKE), "--out", str(out),
                          "-q"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert pd.read_parquet(out / "summary.parquet")["status"].iloc[0] == "infeasible"
