"""Demand forecast of total industrial land: the three methods of Annex 2 and their combination.

The period increments the LP allocates come from here: final total at the end of a period
minus the final total at its start. Parameters live in `instances/<name>/forecast.yaml`, each
with its source in the plan or an assumption; analysts change them with `--set`.

Parameters the plan leaves out are calibrated to the plan's *own* inputs and figures once
(on the file as written), then held fixed when an analyst changes an input — otherwise a
recalibration would absorb every change and the forecast would never move.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from landalloc.errors import InputError, Problem
from landalloc.plan.datafile import apply_sets, validation_problems
from landalloc.plan.locate import INSTANCE_FILE, instances_root
from landalloc.plan.overrides import Override
from landalloc.plan.safefile import of_kind
from landalloc.plan.yamlio import Where, read_yaml

FORECAST_FILE = "forecast.yaml"
METHODS = ("output", "quota", "trend")
TREND_MODELS = ("linear", "quadratic", "cubic", "exponential")
#: The trend models' and the stated path's names in Chinese.
MODEL_ZH = {"linear": "线性", "quadratic": "二次", "cubic": "三次", "exponential": "指数",
            "stated": "规划所载年均供地"}
MU_PER_HA = 15  # 1 公顷 = 15 亩

# ---------------------------------------------------------------- the file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Param(_Strict):
    """One number with its provenance; `value: null` asks for calibration."""

    value: float | None = None
    unit: str | None = None
    source: str | None = None
    assumption: str | None = None
    note: str | None = None
    calibrate: Literal["base_year", "plan"] | None = None


YearParams = dict[int, Param]
PeriodParams = dict[str, Param]


class Base(_Strict):
    year: int
    land: Param


class Period(_Strict):
    start: int
    end: int
    source: str | None = None


class OutputMethod(_Strict):
    zh: str
    en: str
    source: str | None = None
    industrial_output_base: Param
    growth: YearParams
    per_ha_increase: YearParams
    output_per_ha_base: Param = Param()
    correction: Param
    plan: YearParams = Field(default_factory=dict)
    plan_summary: YearParams = Field(default_factory=dict)


class InvestmentGrowth(_Strict):
    base_year: int
    base_year_assumption: str | None = None
    rates: YearParams


class Investment(_Strict):
    degree: int = Field(ge=0, le=5)
    degree_source: str | None = None
    points: YearParams
    assumption: str | None = None


class QuotaMethod(_Strict):
    zh: str
    en: str
    source: str | None = None
    investment: Investment
    growth: InvestmentGrowth | None = None
    intensity: YearParams
    floor_area_ratio: PeriodParams
    floor_area_ratio_reference: Param
    correction: PeriodParams
    plan_increment: PeriodParams = Field(default_factory=dict)
    plan: YearParams = Field(default_factory=dict)


class TrendMethod(_Strict):
    zh: str
    en: str
    source: str | None = None
    history: YearParams
    history_note: str | None = None
    models: list[Literal["linear", "quadratic", "cubic", "exponential"]]
    use: Literal["stated", "best", "linear", "quadratic", "cubic", "exponential"] = "stated"
    use_note: str | None = None
    floor: Param = Param(value=0)
    stated_supply: PeriodParams = Field(default_factory=dict)
    plan: YearParams = Field(default_factory=dict)


class Methods(_Strict):
    output: OutputMethod
    quota: QuotaMethod
    trend: TrendMethod


class Combine(_Strict):
    anchor: Literal["trend", "output", "quota", "min", "max", "mean", "median",
                    "weighted"] = "trend"
    rounding: Literal["step_above", "up", "nearest", "none"] = "step_above"
    step: float = Field(1000, gt=0)
    weights: dict[Literal["output", "quota", "trend"], float] = Field(default_factory=dict)
    assumption: str | None = None
    plan: YearParams = Field(default_factory=dict)


class ForecastSpec(_Strict):
    name: str
    title: str | None = None
    base: Base
    periods: dict[str, Period]
    methods: Methods
    combine: Combine

    @property
    def horizons(self) -> list[int]:
        return [p.end for p in self.periods.values()]


# ---------------------------------------------------------------- results


@dataclass
class MethodResult:
    """One method's forecast of total land at each horizon, beside the plan's figures."""

    key: str
    zh: str
    en: str
    totals: dict[int, float]
    plan: dict[int, tuple[float, str]]  # year -> (value, where)
    plan_summary: dict[int, tuple[float, str]] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)  # calibrated and derived values
    explanations: list[str] = field(default_factory=list)
    explanations_zh: list[str] = field(default_factory=list)  # the same, in Chinese

    def explain(self, en: str, zh: str) -> None:
        """One note on how this method differs from the plan, in English and Chinese."""
        self.explanations.append(en)
        self.explanations_zh.append(zh)

    def label(self) -> str:
        return f"{self.zh} {self.en}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.key, "zh": self.zh, "en": self.en,
            "totals": {str(y): v for y, v in self.totals.items()},
            "plan": {str(y): {"value": v, "where": w} for y, (v, w) in self.plan.items()},
            "plan_summary": {str(y): {"value": v, "where": w}
                             for y, (v, w) in self.plan_summary.items()},
            "params": _jsonable(self.params),
            "explanations": self.explanations,
            "explanations_zh": self.explanations_zh,
        }


@dataclass
class TrendFit:
    model: str
    coefficients: list[float]
    r2: float
    r2_adjusted: float
    rmse: float
    projection: dict[int, float]  # yearly supply after the base year, floored

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "coefficients": self.coefficients, "r2": self.r2,
                "r2_adjusted": self.r2_adjusted, "rmse": self.rmse,
                "projection": {str(y): v for y, v in self.projection.items()}}


@dataclass
class Forecast:
    """All three methods, the combination, and the period increments that follow."""

    spec: ForecastSpec
    file: Path
    methods: dict[str, MethodResult]
    trend_fits: dict[str, TrendFit]
    final: dict[int, float]
    increments: dict[str, float]
    combine: dict[str, Any]
    overrides: list[Override]

    @property
    def base_year(self) -> int:
        return self.spec.base.year

    @property
    def base_land(self) -> float:
        return _need(self.spec.base.land, "base.land")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.spec.name,
            "file": str(self.file),
            "base": {"year": self.base_year, "land": self.base_land},
            "methods": {k: m.to_dict() for k, m in self.methods.items()},
            "trend_fits": {k: f.to_dict() for k, f in self.trend_fits.items()},
            "final": {str(y): v for y, v in self.final.items()},
            "increments": self.increments,
            "combine": _jsonable(self.combine),
            "overrides": [{"path": o.path, "old": o.old, "new": o.value} for o in self.overrides],
        }


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


# ---------------------------------------------------------------- loading


def resolve_forecast(ref: str | Path | None = None) -> Path:
    """An instance name, instance folder, instance.yaml or forecast.yaml -> forecast.yaml."""
    if ref is None:
        ref = "zhengzhou"
    path = Path(ref)
    if path.is_dir():
        return path / FORECAST_FILE
    if path.name == INSTANCE_FILE:
        return path.parent / FORECAST_FILE
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    return instances_root() / str(ref) / FORECAST_FILE


def _validate(data: Any, file: Path, where: Where,
              found: list[Problem] | None = None) -> ForecastSpec:
    """The checked forecast file; a file that is not one at all is refused unquoted, then
    `found` (what reading it noted) is raised."""
    of_kind(data, ("base", "periods", "methods", "combine"), str(file), "a forecast file")
    if found:
        raise InputError(found)
    try:
        spec = ForecastSpec.model_validate(data)
    except ValidationError as err:
        raise InputError(validation_problems(err, where, str(file), ForecastSpec)) from None
    problems = _meaning_problems(spec, where, str(file))
    if problems:
        raise InputError(problems)
    return spec


def _meaning_problems(spec: ForecastSpec, where: Where, file: str) -> list[Problem]:
    """What the methods need beyond the file's shape: the base year before every period,
    periods that end after they start, and positive levels that the formulas divide by.
    Each problem names its key, and the file's line or the --set that made it."""
    out: list[Problem] = []

    def problem(message: str, *key: str) -> None:
        at = next((where[key[:n]] for n in range(len(key), 0, -1) if key[:n] in where),
                  (file, None))
        out.append(Problem(message, at[0], ".".join(key), at[1]))

    by = spec.base.year
    for name, p in spec.periods.items():
        if p.start > p.end:
            problem(f"starts in {p.start}, after its end {p.end}", "periods", name, "start")
    first = min((p.start for p in spec.periods.values()), default=None)
    if first is not None and first <= by:
        problem(f"{by} is not before the first period's start ({first}): the forecast "
                "runs from the base year", "base", "year")
    positive = [(spec.base.land, ("base", "land")),
                (spec.methods.output.industrial_output_base,
                 ("methods", "output", "industrial_output_base")),
                (spec.methods.output.output_per_ha_base,
                 ("methods", "output", "output_per_ha_base"))]
    for param, key in positive:
        if param.value is not None and not param.value > 0:
            problem(f"{param.value:g} is not above 0 (the forecast divides by it)", *key)
    return list({(p.key, p.message): p for p in out}.values())


