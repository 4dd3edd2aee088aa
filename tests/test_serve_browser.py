"""The workbench page in a real browser (Debian's chromium through Playwright): it shows
the plan, follows a slider to what `landalloc solve --set` gives, offers and applies the
repair of an infeasible change, and saves a scenario the CLI solves to the same output.

The latency from a slider change to the updated numbers on the page is measured here;
LANDALLOC_LATENCY_OUT=FILE writes the measurements as JSON."""

from __future__ import annotations

import json
import os
import statistics

import pytest

from landalloc.cli.app import run
from tests.serve_live import browser_page, chromium_path, live_server

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if chromium_path() is None:
    pytest.skip("no chromium executable found (/usr/bin/chromium, chromium on PATH, or "
                "LANDALLOC_CHROMIUM)", allow_module_level=True)

CAP = 'districts.airport.cap'


def cli(capsys, args: list[str]) -> dict:
    capsys.readouterr()
    code = run(["solve", "--json", *args])
    out = capsys.readouterr().out
    assert code in (0, 3), out
    return json.loads(out)


def page_number(text: str) -> float:
    text = text.strip().split(" ")[0]
    return 0.0 if text in ("·", "–", "") else float(text.replace(",", ""))


def solves(page) -> int:
    return int(page.evaluate("window.__workbench.solves"))


def wait_solved(page, before: int) -> None:
    page.wait_for_function(
        f"window.__workbench.solves > {before} && !window.__workbench.inflight "
        "&& !window.__workbench.pending", timeout=20000)


def move_slider(page, path: str, value: float) -> None:
    n = solves(page)
    page.evaluate("([p, v]) => { const el = document.querySelector("
                  "`input[type=range][data-path=\"${p}\"]`); el.value = v; "
                  "el.dispatchEvent(new Event('input', {bubbles: true})); }", [path, value])
    wait_solved(page, n)


def matrix_of(page) -> dict[str, float]:
    cells = page.eval_on_selector_all(
        "#matrix td[data-cell]", "els => els.map(e => [e.dataset.cell, e.textContent])")
    return {k: page_number(v) for k, v in cells}


def check_matrix(page, doc: dict) -> None:
    got = matrix_of(page)
    want = {f"{a['sector']}.{a['district']}": a["hectares"] for a in doc["allocation"]}
    assert got, "no matrix on the page"
    for k, v in got.items():
        assert abs(v - want.get(k, 0.0)) <= 0.051, (k, v, want.get(k))


def objective_text(page) -> str:
    return page.locator("#objective").inner_text()


