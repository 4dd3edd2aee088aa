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
        f"() => window.__workbench.solves > {before} && !window.__workbench.inflight "
        "&& !window.__workbench.pending", timeout=20000)


def wait_loaded(page) -> None:
    page.wait_for_function("() => document.querySelector('#objective').textContent"
                           ".includes('亿元')", timeout=30000)


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
        wait_loaded(page)
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
        tab.wait_for_function("() => document.querySelector('#objective').textContent"
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
        page.wait_for_function("() => window.__workbench.doc && "
                               "window.__workbench.doc.period === '2026-2035'", timeout=30000)
        want = cli(capsys, ["--period", "2026-2035"])
        assert objective_text(page) == f"{want['objective']:,.0f} 亿元"
        check_matrix(page, want)
        assert not page.locator("#linked-note").is_visible()


def test_a_linked_scenario_opens_one_period_and_says_so(tmp_path):
    with live_server() as url, browser_page(url, str(tmp_path)) as page:
        wait_loaded(page)
        page.select_option("#base", "zhengzhou/scenarios/horizon-stock-targets.yaml")
        page.wait_for_function("() => window.__workbench.info && window.__workbench.info.ref"
                               ".endsWith('horizon-stock-targets.yaml')", timeout=30000)
        page.wait_for_selector("#linked-note", state="visible")
        assert "--period all" in page.locator("#linked-note").inner_text()
        assert page.locator("#period").input_value() == "2021-2025"
        assert page.locator("#period option").count() == 2


XSS = ["<img src=x onerror=alert(1)>", "<svg onload=alert(2)>", "<script>alert(3)</script>",
       "\" onmouseover=alert(4) x=\"", "<iframe src=javascript:alert(5)>",
       "</title><img src=x onerror=alert(6)>", "<b onclick=alert(7)>x</b>",
       "${alert(8)}<img src=x onerror=alert(8)>"]
XSS_PATHS = ["sectors.food.zh", "sectors.food.en", "districts.airport.zh",
             "districts.airport.en", "zones.leading.zh", "zones.leading.en",
             "sector_groups.leading_six.zh", "sector_groups.leading_six.en"]


def watch(page) -> list[str]:
    """Dialogs, page errors and console errors (a CSP refusal is one) of the page."""
    seen: list[str] = []

    def dialog(d):
        seen.append(f"dialog: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    page.on("pageerror", lambda e: seen.append(f"pageerror: {e}"))
    page.on("console", lambda m: seen.append(f"console: {m.text}")
            if m.type == "error" and "favicon" not in m.text else None)
    return seen


def test_names_from_a_scenario_are_text_never_markup(tmp_path):
    """An uploaded scenario names sectors, districts, zones and groups with script; every
    view that shows names (fields, cells, matrix, map, totals, rules, diagnosis, compare, in
    both languages, in the tab that uploaded and in another tab) shows them as text."""
    text = "extends: zhengzhou\nset:\n" + "".join(
        f"  {p}: {json.dumps(x)}\n" for p, x in zip(XSS_PATHS, XSS, strict=True))
    with live_server() as url, browser_page(url, str(tmp_path)) as page:
        seen = watch(page)
        wait_loaded(page)
        page.set_input_files("#load", files=[{"name": "<img src=x onerror=alert(9)>.yaml",
                                              "mimeType": "text/yaml",
                                              "buffer": text.encode()}])
        page.wait_for_function("() => window.__workbench.info && window.__workbench.info.ref"
                               ".startsWith('uploaded/') && window.__workbench.doc", timeout=30000)
        assert page.locator("#matrix").get_by_text(XSS[2], exact=True).count() == 1
        assert page.locator("#map").get_by_text(XSS[2], exact=True).count() == 1
        assert page.locator("#matrix").get_by_text(XSS[0], exact=True).count() == 1
        move_slider(page, CAP, 1000)  # infeasible: the diagnosis names the rules
        assert page.locator("#status").get_attribute("data-status") == "infeasible"
        move_slider(page, CAP, 1200)
        page.locator("#compare").click()
        page.wait_for_selector("#compare-out li")
        assert XSS[2] in page.locator("#compare-out").inner_text()
        page.locator("#lang").click()
        assert page.locator("#matrix").get_by_text(XSS[1], exact=True).count() == 1
        assert page.locator("#cells th").get_by_text(XSS[3], exact=True).count() == 1
        assert page.locator("#cells th").nth(1).get_attribute("title") == XSS[3]
        page.locator("#lang").click()
        tab = page.context.new_page()
        seen_tab = watch(tab)
        tab.goto(url)
        tab.wait_for_function("() => window.__workbench.doc", timeout=30000)
        ref = page.evaluate("window.__workbench.info.ref")
        tab.select_option("#base", ref)
        tab.wait_for_function(f"() => window.__workbench.info.ref === {json.dumps(ref)} && "
                              "window.__workbench.doc && !window.__workbench.inflight",
                              timeout=30000)
        for p in (page, tab):
            p.hover("#matrix th.rowh >> nth=0")
            assert p.evaluate("document.querySelectorAll('main img, main iframe, main script, "
                              "main [onerror], main [onload], main [onmouseover], "
                              "main [onclick]').length") == 0
        assert tab.locator("#totals").get_by_text(XSS[4], exact=True).count() == 1
        assert tab.locator("#rules").get_by_text(XSS[0], exact=False).count() >= 1
        assert seen == [] and seen_tab == []
        headers = page.request.get(url).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"


ATTACK = """<!doctype html><html><body><script>
const results = {};
const target = %(target)s;
const plant = JSON.stringify({name: "planted.yaml", text: "extends: zhengzhou\\n"});
async function run() {
  const tries = {
    // another origin, as any site could: no CORS, so a "simple" request only
    upload_no_cors: () => fetch(target + "/api/upload", {method: "POST", mode: "no-cors",
      headers: {"Content-Type": "text/plain"}, body: plant}).then((r) => r.type),
    upload_json: () => fetch(target + "/api/upload", {method: "POST",
      headers: {"Content-Type": "application/json"}, body: plant}).then((r) => r.status),
    session_no_cors: () => fetch(target + "/api/session", {method: "POST", mode: "no-cors",
      headers: {"Content-Type": "text/plain"}, body: "{}"}).then((r) => r.type),
    read_choices: () => fetch(target + "/api/choices").then((r) => r.text()),
    // the same origin after the attacker's name resolves to 127.0.0.1 (DNS rebinding)
    rebound_page: () => fetch("/").then(async (r) => r.status + " " + await r.text()),
    rebound_choices: () => fetch("/api/choices").then(async (r) => r.status + " " + await r.text()),
    rebound_upload: () => fetch("/api/upload", {method: "POST",
      headers: {"Content-Type": "application/json"}, body: plant}).then((r) => r.status),
  };
  for (const [k, f] of Object.entries(tries)) {
    try { results[k] = String(await f()); } catch (e) { results[k] = "refused: " + e.name; }
  }
  const form = document.createElement("form");
  form.method = "POST"; form.action = target + "/api/upload"; form.enctype = "text/plain";
  form.target = "sink";
  const i = document.createElement("input");
  i.name = plant.slice(0, -1) + ', "x": "'; i.value = '"}';
  form.append(i); document.body.append(form);
  const frame = document.createElement("iframe"); frame.name = "sink"; document.body.append(frame);
  frame.onload = () => { window.done = true; };
  form.submit();
}
window.results = results;
run();
</script></body></html>"""


def test_another_site_cannot_change_or_read_the_workbench(tmp_path):
    """A page of another site (evil.test, on the server's own port, whose name resolves to
    127.0.0.1 as a rebinding attacker's would) fetches, posts a form and reads: nothing is
    planted, nothing is read, the page and its token are never served to it."""
    import urllib.request

    with live_server() as url:
        port = url.rsplit(":", 1)[1]
        evil = f"http://evil.test:{port}"
        rules = "--host-resolver-rules=MAP evil.test 127.0.0.1"
        # the browser's own guard for local addresses is off: the server's is under test
        local = ("--disable-features=BlockInsecurePrivateNetworkRequests,"
                 "PrivateNetworkAccessSendPreflights,LocalNetworkAccessChecks")
        with browser_page(None, str(tmp_path), args=[rules, local]) as page:
            page.route(f"{evil}/attack.html", lambda route: route.fulfill(
                status=200, content_type="text/html",
                body=ATTACK % {"target": json.dumps(url)}))
            page.goto(f"{evil}/attack.html")
            page.wait_for_function("() => window.done === true", timeout=30000)
            got = page.evaluate("window.results")
        assert got["upload_no_cors"] == "opaque"  # sent, its answer unreadable
        assert got["upload_json"].startswith("refused")  # CORS preflight refused
        assert got["read_choices"].startswith("refused")
        assert got["rebound_page"].startswith("403 ") and "landalloc-token" not in got[
            "rebound_page"]
        assert got["rebound_choices"].startswith("403 ") and "zhengzhou" not in got[
            "rebound_choices"]
        assert got["rebound_upload"] == "403"
        with urllib.request.urlopen(f"{url}/api/choices") as r:
            choices = json.loads(r.read())["choices"]
        assert choices and not any(c.startswith("uploaded/") for c in choices)


def test_a_lost_session_is_rebuilt_from_the_page(capsys, tmp_path):
    """The server drops the tab's session (idle too long), then restarts (a new token,
    no sessions): each time the next change rebuilds the session from the page's own
    changes, says so, and shows what the CLI gives for all of them."""
    import secrets

    from landalloc.serve.app import create_app

    app = create_app()
    with live_server(app=app) as url, browser_page(url, str(tmp_path)) as page:
        wait_loaded(page)
        move_slider(page, CAP, 1200)
        first = page.evaluate("window.__workbench.sid")
        assert app.state.sessions.drop(first)
        assert not page.locator("#notice").is_visible()
        move_slider(page, "zones.integration.total", 200)
        second = page.evaluate("window.__workbench.sid")
        assert second != first and page.evaluate("window.__workbench.restored") == 1
        assert page.locator("#notice").is_visible()
        assert "已过期" in page.locator("#notice").inner_text()
        want = cli(capsys, ["--set", f"{CAP}=1200", "--set", "zones.integration.total=200"])
        assert objective_text(page) == f"{want['objective']:,.0f} 亿元"
        check_matrix(page, want)
        app.state.token = secrets.token_urlsafe(32)  # a restart: new token, no sessions
        assert app.state.sessions.drop(second)
        move_slider(page, CAP, 1250)
        assert page.evaluate("window.__workbench.restored") == 2
        assert page.evaluate("window.__workbench.sid") not in (first, second)
        want = cli(capsys, ["--set", f"{CAP}=1250", "--set", "zones.integration.total=200"])
        assert objective_text(page) == f"{want['objective']:,.0f} 亿元"
        assert page.locator("#error").is_hidden()


def test_fifty_tabs_keep_their_sessions_in_the_browser(tmp_path):
    """Fifty tabs open, each with its own change; afterwards every one still has its
    session (none rebuilt) and its own answer."""
    with live_server() as url, browser_page(url, str(tmp_path), width=800, height=600) as page:
        wait_loaded(page)
        tabs = [page]
        for _ in range(49):
            tab = page.context.new_page()
            tab.goto(url)
            tabs.append(tab)
        sids = []
        for k, tab in enumerate(tabs):
            wait_loaded(tab)
            move_slider(tab, CAP, 1150 + 10 * k)
            sids.append(tab.evaluate("window.__workbench.sid"))
        assert len(set(sids)) == 50
        for k, tab in enumerate(tabs):
            move_slider(tab, CAP, 1160 + 10 * k)
            assert tab.evaluate("window.__workbench.sid") == sids[k], k
            assert tab.evaluate("window.__workbench.restored") is None, k
            assert tab.evaluate("currentSets()") == [f"{CAP}={1160 + 10 * k}"]


def test_save_under_a_chinese_name_and_load_it_back(capsys, tmp_path):
    """From a bundled scenario, a change, saved as 航空港扩区: the download has that name,
    loads back into the page to the same output, and the CLI solves it the same."""
    with live_server() as url, browser_page(url, str(tmp_path)) as page:
        wait_loaded(page)
        page.select_option("#base", "zhengzhou/scenarios/airport-expansion.yaml")
        page.wait_for_function("() => window.__workbench.info.ref.endsWith('airport-expansion"
                               ".yaml') && window.__workbench.doc", timeout=30000)
        move_slider(page, "zones.integration.total", 200)
        shown = page.evaluate("window.__workbench.doc.objective")
        page.once("dialog", lambda d: d.accept("航空港扩区"))
        with page.expect_download() as dl:
            page.locator("#save").click()
        assert dl.value.suggested_filename == "航空港扩区.yaml"
        f = tmp_path / "航空港扩区.yaml"
        dl.value.save_as(str(f))
        assert cli(capsys, [str(f)])["objective"] == pytest.approx(shown, abs=1e-9)
        page.set_input_files("#load", str(f))
        page.wait_for_function("() => window.__workbench.info.ref.startsWith('uploaded/') "
                               "&& window.__workbench.doc", timeout=30000)
        assert page.evaluate("window.__workbench.doc.objective") == pytest.approx(shown,
                                                                                 abs=1e-9)
        assert page.locator("#error").is_hidden()


def test_reports_come_from_the_background_with_a_busy_line_and_cancel(tmp_path, monkeypatch):
    """A report shows that it is being built and can be cancelled; done, it downloads; in
    an infeasible state the page says why, and stays."""
    from landalloc.serve.app import create_app

    gate = tmp_path / "gate"
    monkeypatch.setenv("LANDALLOC_REPORT_GATE", str(gate))
    app = create_app(report_builder="tests.serve_live:quick_build")
    with live_server(app=app) as url, browser_page(url, str(tmp_path)) as page:
        wait_loaded(page)
        move_slider(page, CAP, 1200)
        page.locator("#report-html").click()
        page.wait_for_selector("#report-busy", state="visible")
        page.wait_for_function("() => document.querySelector('#report-busy').textContent"
                               ".includes('正在生成报告')")
        n = page.evaluate("window.__workbench.reports || 0")
        page.locator("#report-cancel").click()
        page.wait_for_function(f"() => (window.__workbench.reports || 0) > {n}")
        assert page.locator("#error").inner_text() == "报告已取消"
        assert page.locator("#report-busy").is_hidden()
        gate.touch()
        with page.expect_download() as dl:
            page.locator("#report-html").click()
        assert dl.value.suggested_filename == "landalloc-test-2021-2025.html"
        f = tmp_path / "r.html"
        dl.value.save_as(str(f))
        assert f"['{CAP}=1200']" in f.read_text(encoding="utf-8")
        move_slider(page, CAP, 1000)
        n = page.evaluate("window.__workbench.reports || 0")
        page.locator("#report-pdf").click()
        page.wait_for_function(f"() => (window.__workbench.reports || 0) > {n}")
        assert "no report of a infeasible state" in page.locator("#error").inner_text()
        assert page.url.rstrip("/") == url.rstrip("/")
