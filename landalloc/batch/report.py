"""`batch --report`: the report of a batch's best scenario, beside the spread of all of them.

The best scenario (highest objective among the optimal single-period ones) is solved
again from its own source — a scenario file, or one row of an override table with the
batch's base — so its report has everything a single solve has. Every scenario's output
is shown as its change against the base (`--base`, else the plan the best scenario
extends) solved for the same period or linked periods, so scenarios of different periods
are compared with like.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from landalloc.batch.inputs import scenario_source
from landalloc.errors import InputError
from landalloc.present.answer import ranked
from landalloc.results.result import Result


def _single(summary: pd.DataFrame) -> pd.DataFrame:
    ok = summary[summary["status"] == "optimal"]
    linked = ok["period"].fillna("").str.contains(",")
    return ok[~linked]


def output_unit(summary: pd.DataFrame, base: str | None) -> str:
    """The output unit of the instance the batch's first solved scenario builds on (every
    screen of the batch quotes its objectives in it)."""
    from landalloc.plan.choices import DEFAULT_UNIT
    from landalloc.plan.yamlio import read_yaml
    from landalloc.problem.horizon import instance_file_of

    ok = summary[summary["status"] == "optimal"]
    if ok.empty:  # nothing solved: no objective is quoted
        return DEFAULT_UNIT
    first = ok.iloc[0]
    try:
        ref, _, _ = scenario_source(first["file"], first["row"], base, None)
        doc = read_yaml(instance_file_of(ref)[0], {}, nulls=False)
    except InputError:  # the file changed since it solved: the unit is not known
        return DEFAULT_UNIT
    return str(doc.get("objective_unit") or DEFAULT_UNIT)


def best_result(summary: pd.DataFrame, base: str | None, period: str | None) -> Result | None:
    """The optimal single-period scenario with the highest objective, solved again; None
    if none solved."""
    from landalloc.api import solve_loaded
    from landalloc.plan.loading import load

    ok = _single(summary)
    if ok.empty:
        return None
    best = ranked(ok).iloc[0]
    ref, per, overrides = scenario_source(best["file"], best["row"], base, period)
    result = solve_loaded(load(ref, best["period"] or per, overrides=overrides))
    result.record["scenario"] = str(best["scenario"])
    return result


def best_linked(summary: pd.DataFrame, base: str | None, period: str | None):
    """The optimal linked-period scenario with the highest objective, solved again as the
    one joint LP (a HorizonResult); None if none solved."""
    from landalloc.api import solve_horizon_problem
    from landalloc.problem.horizon import load_horizon

    ok = summary[summary["status"] == "optimal"]
    ok = ok[ok["period"].fillna("").str.contains(",")]
    if ok.empty:
        return None
    best = ranked(ok).iloc[0]
    ref, _, overrides = scenario_source(best["file"], best["row"], base, period)
    hr = solve_horizon_problem(load_horizon(ref, best["period"], overrides=overrides))
    hr.record["scenario"] = str(best["scenario"])
    return hr


def base_of(summary: pd.DataFrame, best: pd.Series, base: str | None) -> str:
    """What the scenarios are compared with: --base, else the instance the best extends."""
    if base is not None:
        return base
    from landalloc.plan.loading import load

    ref, _, _ = scenario_source(best["file"], best["row"], None, None)
    return str(load(ref, best["period"].split(",")[0]).instance_file)


def base_objectives(ref: str, periods: list[str]) -> dict[str, float | None]:
    """The base's optimal output for each period setting (None where it is not optimal)."""
    from landalloc.api import solve, solve_horizon

    out: dict[str, float | None] = {}
    for p in periods:
        try:
            r = solve_horizon(ref, p) if "," in p else solve(ref, p)
        except InputError:
            out[p] = None
            continue
        out[p] = r.objective if r.optimal else None
    return out