def load_spec(ref: str | Path | None = None, sets: list[str] | None = None,
              origin: str = "--set") -> tuple[ForecastSpec, ForecastSpec, Path, list[Override]]:
    """The forecast file as written (for calibration) and after `--set` (for the forecast)."""
    file = resolve_forecast(ref)
    where: Where = {}
    found: list[Problem] = []  # reported once the file is known to be a forecast file
    raw = read_yaml(file, where, problems=found)
    base = _validate(raw, file, where, found)
    data, done = apply_sets(raw, sets or [], origin, where)
    spec = _validate(data, file, where) if done else base
    return base, spec, file, done


def _need(p: Param, key: str) -> float:
    if p.value is None:
        raise InputError.one("a number is needed here", file=FORECAST_FILE, key=key)
    return float(p.value)


def _plan_map(m: YearParams) -> dict[int, tuple[float, str]]:
    return {y: (float(p.value), p.source or "") for y, p in m.items() if p.value is not None}


# ---------------------------------------------------------------- output-value method


def _output_raw(spec: ForecastSpec) -> dict[str, Any]:
    """Q, T and Q/T at each horizon (before the correction a)."""
    m = spec.methods.output
    by = spec.base.year
    q0 = _need(m.industrial_output_base, "methods.output.industrial_output_base")
    s0 = _need(spec.base.land, "base.land")
    t0 = m.output_per_ha_base.value
    t0 = float(t0) if t0 is not None else q0 / s0
    q, t = {}, {}
    for y in spec.horizons:
        if y not in m.growth or y not in m.per_ha_increase:
            raise InputError.one(f"no growth or per_ha_increase for {y}", file=FORECAST_FILE,
                                 key="methods.output")
        g = _need(m.growth[y], f"methods.output.growth.{y}")
        p = _need(m.per_ha_increase[y], f"methods.output.per_ha_increase.{y}")
        q[y] = q0 * (1 + g / 100) ** (y - by)
        t[y] = t0 * (1 + p / 100)
        if t[y] <= 0:
            raise InputError.one("output per ha must stay positive", file=FORECAST_FILE,
                                 key=f"methods.output.per_ha_increase.{y}")
    return {"q0": q0, "t0": t0, "s0": s0, "q": q, "t": t}


