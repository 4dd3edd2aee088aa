"""Putting a report together: charts, workbook and page, written only once all are made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from landalloc.errors import InputError
from landalloc.present.report import charts, compare_charts, excel, html, pdf, tables
from landalloc.present.report.figure import Chart, style
from landalloc.present.report.labels import Labels, check_lang
from landalloc.present.report.maps_geo import boundaries_for
from landalloc.present.report.tiles import layout_for
from landalloc.results.result import Result

REPORT_HTML = "report.html"
REPORT_XLSX = "report.xlsx"
REPORT_PDF = "report.pdf"
FIGURES = "figures"

#: extras key -> columns it must have. Other columns are kept (shown in the workbook).
EXTRAS_COLUMNS: dict[str, tuple[str, ...]] = {
    "sweep": ("value", "objective"),
    "batch": ("objective",),
    "batch_parameters": ("parameter", "value", "status", "change"),
    "headline": ("item", "value"),
    "ranging": ("name", "range_lower", "range_upper"),
}


def check_extras(extras: dict[str, Any] | None) -> dict[str, Any]:
    """Extras as documented in `write_report`, or an InputError naming what is missing."""
    if not extras:
        return {}
    problems = []
    for key, value in extras.items():
        if key not in EXTRAS_COLUMNS:
            problems.append(f"unknown extras key '{key}' (known: {', '.join(EXTRAS_COLUMNS)})")
            continue
        frames = value if isinstance(value, list) and key == "sweep" else [value]
        for df in frames:
            if not isinstance(df, pd.DataFrame):
                problems.append(f"extras['{key}'] must be a pandas DataFrame")
                continue
            miss = [c for c in EXTRAS_COLUMNS[key] if c not in df.columns]
            if miss:
                problems.append(f"extras['{key}'] lacks column(s) {', '.join(miss)} "
                                f"(has: {', '.join(map(str, df.columns))})")
    if problems:
        raise InputError.one("; ".join(problems), key="extras")
    return dict(extras)


def _sweeps(extras: dict[str, Any]) -> list[pd.DataFrame]:
    sw = extras.get("sweep")
    if sw is None:
        return []
    frames = sw if isinstance(sw, list) else [sw]
    out = []
    for df in frames:  # one chart per swept parameter
        if "parameter" in df.columns and df["parameter"].nunique() > 1:
            out += [g for _, g in df.groupby("parameter", sort=False)]
        else:
            out.append(df)
    return out


def _extra_charts(extras: dict[str, Any], lb: Labels, sectors: list[str],
                  unit: str) -> list[Chart]:
    out: list[Chart] = []
    for i, df in enumerate(_sweeps(extras)):
        c = charts.sweep(df, lb, sectors, unit, key=f"sweep_{i + 1}")
        if c is not None:
            out.append(c)
    if isinstance(extras.get("batch"), pd.DataFrame):
        from landalloc.present.report import batch_charts

        df = extras["batch"]
        c = (batch_charts.distribution(df, lb, unit) if "change" in df.columns
             else charts.batch_distribution(df, lb, unit))
        if c is not None:
            out.append(c)
    if isinstance(extras.get("batch_parameters"), pd.DataFrame):
        from landalloc.present.report import batch_charts

        c = batch_charts.against_parameters(extras["batch_parameters"], lb, unit)
        if c is not None:
            out.append(c)
    return out


def _write_all(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """The whole folder at once (built beside it, then swapped in): never half a report."""
    from landalloc.atomic import write_folder

    return write_folder(out_dir, "report", files)


def _files(charts_: list[Chart], xlsx: bytes, page: str) -> dict[str, bytes]:
    files = {f"{FIGURES}/{c.key}.png": c.png for c in charts_}
    files[REPORT_XLSX] = xlsx
    files[REPORT_HTML] = page.encode("utf-8")
    return files


def _headline(result: Result, lb: Labels) -> list[tuple[str, str]]:
    unit = result.lp.objective_unit
    items = [(lb.text("status"), result.status),
             (f"{lb.text('objective')} ({unit})", html.fmt(result.objective, 1))]
    if result.optimal:
        items += [(f"{lb.text('total_land')} (ha)",
                   html.fmt(float(result.matrix().to_numpy().sum()))),
                  (lb.text("binding_rules"), str(int(result.rules()["binding"].sum()))),
                  (lb.text("max_violation"), f"{result.max_violation or 0:.1e}")]
    return items


def _totals_html(result: Result, lb: Labels) -> str:
    parts = []
    for kind in ("sector", "district", "zone"):
        df = tables.totals_table(result, kind)
        rows, classes = [], []
        for r in df.itertuples():
            mark = "†" if r.plan_figure else "*" if r.assumed else ""
            lo, hi = html.fmt(r.plan_min), html.fmt(r.plan_max)
            rows.append([getattr(lb, kind)(r.id), html.fmt(r.hectares),
                         lo + mark if lo != "—" else lo, hi + mark if hi != "—" else hi,
                         html.fmt(r.diff, sign=True),
                         "—" if r.pct is None or r.pct != r.pct else f"{r.pct:+.1%}"])
            state = "" if r.state == tables.NO_PLAN else r.state
            classes.append(["", "", "", "", state, state])
        parts.append(html.table([lb.text(kind), lb.text("allocated"), lb.text("plan_min"),
                                 lb.text("plan_max"), lb.text("difference"),
                                 lb.text("difference_pct")], rows, classes))
    note = lb.join("绿色：等于规划指标；黄色：符合规划但未用满（差额为余量）；红色：超出规划。"
                   "“*”：该指标为假设，非规划原文；“†”：该指标已被本情景改动（规划原指标见出处）。",
                   "Green: on the plan's figure; amber: within the plan with room left (the "
                   "difference); red: outside the plan. '*': the figure is an assumption, not "
                   "the plan's text; '†': the scenario changed it (the plan's own figure is in "
                   "its source).", " ")
    return "".join(parts) + f'<p class="note">{html.escape(note)}</p>'


def _rules_html(result: Result, lb: Labels, ranging: pd.DataFrame | None) -> str:
    df = tables.rules_table(result, ranging)
    df = df[df["binding"].astype(bool)]
    rows, classes = [], []
    for _, r in df.iterrows():
        rows.append([lb.rule(r["label_zh"], r["label_en"]), html.fmt(r["activity"]),
                     html.fmt(r["lower"]), html.fmt(r["upper"]),
                     tables.price_text(r, lang=lb.lang),
                     html.fmt(r["range_lower"]), html.fmt(r["range_upper"]), r["source"] or ""])
        d = r["shadow_price"] if r["price_unique"] else 0.0
        cls = "" if abs(d) <= 1e-9 else ("up" if d > 0 else "down")
        classes.append(["", "", "", "", cls, "", "", ""])
    headers = [lb.text("rule"), lb.text("activity"), lb.text("lower"), lb.text("upper"),
               lb.text("shadow_price"), lb.text("range_lower"), lb.text("range_upper"),
               lb.text("source")]
    classes = [[*c[:-1], "l"] for c in classes]
    return html.table(headers, rows, classes)


def _record_html(result: Result) -> str:
    from landalloc.atomic import run_record

    rec = run_record(result)
    rec.pop("effective_instance", None)
    rows = [[k, v] for k, v in tables.flatten(rec)]
    return (f"<details><summary>run record</summary>"
            f"{html.table(['key', 'value'], rows, left=2)}</details>")


def period_charts(result: Result, lb: Labels) -> list[Chart]:
    """The charts of one period's answer (none without an allocation); call inside `style()`."""
    if not result.optimal:
        return []
    made = [charts.heatmap(result, lb), charts.stacked_by_zone(result, lb),
            charts.stacked_by_district(result, lb), charts.flow(result, lb)]
    geo = boundaries_for(result)
    layout = layout_for(result)
    if geo is not None:
        made.append(charts.geo_map(result, lb, geo))
        cu = charts.geo_cap_use(result, lb, geo)
        if cu is not None:
            made.append(cu)
    elif layout is not None:
        made.append(charts.tile_map(result, lb, layout))
    sp = charts.shadow_prices(result, lb)
    if sp is not None:
        made.append(sp)
    return made