def with_change(summary: pd.DataFrame, base_obj: dict[str, float | None]) -> pd.Series:
    """Output minus the base's for the same period (NaN where either is missing)."""
    ref = summary["period"].map(lambda p: base_obj.get(p) if isinstance(p, str) else None)
    return summary["objective"] - pd.to_numeric(ref, errors="coerce")


def parameter_table(summary: pd.DataFrame, params: dict[int, dict], keys: list[str]
                    ) -> pd.DataFrame:
    """Long table parameter, value, status, change (one row per scenario and parameter)."""
    rows = []
    for r in summary.itertuples():
        p = params.get(int(r.id), {})
        for k in keys:
            if k in p and isinstance(p[k], int | float) and not isinstance(p[k], bool):
                rows.append((k, float(p[k]), r.status, r.change))
    return pd.DataFrame(rows, columns=["parameter", "value", "status", "change"])


def headline(best: pd.Series, params: dict, keys: list[str], base_name: str,
             unit: str, lang: str = "both", ties: int = 1) -> pd.DataFrame:
    """Cards: the best scenario (and how many share its output), its parameter values and
    its change against the base."""
    from landalloc.present.answer import fmt, say
    from landalloc.present.batch_screen import _value

    bp = params.get(int(best["id"]), {})
    shown = "; ".join(f"{k} = {_value(bp[k])}" for k in keys if k in bp) or "—"
    change = best["change"]
    per = best["period"]
    items = [(say(lang, "最优情景", "best scenario"), f"{best['scenario']} [{per}]"
              + (say(lang, f"（{ties} 个情景同为最优）", f" ({ties} scenarios tie)", " ")
                 if ties > 1 else "")),
             (say(lang, "参数", "parameters"), shown),
             (say(lang, f"较基准的产出变化（{unit}）", f"change against the base ({unit})"),
              f"{fmt(change, 1, sign=True)} ({base_name}, {per})" if change == change
              else say(lang, f"—（基准 {base_name} 在 {per} 无最优解）",
                       f"— (the base {base_name} has no optimum for {per})"))]
    return pd.DataFrame(items, columns=["item", "value"])


def write_batch_report(results_dir: Path, report_dir: Path, base: str | None,
                       period: str | None, lang: str = "both") -> list[Path]:
    """report.html / report.xlsx / figures: the best scenario, and every scenario's change
    against the base, over the batch and against each varied parameter."""
    from landalloc.batch.params import FIXED, parameters
    from landalloc.present.answer import ties_at_best
    from landalloc.present.batch_screen import varied
    from landalloc.present.report import write_report

    summary = pd.read_parquet(Path(results_dir) / "summary.parquet")
    result = best_result(summary, base, period)
    linked = None
    if result is None:  # only linked scenarios solved: the report of the best of them
        linked = best_linked(summary, base, period)
        if linked is None:
            raise InputError.one("no scenario of the batch solved to optimality: nothing to "
                                 "report (the tables are in the results folder)",
                                 file=str(results_dir))
    params = parameters(summary)  # before the columns added here
    keys = varied(params)
    ok = _single(summary) if linked is None else summary[summary["status"] == "optimal"]
    best = ranked(ok).iloc[0]
    ref = base_of(summary, best, base)
    periods = sorted({p for p in summary["period"].dropna() if p})
    summary["change"] = with_change(summary, base_objectives(ref, periods))
    name = Path(ref).parent.name if ref.endswith("instance.yaml") else Path(ref).stem
    summary["base"] = name
    best = summary.loc[best.name]
    unit = (result if linked is None else linked).lp.objective_unit
    shown = ["scenario", "status", "period", "objective", "change", "base",
             *[c for c in summary.columns if c not in FIXED and c not in ("change", "base")]]
    extras = {"batch": summary[shown],
              "batch_parameters": parameter_table(summary, params, keys),
              "headline": headline(best, params, keys, name, unit, lang,
                                   ties_at_best(ok["objective"]))}
    if linked is not None:
        from landalloc.present.report.horizon import write_horizon_report

        return write_horizon_report(linked, report_dir, lang, extras=extras)
    return write_report(result, report_dir, lang, extras=extras)
