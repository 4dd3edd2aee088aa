"""`batch --report`: the report of a batch's best scenario, beside the spread of all of them.

The best scenario (highest objective among the optimal ones) is solved again from its own
source — a scenario file, or one row of an override table with the batch's base — so its
report has everything a single solve has: allocation, totals, rules, ranging.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from landalloc.batch.inputs import META_COLUMNS, _clean, _resolve_base
from landalloc.errors import InputError
from landalloc.plan.overrides import Override
from landalloc.results.result import Result


def _table_row(table: Path, row: int) -> dict:
    if table.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(table).slice(row, 1).to_pylist()[0]
    import pyarrow.csv as pcsv

    return pcsv.read_csv(table).slice(row, 1).to_pylist()[0]


def best_result(summary: pd.DataFrame, base: str | None, period: str | None) -> Result | None:
    """The optimal scenario with the highest objective, solved again; None if none solved."""
    from landalloc.api import solve, solve_loaded
    from landalloc.plan.loading import load

    ok = summary[summary["status"] == "optimal"]
    if ok.empty:
        return None
    best = ok.loc[ok["objective"].idxmax()]
    if pd.isna(best["row"]):
        return solve(best["file"], period)
    table, row = Path(best["file"]), int(best["row"])
    rec = _table_row(table, row)
    origin = f"{table} row {row}"
    overrides = [Override(k, v, origin) for k, raw in rec.items()
                 if k not in META_COLUMNS and (v := _clean(raw)) is not None]
    ref = _resolve_base(table, _clean(rec.get("extends")), base)
    per = _clean(rec.get("period")) or period
    result = solve_loaded(load(ref, per, overrides=overrides))
    result.record["scenario"] = str(best["scenario"])
    return result


def write_batch_report(results_dir: Path, report_dir: Path, base: str | None,
                       period: str | None, lang: str = "both") -> list[Path]:
    """report.html / report.xlsx / figures for the best scenario, with the batch's spread."""
    from landalloc.present.report import write_report

    summary = pd.read_parquet(Path(results_dir) / "summary.parquet")
    result = best_result(summary, base, period)
    if result is None:
        raise InputError.one("no scenario of the batch solved to optimality: nothing to "
                             "report", file=str(results_dir))
    return write_report(result, report_dir, lang,
                        extras={"batch": summary[["scenario", "status", "objective"]]})
