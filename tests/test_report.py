"""Reports: workbook sums equal the JSON result, the HTML is self-contained, charts are real
PNGs, Chinese is drawn with a font that has the glyphs, comparisons add up."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from landalloc.api import solve, solve_instance
from landalloc.cli.app import app
from landalloc.errors import InputError
from landalloc.present.report import excel, fonts, write_comparison_report, write_report
from landalloc.present.report.figure import png_size, style
from landalloc.present.report.labels import TEXT, Labels
from landalloc.present.report.tables import plan_gap, rules_table
from landalloc.present.report.tiles import layout_for, load_tiles
from landalloc.problem.synthetic import random_instance

VARIANT = ["districts.airport.cap=1500", "zones.leading.total=2700",
           "zones.transformation.total=3100"]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def base():
    return solve()


@pytest.fixture(scope="module")
def variant():
    return solve(sets=VARIANT)


@pytest.fixture(scope="module")
def single(base, tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    sweep = pd.DataFrame({"parameter": "districts.airport.cap", "value": [900.0, 1000, 1100],
                          "objective": [2990.0, 3004.0, 3018.3],
                          "status": ["optimal"] * 3, "electronics": [2100.0] * 3})
    batch = pd.DataFrame({"scenario": [f"s{i}" for i in range(30)],
                          "status": ["optimal"] * 29 + ["infeasible"],
                          "objective": [3000.0 + i for i in range(29)] + [None]})
    files = write_report(base, out, "both", extras={"sweep": sweep, "batch": batch})
    return out, files


@pytest.fixture(scope="module")
def comparison(base, variant, tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    return out, write_comparison_report([base, variant], out, "both")


class Page(HTMLParser):
    """Collects what the tests look at: attributes with URLs, figures, images, text."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.figures: list[str] = []
        self.imgs: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        a = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("src", "href", "srcset", "action") and v]
        if tag == "figure":
            self.figures.append(a.get("data-chart"))
        if tag == "img":
            self.imgs.append(a["src"])

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> tuple[Page, str]:
    doc = path.read_text(encoding="utf-8")
    p = Page()
    p.feed(doc)
    p.close()
    return p, doc


# --- workbook ---------------------------------------------------------------------------

def _matrix_sheet(ws, lb: Labels, sectors, districts):
    """The allocation sheet back to ids: row and column labels mapped through Labels."""
    by_s = {lb.sector(s): s for s in sectors}
    by_d = {lb.district(d): d for d in districts}
    head = [c.value for c in ws[1]]
    got = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] is None or (row[0] not in by_d and row[0] not in by_s
                              and not any(isinstance(v, int | float) for v in row[1:])):
            continue  # the note under the table
        for name, v in zip(head[1:], row[1:], strict=True):
            v = 0.0 if v == "×" else v  # a forbidden cell: no land (shown distinct from 0)
            # districts down, sectors across (as on screen)
            got[(by_s.get(name, name), by_d.get(row[0], row[0]))] = v
    return got


def test_workbook_sums_equal_the_json_result(base, single):
    out, _ = single
    doc = base.to_dict()
    wb = load_workbook(out / "report.xlsx")
    lb = Labels.of(base.instance, "both")
    assert wb.sheetnames[:5] == ["概要 Summary", "分配矩阵 Allocation", "分配明细 Cells",
                                 "对照规划 Totals vs plan", "规则 Rules"]
    cells = _matrix_sheet(wb["分配矩阵 Allocation"], lb, base.lp.sectors, base.lp.districts)
    json_cells = {(a["sector"], a["district"]): a["hectares"] for a in doc["allocation"]}
    total = lb.text("total")
    for s in base.lp.sectors:
        for d in base.lp.districts:
            assert cells[(s, d)] == pytest.approx(json_cells.get((s, d), 0.0), abs=1e-9)
        assert cells[(s, total)] == pytest.approx(doc["totals"]["sector"][s])
    for d in base.lp.districts:
        assert cells[(total, d)] == pytest.approx(doc["totals"]["district"][d])
    assert cells[(total, total)] == pytest.approx(6000.0)
    # hand-checked cells of the Zhengzhou 2021-2025 optimum: 航空港区's 1,100 ha less the
    # 10 ha each of its two other named bases (auto/equipment, biomedicine)
    assert cells[("electronics", "airport")] == pytest.approx(1080.0)
    assert sum(cells[(s, "xinmi")] for s in base.lp.sectors) == pytest.approx(500.0)

    # cells sheet: hectares x output per ha adds up to the objective (independent check)
    ws = wb["分配明细 Cells"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    body = [r for r in rows if r[1] is not None]
    assert sum(r[5] for r in body) == pytest.approx(6000.0)
    assert sum(r[5] * r[6] for r in body) == pytest.approx(doc["objective"], rel=1e-9)
    assert rows[-1][7] == pytest.approx(doc["objective"], rel=1e-9)

    ws = wb["对照规划 Totals vs plan"]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[1] is None:
            continue
        kind = {lb.text(k): k for k in ("sector", "district", "zone")}[row[0]]
        assert row[3] == pytest.approx(doc["totals"][kind][row[1]])

    ws = wb["规则 Rules"]
    rules = {r["name"]: r for r in doc["rules"]}
    seen = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] in rules:
            r = rules[row[0]]
            if r["price_unique"]:
                assert row[8] == pytest.approx(r["dual"], abs=1e-12)
            else:  # never one of several duals: the measured values, in words
                assert r["dual"] is None and "not unique" in row[8]
            seen += 1
    assert seen == len(rules)