def test_workbench_in_the_browser(capsys, tmp_path):
    with live_server() as url, browser_page(url, str(tmp_path)) as page:
        page.wait_for_function("document.querySelector('#objective').textContent.includes('亿元')",
                               timeout=30000)
        assert objective_text(page) == "3,217 亿元"
        assert page.locator("#matrix").get_by_text("航空港区").count() == 1
        assert page.locator("#map").get_by_text("航空港区").count() == 1
        plan = page.locator(f'.field[data-path="{CAP}"] .plan').inner_text()
        assert "1,100" in plan and "Table 3-4" in plan

        # the slider: each move re-solves; the last value is compared with the CLI
        values = [1150, 1200, 1250, 1300, 1180, 1220, 1260, 1140, 1240, 1200]
        for v in values:
            move_slider(page, CAP, v)
        want = cli(capsys, ["--set", f"{CAP}=1200"])
        assert objective_text(page) == f"{want['objective']:,.0f} 亿元"
        assert page.locator("#objective-change").inner_text().startswith("+")
        check_matrix(page, want)
        assert page.locator(f'.field.changed[data-path="{CAP}"]').count() == 1
        lat = page.evaluate("window.__workbench.latencies")
        assert len(lat) >= len(values) - 1
        ms = sorted(x["ms"] for x in lat)
        server = sorted(x["server_ms"] for x in lat)
        summary = {"slider_to_numbers_ms": {"median": statistics.median(ms), "max": ms[-1],
                                            "n": len(ms)},
                   "server_solve_ms": {"median": statistics.median(server),
                                       "max": server[-1]}}
        print("latency", json.dumps(summary))
        if os.environ.get("LANDALLOC_LATENCY_OUT"):
            with open(os.environ["LANDALLOC_LATENCY_OUT"], "w") as f:
                json.dump({**summary, "samples": lat}, f, indent=2)

        # an infeasible change: the diagnosis in plan words and the repair, one click
        n = solves(page)
        box = page.locator(f'input[type=number][data-path="{CAP}"]')
        box.fill("1000")
        box.dispatch_event("change")
        wait_solved(page, n)
        assert page.locator("#status").get_attribute("data-status") == "infeasible"
        assert page.locator("#diagnosis").is_visible()
        assert page.locator("#diag-sentences li").count() >= 1
        assert page.locator("#repair-list li").count() >= 1
        n = solves(page)
        page.locator("#apply-repair").click()
        wait_solved(page, n)
        assert page.locator("#status").get_attribute("data-status") == "optimal"
        assert not page.locator("#diagnosis").is_visible()
        sets = page.evaluate("currentSets()")
        assert f"{CAP}=1000" in sets and len(sets) >= 2
        want = cli(capsys, [x for s in sets for x in ("--set", s)])
        assert objective_text(page) == f"{want['objective']:,.0f} 亿元"
        check_matrix(page, want)
        shown = page.evaluate("window.__workbench.doc.objective")

        # save the scenario; the CLI solves the file to the same objective
        page.once("dialog", lambda d: d.accept("browser-test"))
        with page.expect_download() as dl:
            page.locator("#save").click()
        f = tmp_path / "browser-test.yaml"
        dl.value.save_as(str(f))
        assert cli(capsys, [str(f)])["objective"] == pytest.approx(shown, abs=1e-9)

        # compare with the plan, and the English names
        page.locator("#compare").click()
        page.wait_for_selector("#compare-out li")
        assert page.locator("#compare-out li").count() >= 1
        page.locator("#lang").click()
        assert page.locator("#matrix").get_by_text("Airport", exact=False).count() >= 1

        # a second tab has its own session: the plan, untouched by the first tab's changes
        tab = page.context.new_page()
        tab.goto(url)
        tab.wait_for_function("document.querySelector('#objective').textContent"
                              ".includes('亿元')", timeout=30000)
        assert tab.locator("#objective").inner_text() == "3,217 亿元"
        assert tab.evaluate("currentSets()") == []
        assert tab.evaluate("window.__workbench.sid") != page.evaluate("window.__workbench.sid")
        n = solves(page)
        page.locator("#reset").click()
        wait_solved(page, n)
        assert objective_text(page) == "3,217 亿元"

        # the period chooser: the other period, as `solve --period 2026-2035` gives it
        page.select_option("#period", "2026-2035")
        page.wait_for_function("window.__workbench.doc && "
                               "window.__workbench.doc.period === '2026-2035'", timeout=30000)
        want = cli(capsys, ["--period", "2026-2035"])
        assert objective_text(page) == f"{want['objective']:,.0f} 亿元"
        check_matrix(page, want)
        assert not page.locator("#linked-note").is_visible()


def test_a_linked_scenario_opens_one_period_and_says_so(tmp_path):
    with live_server() as url, browser_page(url, str(tmp_path)) as page:
        page.wait_for_function("document.querySelector('#objective').textContent.includes('亿元')",
                               timeout=30000)
        page.select_option("#base", "zhengzhou/scenarios/horizon-stock-targets.yaml")
        page.wait_for_function("window.__workbench.info && window.__workbench.info.ref"
                               ".endsWith('horizon-stock-targets.yaml')", timeout=30000)
        page.wait_for_selector("#linked-note", state="visible")
        assert "--period all" in page.locator("#linked-note").inner_text()
        assert page.locator("#period").input_value() == "2021-2025"
        assert page.locator("#period option").count() == 2
