"""The rule language on the toy instance's period P1 (tests/toy.py), solved on paper.

P1: max 3·a_n + 2·a_s + b_n + b_s, a_n + a_s + b_n + b_s = 10, a_n + b_n ≤ 6 (n's cap).
Alone: a_n = 6, a_s = 4, objective 26.

* a in zone Z1 (also: group g1 in area class core) ≤ 4: a_n 4, a_s 6 -> 12 + 12 = 24.
* where dev_zone = devA (all of n) ≤ 4: the same cells' sum -> 24.
* coef 2 on a ≤ 16 (a ≤ 8): a_n 6, a_s 2, b 2 -> 18 + 4 + 2 = 24.
* coef output on a ≤ 20: objective = 20 + ha of b; b is least when a_n is largest (6):
  a_s = 1, b = 3 -> 23.
* coef water (3 for a in n, 2 for a elsewhere, 1 for b: the objective's own figures) ≤ 24:
  the objective is the water, so 24.
* share: a in Z1 at most 0.5 of all a: a_n ≤ a_s -> a_n = a_s = 5 -> 15 + 10 = 25, at 0.5.
"""

from __future__ import annotations

import pytest

from landalloc.api import diagnose, solve
from tests.toy import scenario, write_toy


def _solve(tmp_path, rules: str):
    folder = write_toy(tmp_path / "toy")
    return solve(scenario(folder, "period: P1\nrules:\n" + rules))


@pytest.mark.parametrize(("rule", "objective"), [
    ("  - {name: r, sectors: [a], zones: [Z1], max: 4}\n", 24),
    ("  - {name: r, groups: [g1], area_classes: [core], max: 4}\n", 24),
    ("  - {name: r, where: {dev_zone: [devA]}, max: 4}\n", 24),
    ("  - {name: r, districts: [n], sectors: [a], max: 4}\n", 24),
    ("  - {name: r, sectors: [a], coef: 2, max: 16}\n", 24),
    ("  - {name: r, sectors: [a], coef: output, max: 20}\n", 23),
    ("  - {name: r, coef: water, max: 24}\n", 24),
])
def test_selectors_and_coefficients(tmp_path, rule, objective):
    r = _solve(tmp_path, rule)
    assert r.objective == pytest.approx(objective)
    row = next(x for x in r.to_dict()["rules"] if x["name"] == "rule[r]")
    assert row["binding"]


def test_water_table_unit_and_value(tmp_path):
    r = _solve(tmp_path, "  - {name: r, coef: water, max: 24}\n")
    row = next(x for x in r.to_dict()["rules"] if x["name"] == "rule[r]")
    assert row["achieved"] == pytest.approx(24) and row["achieved_unit"] == "m3/d"


def test_share_of_base_at_its_bound(tmp_path):
    r = _solve(tmp_path, "  - name: r\n    sectors: [a]\n    zones: [Z1]\n"
                         "    share_of: {sectors: [a]}\n    max: 0.5\n")
    assert r.objective == pytest.approx(25)
    m = r.matrix()
    assert m.loc["a", "n"] == pytest.approx(5) and m.loc["a", "s"] == pytest.approx(5)
    row = next(x for x in r.to_dict()["rules"] if x["name"] == "rule_share[r]")
    assert row["achieved"] == pytest.approx(0.5) and row["achieved_unit"] == "share"
    assert row["achieved_upper"] == pytest.approx(0.5) and row["binding"]


def test_overlapping_groups_reported(tmp_path):
    r = _solve(tmp_path, "  - {name: r, sectors: [b], min: 2}\n")
    groups = r.to_dict()["groups"]
    assert groups["g1"]["members"] == ["a"] and groups["g2"]["members"] == ["a", "b"]
    assert groups["g1"]["share"] == pytest.approx(0.8)
    assert groups["g2"]["share"] == pytest.approx(1.0)
    assert groups["g2"]["hectares"] == pytest.approx(10)


def test_allowed_all_and_zone_names(tmp_path):
    r = _solve(tmp_path, "  - {name: r, sectors: [a], max: 10}\n")
    inst = r.instance
    assert set(inst.allowed["a"]) == {"n", "s"} and set(inst.allowed["b"]) == {"n", "s"}


def test_old_format_loads_unchanged():
    r = solve("zhengzhou", "2021-2025")
    assert r.optimal and r.instance.sectors["electronics"].groups == []


def test_diagnose_names_a_share_rule(tmp_path):
    folder = write_toy(tmp_path / "toy")
    path = scenario(folder, "period: P1\nrules:\n"
                            "  - name: most_a_north\n    sectors: [a]\n    zones: [Z1]\n"
                            "    share_of: {sectors: [a]}\n    min: 0.9\n"
                            "  - {name: lots_of_a, sectors: [a], min: 10}\n")
    d = diagnose(path)
    assert not d.feasible
    assert any("most_a_north" in n for n in d.iis)
    assert any("most_a_north" in s for s in d.sentences)


def test_a_missing_coefficient_is_an_error_not_zero(tmp_path):
    """b has no water figure in s: a rule over b's water cannot read that cell as 0."""
    from tests.test_input_safety import run

    folder = write_toy(tmp_path / "toy")
    (folder / "coefficients" / "water.csv").write_text(
        "# unit: m3/d\nsector,district,period,value\na,,,2\nb,n,,1\n", encoding="utf-8")
    path = scenario(folder, "period: P1\nrules:\n  - {name: r, coef: water, max: 24}\n")
    res = run("solve", str(path))
    assert res.returncode == 2, res.stderr
    assert "coefficients/water.csv has no value for b/s" in res.stderr
    assert "s.yaml" in res.stderr and "Traceback" not in res.stderr
    # the same table is fine for a rule that does not select the missing cell
    ok = scenario(folder, "period: P1\nrules:\n  - {name: r, sectors: [a], coef: water, "
                          "max: 16}\n", name="ok.yaml")
    assert solve(ok).optimal


def test_a_rule_in_a_tables_unit_is_priced_per_that_unit(tmp_path):
    """Water at most 24 m3/d: its figure reads 24 and its price per m3/d, not per ha. One
    more m3/d re-solved by hand (max 25) moves the output by the price."""
    from landalloc.present.screen import binding_words

    r = _solve(tmp_path, "  - {name: r, coef: water, max: 24}\n")
    row = next(x for x in r.to_dict()["rules"] if x["name"] == "rule[r]")
    more = _solve(tmp_path / "more", "  - {name: r, coef: water, max: 25}\n")
    assert row["price_unique"]
    assert more.objective - r.objective == pytest.approx(row["dual"], abs=1e-6)
    words = [w for w in binding_words(r, "en") if w.startswith(row["label"].split(" / ")[-1])]
    unit = r.lp.objective_unit
    assert words == [f"{row['label'].split(' / ')[-1]} 24 ({row['dual']:+.3f} {unit}/m3/d)"]