def build_single(result: Result, lb: Labels, extras: dict[str, Any],
                 ranging: bool = True, plan_objective: float | None = None) -> dict[str, bytes]:
    inst = result.instance
    unit = result.lp.objective_unit
    rng = extras.get("ranging")  # None: the analysis's own ranging
    with style():
        made = period_charts(result, lb)
        made += _extra_charts(extras, lb, list(result.lp.sectors), unit)
    xlsx = excel.workbook(result, lb, rng, extras)
    title = f"{lb.text('report')} — {inst.title or inst.name}"
    sub = f"{lb.text('period')} {inst.period}"
    if (result.record or {}).get("scenario"):
        sub += f" · {lb.text('scenario')} {result.record['scenario']}"
    sections: list[tuple[str, str]] = [("", html.cards(_headline(result, lb)))]
    head = extras.get("headline")
    if isinstance(head, pd.DataFrame) and len(head):
        sections.append(("", html.cards([(str(k), str(v)) for k, v in
                                         zip(head["item"], head["value"], strict=True)])))
    if result.optimal:
        sections.append((lb.text("figures"), "".join(html.figure(c) for c in made)))
        sections.append((lb.text("sheet_totals"), _totals_html(result, lb)))
        sections.append((lb.text("binding_rules"), _rules_html(result, lb, rng)))
    else:
        msg = f"{lb.text('not_optimal')} ({result.raw.message})"
        sections.append(("", f"<p>{html.escape(msg)}</p>"
                             + "".join(html.figure(c) for c in made)))
    sections.append(("", _record_html(result)))
    files = _files(made, xlsx, html.page(title, sub, sections, lb))
    files[REPORT_PDF] = pdf.single_pdf(result, lb, made, plan_objective)
    return files


