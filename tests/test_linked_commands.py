"""`--period all` in sensitivity, ranges, check and diagnose, on the two-period toy
(tests/toy.py) solved on paper, and the one-line refusal of the one-period commands.

The toy: sectors a, b; districts n (cap 6 ha per period, zone Z1) and s (zone Z2); exactly
10 ha per period; output per ha a: n 3, s 2 in P1 and n 5, s 3 in P2; b: 1 everywhere.

With a horizon cap of 8 ha on n (CAP): P2 takes n's 6 ha (a ha of a in n beats s by 2 in
P2, by 1 in P1) and P1 the 2 left: P1 = 2·3 + 8·2 = 22, P2 = 6·5 + 4·3 = 42, joint 64.
Prices, by hand:
* horizon cap on n: one more ha goes to P1's n instead of its s: +3 − 2 = 1;
* P1's total: its last ha lands in s: 2; P2's total: in s: 3;
* P2's own cap on n: one more ha there (5 − 3 = +2) pushes one ha of P1 from n to s
  (−1): 1;
* carry-over (max 0): one more ha allowed moves P1's last ha (in s, 2) to P2's s (3): +1;
  one less is a negative carry: infeasible. Its price is not unique.
"""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from landalloc.analysis.alternatives import check_problem, ranges_problem
from landalloc.analysis.diagnosis import explain_linked
from landalloc.analysis.sensitivity import linked_sensitivity, sensitivity
from landalloc.api import solve_horizon
from landalloc.cli.app import app, run
from landalloc.problem.horizon import load_horizon
from tests.toy import write_toy

CAP = """horizon:
  districts: {n: {cap: {max: 8, assumption: toy}}}
"""
STOCK = """horizon:
  existing_stock: 100
  existing_stock_source: toy
  stock_targets: {P1: {total: {min: 110, assumption: toy}}}
"""


def _run(*args: str):
    return CliRunner().invoke(app, [*args])


def _cli(capsys, *args: str) -> tuple[int, str]:
    """Exit code and stderr of the command as the terminal runs it (errors: exit 2)."""
    code = run([*args])
    return code, capsys.readouterr().err


def _rule(rep, name: str):
    return rep.rules.set_index("name").loc[name]


@pytest.fixture
def cap_toy(tmp_path):
    return write_toy(tmp_path / "toy", CAP)


# ------------------------------------------------------------------ sensitivity
def test_sensitivity_prices_by_hand(cap_toy):
    rep = linked_sensitivity(cap_toy, "all")
    assert rep.objective == pytest.approx(64)
    for name, price in (("horizon_district_cap[n]", 1), ("P1:total_increment", 2),
                        ("P2:total_increment", 3), ("P2:district_cap[n]", 1)):
        r = _rule(rep, name)
        assert r["price_unique"], name
        assert r["shadow_price"] == pytest.approx(price), name
        assert r["value_one_more_ha"] == pytest.approx(price), name
    assert _rule(rep, "P1:district_cap[n]")["side"] == "slack"  # 2 of 6 ha used
    carry = _rule(rep, "carry_over[P1->P2]")
    assert not carry["price_unique"] and math.isnan(carry["shadow_price"])
    assert carry["value_one_more_ha"] == pytest.approx(1)
    assert math.isnan(carry["value_one_less_ha"])  # a negative carry: infeasible alone
    assert _rule(rep, "P1:total_increment")["period"] == "P1"
    assert _rule(rep, "horizon_district_cap[n]")["period"] == ""


def test_measured_values_equal_a_resolve_of_the_changed_scenario(cap_toy):
    rep = linked_sensitivity(cap_toy, "all")
    base = rep.objective
    cap = _rule(rep, "horizon_district_cap[n]")
    up = solve_horizon(cap_toy, "all", ["horizon.districts.n.cap=9"]).objective
    down = solve_horizon(cap_toy, "all", ["horizon.districts.n.cap=7"]).objective
    assert up - base == pytest.approx(cap["value_one_more_ha"])
    assert down - base == pytest.approx(cap["value_one_less_ha"])
    carry = _rule(rep, "carry_over[P1->P2]")
    more = solve_horizon(cap_toy, "all", ["carry_over.max=1"]).objective
    assert more - base == pytest.approx(carry["value_one_more_ha"])  # 65 by hand
    assert more == pytest.approx(65)