def output_method(spec: ForecastSpec, base: ForecastSpec) -> MethodResult:
    """S = a * Q / T; a from the base year (or the plan's figures, or a given number)."""
    m = spec.methods.output
    raw = _output_raw(spec)
    ratio = {y: raw["q"][y] / raw["t"][y] for y in spec.horizons}
    plan = _plan_map(m.plan)
    braw = _output_raw(base)
    a_plan = {y: plan[y][0] / (braw["q"][y] / braw["t"][y]) for y in plan if y in braw["q"]}
    if m.correction.value is not None:
        a = {y: float(m.correction.value) for y in spec.horizons}
        how = "given"
    elif m.correction.calibrate == "plan":
        missing = [y for y in spec.horizons if y not in a_plan]
        if missing:
            raise InputError.one(f"calibrate: plan needs a plan figure for {missing}",
                                 file=FORECAST_FILE, key="methods.output.plan")
        a = a_plan
        how = "calibrated to the plan's figures (Table 2-1), per year"
    else:
        a0 = raw["s0"] * raw["t0"] / raw["q0"]
        a = {y: a0 for y in spec.horizons}
        how = f"calibrated on the base year: S({spec.base.year}) = {raw['s0']:,.0f} ha"
    totals = {y: a[y] * ratio[y] for y in spec.horizons}
    res = MethodResult("output", m.zh, m.en, totals, plan, _plan_map(m.plan_summary))
    res.params = {
        "industrial_output": {str(spec.base.year): raw["q0"],
                              **{str(y): raw["q"][y] for y in spec.horizons}},
        "output_per_ha": {str(spec.base.year): raw["t0"],
                          **{str(y): raw["t"][y] for y in spec.horizons}},
        "output_per_mu_10k_yuan": {str(spec.base.year): raw["t0"] * 1e4 / MU_PER_HA,
                                   **{str(y): raw["t"][y] * 1e4 / MU_PER_HA
                                      for y in spec.horizons}},
        "correction_a": {str(y): a[y] for y in spec.horizons},
        "correction_how": how,
        "correction_a_to_reproduce_plan": {str(y): v for y, v in a_plan.items()},
    }
    # What the plan's figure would need, with the plan's inputs and a from the base year.
    a0 = braw["s0"] * braw["t0"] / braw["q0"]
    for y, (pv, where) in plan.items():
        if y not in braw["q"]:
            continue
        own = a0 * braw["q"][y] / braw["t"][y]
        by = base.base.year
        g_need = ((pv / braw["s0"]) * (braw["t"][y] / braw["t0"])) ** (1 / (y - by)) - 1
        p_need = (a0 * braw["q"][y] / braw["t0"]) / pv - 1
        p_plan = _need(base.methods.output.per_ha_increase[y], "per_ha_increase")
        res.explain(
            f"{y}: the plan's inputs give {own:,.0f} ha with a calibrated on {by}; "
            f"{where} prints {pv:,.0f} ha. Reproducing it needs a = {a_plan[y]:.3f}, or "
            f"output growth {g_need * 100:.2f} %/yr, or an output-per-ha increase of "
            f"{p_need * 100:.0f} % instead of {p_plan:.0f} %.",
            f"{y}：按规划的输入、以 {by} 年校准 a，得 {own:,.0f} 公顷；{where} 所载为 "
            f"{pv:,.0f} 公顷。要得出规划数，需 a = {a_plan[y]:.3f}，或产值年均增长 "
            f"{g_need * 100:.2f} %，或地均产值提高 {p_need * 100:.0f} %（而非 "
            f"{p_plan:.0f} %）。")
    for y, (pv, where) in res.plan_summary.items():
        if y in plan and plan[y][0] != pv:
            res.explain(
                f"{y}: {where} prints {pv:,.0f} ha for this method, {plan[y][1]} "
                f"{plan[y][0]:,.0f} ha.",
                f"{y}：{where} 所载本方法为 {pv:,.0f} 公顷，{plan[y][1]} 为 "
                f"{plan[y][0]:,.0f} 公顷。")
    return res