def build_comparison(results: list[Result], lb: Labels,
                     extras: dict[str, Any]) -> dict[str, bytes]:
    names = tables.scenario_names(results)
    base = results[0]
    unit = base.lp.objective_unit
    made: list[Chart] = []
    summary_rows = []
    with style():
        made.append(compare_charts.objectives(results, names, lb))
        ok = base.optimal
        if ok:
            dt = compare_charts.district_totals(
                [r for r in results if r.optimal], [n for r, n in zip(results, names,
                                                                       strict=True)
                                                    if r.optimal], lb)
            if dt is not None:
                made.append(dt)
        layout = layout_for(base) if ok else None
        geo = boundaries_for(base) if ok else None
        for i, (r, n) in enumerate(zip(results[1:], names[1:], strict=True), start=1):
            if not (ok and r.optimal):
                summary_rows.append([n, r.status, html.fmt(r.objective, 1), "—", "—", "—"])
                continue
            ch = tables.cell_changes(base, r)
            summary_rows.append([n, r.status, html.fmt(r.objective, 1),
                                 html.fmt(r.objective - base.objective, 1, True), str(len(ch)),
                                 html.fmt(float(ch["change_ha"].clip(lower=0).sum()))])
            made.append(compare_charts.change_heatmap(base, r, n, lb, f"change_{i}"))
            mv = compare_charts.moved_cells(base, r, n, lb, f"moved_{i}")
            if mv is not None:
                made.append(mv)
            if geo is not None:
                made.append(compare_charts.geo_change_map(base, r, n, lb, geo,
                                                          f"change_map_{i}"))
            elif layout is not None:
                made.append(compare_charts.change_map(base, r, n, lb, layout, f"change_map_{i}"))
        made += _extra_charts(extras, lb, list(base.lp.sectors), unit)
    xlsx = excel.comparison_workbook(results, names, lb, extras)
    inst = base.instance
    title = f"{lb.text('comparison')} — {inst.title or inst.name}"
    sub = f"{lb.text('base')}: {names[0]} · {len(results)} {lb.text('scenario')}"
    head = html.table(
        [lb.text("scenario"), lb.text("status"), f"{lb.text('objective')} ({unit})",
         lb.text("change_output"), lb.text("cells_moved"),
         lb.text("land_moved")],
        [[names[0], base.status, html.fmt(base.objective, 1), "", "", ""], *summary_rows])
    sections = [("", head), (lb.text("figures"), "".join(html.figure(c) for c in made)),
                (lb.text("sheet_changes"), _changes_html(results, names, lb))]
    files = _files(made, xlsx, html.page(title, sub, sections, lb))
    files[REPORT_PDF] = pdf.comparison_pdf(results, names, lb, made)
    return files