def test_stock_target_sensitivity(tmp_path):
    """Existing 100 ha, at least 110 at the end of P1, carry-over up to 3 ha: the target
    forbids carrying (68, not 71). One less ha of target lets 1 ha move from P1's s (2) to
    P2's s (3): +1; one more needs 11 ha by P1's end of its 10: infeasible."""
    folder = write_toy(tmp_path / "stock", STOCK)
    rep = linked_sensitivity(folder, "all", ["carry_over.max=3"])
    assert rep.objective == pytest.approx(68)
    r = _rule(rep, "stock_target[P1]")
    assert r["binding"] and r["period"] == ""
    assert r["value_one_less_ha"] == pytest.approx(1)
    assert math.isnan(r["value_one_more_ha"])
    assert not r["price_unique"] and math.isnan(r["shadow_price"])
    less = solve_horizon(folder, "all", ["carry_over.max=3",
                                         "horizon.stock_targets.P1.total.min=109"])
    assert less.objective - rep.objective == pytest.approx(r["value_one_less_ha"])
    more = solve_horizon(folder, "all", ["carry_over.max=3",
                                         "horizon.stock_targets.P1.total.min=111"])
    assert more.status == "infeasible"


@pytest.mark.parametrize("ref", ["toy", "zhengzhou"])
def test_without_carry_over_each_period_reads_as_alone(tmp_path, ref):
    """No rule across periods, carry-over 0: the joint LP is the periods side by side, so
    every period's own rule has the single-period price (where unique) and measured values."""
    folder = write_toy(tmp_path / "toy") if ref == "toy" else "zhengzhou"
    joint = linked_sensitivity(folder, "all")
    for p in joint.record["periods"]:
        alone = sensitivity(folder, p).rules.set_index("name")
        mine = joint.rules[joint.rules["period"] == p].set_index("base_name")
        assert set(mine.index) == set(alone.index)
        for name, r in alone.iterrows():
            q = mine.loc[name]
            assert bool(q["binding"]) == bool(r["binding"]), name
            assert bool(q["price_unique"]) == bool(r["price_unique"]), name
            if r["price_unique"]:
                assert q["shadow_price"] == pytest.approx(r["shadow_price"], abs=1e-9)
            for col in ("value_one_more_ha", "value_one_less_ha"):
                a, b = r[col], q[col]
                assert (math.isnan(a) and math.isnan(b)) or b == pytest.approx(a, abs=1e-6)
    if ref == "toy":  # by hand: each period's last ha lands in s (2 and 3), n's cap 3−2, 5−3
        by = joint.rules.set_index("name")["shadow_price"]
        assert by["P1:total_increment"] == pytest.approx(2)
        assert by["P2:total_increment"] == pytest.approx(3)
        assert by["P1:district_cap[n]"] == pytest.approx(1)
        assert by["P2:district_cap[n]"] == pytest.approx(2)