# ---------------------------------------------------------------- investment-quota method


def _investment_fit(inv: Investment) -> tuple[np.poly1d, float]:
    years = sorted(inv.points)
    if len(years) < inv.degree + 1:
        raise InputError.one(f"a degree-{inv.degree} fit needs at least {inv.degree + 1} "
                             f"points, got {len(years)}", file=FORECAST_FILE,
                             key="methods.quota.investment.points")
    x = np.array(years, float)
    y = np.array([_need(inv.points[k], f"methods.quota.investment.points.{k}") for k in years])
    return np.poly1d(np.polyfit(x - x[0], y, inv.degree)), x[0]


def _intensity(m: QuotaMethod, year: int) -> float:
    ys = sorted(m.intensity)
    vals = [_need(m.intensity[y], f"methods.quota.intensity.{y}") for y in ys]
    d = float(np.interp(year, ys, vals))
    if d <= 0:
        raise InputError.one("intensity must be positive", file=FORECAST_FILE,
                             key="methods.quota.intensity")
    return d


def _quota_raw(spec: ForecastSpec) -> dict[str, Any]:
    """sum over each period's years of b * G / D (ha), before the correction a."""
    m = spec.methods.quota
    poly, x0 = _investment_fit(m.investment)
    ref = _need(m.floor_area_ratio_reference, "methods.quota.floor_area_ratio_reference")
    series, raw, b = {}, {}, {}
    for name, p in spec.periods.items():
        if name not in m.floor_area_ratio:
            raise InputError.one(f"no floor-area ratio for period {name}", file=FORECAST_FILE,
                                 key="methods.quota.floor_area_ratio")
        far = _need(m.floor_area_ratio[name], f"methods.quota.floor_area_ratio.{name}")
        if far <= 0:
            raise InputError.one("floor-area ratio must be positive", file=FORECAST_FILE,
                                 key=f"methods.quota.floor_area_ratio.{name}")
        b[name] = ref / far
        total = 0.0
        for year in range(p.start, p.end + 1):
            g = float(poly(year - x0))
            d = _intensity(m, year)
            series[year] = {"investment": g, "intensity": d}
            # investment in units of 10^8 yuan, intensity in 10^4 yuan/ha (forecast.yaml)
            total += b[name] * g * 1e4 / d
        raw[name] = total
    return {"poly": poly, "x0": x0, "series": series, "raw": raw, "b": b}


