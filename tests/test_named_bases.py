"""Every base, park, cluster or node the plan names for a sector gets land (a plan reading,
instance.yaml plan_fit.base_minimum, 10 ha: an assumption), and what it costs.

Named bases, counted by hand from the plan: 2021-2025 (Ch.3 §1(2)2) electronics 双核 航空港
and 高新, 两园 郑东 (金水 takes no land: Ch.3 §1(3)2) = 3; vehicles and equipment 一核 经开,
三辅 航空港/荥阳/中牟, 多节点 上街/新密/登封 = 7; aluminium 三大产业集群 上街/巩义/荥阳/登封 = 4;
new materials 三大生产基地 荥阳/新密/登封 = 3; food 重点区 二七/惠济/新郑, 拓展区 经开/荥阳 = 5;
biomedicine 一基地 航空港, 两园区 高新/新郑, 多节点 经开/管城/郑东/荥阳/登封/中牟 = 9: 31.
2026-2035 (Ch.3 §2(2)2(1)): electronics 4, vehicles and equipment 7, new materials 4,
biomedicine 3, food 3, aluminium 1: 22.
"""

from __future__ import annotations

import pytest

import landalloc
from tests.canonical import NAMED_BASES_OFF, ZZ_OBJECTIVE

PERIODS = ["2021-2025", "2026-2035"]
BASE_ROLES = ("core", "cluster", "node")
N_BASES = {"2021-2025": 31, "2026-2035": 22}
MIN_HA = 10.0


@pytest.fixture(scope="module", params=PERIODS)
def solved(request):
    return request.param, landalloc.solve("zhengzhou", period=request.param).to_dict()


def _ha(doc: dict) -> dict[tuple[str, str], float]:
    return {(a["sector"], a["district"]): a["hectares"] for a in doc["allocation"]}


def test_every_named_base_holds_its_minimum(solved):
    period, doc = solved
    inst = landalloc.load_instance("zhengzhou", period)
    ha = _ha(doc)
    bases = [(s, d) for s, row in inst.allowed.items() for d in row
             if (r := inst.role(s, d)) is not None and r.role in BASE_ROLES]
    assert len(bases) == N_BASES[period]
    short = {c: ha.get(c, 0.0) for c in bases if ha.get(c, 0.0) < MIN_HA - 1e-6}
    assert not short, short
    rules = {r["name"]: r for r in doc["rules"] if r["name"].startswith("rule[")}
    assert len(rules) == N_BASES[period]
    assert all("assumption" in r["source"] and r["lower"] == MIN_HA for r in rules.values())


def test_the_places_the_issue_found_empty_get_land():
    """2021-2025: biomedicine's 一基地 (航空港) and 两园区 (高新区, 新郑), Ch.3 §1(2)2(4); new
    materials at 荥阳 and 登封, Ch.3 §1(2)2(3); equipment at 新密 (多节点), Ch.3 §1(2)2(2);
    none in 金水区 or 中原区 (Ch.3 §1(3)2). 2026-2035: 经开区 vehicles and equipment and
    航空港's biomedicine base, Ch.3 §2(2)2(1)."""
    near = _ha(landalloc.solve("zhengzhou", period="2021-2025").to_dict())
    for cell in [("biomedicine", "airport"), ("biomedicine", "hitech"),
                 ("biomedicine", "xinzheng"), ("new_materials", "xingyang"),
                 ("new_materials", "dengfeng"), ("auto_equipment", "xinmi")]:
        assert near.get(cell, 0.0) >= MIN_HA - 1e-6, cell
    assert not [c for c in near if c[1] in ("jinshui", "zhongyuan")]
    far = _ha(landalloc.solve("zhengzhou", period="2026-2035").to_dict())
    assert far.get(("auto_equipment", "etdz"), 0.0) >= MIN_HA - 1e-6
    assert far.get(("biomedicine", "airport"), 0.0) >= MIN_HA - 1e-6


def test_plan_reading_cost_2021_by_hand():
    """Without the minimums the optimum is tests/canonical.py's 3233.6681 亿元 (urban land:
    electronics 1700, biomedicine 200, auto 600). With them the city proper must also hold
    航空港 auto 10 and biomedicine 10, 高新 biomedicine 10, the central four's biomedicine 20
    and food 20, 经开 food 10; the county bases take 40 ha of biomedicine's 200. So urban
    electronics ≤ 1080 + 390 + 160 = 1630, biomedicine ≤ 200 − 40 = 160, food 30, auto the
    rest: 2500 − 1630 − 160 − 30 = 680. Cost = 70 × 0.570254 + 40 × 0.503492 − 80 × 0.443407
    − 30 × 0.248964 = 39.91778 + 20.13968 − 35.47256 − 7.46892 = 17.11598 亿元."""
    doc = landalloc.solve("zhengzhou", period="2021-2025").to_dict()
    pc = doc["plan_fit"]["plan_reading_cost"]
    assert pc["unconstrained_objective"] == pytest.approx(ZZ_OBJECTIVE, abs=1e-4)
    assert pc["cost"] == pytest.approx(17.11598, abs=1e-4)
    assert doc["objective"] == pytest.approx(ZZ_OBJECTIVE - 17.11598, abs=1e-4)
    assert pc["share"] == pytest.approx(17.11598 / 3233.6681, abs=1e-7)
    assert pc["unconstrained_set"] == NAMED_BASES_OFF
    assert pc["named_bases"] == 31 and pc["minimum_ha"] == MIN_HA


@pytest.mark.parametrize("period", PERIODS)
def test_one_set_gives_the_unconstrained_optimum(period):
    """`--set plan_fit.base_minimum.ha=0` is the optimum without the reading: its objective
    is the cost's reference and it costs nothing. 2026-2035: 5,819.147 − 5,808.95615 =
    10.19085 亿元 (0.18 %)."""
    on = landalloc.solve("zhengzhou", period=period).to_dict()
    off = landalloc.solve("zhengzhou", period=period, sets=[NAMED_BASES_OFF]).to_dict()
    pc = on["plan_fit"]["plan_reading_cost"]
    assert off["objective"] == pytest.approx(pc["unconstrained_objective"], abs=1e-6)
    assert pc["cost"] == pytest.approx(off["objective"] - on["objective"], abs=1e-6)
    assert off["plan_fit"]["plan_reading_cost"]["cost"] == pytest.approx(0.0, abs=1e-6)
    if period == "2026-2035":
        assert pc["cost"] == pytest.approx(10.19085, abs=1e-4)
        assert off["objective"] == pytest.approx(5819.147, abs=1e-4)


def test_the_other_reading_of_jinshui_gives_its_park_land():
    """Ch.3 §1(2)2(1) names 金水区 one of the electronics 两园; Ch.3 §1(3)2 leaves it out of the
    four recipient 开发区. The scenario reads it as a park: a cell, so a named base ≥ 10 ha,
    and the central 200 ha (Table 3-1) still hold; output is unchanged (the same 市区
    electronics coefficient as 郑东新区's, 0.979168)."""
    from landalloc.plan.locate import instances_root

    path = f"{instances_root()}/zhengzhou/scenarios/jinshui-electronics-park.yaml"
    doc = landalloc.solve(path).to_dict()
    ha = _ha(doc)
    assert ha[("electronics", "jinshui")] >= MIN_HA - 1e-6
    assert doc["objective"] == pytest.approx(ZZ_OBJECTIVE - 17.11598, abs=1e-4)
    assert doc["plan_fit"]["plan_reading_cost"]["named_bases"] == 32