def test_sensitivity_cli_json_and_screen(cap_toy):
    out = _run("sensitivity", str(cap_toy), "--period", "all", "--json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["periods_linked"] == ["P1", "P2"]
    assert doc["objective"] == pytest.approx(64)
    rules = {r["name"]: r for r in doc["rules"]}
    assert {"period", "base_name", "price_unique", "value_one_more_ha", "range_lower",
            "range_upper"} <= set(rules["P1:total_increment"])
    assert rules["carry_over[P1->P2]"]["shadow_price"] is None  # not unique: no price
    cells = {(c["sector"], c["district"], c["period"]): c for c in doc["cells"]}
    assert set(cells) == {(s, d, p) for s in "ab" for d in "ns" for p in ("P1", "P2")}
    assert cells["a", "n", "P1"]["hectares"] == pytest.approx(2)
    # b in P2's n: forcing 1 ha costs 5 − 1 = 4 (it displaces a's best cell)
    assert cells["b", "n", "P2"]["reduced_cost"] == pytest.approx(-4)
    screen = _run("sensitivity", str(cap_toy), "--period", "P1,P2", "--lang", "en")
    assert screen.exit_code == 0, screen.output
    assert "rules of P1" in screen.output and "rules across periods" in screen.output
    assert "not unique" in screen.output


# ------------------------------------------------------------------ ranges
def test_ranges_by_hand(cap_toy):
    face = ranges_problem(load_horizon(cap_toy, "all"), 0.0)
    assert (face.cells["max"] - face.cells["min"]).abs().max() < 1e-6  # a unique optimum
    rep = ranges_problem(load_horizon(cap_toy, "all"), 0.05)
    c = rep.cells.set_index(["sector", "district", "period"])
    # 5 % of 64 = 3.2 to lose; a ha of a moved into P1's n gains 1 there and costs 2 in
    # P2 (the horizon cap pushes one of its ha from n to s): 1 per ha, so 2 + 3.2
    assert c.loc[("a", "n", "P1"), "max"] == pytest.approx(5.2)
    assert c.loc[("a", "n", "P1"), "min"] == pytest.approx(0)  # −2 lost, within 3.2
    doc = rep.to_dict()
    assert all("period" in x for x in doc["cells"])
    out = _run("ranges", str(cap_toy), "--period", "all", "--slack", "0.05", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["cells"] == json.loads(json.dumps(doc["cells"]))


# ------------------------------------------------------------------ check
def _table(path, rows) -> str:
    path.write_text("sector,district,period,hectares\n"
                    + "".join(f"{s},{d},{p},{h}\n" for s, d, p, h in rows), encoding="utf-8")
    return str(path)


def test_check_accepts_the_joint_solve_and_flags_a_change(cap_toy, tmp_path):
    doc = solve_horizon(cap_toy, "all").to_dict()
    rows = [(a["sector"], a["district"], p, a["hectares"])
            for p, d in doc["periods"].items() for a in d["allocation"]]
    own = check_problem(load_horizon(cap_toy, "all"), _table(tmp_path / "own.csv", rows))
    assert own.feasible and own.objective == pytest.approx(doc["objective"])
    assert own.gap == pytest.approx(0)
    # one ha of P1 moved from s to n: n holds 2 + 1 + 6 = 9 ha over both periods, 1 over 8
    moved = [(s, d, p, h + (1 if (s, d, p) == ("a", "n", "P1") else
                            -1 if (s, d, p) == ("a", "s", "P1") else 0))
             for s, d, p, h in rows]
    rep = check_problem(load_horizon(cap_toy, "all"), _table(tmp_path / "bad.csv", moved))
    assert not rep.feasible
    [v] = rep.violations
    assert v["rule"] == "horizon_district_cap[n]"
    assert v["value"] == pytest.approx(9) and v["excess"] == pytest.approx(1)
    assert "北区规划期新增用地上限" in v["sentence"] and "1 over" in v["sentence"]
    out = _run("check", str(tmp_path / "bad.csv"), str(cap_toy), "--period", "all", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["violations"][0]["rule"] == "horizon_district_cap[n]"


def test_check_reads_unused_land_as_carried_over(tmp_path):
    folder = write_toy(tmp_path / "toy")
    problem = load_horizon(folder, "all", ["carry_over.max=3"])
    # P1 places 9 ha, P2 11: 1 ha carried, within 3
    ok = check_problem(problem, _table(tmp_path / "ok.csv", [
        ("a", "n", "P1", 6), ("a", "s", "P1", 3), ("a", "n", "P2", 6), ("a", "s", "P2", 5)]))
    assert ok.feasible
    assert ok.objective == pytest.approx(6 * 3 + 3 * 2 + 6 * 5 + 5 * 3)
    # P1 places 6 ha: 4 unused, only 3 may be carried, so P1's total is 1 ha short
    short = check_problem(problem, _table(tmp_path / "short.csv", [
        ("a", "n", "P1", 6), ("a", "n", "P2", 6), ("a", "s", "P2", 7)]))
    assert [(v["rule"], v["side"]) for v in short.violations] == [
        ("P1:total_increment", "under")]
    assert short.violations[0]["excess"] == pytest.approx(1)


def test_check_table_errors_and_one_period(tmp_path, capsys):
    folder = write_toy(tmp_path / "toy")
    wide = tmp_path / "wide.csv"
    wide.write_text("sector,district,hectares\na,n,6\n", encoding="utf-8")
    code, err = _cli(capsys, "check", str(wide), str(folder), "--period", "all")
    assert code == 2 and "sector, district, period, hectares" in err
    assert "Traceback" not in err
    bad = _table(tmp_path / "p9.csv", [("a", "n", "P9", 1)])
    code, err = _cli(capsys, "check", bad, str(folder), "--period", "all")
    assert code == 2 and "p9.csv:2 period: unknown period 'P9'" in err
    # one period: the table's other periods are left out
    both = _table(tmp_path / "both.csv", [("a", "n", "P1", 6), ("a", "s", "P1", 4),
                                          ("b", "n", "P2", 10)])
    out = _run("check", both, str(folder), "--period", "P1", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["objective"] == pytest.approx(26)


# ------------------------------------------------------------------ diagnose
def test_diagnose_names_the_horizon_zone_total(tmp_path):
    """Z1 (district n alone) must take 13 ha over both periods; n holds 6 + 6 = 12."""
    folder = write_toy(tmp_path / "toy")
    sets = ["horizon.zones.Z1.total.min=13"]
    d = explain_linked(load_horizon(folder, "all", sets), folder, "all", sets)
    assert not d.feasible
    assert set(d.iis) == {"horizon_zone_total[Z1]", "P1:district_cap[n]",
                          "P2:district_cap[n]"}
    assert "Short by 1 ha" in d.sentences[0]
    assert "北规划期新增用地" in d.sentences[0]
    assert d.repair == {"horizon.zones.Z1.total.min": 12}
    assert d.repair_solves  # n at 6 + 6: what each period takes alone (68)
    assert d.repair_objective == pytest.approx(68)


def test_diagnose_stock_target_in_the_plans_words(tmp_path):
    """Existing 100 ha; at most 115 at the end of P2, but P1 and P2 add 10 + 10."""
    folder = write_toy(tmp_path / "toy", "horizon:\n  existing_stock: 100\n"
                                         "  existing_stock_source: toy\n")
    out = _run("diagnose", str(folder), "--period", "all", "--json",
               "--set", "horizon.stock_targets.P2.total.max=115")
    assert out.exit_code == 3, out.output
    doc = json.loads(out.stdout)
    assert doc["periods_linked"] == ["P1", "P2"]
    assert set(doc["iis"]) == {"P1:total_increment", "P2:total_increment",
                               "stock_target[P2]"}
    assert any("≤ 115 ha of industrial land (existing 100 + 15 new)" in s
               for s in doc["sentences"])
    assert doc["repair"]["set"] == {"horizon.stock_targets.P2.total.max": 120}
    assert doc["repair"]["solves"] is True


def test_diagnose_share_rule_named_with_its_fraction(tmp_path):
    """a must have all 10 ha of each period, 80 % of it in n, whose cap is 6 per period."""
    folder = write_toy(tmp_path / "toy")
    (folder / "share.yaml").write_text(
        "extends: instance.yaml\nperiod: all\nset:\n  sectors.a.quota.min: 10\n"
        "rules:\n  - name: a_north\n    label: 甲在北区的占比\n    sectors: [a]\n"
        "    districts: [n]\n    share_of: {sectors: [a]}\n    min: 0.8\n"
        "    source: toy share rule\n", encoding="utf-8")
    out = _run("diagnose", str(folder / "share.yaml"), "--lang", "en")
    assert out.exit_code == 3, out.output
    text = " ".join(out.output.split())
    assert "80.0% of its base" in text
    assert "rules.a_north.min: 0.6" in text  # 6 of 10 ha in n
    assert "feasible" in text.split("re-solved with the repair:")[1]


def test_zhengzhou_stock_target_diagnosis():
    """The stock-target scenario with 39,000 ha in 2035: 26,000 existing + 6,000 + 8,000
    new is 40,000, so the target must be 40,000."""
    from landalloc.plan.locate import resolve_input

    path = resolve_input("zhengzhou").parent / "scenarios" / "horizon-stock-targets.yaml"
    sets = ["horizon.stock_targets.2026-2035.total=39000"]
    d = explain_linked(load_horizon(path, None, sets), path, "all", sets)
    assert set(d.iis) == {"2021-2025:total_increment", "2026-2035:total_increment",
                          "stock_target[2026-2035]"}
    assert "Short by 1,000 ha" in d.sentences[0]
    assert d.repair == {"horizon.stock_targets.2026-2035.total.max": 40000}
    assert d.repair_solves


# ------------------------------------------------------------------ the other commands
@pytest.mark.parametrize("args", [
    ["alternatives"], ["explain", "electronics", "airport"], ["tradeoff"],
    ["sweep", "--param", "districts.airport.cap", "--from", "1000", "--to", "1100"],
    ["tornado"], ["compare", "zhengzhou", "zhengzhou"], ["export", "--out", "x.mps"],
])
def test_one_period_commands_refuse_linked_periods(args, capsys):
    code, err = _cli(capsys, *args, "--period", "all")
    assert code == 2, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: --period:")
    assert "solve, sensitivity, ranges, check, diagnose" in lines[0]


def test_a_linked_scenario_file_is_refused_by_name(capsys):
    from landalloc.plan.locate import resolve_input

    path = resolve_input("zhengzhou").parent / "scenarios" / "horizon-stock-targets.yaml"
    code, err = _cli(capsys, "alternatives", str(path))
    assert code == 2
    assert f"{path} period: `landalloc alternatives` reads one period" in err


def test_check_names_a_share_rule_with_its_fraction(tmp_path):
    """At least half of a's land in n, each period: P2's table puts 4 of 10 ha there,
    4 − 0.5 · 10 = 1 ha short; its output 6·3 + 4·2 + 4·5 + 6·3 = 64."""
    folder = write_toy(tmp_path / "toy")
    (folder / "share.yaml").write_text(
        "extends: instance.yaml\nperiod: all\nrules:\n  - name: a_north\n"
        "    label: 甲在北区的占比\n    sectors: [a]\n    districts: [n]\n"
        "    share_of: {sectors: [a]}\n    min: 0.5\n    source: toy share rule\n",
        encoding="utf-8")
    table = _table(tmp_path / "t.csv", [("a", "n", "P1", 6), ("a", "s", "P1", 4),
                                        ("a", "n", "P2", 4), ("a", "s", "P2", 6)])
    out = _run("check", table, str(folder / "share.yaml"), "--json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    [v] = doc["violations"]
    assert v["rule"] == "P2:rule_share[a_north]" and v["excess"] == pytest.approx(1)
    assert "share ≥ 50.0%" in v["sentence"] and "40.0% (4 of 10 ha)" in v["sentence"]
    assert doc["objective"] == pytest.approx(64)


def test_rules_across_periods_keep_each_language_on_its_own_line():
    """`solve --period all` with --lang both: a rule across periods is a Chinese line, then
    an English one; neither carries the other's words."""
    out = CliRunner().invoke(app, ["solve", "--period", "all"], env={"COLUMNS": "300"}).output
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("跨期规则"))
    zh = [ln for ln in lines[start:] if ln.startswith("• ")]
    assert zh
    for ln in zh:
        en = lines[lines.index(ln) + 1]
        assert "实现" in ln and not any(w in ln for w in ("not unique", "infeasible", " ha "))
        assert " within [" in en and not any(w in en for w in ("不唯一", "单独不可行", "公顷"))
