"""The demand forecast (Annex 2): the plan's figures reproduced where its inputs determine
them, its discrepancies where they do not, calibrations reported, overrides followed."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from landalloc.analysis.forecast import _round, increment_overrides, run_forecast
from landalloc.errors import InputError
from tests.test_cli import run


@pytest.fixture(scope="module")
def fc():
    return run_forecast("zhengzhou")


def test_trend_reproduces_the_plan_from_its_supply_totals(fc):
    trend = fc.methods["trend"]
    # 26,000 (Ch.1) + 5,000 (Table 2-4) and + 8,400 more
    assert trend.totals == {2025: 31000, 2035: 39400}
    assert trend.params["annual_mean"] == {"2021-2025": 1000, "2026-2035": 840}
    # the yearly path the totals imply: a line through (2023, 1000) and (2030.5, 840)
    assert trend.params["stated_path"]["slope_ha_per_year"] == pytest.approx(-160 / 7.5)


def test_final_forecast_and_increments(fc):
    assert fc.final == {2025: 32000, 2035: 40000}
    assert fc.increments == {"2021-2025": 6000, "2026-2035": 8000}


def test_no_non_negative_weighting_reproduces_the_finals(fc):
    w = fc.combine["weights_to_reproduce_plan_from_table_2_5"]
    # solved by hand from Table 2-5: 1500 w1 + 4000 w2 = 1000, 7100 w1 + 10600 w2 = 600
    assert w["output"] == pytest.approx(-0.656, abs=1e-6)
    assert w["quota"] == pytest.approx(0.496, abs=1e-6)
    assert w["trend"] == pytest.approx(1.16, abs=1e-6)
    assert min(fc.combine["weights_to_reproduce_plan"].values()) < 0


def test_output_method_from_the_base_year(fc):
    out = fc.methods["output"]
    s25 = 26000 * 1.0964 ** 5 / 1.5
    s35 = 26000 * 1.0804 ** 15 / 2.0
    assert out.totals[2025] == pytest.approx(s25)
    assert out.totals[2035] == pytest.approx(s35)
    assert out.params["correction_a"] == {"2025": pytest.approx(1.0), "2035": pytest.approx(1.0)}
    # the calibration that would reproduce Table 2-1, reported
    need = out.params["correction_a_to_reproduce_plan"]
    assert need["2025"] == pytest.approx(31700 / s25)
    assert need["2035"] == pytest.approx(44500 / s35)
    assert round(need["2025"], 3) == 1.154 and round(need["2035"], 3) == 1.073
    # implied 2020 output per ha: 11,361 亿元 / 26,000 ha
    assert out.params["output_per_ha"]["2020"] == pytest.approx(11361 / 26000)


def test_output_method_discrepancy_is_the_one_the_audit_reports(fc):
    """The plan's inputs cannot give Table 2-1's 31,700 / 44,500 ha: both modules agree."""
    from landalloc.analysis.audit import audit

    found = {r.id: r for r in audit("zhengzhou").findings}
    for year, key in ((2025, "output-method-2025"), (2035, "output-method-2035")):
        assert found[key].computed.v == pytest.approx(fc.methods["output"].totals[year])
        assert found[key].stated.v == fc.methods["output"].plan[year][0]
    # Table 2-5 prints another number for the same method
    assert found["table-2-5-output-2025"].stated.v == 32500
    assert found["table-2-5-output-2025"].computed.v == 31700


def test_quota_method_calibration(fc):
    q = fc.methods["quota"]
    assert q.totals == {2025: pytest.approx(35000), 2035: pytest.approx(50000)}
    # the quadratic through (2022, 2020), (2025, 2400), (2035, 3700)
    yearly = q.params["yearly"]
    assert yearly["2022"]["investment"] == pytest.approx(2020)
    assert yearly["2035"]["investment"] == pytest.approx(3700)
    p = np.polyfit([2022, 2025, 2035], [2020, 2400, 3700], 2)
    raw_near = sum(np.polyval(p, y) * 1e4 / d for y, d in
                   zip(range(2021, 2026), (5000, 5000, 6000, 6000, 6000), strict=True)) / 0.9
    raw_far = sum(np.polyval(p, y) * 1e4 / (6000 + 200 * (y - 2025)) for y in range(2026, 2036))
    a = q.params["correction_a"]
    assert a["2021-2025"] == pytest.approx(9000 / raw_near)
    assert a["2026-2035"] == pytest.approx(15000 / raw_far)
    assert q.params["far_correction_b"]["2021-2025"] == pytest.approx(1 / 0.9)
    # the fitted series agrees with the plan's growth rates read from 2018
    g18 = q.params["investment_fit_growth_from"]["investment"]
    assert ((3700 / g18) ** (1 / 17) - 1) * 100 == pytest.approx(5.4, abs=0.05)


def test_calibration_is_held_when_inputs_change(fc):
    """A higher intensity needs less land: a stays at the plan's calibration."""
    a = fc.methods["quota"].params["correction_a"]["2021-2025"]
    moved = run_forecast("zhengzhou", ["methods.quota.intensity.2023=7000",
                                       "methods.quota.intensity.2025=7000",
                                       "methods.quota.intensity.2024=7000"])
    q = moved.methods["quota"]
    assert q.params["correction_a"]["2021-2025"] == pytest.approx(a)
    assert q.params["increment"]["2021-2025"] < 9000
    assert moved.overrides[0].old == 6000