def quota_method(spec: ForecastSpec, base: ForecastSpec) -> MethodResult:
    """S_i = sum a * b * G / D per period; a calibrated on the plan's increments."""
    m = spec.methods.quota
    raw = _quota_raw(spec)
    braw = _quota_raw(base)
    bm = base.methods.quota
    a_plan = {p: _need(bm.plan_increment[p], f"methods.quota.plan_increment.{p}") / braw["raw"][p]
              for p in base.periods if p in bm.plan_increment}
    a, how = {}, {}
    for name in spec.periods:
        c = m.correction.get(name)
        if c is not None and c.value is not None:
            a[name], how[name] = float(c.value), "given"
        elif name in a_plan:
            a[name], how[name] = a_plan[name], "calibrated to the plan's increment"
        else:
            raise InputError.one(f"no correction and no plan increment to calibrate it for "
                                 f"period {name}", file=FORECAST_FILE,
                                 key="methods.quota.correction")
    land = _need(spec.base.land, "base.land")
    totals, inc = {}, {}
    for name, p in spec.periods.items():
        inc[name] = a[name] * raw["raw"][name]
        land += inc[name]
        totals[p.end] = land
    res = MethodResult("quota", m.zh, m.en, totals, _plan_map(m.plan))
    by = m.growth.base_year if m.growth else None
    res.params = {
        "investment_fit": {"degree": m.investment.degree,
                           "coefficients_from": int(raw["x0"]),
                           "coefficients": [float(c) for c in raw["poly"].coeffs]},
        "yearly": {str(y): v for y, v in raw["series"].items()},
        "far_correction_b": raw["b"],
        "correction_a": a,
        "correction_how": how,
        "increment": inc,
        "increment_before_a": raw["raw"],
    }
    if len(a_plan) > 1:
        vals = list(a_plan.values())
        res.explain(
            "one correction cannot reproduce both periods: a = "
            + ", ".join(f"{v:.3f} ({p})" for p, v in a_plan.items())
            + f"; the later period needs {vals[-1] / vals[0]:.2f} times the earlier one.",
            "一个修正系数无法同时得出两期的规划数：a = "
            + "、".join(f"{v:.3f}（{p}）" for p, v in a_plan.items())
            + f"；后期需为前期的 {vals[-1] / vals[0]:.2f} 倍。")
    if m.growth is not None and by is not None:
        g_by = float(raw["poly"](by - raw["x0"]))
        parts, parts_zh = [], []
        for y, r in sorted(m.growth.rates.items()):
            g_y = float(raw["poly"](y - raw["x0"]))
            implied = ((g_y / g_by) ** (1 / (y - by)) - 1) * 100 if g_by > 0 else math.nan
            parts.append(f"{y}: {implied:.2f} %/yr (plan {_need(r, '')} %/yr)")
            parts_zh.append(f"{y} 年 {implied:.2f} %/年（规划 {_need(r, '')} %/年）")
        res.params["investment_fit_growth_from"] = {"year": by, "investment": g_by}
        res.explain(
            f"the fitted series gives {g_by:,.0f} (10^8 yuan) in {by}; average growth from "
            f"{by}: " + "; ".join(parts) + ".",
            f"拟合序列 {by} 年为 {g_by:,.0f}（10^8 元）；自 {by} 年起的年均增长："
            + "；".join(parts_zh) + "。")
    return res


# ---------------------------------------------------------------- trend method