def _changes_html(results: list[Result], names: list[str], lb: Labels) -> str:
    base = results[0]
    parts = []
    for r, n in zip(results[1:], names[1:], strict=True):
        if not (base.optimal and r.optimal):
            continue
        ch = tables.cell_changes(base, r)
        rows = [[lb.sector(c.sector), lb.district(c.district), html.fmt(c.base_ha),
                 html.fmt(c.ha), html.fmt(c.change_ha, sign=True),
                 html.fmt(c.change_output, 1, True)] for c in ch.itertuples()]
        classes = [["", "", "", "", "up" if c.change_ha > 0 else "down",
                    "up" if c.change_output > 0 else "down"] for c in ch.itertuples()]
        parts.append(f"<h3>{html.escape(n)}</h3>" + html.table(
            [lb.text("sector"), lb.text("district"), f"{lb.text('base')} (ha)",
             f"{lb.text('scenario')} (ha)", lb.text("change_ha"),
             lb.text("change_output")],
            rows, classes, left=2))
    return "".join(parts)


def write_report(results: Result | list[Result], out_dir: str | Path, lang: str = "both",
                 extras: dict[str, Any] | None = None, ranging: bool = True,
                 plan_objective: float | None = None) -> list[Path]:
    """Write report.html, report.xlsx and figures/*.png for one result or a comparison.

    `results`: one Result, or several (the first is the base of a comparison).
    `lang`: "zh", "en" or "both" — the names of sectors, districts, zones and rules.
    `extras` (optional, plain pandas DataFrames):
      - "sweep": a parametric sweep (or a list of them): columns `value` (the swept
        parameter's value) and `objective`; optional `parameter` (its --set path; one
        chart per distinct path), `status` ("optimal" rows are drawn), and one column per
        sector with its hectares, named `<sector>`, `ha_<sector>` or `ha[<sector>]`.
      - "batch": a batch summary: column `objective`; optional `scenario`, `status`,
        `change` (output − the base's: then the chart shows the change) and `base`.
      - "batch_parameters": long table `parameter`, `value`, `status`, `change`: the
        change in output against each varied parameter.
      - "headline": `item`, `value`: cards shown under the report's own headline.
      - "ranging": precomputed ranging: `name` (rule), `range_lower`, `range_upper`;
        replaces the HiGHS ranging this function computes itself when `ranging` is True.
    `plan_objective`: the output of the plan as written, when the result changes it; the
    conclusion then gives the change against the plan (else it says it is the plan, or, for a
    changed plan without it, says nothing of the plan's output).
    Everything is built in memory first; files are written only once all are made.
    """
    lang = check_lang(lang)
    extras = check_extras(extras)
    if isinstance(results, list | tuple):
        results = list(results)
        if not results:
            raise InputError.one("no result to report")
        if len(results) > 1:
            return write_comparison_report(results, out_dir, lang, extras)
        results = results[0]
    lb = Labels.of(results.instance, lang)
    return _write_all(Path(out_dir), build_single(results, lb, extras, ranging,
                                                  plan_objective))


def write_comparison_report(results: list[Result], out_dir: str | Path, lang: str = "both",
                            extras: dict[str, Any] | None = None) -> list[Path]:
    """The comparison report: the first result is the base; what moved, by how much, and
    the change in output. Writes report.html, report.xlsx and figures/*.png."""
    lang = check_lang(lang)
    extras = check_extras(extras)
    results = list(results)
    if len(results) < 2:
        raise InputError.one(f"a comparison needs at least two results, got {len(results)}")
    lb = Labels.of([r.instance for r in results], lang)
    return _write_all(Path(out_dir), build_comparison(results, lb, extras))
