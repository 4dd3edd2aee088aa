"""Roles in the instance, plan fit as the second objective, the 2026-2035 caps, the
strict reading's diagnosis and the output–plan-fit front."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from landalloc.formulations.allocation import plan_fit_weights
from landalloc.solver import get_backend

import landalloc
from landalloc.analysis.tradeoff import front, with_plan_fit_floor
from landalloc.plan.loading import load
from landalloc.plan.locate import instances_root
from landalloc.problem.build import load_problem

SCEN = Path(instances_root()) / "zhengzhou" / "scenarios"
from tests.canonical import NAMED_BASES_OFF  # noqa: E402

PERIODS = ["2021-2025", "2026-2035"]
CENTRAL = ["zhongyuan", "erqi", "guancheng", "jinshui", "huiji", "zhengdong"]
ARC = ["airport", "etdz", "shangjie", "gongyi", "xingyang", "xinmi", "xinzheng", "dengfeng",
       "zhongmou"]
#: ROLES.md "Comparison with today's allowed: blocks": allowed cells with no role.
#: 2021-2025: 金水区 and 中原区 have no cell (Ch.3 §1(3)2 sends the central land to four 开发区).
UNNAMED = {"2021-2025": {("other", d) for d in ["airport", "erqi", "guancheng", "huiji",
                                                  "zhengdong"]},
           "2026-2035": {("other", "airport"), ("other", "etdz")}}


@pytest.fixture(scope="module", params=PERIODS)
def solved(request):
    return request.param, landalloc.solve("zhengzhou", period=request.param)


@pytest.mark.parametrize("period", PERIODS)
def test_every_allowed_cell_has_a_cited_role_or_is_listed_unnamed(period):
    inst = load("zhengzhou", period).instance
    unnamed = set(inst.unnamed_cells())
    assert unnamed == UNNAMED[period]
    for s, row in inst.allowed.items():
        for d in row:
            r = inst.role(s, d)
            if r is None:
                assert (s, d) in unnamed
            else:
                assert r.source.strip() and r.role in ("core", "cluster", "node", "zone_list")
    doc = landalloc.solve("zhengzhou", period=period).to_dict()
    listed = {(c["sector"], c["district"]) for c in doc["plan_fit"]["unnamed_allowed_cells"]}
    assert listed == unnamed


def test_allocation_identical_across_backends(solved):
    period, base = solved
    for backend in ("pulp", "pyomo"):
        other = landalloc.solve("zhengzhou", period=period, backend=backend)
        assert other.status == "optimal"
        np.testing.assert_allclose(other.matrix().to_numpy(), base.matrix().to_numpy(),
                                   atol=1e-6)


def test_plan_fit_by_role_sums_to_the_total_and_no_land_is_unnamed(solved):
    _period, r = solved
    doc = r.to_dict()
    pf = doc["plan_fit"]
    total = r.instance.total_increment.min
    assert sum(pf["by_role"].values()) == pytest.approx(total)
    m = r.matrix()
    in_unnamed = sum(m.loc[s, d] for s, d in r.instance.unnamed_cells())
    assert pf["by_role"]["unnamed"] == pytest.approx(in_unnamed, abs=1e-6)
    assert in_unnamed == pytest.approx(0.0, abs=1e-6)  # the data allow it in both periods
    w = pf["weights"]
    score = sum(w[c["role"] or "none"] * c["hectares"] for c in doc["allocation"])
    assert pf["score"] == pytest.approx(score)
    for c in doc["allocation"]:
        role = r.instance.role(c["sector"], c["district"])
        assert c["role"] == (None if role is None else role.role)
        assert c["assumption"] == (None if role is None else bool(role.assumption))


def test_2026_2035_shares_are_what_derivation_promises():
    r = landalloc.solve("zhengzhou", period="2026-2035")
    by_d = r.matrix().sum(axis=0)
    total = by_d.sum()
    assert total == pytest.approx(8000)
    assert by_d[CENTRAL].sum() / total == pytest.approx(0.025)   # DERIVATION.md §5: 2.50 %
    assert by_d[ARC].sum() / total == pytest.approx(0.9075)      # 90.75 %
    caps = {d: v.cap.max for d, v in r.instance.districts.items()}
    for d, ha in by_d.items():
        assert ha == pytest.approx(caps[d])  # no headroom: every cap binds


def test_even_split_scenario_keeps_the_old_answer_47_percent_central():
    """The even-split caps of the centre sum to 3,760 ha = 47 % of 8,000, and without the
    named-base minimums every one of them binds. With them 郑东新区 (cap 1,580) also holds its
    equipment base (10 ha) and its cap no longer binds: 1,540 ha, the centre 3,720 = 46.5 %."""
    off = landalloc.solve(SCEN / "caps-even-split-2026-2035.yaml", sets=[NAMED_BASES_OFF])
    assert off.matrix().sum(axis=0)[CENTRAL].sum() / 8000 == pytest.approx(0.47)
    r = landalloc.solve(SCEN / "caps-even-split-2026-2035.yaml")
    by_d = r.matrix().sum(axis=0)
    assert by_d[CENTRAL].sum() / 8000 == pytest.approx(0.465)
    assert by_d["zhengdong"] == pytest.approx(1540)


def test_strict_reading_diagnosed_with_conflict_and_repair():
    r = landalloc.solve(SCEN / "caps-strict-2026-2035.yaml")
    assert r.status == "infeasible"
    d = landalloc.diagnose(SCEN / "caps-strict-2026-2035.yaml")
    assert not d.feasible
    assert "sector_quota[electronics]" in d.iis
    assert "zone_total[integration]" in d.iis
    assert any("electronics" in s for s in d.sentences)
    assert d.repair and d.repair_block().startswith("set:")
    fixed = landalloc.solve(SCEN / "caps-strict-2026-2035.yaml", sets=d.repair_sets())
    assert fixed.status == "optimal"


@pytest.mark.parametrize("period", PERIODS)
def test_citywide_output_lets_plan_fit_decide(period):
    r = landalloc.solve(SCEN / "output-citywide.yaml", period=period)
    values = {v for row in r.instance.output.values() for v in row.values()}
    assert len(values) == 1
    p = load_problem("zhengzhou", period)
    best_fit = front(load_problem(SCEN / "output-citywide.yaml", period)).points[-1].plan_fit
    assert r.plan_fit()["score"] == pytest.approx(best_fit)
    assert p.lp.c.max() > p.lp.c[p.lp.c > 0].min()  # the base instance does split by place


def test_plan_fit_weights_override_changes_the_second_stage():
    base = load_problem("zhengzhou", "2021-2025")
    heavy = load_problem("zhengzhou", "2021-2025", ["plan_fit.weights.core=100"])
    assert heavy.instance.plan_fit.weight("core") == 100
    j = base.lp.col_index("electronics", "airport")
    assert heavy.lp.tie_break[j] - base.lp.tie_break[j] == pytest.approx(92)


@pytest.mark.parametrize("ref,period", [("zhengzhou", "2021-2025"),
                                        ("zhengzhou", "2026-2035"),
                                        (str(SCEN / "caps-even-split-2026-2035.yaml"), None),
                                        (str(SCEN / "electronics-weighted.yaml"), None)])
def test_tradeoff_points_equal_independent_solves_and_the_front_is_monotone(ref, period):
    problem = load_problem(ref, period)
    f = front(problem)
    assert len(f.points) >= 1
    w = plan_fit_weights(problem.instance, problem.lp.sectors, problem.lp.districts)
    be = get_backend("highs")
    for p in f.points:
        raw = be.solve(with_plan_fit_floor(problem.lp, w, p.plan_fit, exact=True), None)
        assert raw.status.value == "optimal"
        assert raw.objective == pytest.approx(p.objective, rel=1e-9, abs=1e-6)
        assert float(problem.lp.c @ p.x) == pytest.approx(p.objective)
    fits = [p.plan_fit for p in f.points]
    outs = [p.objective for p in f.points]
    assert fits == sorted(fits)
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(outs))
    # between breakpoints the front is the straight line (no breakpoint was missed)
    for a, b in zip(f.points, f.points[1:], strict=False):
        t = (a.plan_fit + b.plan_fit) / 2
        raw = be.solve(with_plan_fit_floor(problem.lp, w, t), None)
        assert raw.objective == pytest.approx((a.objective + b.objective) / 2, rel=1e-9)
        assert b.words and b.rate is not None and b.rate >= 0
    # the left end is the output optimum, the right end the best plan fit
    assert f.points[0].objective == pytest.approx(landalloc.solve(ref, period=period).objective)


@pytest.mark.parametrize("period", ["2021-2025", "2026-2035"])
def test_tradeoff_starts_at_the_allocation_solve_gives(period):
    """The front's first point is `solve`'s allocation, cell by cell (it was another of the
    same output: 郑东新区 electronics 200 ha against solve's 0, so the first move it printed
    was of a cell solve leaves empty)."""
    problem = load_problem("zhengzhou", period)
    x = front(problem).points[0].x
    np.testing.assert_allclose(x, landalloc.solve("zhengzhou", period=period).raw.x,
                               atol=1e-6)


def test_instance_without_roles_has_no_plan_fit_weights(tmp_path):
    inst = load("zhengzhou", "2021-2025").instance
    bare = inst.model_copy(update={"roles": {}})
    assert not plan_fit_weights(bare).any()