def _fit(model: str, x: np.ndarray, y: np.ndarray) -> tuple[list[float], int]:
    """Coefficients (highest power first; a, b of a*b^t for exponential) and their count."""
    if model == "exponential":  # least squares on ln y, as the textbook trend method does
        if np.any(y <= 0):
            raise InputError.one("the exponential trend needs positive supply in every year",
                                 file=FORECAST_FILE, key="methods.trend.history")
        c = np.polyfit(x, np.log(y), 1)
        return [float(math.exp(c[1])), float(math.exp(c[0]))], 2
    deg = {"linear": 1, "quadratic": 2, "cubic": 3}[model]
    if len(x) < deg + 1:
        raise InputError.one(f"{model} needs at least {deg + 1} years of history",
                             file=FORECAST_FILE, key="methods.trend.history")
    return [float(v) for v in np.polyfit(x, y, deg)], deg + 1


def _predict(model: str, coef: list[float], x: np.ndarray) -> np.ndarray:
    if model == "exponential":
        return coef[0] * coef[1] ** x
    return np.polyval(coef, x)


def trend_fits(spec: ForecastSpec) -> dict[str, TrendFit]:
    """Least-squares fits of annual supply; R², adjusted R² and RMSE on the history."""
    m = spec.methods.trend
    years = sorted(m.history)
    y = np.array([_need(m.history[k], f"methods.trend.history.{k}") for k in years])
    x = np.array(years, float) - years[0]
    floor = _need(m.floor, "methods.trend.floor")
    last = max(spec.horizons)
    future = np.arange(spec.base.year + 1, last + 1)
    fits = {}
    sst = float(np.sum((y - y.mean()) ** 2))
    for model in m.models:
        coef, k = _fit(model, x, y)
        fitted = _predict(model, coef, x)
        sse = float(np.sum((y - fitted) ** 2))
        n = len(y)
        r2 = 1 - sse / sst if sst > 0 else math.nan
        r2a = 1 - (1 - r2) * (n - 1) / (n - k) if n > k else math.nan
        proj = np.maximum(_predict(model, coef, future - years[0]), floor)
        fits[model] = TrendFit(model, coef, r2, r2a, math.sqrt(sse / n),
                               {int(t): float(v) for t, v in zip(future, proj, strict=True)})
    return fits


def trend_method(spec: ForecastSpec, fits: dict[str, TrendFit]) -> MethodResult:
    """Total land = base + cumulative supply: the plan's stated totals or a fitted trend."""
    m = spec.methods.trend
    use = m.use
    if use == "best":
        if not fits:
            raise InputError.one("use: best needs at least one model", file=FORECAST_FILE,
                                 key="methods.trend.models")
        use = max(fits, key=lambda k: (np.nan_to_num(fits[k].r2_adjusted, nan=-np.inf),
                                       -len(fits[k].coefficients)))
    supply: dict[str, float] = {}
    for name, p in spec.periods.items():
        if use == "stated":
            if name not in m.stated_supply:
                raise InputError.one(f"no stated supply for period {name}", file=FORECAST_FILE,
                                     key="methods.trend.stated_supply")
            supply[name] = _need(m.stated_supply[name], f"methods.trend.stated_supply.{name}")
        else:
            if use not in fits:
                raise InputError.one(f"model '{use}' is not in models ({', '.join(m.models)})",
                                     file=FORECAST_FILE, key="methods.trend.use")
            proj = fits[use].projection
            supply[name] = sum(proj[t] for t in range(p.start, p.end + 1))
    land = _need(spec.base.land, "base.land")
    totals = {}
    for name, p in spec.periods.items():
        land += supply[name]
        totals[p.end] = land
    res = MethodResult("trend", m.zh, m.en, totals, _plan_map(m.plan))
    res.params = {"use": use, "supply": supply,
                  "annual_mean": {n: supply[n] / (p.end - p.start + 1)
                                  for n, p in spec.periods.items()}}
    # The yearly path the stated totals imply: a straight line through the period means.
    stated = {n: p for n, p in m.stated_supply.items() if p.value is not None and n in spec.periods}
    if len(stated) >= 2:
        mid = np.array([(spec.periods[n].start + spec.periods[n].end) / 2 for n in stated])
        mean = np.array([float(p.value) / (spec.periods[n].end - spec.periods[n].start + 1)
                         for n, p in stated.items()])
        slope, icpt = np.polyfit(mid, mean, 1)
        at_base = slope * spec.base.year + icpt
        res.params["stated_path"] = {"slope_ha_per_year": float(slope),
                                     f"value_{spec.base.year}": float(at_base)}
        rec = m.history.get(spec.base.year)
        recorded = rec is not None and rec.value is not None
        tail = f" against {float(rec.value):,.0f} ha recorded" if recorded else ""
        tail_zh = f"（记录值为 {float(rec.value):,.0f} 公顷）" if recorded else ""
        res.explain(
            "the stated totals are a straight yearly path through the period averages ("
            + ", ".join(f"{v:,.0f} ha/yr at {c:g}" for v, c in zip(mean, mid, strict=True))
            + f"): {slope:+.1f} ha per year, {at_base:,.0f} ha in {spec.base.year}{tail}.",
            "规划所载各期总量连成一条穿过各期年均值的逐年直线（"
            + "、".join(f"{c:g} 年 {v:,.0f} 公顷/年" for v, c in zip(mean, mid, strict=True))
            + f"）：每年 {slope:+.1f} 公顷，{spec.base.year} 年为 {at_base:,.0f} 公顷"
            + f"{tail_zh}。")
    first, last_h = min(m.history), max(m.history)
    if len(m.history) >= 2:
        h0, h1 = float(m.history[first].value), float(m.history[last_h].value)
        rate = ((h1 / h0) ** (1 / (last_h - first)) - 1) * 100
        res.explain(
            f"history {first}—{last_h}: {h0:,.0f} -> {h1:,.0f} ha, {rate:+.1f} %/yr "
            "compounded; " + ", ".join(f"{k} {f.r2:.3f}" for k, f in fits.items())
            + " (R²).",
            f"{first}—{last_h} 年历史：{h0:,.0f} -> {h1:,.0f} 公顷，复合年均 {rate:+.1f} %；"
            + "，".join(f"{MODEL_ZH.get(k, k)} {f.r2:.3f}" for k, f in fits.items())
            + "（R²）。")
    return res