def test_workbook_is_ready_to_read(single):
    out, _ = single
    wb = load_workbook(out / "report.xlsx")
    ws = wb["分配矩阵 Allocation"]
    assert ws.freeze_panes == "B2"
    assert ws["B2"].number_format == "#,##0"
    assert all(ws.column_dimensions[c].width >= 8 for c in "ABCDEFGH")
    assert ws.column_dimensions["A"].width >= 30  # the sector names fit
    totals = wb["对照规划 Totals vs plan"]
    assert totals["I2"].number_format == "0.0%"
    fills = {totals.cell(r, 8).fill.fgColor.rgb for r in range(2, totals.max_row + 1)
             if totals.cell(r, 2).value}
    assert fills == {"00C6EFCE", "00000000"}  # every figure met (green) or no figure
    assert {"参数扫描 Sweep", "批量求解 Batch", "有效情景 Scenario", "运行记录 Run record"} \
        <= set(wb.sheetnames)
    rec = {r[0]: r[1] for r in wb["运行记录 Run record"].iter_rows(min_row=2, values_only=True)}
    assert rec["status"] == "optimal" and "versions.highspy" in rec


def test_totals_sheet_shows_room_left_in_amber(variant):
    """In the variant (airport cap 1,500, zone totals moved) some district keeps room below
    its cap: its difference is allocated - cap, its percentage of the cap, amber."""
    lb = Labels.of(variant.instance, "en")
    wb = load_workbook(io.BytesIO(excel.workbook(variant, lb)))
    ws = wb["Totals vs plan"]
    room = [r for r in ws.iter_rows(min_row=2) if isinstance(r[6].value, float | int)
            and isinstance(r[3].value, float | int) and r[3].value < r[6].value - 1e-6]
    assert room, "the variant leaves no district below its cap"
    for row in room:
        gap = row[3].value - row[6].value
        assert row[7].value == pytest.approx(gap) and row[8].value == pytest.approx(
            gap / row[6].value)
        assert row[7].fill.fgColor.rgb == "00FFEB9C"
    assert row[9].value == "yes"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workbook_names_in_one_language(base, lang):
    lb = Labels.of(base.instance, lang)
    wb = load_workbook(io.BytesIO(excel.workbook(base, lb)))
    ws = wb.worksheets[1]
    names = [c.value for c in ws[1]][1:] + [r[0].value for r in ws.iter_rows(min_row=2)]
    names = [n for n in names if n is not None]  # the blank row above the note
    has_cjk = [bool(CJK.search(n)) for n in names]
    if lang == "zh":
        assert all(has_cjk) and "航空港区" in names
        assert not any("Airport" in n for n in names)
    else:
        assert not any(has_cjk) and "Airport Economy Zone" in names


def test_plan_gap_reads_caps_quotas_and_ranges():
    assert plan_gap(400, None, 500) == {"figure": 500, "diff": -100, "pct": -0.2,
                                        "state": "within"}
    assert plan_gap(2100, 2100, 2100)["state"] == "at_plan"
    assert plan_gap(1890, 1900, 2300)["diff"] == pytest.approx(-10)
    assert plan_gap(1890, 1900, 2300)["state"] == "outside"
    assert plan_gap(2000, 1900, 2300)["diff"] == 0 and plan_gap(2000, 1900, 2300)["figure"] is None
    assert plan_gap(5, None, None)["state"] == "no_plan"


