"""Diagnosis of infeasible plans: the IIS is irreducible (checked by solving, with scipy's
linprog rather than our own code), names the rules a person would name, and the repair
makes the plan feasible at the least weighted change."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import scipy.optimize as so
from landalloc.formulations import formulate
from landalloc.solver.diagnose import (
    COL,
    LOWER,
    ROW,
    elastic,
    find_iis,
    iis_names,
)
from typer.testing import CliRunner

import landalloc
from landalloc.analysis.diagnosis import RelaxSpec, apply_repair, explain, split_names
from landalloc.api import diagnose, diagnose_instance, solve, solve_instance
from landalloc.cli.app import app
from landalloc.plan.loading import load_instance
from landalloc.plan.model import Instance, Rule

# ---------------------------------------------------------------- helpers


def subsystem_feasible(lp, members) -> bool:
    """Only these bounds (others dropped): feasible? Solved by scipy, not by our code."""
    lo_r = np.full(lp.num_row, -np.inf)
    hi_r = np.full(lp.num_row, np.inf)
    lo_c = np.full(lp.num_col, -np.inf)
    hi_c = np.full(lp.num_col, np.inf)
    for m in members:
        arr = {(ROW, LOWER): lo_r, (ROW, "upper"): hi_r,
               (COL, LOWER): lo_c, (COL, "upper"): hi_c}[(m.where, m.side)]
        arr[m.index] = m.bound(lp)
    A = lp.A.tocsr()
    ub_rows = np.isfinite(hi_r)
    lb_rows = np.isfinite(lo_r)
    A_ub = np.vstack([A[ub_rows].toarray(), -A[lb_rows].toarray()])
    b_ub = np.concatenate([hi_r[ub_rows], -lo_r[lb_rows]])
    res = so.linprog(np.zeros(lp.num_col), A_ub=A_ub if A_ub.size else None,
                     b_ub=b_ub if A_ub.size else None,
                     bounds=list(zip([None if not np.isfinite(v) else v for v in lo_c],
                                     [None if not np.isfinite(v) else v for v in hi_c],
                                     strict=True)), method="highs")
    assert res.status in (0, 2), res.message
    return res.status == 0


def assert_irreducible(lp, iis) -> None:
    assert not subsystem_feasible(lp, iis.members), "the set is not infeasible"
    for m in iis.members:
        rest = [k for k in iis.members if k != m]
        assert subsystem_feasible(lp, rest), f"still infeasible without {m.name(lp)}"


def tiny(cap1: float = 60, quota_a: float = 100, rules: list[Rule] | None = None) -> Instance:
    """2 sectors x 2 districts: a may go to d1 only, b to d2 only."""
    return Instance.model_validate({
        "name": "tiny", "period": "p",
        "total_increment": {"max": 1000, "source": "t"},
        "area_classes": {"u": {"zh": "区", "en": "area"}},
        "sector_groups": {"g": {"zh": "组", "en": "group"}},
        "sectors": {"a": {"zh": "甲", "en": "A", "group": "g",
                          "quota": {"min": quota_a, "source": "Table A"}},
                    "b": {"zh": "乙", "en": "B", "group": "g",
                          "quota": {"min": 50, "max": 50, "source": "Table B"}}},
        "zones": {"z": {"zh": "区域", "en": "Zone", "total": {"max": 1000, "source": "z"}}},
        "districts": {"d1": {"zh": "一区", "en": "D1", "zone": "z", "area_class": "u",
                             "cap": {"max": cap1, "source": "Table D"}},
                      "d2": {"zh": "二区", "en": "D2", "zone": "z", "area_class": "u",
                             "cap": {"max": 80, "source": "Table D"}}},
        "allowed": {"a": {"d1": "x"}, "b": {"d2": "x"}},
        "output": {"a": {"d1": 1.0}, "b": {"d2": 2.0}},
        "rules": [r.model_dump() for r in rules or []],
    })


# The conflicts below are in the plan's own figures: the named-base minimums (a reading,
# instance.yaml plan_fit.base_minimum) are off. 金水区 has no cell in 2021-2025 (Ch.3 §1(3)2),
# so the central conflict is 二七区 against 郑东新区.
OFF = "plan_fit.base_minimum.ha=0"
ZZ_ELECTRONICS = [OFF, "sectors.electronics.quota=3000", "sectors.auto_equipment.quota=800"]
ZZ_ZONE = [OFF, "districts.zhengdong.cap.min=150", "districts.erqi.cap.min=100"]
ZZ_TOTAL = [OFF, "total_increment=5000", "zones.leading.total.min=0",
            "zones.integration.total.min=0", "zones.transformation.total.min=0",
            "sector_groups.leading_six.share.min=0"]

# ---------------------------------------------------------------- the IIS


def test_tiny_iis_is_the_obvious_one_by_every_method():
    lp = formulate(tiny())
    for method in ("highs", "deletion", "certificate", "auto"):
        iis = find_iis(lp, method)
        assert iis.names(lp) == ["sector_quota[a]", "district_cap[d1]", "allowed[a,d2]"], method
        assert iis.names(lp, structural=True)[-1] == "nonnegative[b,d1]"
        assert_irreducible(lp, iis)


@pytest.mark.parametrize("sets, expected", [
    (ZZ_ELECTRONICS, {"sector_quota[electronics]", "district_cap[airport]",
                      "district_cap[hitech]", "district_cap[xingyang]",
                      "district_cap[xinzheng]", "zone_total[integration]",
                      "allowed[electronics,etdz]", "allowed[electronics,zhongmou]"}),
    (ZZ_ZONE, {"district_cap[zhengdong]", "district_cap[erqi]", "zone_total[integration]"}),
    (ZZ_TOTAL, {"total_increment", "sector_quota[electronics]", "sector_quota[auto_equipment]",
                "sector_quota[new_materials]", "sector_quota[biomedicine]",
                "sector_quota[other]"}),
])
def test_zhengzhou_conflicts_name_the_colliding_rules(sets, expected):
    lp = formulate(load_instance("zhengzhou", "2021-2025", sets))
    for method in ("auto", "highs", "deletion"):
        iis = find_iis(lp, method)
        assert_irreducible(lp, iis)
        assert expected <= set(iis.names(lp)), (method, iis.names(lp))
    auto = find_iis(lp, "auto")
    assert set(auto.names(lp)) - expected <= {n for n in auto.names(lp)
                                              if n.startswith("allowed[")}


def test_custom_rule_against_a_cap():
    inst = load_instance("zhengzhou", "2021-2025").model_copy(update={"rules": [
        Rule(name="airport_electronics", label="航空港区电子信息", sectors=["electronics"],
             districts=["airport"], min=1200, source="scenario test")]})
    lp = formulate(inst)
    iis = find_iis(lp)
    assert iis.names(lp) == ["district_cap[airport]", "rule[airport_electronics]"]
    assert_irreducible(lp, iis)
    d = diagnose_instance(inst, relax="rules")
    # 航空港区 1,100 ha (Table 3-4) less its vehicle and biomedicine bases (10 ha each)
    assert d.repair == {"rules.airport_electronics.min": 1080}
    assert solve_instance(apply_repair(inst, d.repair)).optimal


def test_iis_names_is_one_lp_and_agrees():
    lp = formulate(load_instance("zhengzhou", None, ZZ_ZONE))
    assert iis_names(lp) == ["district_cap[erqi]", "district_cap[zhengdong]",
                             "zone_total[integration]"]
    assert iis_names(formulate(load_instance("zhengzhou"))) == []


# ---------------------------------------------------------------- sentences


def test_sentences_speak_the_plan():
    d = diagnose("zhengzhou", None, ZZ_ELECTRONICS)
    head = d.sentences[0]
    assert head.startswith("电子信息 electronics needs at least 3,000 ha")
    assert "can hold at most 2,900 ha" in head
    assert "航空港区 1,100" in head and "制造业融合发展先导区 200" in head
    text = "\n".join(d.sentences)
    assert "Table 3-4" in text  # provenance of the caps
    assert "changed by --set sectors.electronics.quota=3000 (was 2,100)" in text
    assert "2,900 − 3,000 = -100" in d.arithmetic
    members = {m.name: m for m in d.members}
    assert members["sector_quota[electronics]"].side == "min"
    assert members["district_cap[airport]"].bound == 1100


def test_certificate_weights_add_up():
    """The arithmetic line is a true Farkas certificate: weights times bounds give the gap."""
    d = diagnose("zhengzhou", None, ZZ_ZONE)
    w = {m.name: (m.weight, m.bound, m.side) for m in d.members}
    gap = sum(wt * b * (1 if side == "min" else -1) for wt, b, side in w.values())
    assert gap == pytest.approx(50)  # 150 + 100 > 200


# ---------------------------------------------------------------- repair


def test_tiny_repair_matches_hand_computed_minimum():
    # a needs 100 but only d1 (cap 60) takes it: 40 ha short.
    d = diagnose_instance(tiny(), relax="districts")
    assert d.repair == {"districts.d1.cap": 100}
    assert d.repair_cost == pytest.approx(40)
    d = diagnose_instance(tiny(), relax="sectors,districts", weights={"districts": 2.0})
    assert d.repair == {"sectors.a.quota.min": 60}
    assert d.repair_cost == pytest.approx(40)
    d = diagnose_instance(tiny(), relax="sectors,districts", weights={"sectors": 3.0})
    assert d.repair_cost == pytest.approx(40)
    assert d.repair == {"districts.d1.cap": 100}
    # allowing b... does not help a; allowing a in d2 uses d2's free 30 ha, 10 more in d1
    d = diagnose_instance(tiny(), relax="allowed,districts", weights={"allowed": 0.5})
    assert d.repair_cost == pytest.approx(30 * 0.5 + 10)
    assert d.repair["allowed.a.d2"] is True and d.repair["districts.d1.cap"] == 70
    assert solve_instance(apply_repair(tiny(), d.repair)).optimal


def test_no_repair_when_nothing_may_move():
    d = diagnose_instance(tiny(), relax="zones")
    assert not d.feasible and d.repair == {} and "no repair" in d.repair_note


@pytest.mark.parametrize("sets", [ZZ_ELECTRONICS, ZZ_ZONE, ZZ_TOTAL,
                                  ["zones.transformation.total=3000"]])
def test_repair_makes_zhengzhou_feasible_at_the_elastic_optimum(sets):
    d = diagnose("zhengzhou", None, sets)
    assert d.repair
    assert solve("zhengzhou", None, sets + d.repair_sets()).optimal
    # cost of the block = elastic LP objective (before rounding to 0.01 ha)
    moved = sum(it.change for it in d.repair_items)
    assert moved == pytest.approx(d.repair_cost, rel=1e-6)
    # and HiGHS's own feasibility relaxation, same penalties, finds the same minimum
    import highspy
    from landalloc.solver.highs import new_highs, to_highs_lp
    lp = formulate(load_instance("zhengzhou", None, sets))
    h = new_highs()
    h.passModel(to_highs_lp(lp))
    h.feasibilityRelaxation(1.0, 1.0, 1.0, -np.ones(lp.num_col), -np.ones(lp.num_col),
                            np.ones(lp.num_row))
    assert h.getInfo().objective_function_value == pytest.approx(d.repair_cost, rel=1e-6)
    assert isinstance(highspy.kHighsInf, float)


def test_elastic_objective_is_a_lower_bound_of_any_single_fix():
    """Every rule of the IIS, moved alone by the gap, repairs; none is cheaper than elastic."""
    lp = formulate(load_instance("zhengzhou", None, ZZ_ZONE))
    el = elastic(lp, lambda m: None if m.where == COL else 1.0)
    assert el.objective == pytest.approx(50)


def test_feasible_scenario_says_so():
    d = diagnose("zhengzhou")
    assert d.feasible and d.iis == [] and d.repair == {}
    assert landalloc.diagnose is diagnose


def test_relax_words():
    assert split_names(["sectors,allowed[a,d1]", "district_cap[x]"]) == [
        "sectors", "allowed[a,d1]", "district_cap[x]"]
    lp = formulate(tiny())
    spec = RelaxSpec.parse("district_cap[d1]", ["district_cap[d1]=2"], lp)
    d = explain(lp, tiny(), relax=spec)
    assert d.repair == {"districts.d1.cap": 100} and d.repair_cost == pytest.approx(80)
    with pytest.raises(landalloc.InputError):
        RelaxSpec.parse("nonsense", None, lp)
    with pytest.raises(landalloc.InputError):
        RelaxSpec.parse(None, ["districts=-1"], lp)


# ---------------------------------------------------------------- CLI

runner = CliRunner()


def test_cli_diagnose_feasible_exits_0():
    r = runner.invoke(app, ["diagnose"])
    assert r.exit_code == 0, r.output
    assert "feasible" in r.output


def test_cli_diagnose_infeasible_prints_rules_and_block():
    args = ["diagnose", *[a for s in ZZ_ZONE for a in ("--set", s)], "--relax", "districts"]
    r = runner.invoke(app, args)
    assert r.exit_code == 3, r.output
    assert "zone_total[integration]" in r.output and "Traceback" not in r.output
    assert "At least 250 ha is required (二七区 100 + 郑东新区 150)" in r.output
    assert "set:\n  districts.erqi.cap.min: 50" in r.output
    r = runner.invoke(app, [*args, "--json"])
    doc = json.loads(r.output)
    assert doc["status"] == "infeasible"
    assert doc["repair"]["set"] == {"districts.erqi.cap.min": 50}
    # raising the zone instead means taking 50 ha from another zone (total is exact): 100
    r = runner.invoke(app, [*args[:-1], "zones", "--json"])
    doc = json.loads(r.output)
    assert doc["repair"]["weighted_hectares"] == pytest.approx(100)
    assert doc["repair"]["set"]["zones.integration.total.max"] == 250


def test_cli_solve_infeasible_keeps_exit_3_and_explains():
    r = runner.invoke(app, ["solve", *[a for s in ZZ_ZONE for a in ("--set", s)]])
    assert r.exit_code == 3
    # the answer first: the status on the first line
    assert "infeasible" in r.output.splitlines()[0] and "zone_total[integration]" in r.output
    r = runner.invoke(app, ["solve", *[a for s in ZZ_ZONE for a in ("--set", s)], "--json"])
    doc = json.loads(r.output)
    assert r.exit_code == 3 and doc["status"] == "infeasible"
    assert "zone_total[integration]" in doc["iis"]["iis"] and doc["repair"]["set"]


def test_cli_bad_relax_is_exit_2_without_traceback():
    p = subprocess.run([sys.executable, "-c", "from landalloc.cli.app import main; main()",
                        "diagnose", "--relax", "nonsense"], capture_output=True, text=True)
    assert p.returncode == 2
    assert "nonsense" in p.stderr and "Traceback" not in p.stderr + p.stdout


def test_every_iis_is_verified_at_the_end():
    """Whatever found it, the IIS's Farkas certificate is checked and each one-member-
    dropped subset solved feasible; a set that is not irreducible is not verified."""
    from landalloc.solver.diagnose import IIS, find_iis, verify

    import landalloc
    from landalloc.problem.build import load_problem

    for sets in (["zones.integration.total=0"], ["sectors.electronics.quota=1e12"]):
        d = landalloc.diagnose(sets=sets)
        assert d.verified is True and d.verification.startswith("verified")
    lp = load_problem(sets=["zones.integration.total=0"]).lp
    iis = find_iis(lp, "deletion")
    assert iis.verified
    padded = IIS([*iis.members, *[m for m in find_iis(lp, "certificate").members
                                  if m not in iis.members][:1]], "test")
    if len(padded.members) > len(iis.members):  # a superset is not irreducible
        assert verify(lp, padded).verified is False


def test_a_huge_quota_reads_in_its_own_scale():
    """1e12 ha of electronics: the sentence says so, never 'at least 0 ... short by 0'."""
    import landalloc

    d = landalloc.diagnose(sets=["sectors.electronics.quota=1e12"])
    text = " ".join(d.sentences) + d.arithmetic
    assert "1,000,000,000,000" in text and "Short by 0 ha" not in text
    assert "0 × " not in text


def test_a_share_in_the_conflict_reads_as_the_share():
    """Other industries at 1,500 ha against the six leading industries' 83.3% minimum: the
    share's row is Σ_G x − 0.833·Σ x ≥ 0, so what it leaves for the rest is 0.167 × 6,000 =
    1,002 ha (by hand); the member reads ≥ 83.3 %, not ≥ 0, and the sentence says 1,002 is
    that fraction of the total, not the total."""
    d = diagnose("zhengzhou", None, ["sectors.other.quota=1500"])
    members = {m.name: m for m in d.members}
    share = members["sector_group_share[leading_six]"]
    assert (share.bound, share.figure) == (0, "83.3 %")
    assert members["total_increment"].figure == "6,000"
    head = d.sentences[0]
    assert "more than 1,002 ha, the 0.167 × 6,000 ha of the period's total" in head
    assert "Short by 498 ha" in head and "period's total of at most 1,002" not in head
    out = CliRunner().invoke(app, ["diagnose", "--set", "sectors.other.quota=1500",
                                   "--lang", "zh"]).output
    assert "六大主导产业占比 ≥ 83.3 %" in out and "占比 ≥ 0（" not in out