# ---------------------------------------------------------------- combination


def _round(x: float, rule: str, step: float) -> float:
    q = round(x / step, 9)
    if rule == "step_above":
        return (math.floor(q) + 1) * step
    if rule == "up":
        return math.ceil(q) * step
    if rule == "nearest":
        return math.floor(q + 0.5) * step
    return x


def combine(spec: ForecastSpec, methods: dict[str, MethodResult]) -> tuple[dict[int, float],
                                                                         dict[str, Any]]:
    """Final total per horizon from the methods' totals, by the file's stated rule."""
    c = spec.combine
    final, anchors = {}, {}
    for y in spec.horizons:
        vals = {k: methods[k].totals[y] for k in METHODS}
        if c.anchor in METHODS:
            v = vals[c.anchor]
        elif c.anchor == "min":
            v = min(vals.values())
        elif c.anchor == "max":
            v = max(vals.values())
        elif c.anchor == "mean":
            v = float(np.mean(list(vals.values())))
        elif c.anchor == "median":
            v = float(np.median(list(vals.values())))
        else:
            w = {k: c.weights.get(k, 0.0) for k in METHODS}
            if sum(w.values()) <= 0 or any(x < 0 for x in w.values()):
                raise InputError.one("weights must be non-negative and not all zero",
                                     file=FORECAST_FILE, key="combine.weights")
            v = sum(w[k] * vals[k] for k in METHODS) / sum(w.values())
        anchors[y] = v
        final[y] = _round(v, c.rounding, c.step)
    info: dict[str, Any] = {"anchor": c.anchor, "rounding": c.rounding, "step": c.step,
                            "anchor_values": anchors, "rule": c.assumption}
    plan = _plan_map(c.plan)
    if all(y in plan for y in spec.horizons):
        info["plan"] = {y: v for y, (v, _) in plan.items()}
        # Weights (summing to 1) that would hit the plan's finals exactly from these totals.
        rows = [[methods[k].totals[y] for k in METHODS] for y in spec.horizons]
        a = np.array([*rows, [1.0] * len(METHODS)])
        b = np.array([plan[y][0] for y in spec.horizons] + [1.0])
        w, *_ = np.linalg.lstsq(a, b, rcond=None)
        info["weights_to_reproduce_plan"] = dict(zip(METHODS, map(float, w), strict=True))
        table = [[methods[k].plan_summary.get(y, methods[k].plan.get(y, (math.nan, "")))[0]
                  for k in METHODS] for y in spec.horizons]
        if not np.isnan(table).any():
            w2, *_ = np.linalg.lstsq(np.array([*table, [1.0] * 3]), b, rcond=None)
            info["weights_to_reproduce_plan_from_table_2_5"] = dict(
                zip(METHODS, map(float, w2), strict=True))
    return final, info