def test_ranging_is_the_interval_where_the_shadow_price_holds(base):
    """Move a binding bound to the middle of its range: output changes by dual x step."""
    from landalloc.solver.highs import HighsSession

    rg = rules_table(base).set_index("name")
    rules = base.rules().set_index("name")
    checked = 0
    for name in ("sector_quota[electronics]", "district_cap[airport]"):
        r = rules.loc[name]
        hi = rg.loc[name, "range_upper"]
        assert np.isfinite(hi) and hi > r["upper"]
        target = (r["upper"] + hi) / 2
        s = HighsSession(base.lp)
        i = base.lp.row_index(name)
        s.set_row_bounds(i, target if np.isfinite(r["lower"]) else -np.inf, target)
        raw = s.run()
        # the price is not unique here (degenerate): the measured +1 value holds upward
        assert raw.objective - base.objective == pytest.approx(
            r["value_one_more_ha"] * (target - r["upper"]), rel=1e-6)
        checked += 1
    assert checked == 2


# --- HTML and PNG -----------------------------------------------------------------------

def test_html_is_self_contained_and_has_every_chart(single, base):
    out, files = single
    page, doc = parse(out / "report.html")
    pngs = sorted(p for p in files if p.suffix == ".png")
    keys = {p.stem for p in pngs}
    assert {"heatmap", "stacked_zone", "stacked_district", "flow", "map_new_land", "map_cap_use",
            "shadow_prices", "sweep_1", "batch_objective"} <= keys
    assert sorted(page.figures) == sorted(keys)
    assert not [u for u in page.urls if u.startswith(("http://", "https://", "//"))]
    assert all(u.startswith("data:") for u in page.urls)
    assert "http://" not in doc and "https://" not in doc
    assert "script" not in page.tags and "link" not in page.tags
    embedded = sorted(base64.b64decode(u.split(",", 1)[1]) for u in page.imgs)
    assert embedded == sorted(p.read_bytes() for p in pngs)  # the PNGs beside it, exactly
    text = "".join(page.text)
    assert f"{base.objective:,.1f}" in text
    assert "航空港区" in text and "Airport Economy Zone" in text


def test_pngs_are_valid_images_of_sensible_size(single, comparison):
    import matplotlib.image as mpimg

    for out in (single[0], comparison[0]):
        for p in (out / "figures").glob("*.png"):
            data = p.read_bytes()
            w, h = png_size(data)
            assert 500 <= w <= 3000 and 300 <= h <= 3000, (p.name, w, h)
            img = mpimg.imread(io.BytesIO(data), format="png")
            assert img.shape[:2] == (h, w)
            assert img[..., :3].std() > 0.05  # not a blank canvas


def test_chinese_is_drawn_with_a_font_that_has_the_glyphs(base):
    path = fonts.cjk_font_path()
    assert path is not None, "no Chinese font: is pylopdf-fonts-zh-cn installed?"
    inst = base.instance
    zh = "".join([*(v.zh for v in inst.sectors.values()), *(v.zh for v in inst.districts.values()),
                  *(v.zh for v in inst.zones.values()), *base.rules()["label_zh"],
                  *(zh for zh, _ in TEXT.values())])
    assert fonts.missing(path, zh) == ""
    from matplotlib import font_manager

    with style():
        resolved = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]),
                                         fallback_to_default=False)
    assert Path(resolved).resolve() == path.resolve()
    assert fonts.missing(resolved, zh) == ""
    from landalloc.present.report import charts

    with warnings.catch_warnings(record=True) as caught, style():
        warnings.simplefilter("always")
        charts.heatmap(base, Labels.of(inst, "zh"))
    assert not [w for w in caught if "missing from font" in str(w.message)]
    # the DejaVu fallback alone would miss them: the check can fail
    dejavu = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    assert fonts.missing(dejavu, "航空港区") != ""