def test_overrides_move_the_forecast():
    f = run_forecast("zhengzhou", ["methods.output.growth.2025=8"])
    assert f.methods["output"].totals[2025] == pytest.approx(26000 * 1.08 ** 5 / 1.5)
    f = run_forecast("zhengzhou", ["methods.trend.stated_supply.2021-2025=6500"])
    assert f.methods["trend"].totals[2025] == 32500
    assert f.final == {2025: 33000, 2035: 41000}  # 32,500 and 40,900, next thousand up
    assert f.increments == {"2021-2025": 7000, "2026-2035": 8000}
    f = run_forecast("zhengzhou", ["combine.anchor=quota", "combine.rounding=none"])
    assert f.final[2025] == pytest.approx(35000)
    # a new fitted point is accepted under a map of years
    f = run_forecast("zhengzhou", ["methods.quota.investment.points.2030=3100"])
    assert "2030" in {o.path.rsplit(".", 1)[1] for o in f.overrides}


def test_trend_fits_on_known_series():
    sets = [f"methods.trend.history.{y}={500 + 100 * (2020 - y)}" for y in range(2015, 2021)]
    f = run_forecast("zhengzhou", [*sets, "methods.trend.use=linear"])
    lin = f.trend_fits["linear"]
    assert lin.r2 == pytest.approx(1.0) and lin.rmse == pytest.approx(0, abs=1e-9)
    # 500 - 100 t from 2021: 400, 300, 200, 100, 0 then floored at 0
    assert [round(lin.projection[y]) for y in range(2021, 2027)] == [400, 300, 200, 100, 0, 0]
    assert f.methods["trend"].totals[2025] == pytest.approx(27000)
    geo = [f"methods.trend.history.{y}={1000 * 0.8 ** (y - 2015)}" for y in range(2015, 2021)]
    f = run_forecast("zhengzhou", [*geo, "methods.trend.use=best"])
    ex = f.trend_fits["exponential"]
    assert ex.coefficients == pytest.approx([1000, 0.8])
    assert ex.projection[2021] == pytest.approx(1000 * 0.8 ** 6)
    assert f.trend_fits["linear"].r2 < 1


def test_rounding_rules():
    assert _round(31000, "step_above", 1000) == 32000
    assert _round(39400, "step_above", 1000) == 40000
    assert _round(31000, "up", 1000) == 31000
    assert _round(31500, "nearest", 1000) == 32000
    assert _round(31499.9, "nearest", 1000) == 31000
    assert _round(31000.0000000001, "up", 1000) == 31000  # float noise is not a new step


def test_bad_forecast_input():
    with pytest.raises(InputError, match="unknown key 'growht'"):
        run_forecast("zhengzhou", ["methods.output.growht.2025=8"])
    with pytest.raises(InputError, match="anchor"):
        run_forecast("zhengzhou", ["combine.anchor=average"])
    with pytest.raises(InputError, match="weights"):
        run_forecast("zhengzhou", ["combine.anchor=weighted", "combine.weights.output=-1"])


def test_increment_overrides_keep_the_plan_when_nothing_changes():
    sets, rec = increment_overrides("zhengzhou", "2021-2025")
    assert sets[0] == "total_increment=6000"
    assert "sectors.electronics.quota={min: 2100, max: 2100}" in sets
    assert rec["factor"] == 1.0


def test_increment_from_forecast_scales_the_allocation():
    import landalloc

    # every figure scales, so the optimum does; the named bases' 10 ha minimums (a reading,
    # instance.yaml) do not, so the exact ratio holds with them off
    off = "plan_fit.base_minimum.ha=0"
    base = landalloc.solve("zhengzhou", "2021-2025", [off])
    sets, rec = increment_overrides("zhengzhou", "2021-2025", ["combine.anchor=quota"])
    assert rec["new_increment"] == 10000  # 35,000 -> 36,000 - 26,000
    scaled = landalloc.solve("zhengzhou", "2021-2025", [*sets, off])
    assert scaled.optimal
    k = 10000 / 6000
    assert scaled.objective == pytest.approx(base.objective * k, rel=1e-6)
    assert scaled.matrix().values.sum() == pytest.approx(10000)
    assert landalloc.solve("zhengzhou", "2021-2025", sets).optimal
    none, _ = increment_overrides("zhengzhou", "2021-2025", ["combine.anchor=quota"], "none")
    assert none == ["total_increment=10000"]
    assert landalloc.solve("zhengzhou", "2021-2025", none).status == "infeasible"


def test_cli_forecast_json_and_files(tmp_path):
    p = run("forecast", "--json", "--out", str(tmp_path))
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["final"] == {"2025": 32000, "2035": 40000}
    assert doc["methods"]["quota"]["params"]["correction_a"]["2021-2025"] == pytest.approx(
        0.4220, abs=1e-4)
    assert (tmp_path / "trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "31000" in (tmp_path / "methods.csv").read_text()
    assert math.isfinite(json.loads((tmp_path / "forecast.json").read_text())["base"]["land"])


def test_cli_forecast_one_method_and_bad_set():
    p = run("forecast", "--method", "trend")
    assert p.returncode == 0 and "趋势预测法" in p.stdout and "产值预测法" not in p.stdout
    p = run("forecast", "--set", "methods.trend.use=spline")
    assert p.returncode == 2 and "Traceback" not in p.stderr and "use" in p.stderr


def test_cli_solve_increment_from_forecast():
    p = run("solve", "--period", "2026-2035", "--increment-from", "forecast", "--forecast-set",
            "methods.trend.stated_supply.2026-2035=9400", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["increment_from_forecast"]["new_increment"] == 9000  # 40,400 -> 41,000 - 32,000
    assert sum(a["hectares"] for a in doc["allocation"]) == pytest.approx(9000)
    p = run("solve", "--forecast-set", "combine.anchor=quota")
    assert p.returncode == 2 and "--increment-from" in p.stderr