# ---------------------------------------------------------------- the whole forecast


def run_forecast(ref: str | Path | None = None, sets: list[str] | None = None,
                 origin: str = "--set") -> Forecast:
    """Load forecast.yaml (+ `--set`), run the three methods and combine them."""
    base, spec, file, done = load_spec(ref, sets, origin)
    fits = trend_fits(spec)
    methods = {"output": output_method(spec, base), "quota": quota_method(spec, base),
               "trend": trend_method(spec, fits)}
    final, info = combine(spec, methods)
    increments, prev = {}, _need(spec.base.land, "base.land")
    for name, p in spec.periods.items():
        increments[name] = final[p.end] - prev
        prev = final[p.end]
    return Forecast(spec, file, methods, fits, final, increments, info, done)


# ---------------------------------------------------------------- feeding the LP


def _num(v: float) -> str:
    """Full precision: scaled exact quotas must still add up to the scaled total."""
    v = float(v)
    return str(int(v)) if v == int(v) else repr(v)


def _bound_text(bound: Any, k: float) -> str | None:
    if bound is None:
        return None
    sides = {s: getattr(bound, s) for s in ("min", "max") if getattr(bound, s) is not None}
    if not sides:
        return None
    return "{" + ", ".join(f"{s}: {_num(v * k)}" for s, v in sides.items()) + "}"


def increment_overrides(ref: str | Path | None = None, period: str | None = None,
                        forecast_sets: list[str] | None = None,
                        scale_rules: Literal["proportional", "none"] = "proportional",
                        ) -> tuple[list[str], dict[str, Any]]:
    """`--set` texts that take the period's increment from the forecast.

    proportional: every hectare rule of the period (sector quotas, district caps, zone and
    group totals) is scaled by new/old increment, so the plan's structure is kept; shares
    are fractions and stay. none: only the total changes (the plan's exact quotas then
    usually conflict with it — the solve says which). Returns the texts and a record.
    """
    from landalloc.plan.loading import load

    loaded = load(ref, period, [])
    inst = loaded.instance
    fc = run_forecast(loaded.instance_file.parent / FORECAST_FILE, forecast_sets,
                      "--forecast-set")
    if inst.period not in fc.increments:
        raise InputError.one(f"the forecast has no period '{inst.period}' "
                             f"(known: {', '.join(fc.increments)})", file=str(fc.file),
                             key="periods")
    new = fc.increments[inst.period]
    if new <= 0:
        raise InputError.one(f"the forecast gives {new:,.0f} ha of new land for {inst.period}; "
                             "an increment must be positive", file=str(fc.file), key="combine")
    old_b = inst.total_increment
    old = old_b.max if old_b.max is not None else old_b.min
    k = new / old if scale_rules == "proportional" else 1.0
    sets = [f"total_increment={_num(new)}"]
    if scale_rules == "proportional":
        for sid, s in inst.sectors.items():
            if (t := _bound_text(s.quota, k)) is not None:
                sets.append(f"sectors.{sid}.quota={t}")
        for did, d in inst.districts.items():
            if (t := _bound_text(d.cap, k)) is not None:
                sets.append(f"districts.{did}.cap={t}")
        for zid, z in inst.zones.items():
            if (t := _bound_text(z.total, k)) is not None:
                sets.append(f"zones.{zid}.total={t}")
        for gid, g in inst.sector_groups.items():
            if (t := _bound_text(g.total, k)) is not None:
                sets.append(f"sector_groups.{gid}.total={t}")
    record = {"period": inst.period, "old_increment": old, "new_increment": new,
              "scale_rules": scale_rules, "factor": k, "forecast_file": str(fc.file),
              "forecast_overrides": [{"path": o.path, "old": o.old, "new": o.value}
                                     for o in fc.overrides],
              "final": {str(y): v for y, v in fc.final.items()}}
    return sets, record