def test_html_embeds_a_font_subset_covering_its_text(single):
    from fontTools.ttLib import TTFont

    page, doc = parse(single[0] / "report.html")
    m = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", doc)
    assert m, "no embedded font"
    font = TTFont(io.BytesIO(base64.b64decode(m.group(1))))
    cmap = font.getBestCmap()
    shown = {ch for ch in "".join(page.text) if CJK.match(ch)}
    assert shown and all(ord(ch) in cmap for ch in shown)
    assert len(m.group(1)) < 600_000  # a subset, not the 8 MB font


# --- comparison -------------------------------------------------------------------------

def test_comparison_lists_what_moved_and_adds_up(base, variant, comparison):
    out, files = comparison
    wb = load_workbook(out / "report.xlsx")
    ws = wb["变化 Changes"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    moved = {(r[1], r[2]): r[7] for r in rows}
    assert moved[("electronics", "airport")] == pytest.approx(400.0)  # the raised cap is used
    assert sum(moved.values()) == pytest.approx(0.0, abs=1e-6)  # land moves, total stays
    assert sum(r[10] for r in rows) == pytest.approx(variant.objective - base.objective,
                                                     rel=1e-9)
    diff = variant.matrix() - base.matrix()
    nz = {(s, d): v for (s, d), v in diff.stack().items() if abs(v) > 1e-6}
    assert moved.keys() == nz.keys()
    summary = list(wb["概要 Summary"].iter_rows(min_row=4, values_only=True))
    assert summary[1][4] == pytest.approx(variant.objective - base.objective)
    page, _ = parse(out / "report.html")
    assert set(page.figures) == {p.stem for p in files if p.suffix == ".png"}
    assert {"compare_objective", "compare_districts", "change_1", "moved_1",
            "change_map_1"} <= set(page.figures)
    assert not [u for u in page.urls if not u.startswith("data:")]


def test_comparison_needs_two_results(base):
    with pytest.raises(InputError):
        write_comparison_report([base], tempfile.mkdtemp())


# --- tiles, extras, odd inputs ----------------------------------------------------------

def test_zhengzhou_tiles_cover_every_district_once(base):
    layout = layout_for(base)
    assert layout is not None and "schematic" in layout.assumption.lower()
    assert set(layout.tiles) == set(base.instance.districts)
    assert len(set(layout.tiles.values())) == 16
    col = {d: c for d, (_, c) in layout.tiles.items()}
    row = {d: r for d, (r, _) in layout.tiles.items()}
    assert col["gongyi"] == min(col.values()) and col["zhongmou"] == max(col.values())
    assert row["xinzheng"] > row["erqi"] > row["huiji"]  # south is further down


def test_bad_tiles_file_names_file_and_key(tmp_path):
    p = tmp_path / "tiles.yaml"
    p.write_text("tiles:\n  airport: {row: 0, col: 0}\n  atlantis: {row: 1, col: 1}\n"
                 "  etdz: {row: 0, col: 0}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_tiles(p, ["airport", "etdz"])
    msg = str(e.value)
    assert "tiles.atlantis" in msg and "unknown district" in msg and "tiles.yaml:3" in msg
    assert "already taken by 'airport'" in msg


def test_instance_without_tiles_and_infeasible_result(tmp_path):
    inst = random_instance(3, 4, seed=1)
    r = solve_instance(inst)
    assert layout_for(r) is None
    files = write_report(r, tmp_path / "ok", "en", ranging=False)
    keys = {p.stem for p in files if p.suffix == ".png"}
    assert "tile_map" not in keys and "heatmap" in keys
    bad = solve_instance(random_instance(3, 4, seed=1, infeasible=True))
    assert bad.status == "infeasible"
    files = write_report(bad, tmp_path / "bad", "en")
    page, _ = parse(tmp_path / "bad" / "report.html")
    assert "infeasible" in "".join(page.text)
    assert load_workbook(tmp_path / "bad" / "report.xlsx").sheetnames[0] == "Summary"


def test_bad_extras_and_language_write_nothing(base, tmp_path):
    with pytest.raises(InputError, match="lacks column"):
        write_report(base, tmp_path / "x", extras={"sweep": pd.DataFrame({"value": [1.0]})})
    with pytest.raises(InputError, match="unknown extras key"):
        write_report(base, tmp_path / "x", extras={"tornado": pd.DataFrame()})
    with pytest.raises(InputError, match="unknown language"):
        write_report(base, tmp_path / "x", lang="fr")
    assert not (tmp_path / "x").exists()


# --- command line -----------------------------------------------------------------------

def test_cli_compare_with_vs_and_solve_report(tmp_path, monkeypatch):
    runner = CliRunner()
    args = ["report", "--compare", "zhengzhou", "--lang", "en", "--out", str(tmp_path / "c")]
    for s in VARIANT:
        args += ["--vs", s]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "c" / "report.html").is_file()
    wb = load_workbook(tmp_path / "c" / "report.xlsx")
    assert wb["Changes"].max_row > 1
    import landalloc.present.report as report

    calls = []
    monkeypatch.setattr(report, "write_report", lambda *a, **k: calls.append(a) or [])
    res = runner.invoke(app, ["solve", "--period", "2026-2035", "--report", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    (result, out), = calls
    assert result.instance.period == "2026-2035" and out == tmp_path / "s"


def test_cli_bad_input_is_one_message_and_exit_2(tmp_path):
    cmd = [sys.executable, "-c", "from landalloc.cli.app import main; main()", "report",
           "zhengzhou", "zhengzhou", "--out", str(tmp_path / "x")]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert "add --compare" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "x").exists()


# --- a real browser ---------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed "
                    "(apt-get install -y chromium)")
def test_page_loads_in_headless_chromium_without_console_errors(single, tmp_path):
    page = single[0] / "report.html"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
           "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Uncaught" not in res.stderr and "ERROR:CONSOLE" not in res.stderr
    assert "net::ERR" not in res.stderr
    dom = res.stdout
    for key in ("heatmap", "flow", "map_new_land", "shadow_prices", "stacked_district"):
        assert f'id="chart-{key}"' in dom


def test_a_changed_figure_is_never_printed_as_the_plans(tmp_path):
    """`report --set districts.airport.cap=1200`: the plan table prints the cap as ≤ 1,200
    marked '†', and its note gives the plan's own ≤ 1,100 (Table 3-4); the HTML totals mark
    it too. (It printed ≤ 1,200 in the column headed "规划指标 plan", unmarked.)"""
    import pypdf

    out = tmp_path / "r"
    res = CliRunner().invoke(app, ["report", "--set", "districts.airport.cap=1200", "--set",
                                   "zones.leading.total=2400", "--set",
                                   "zones.integration.total=100", "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(out / "report.pdf")
                             .pages).split())
    assert "Airport Economy Zone cap† ≤ 1,200† 1,200" in text
    assert "航空港区新增用地上限：规划 ≤ 1,100" in text
    page = (out / "report.html").read_text("utf-8")
    assert "1,200†" in page and "1,100" not in re.sub(r"<[^>]+>", " ", page).split(
        "1,200†")[0][-40:]


def test_a_period_with_assumed_figures_is_not_called_the_plan_as_written(tmp_path):
    """2026–2035's district caps are assumptions (DERIVATION.md §5): its conclusion says so
    instead of "本方案即规划原方案 / This is the plan as written"."""
    import pypdf

    out = tmp_path / "r"
    res = CliRunner().invoke(app, ["report", "--period", "2026-2035", "--out", str(out)])
    assert res.exit_code == 0, res.output
    first = pypdf.PdfReader(out / "report.pdf").pages[0].extract_text()
    assert "plan as written" not in first and "规划原方案" not in first
    assert "assumptions" in first and "假设" in first


def test_a_district_without_a_cap_is_not_drawn_as_an_unused_cap():
    """The cap-use map draws a district with no cap of its own (金水区 in 2021–2025: the
    central districts have a zone total only) grey, labelled 'no cap' — never 0 %."""
    from landalloc.present.report.figure import new_figure
    from landalloc.present.report.maps_geo import boundaries_for, draw_map

    r = solve()
    b = boundaries_for(r)
    use = {d: 50.0 for d, v in r.instance.districts.items() if v.cap is not None}
    assert "jinshui" not in use and "jinshui" in b.districts()
    fig = new_figure(10.0, 7.0)
    labels = draw_map(fig, fig.add_subplot(), b, use, lambda d: d, "%",
                      fmt=lambda v: f"{v:.0f}%", vmax=100.0, missing="no cap")
    text = {lab.text.get_text().split("\n")[0].rstrip("*"): lab.text.get_text()
            for lab in labels}
    assert text["jinshui"].endswith("no cap") and text["airport"].endswith("50%")
