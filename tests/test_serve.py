"""The workbench API: it answers as the CLI does, refuses what the CLI refuses, and keeps
each session's changes to itself."""

from __future__ import annotations

import json
import math
import threading
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from landalloc.cli.app import run
from landalloc.serve.app import create_app

HDR = "X-Landalloc-Session"
TOKEN = "X-Landalloc-Token"

SETS = [
    [],
    ["districts.airport.cap=1200"],
    ["districts.airport.cap=1200", "zones.leading.total=2400", "zones.integration.total=100"],
    ["sectors.electronics.quota=2300", "sectors.other.quota=800"],
    ["allowed.food.airport=false", "sector_groups.leading_six.share.min=0.8"],
    ["districts.airport.cap=1000"],  # infeasible: the diagnosis and the repair
]


BASE = "http://127.0.0.1:8765"


def local_client(app, **kw) -> TestClient:
    """A client that addresses the server as the page does: by 127.0.0.1, with its token."""
    return TestClient(app, base_url=BASE, headers={TOKEN: app.state.token}, **kw)


@pytest.fixture(scope="module")
def client():
    with local_client(create_app()) as c:
        yield c


def public(text: str) -> str:
    """What the server shows of a CLI text: bundled files by their name under the
    instances (the server never names its own paths)."""
    from landalloc.plan.locate import instances_root

    return text.replace(str(instances_root()) + "/", "")


def cli_json(capsys, args: list[str]) -> dict:
    capsys.readouterr()
    code = run(["solve", "--json", *args])
    out = capsys.readouterr().out
    assert code in (0, 3), out
    return json.loads(public(out))


def cli_error(capsys, args: list[str]) -> str:
    capsys.readouterr()
    code = run(args)
    err = capsys.readouterr().err
    assert code == 2, err
    return public(err.strip())


def _no_timing(doc: dict) -> dict:
    doc = json.loads(json.dumps(doc))
    for k in ("server_ms", "warm", "set"):
        doc.pop(k, None)
    if "iis" in doc:
        doc["iis"].pop("seconds", None)
    return doc


def _close(a, b, path="") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


def _flags(sets: list[str]) -> list[str]:
    return [x for s in sets for x in ("--set", s)]


@pytest.mark.parametrize("sets", SETS, ids=lambda s: ",".join(s) or "plan")
def test_api_solve_is_the_cli_document(client, capsys, sets):
    want = cli_json(capsys, _flags(sets))
    r = client.post("/api/solve", json={"path": "zhengzhou", "set": sets})
    assert r.status_code == 200
    assert _no_timing(r.json()) == _no_timing(want)


def test_api_solve_other_period_and_bundled_scenario(client, capsys):
    want = cli_json(capsys, ["--period", "2026-2035"])
    got = client.post("/api/solve", json={"period": "2026-2035"}).json()
    assert _no_timing(got) == _no_timing(want)
    ref = "zhengzhou/scenarios/airport-expansion.yaml"
    from landalloc.plan.locate import instances_root

    want = cli_json(capsys, [str(instances_root() / ref)])
    got = client.post("/api/solve", json={"path": ref}).json()
    assert _no_timing(got) == _no_timing(want)


def test_session_solves_warm_to_the_cli_document(client, capsys):
    sid = client.post("/api/session", json={}).json()["id"]
    for sets in [*SETS, SETS[1], []]:
        r = client.post("/api/session/solve", json={"set": sets}, headers={HDR: sid})
        assert r.status_code == 200, r.text
        _close(_no_timing(r.json()), _no_timing(cli_json(capsys, _flags(sets))))
    assert r.json()["objective"] == pytest.approx(3216.5521, abs=1e-3)


@pytest.mark.parametrize("sets", [
    ["districts.airport.cap="],
    ["districts.airport.cap=-5"],
    ["districts.nowhere.cap=100"],
    ["sectors.electronics.quota.min=2500", "sectors.electronics.quota.max=2000"],
    ["allowed.food.airport=yes"],
    ["sector_groups.leading_six.share.min=1.5"],
    ["no-equals-sign"],
    ["period=2026-2035"],
], ids=lambda s: s[0])
def test_bad_input_is_4xx_with_the_cli_message(client, capsys, sets):
    err = cli_error(capsys, ["solve", *_flags(sets)])
    r = client.post("/api/solve", json={"set": sets})
    assert 400 <= r.status_code < 500
    assert f"error: {r.json()['error']}" == err
    sid = client.post("/api/session", json={}).json()["id"]
    r = client.post("/api/session/solve", json={"set": sets}, headers={HDR: sid})
    assert r.status_code == 400 and f"error: {r.json()['error']}" == err


def test_bad_period_is_the_cli_message(client, capsys):
    err = cli_error(capsys, ["solve", "--period", "2040-2050"])
    r = client.post("/api/solve", json={"period": "2040-2050"})
    assert r.status_code == 400 and f"error: {r.json()['error']}" == err


@pytest.mark.parametrize("path", ["/etc/passwd", "../../etc", "tests/data/rivertown",
                                  "zhengzhou/../../pyproject.toml", "/"])
def test_no_file_outside_the_offered_inputs(client, path):
    for url in ("/api/solve", "/api/diagnose", "/api/session"):
        r = client.post(url, json={"path": path})
        assert r.status_code == 400
        assert "not one of the instances or scenarios" in r.json()["error"]


def test_uploaded_scenario_may_extend_only_an_instance(client):
    r = client.post("/api/upload", json={"name": "x.yaml",
                                         "text": "extends: /etc/hostname\nset: {}\n"})
    assert r.status_code == 400 and "extends" in r.json()["error"]
    r = client.post("/api/upload", json={"name": "bad.yaml", "text": (
        "extends: zhengzhou\nset:\n  districts.airport.cap: -1\n")})
    assert r.status_code == 400 and "bad.yaml" in r.json()["error"]
    r = client.post("/api/upload", json={"name": "ok.yaml", "text": (
        "extends: zhengzhou\nset:\n  districts.airport.cap: 1200\n")})
    assert r.status_code == 200
    key = r.json()["path"]
    doc = client.post("/api/solve", json={"path": key}).json()
    assert doc["objective"] == pytest.approx(3229.2368, abs=1e-3)


def test_body_and_request_limits(client):
    r = client.post("/api/solve", content=b'{"set": ["' + b"x" * (2 << 20) + b'"]}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 413

    def chunks():  # streamed, with no Content-Length
        for _ in range(40):
            yield b"x" * 65536

    r = client.post("/api/solve", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    r = client.post("/api/solve", json={"set": ["districts.airport.cap=1"] * 401})
    assert r.status_code == 422
    r = client.post("/api/solve", json={"set": ["districts.airport.cap=1" + "0" * 400]})
    assert r.status_code == 400
    r = client.post("/api/solve", json={"sets": []})
    assert r.status_code == 422  # unknown keys are refused
    r = client.post("/api/session/solve", json={"set": []}, headers={HDR: "nope"})
    assert r.status_code == 404


def test_sessions_keep_their_own_state_under_concurrency(client, capsys):
    caps = [1150, 1200, 1250, 1300]
    want = {c: cli_json(capsys, ["--set", f"districts.airport.cap={c}"])["objective"]
            for c in caps}
    ids = [client.post("/api/session", json={}).json()["id"] for _ in caps]
    errors: list[str] = []
    barrier = threading.Barrier(len(caps))

    def work(sid: str, cap: int) -> None:
        barrier.wait()
        for k in range(6):
            sets = [f"districts.airport.cap={cap}"] if k % 2 == 0 else \
                [f"districts.airport.cap={cap}", "zones.integration.total=200"]
            d = client.post("/api/session/solve", json={"set": sets}, headers={HDR: sid}).json()
            if d.get("set") != sets or abs(d["objective"] - want[cap]) > 1e-6:
                errors.append(f"{cap}: {d.get('set')} {d.get('objective')}")

    threads = [threading.Thread(target=work, args=(s, c)) for s, c in zip(ids, caps, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for sid, cap in zip(ids, caps, strict=True):  # each session's state is still its own
        cmp = client.post("/api/session/compare", json={"against": "plan"}, headers={HDR: sid})
        assert cmp.json()["objective_change"] == pytest.approx(want[cap] - 3216.5521, abs=1e-3)


def test_diagnose_is_the_cli_document(client, capsys):
    capsys.readouterr()
    assert run(["diagnose", "--set", "districts.airport.cap=1000", "--json"]) == 3
    want = json.loads(capsys.readouterr().out)
    got = client.post("/api/diagnose", json={"set": ["districts.airport.cap=1000"]}).json()
    for d in (want, got):
        d.pop("seconds", None)
    assert got == want
    assert got["repair"]["set"]


def test_save_compare_and_report(client, capsys, tmp_path):
    sid = client.post("/api/session", json={}).json()["id"]
    sets = ["districts.airport.cap=1200", "zones.leading.total=2400",
            "zones.integration.total=100"]
    now = client.post("/api/session/solve", json={"set": sets}, headers={HDR: sid}).json()
    r = client.post("/api/session/save", json={"name": "airport"}, headers={HDR: sid})
    assert r.status_code == 200
    f = tmp_path / "airport.yaml"
    f.write_text(r.text, encoding="utf-8")
    assert cli_json(capsys, [str(f)])["objective"] == pytest.approx(now["objective"])
    client.post("/api/session/solve", json={"set": sets[:1]}, headers={HDR: sid})
    cmp = client.post("/api/session/compare", json={"against": "airport"},
                      headers={HDR: sid}).json()
    assert cmp["cells"] and cmp["objective_change"] is not None
    other = client.post("/api/session/compare", headers={HDR: sid}, json={
        "against": "zhengzhou/scenarios/airport-expansion.yaml"}).json()
    assert other["objective_change"] is not None
    assert client.post("/api/session/compare", json={"against": "nope"},
                       headers={HDR: sid}).status_code == 400
    x = client.get(f"/api/session/report?format=xlsx&session={sid}")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    h = client.get("/api/session/report?format=html", headers={HDR: sid})
    assert h.status_code == 200 and "<html" in h.text.lower()
    pdf = client.get("/api/session/report?format=pdf", headers={HDR: sid})
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert client.get("/api/session/report?format=exe", headers={HDR: sid}).status_code == 400


def test_page_and_openapi(client):
    r = client.get("/")
    assert r.status_code == 200 and "/static/app.js" in r.text
    assert client.get("/static/app.js").status_code == 200
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text and "cdn" not in docs.text
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/solve", "/api/diagnose", "/api/session/solve"} <= set(paths)


def test_serve_command_checks_input_and_warns_on_other_hosts(capsys, monkeypatch):
    assert cli_error(capsys, ["serve", "--period", "2040-2050", "--no-browser"])
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    capsys.readouterr()
    assert run(["serve", "--no-browser", "--host", "0.0.0.0", "--port", "9999"]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and seen["host"] == "0.0.0.0"
    assert run(["serve", "--no-browser"]) == 0
    assert "warning" not in capsys.readouterr().err and seen["host"] == "127.0.0.1"


def test_api_check_and_ranges_are_the_commands_documents(client):
    """/api/check of the optimum's own table: feasible, gap 0 — as `landalloc.check`; a
    table 50 ha over the airport cap names that cap. /api/ranges equals `landalloc.ranges`."""
    import landalloc

    alloc = landalloc.solve().to_dict()["allocation"]
    r = client.post("/api/check", json={"allocation": alloc})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["feasible"] is True and abs(doc["gap"]) < 1e-6
    over = [dict(a) for a in alloc]
    at_airport = next(a for a in over if a["district"] == "airport")
    elsewhere = next(a for a in over if a["district"] != "airport")
    at_airport["hectares"] += 50
    elsewhere["hectares"] -= 50
    bad = client.post("/api/check", json={"allocation": over}).json()
    assert not bad["feasible"]
    cap = next(v for v in bad["violations"] if v["rule"] == "district_cap[airport]")
    assert abs(cap["excess"] - 50) < 1e-6
    blank = client.post("/api/check", json={"allocation": [{"sector": "food"}]})
    assert blank.status_code == 400
    got = client.post("/api/ranges", json={"slack": 0}).json()
    want = landalloc.ranges(slack=0).to_dict()
    assert [(c["sector"], c["district"], round(c["min"], 6), round(c["max"], 6))
            for c in got["cells"]] == [(c["sector"], c["district"], round(c["min"], 6),
                                        round(c["max"], 6)) for c in want["cells"]]


def test_every_answer_forbids_inline_script_and_framing(client):
    """The page runs only script files of its own origin, in no frame of another site."""
    import re

    for url in ("/", "/docs", "/static/app.js", "/api/choices", "/api/nothing-here"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
    for url in ("/", "/docs"):
        html = client.get(url).text
        assert re.findall(r"<script[^>]*>", html) and all(
            'src="/static/' in tag for tag in re.findall(r"<script[^>]*>", html))
        assert "<style" not in html and " style=" not in html
        assert not re.search(r"\son[a-z]+\s*=", html)
    js = client.get("/static/app.js").text
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js


UPLOAD = {"name": "planted.yaml",
          "text": "extends: zhengzhou\nset:\n  districts.airport.cap: 900\n"}


def test_a_foreign_host_can_neither_read_nor_change_state():
    """DNS rebinding: a page at an attacker's name that resolves to 127.0.0.1 is served
    nothing — not the page (its token), not the choices, not an upload."""
    app = create_app()
    token = app.state.token
    with TestClient(app, base_url="http://evil.example:8765") as c:
        page = c.get("/")
        assert page.status_code == 403 and token not in page.text
        assert c.get("/api/choices").status_code == 403
        r = c.post("/api/upload", json=UPLOAD, headers={TOKEN: token})
        assert r.status_code == 403 and "Host" in r.json()["error"]
        assert c.post("/api/session", json={}, headers={TOKEN: token}).status_code == 403
        assert c.get("/", headers={"host": ""}).status_code == 403
    with local_client(app) as c:
        assert "uploaded/planted.yaml" not in c.get("/api/choices").json()["choices"]
        assert token in c.get("/").text
        for host in ("localhost:8765", "[::1]:8765", "127.0.0.1"):
            assert c.get("/api/choices", headers={"host": host}).status_code == 200, host
        assert c.get("/api/choices", headers={"host": "127.0.0.1.evil.example"}
                     ).status_code == 403


def test_another_origin_and_a_missing_token_cannot_change_state():
    """A post from another site's page (a form, or fetch without CORS) is refused by the
    Origin check and, without the page's token, by the token check — whatever content type
    the framework would accept."""
    app = create_app()
    with local_client(app) as c:
        sid = c.post("/api/session", json={}).json()["id"]
        c.post("/api/session/solve", json={"set": ["districts.airport.cap=1200"]},
               headers={HDR: sid})
        for origin in ("http://evil.example", "null", "http://127.0.0.1.evil.example:8765",
                       "file://"):
            r = c.post("/api/upload", json=UPLOAD, headers={"origin": origin})
            assert r.status_code == 403, origin
            r = c.post("/api/session/solve", json={"set": []},
                       headers={HDR: sid, "origin": origin})
            assert r.status_code == 403, origin
        no_token = {TOKEN: ""}
        for url, body in (("/api/upload", UPLOAD), ("/api/session", {}),
                          ("/api/session/solve", {"set": []}),
                          ("/api/session/save", {"name": "x"})):
            for h in (no_token, {TOKEN: "wrong"}):
                r = c.post(url, json=body, headers={HDR: sid, **h})
                assert r.status_code == 403 and "token" in r.json()["error"], url
            r = c.post(url, content=json.dumps(body), headers={
                HDR: sid, **no_token, "content-type": "text/plain", "origin": BASE})
            assert r.status_code == 403, url  # a form post of the page's own origin
        assert "uploaded/planted.yaml" not in c.get("/api/choices").json()["choices"]
        cmp = c.post("/api/session/compare", json={"against": "plan"}, headers={HDR: sid})
        assert cmp.json()["objective_change"] == pytest.approx(3229.2368 - 3216.5521, abs=1e-3)
        r = c.post("/api/upload", json=UPLOAD, headers={"origin": BASE})
        assert r.status_code == 200 and r.json()["path"] == "uploaded/planted.yaml"
        # the stateless API changes nothing and needs no token (scripts call it)
        assert c.post("/api/solve", json={}, headers=no_token).status_code == 200


def test_the_listening_address_and_added_names_are_allowed():
    app = create_app(host="192.168.1.5", allow_hosts=["workbench.lan"])
    with TestClient(app, base_url="http://192.168.1.5:8765") as c:
        assert c.get("/api/choices").status_code == 200
        assert c.get("/api/choices", headers={"host": "workbench.lan:8765"}).status_code == 200
        assert c.get("/api/choices", headers={"host": "other.lan"}).status_code == 403
    with TestClient(create_app(host="0.0.0.0"), base_url="http://0.0.0.0:8765") as c:
        assert c.get("/api/choices").status_code == 403  # a wildcard is not a name


def test_a_chinese_scenario_name_downloads(client, capsys, tmp_path):
    from urllib.parse import unquote

    sid = client.post("/api/session", json={}).json()["id"]
    client.post("/api/session/solve", json={"set": ["districts.airport.cap=1200"]},
                headers={HDR: sid})
    r = client.post("/api/session/save", json={"name": "航空港扩区"}, headers={HDR: sid})
    assert r.status_code == 200
    cd = r.headers["content-disposition"]
    assert cd.startswith('attachment; filename="') and "filename*=UTF-8''" in cd
    assert unquote(cd.split("filename*=UTF-8''")[1]) == "航空港扩区.yaml"
    assert "\nname: 航空港扩区\n" in r.text
    f = tmp_path / "s.yaml"
    f.write_text(r.text, encoding="utf-8")
    assert cli_json(capsys, [str(f)])["objective"] == pytest.approx(3229.2368, abs=1e-3)


@pytest.mark.parametrize("url,extra", [("/api/ranges", {}),
                                       ("/api/check", {"allocation": [
                                           {"sector": "food", "district": "airport",
                                            "hectares": 1}]})])
def test_ranges_and_check_of_an_infeasible_set_say_so(client, url, extra):
    r = client.post(url, json={"set": ["districts.airport.cap=1000"], **extra})
    assert r.status_code == 409
    assert r.json()["status"] == "infeasible" and r.json()["error"].startswith("infeasible:")


@pytest.mark.parametrize("raw", [b'{"slack": 1e999999}', b'{"slack": NaN}',
                                 b'{"slack": -Infinity}', b'{"set": 1e999999}'])
def test_numbers_json_cannot_write_back_are_refused(client, raw):
    r = client.post("/api/ranges", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"].startswith(("slack: Input should be a finite number",
                                         "set: Input should be a valid list"))


def test_errors_are_json_with_an_error(client):
    r = client.post("/api/solve", content=b"\x00{", headers={"content-type": "application/json"})
    assert r.status_code in (400, 422) and r.json()["error"]
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["error"] == "Not Found"


class Clock:
    """A clock the test moves: expiry without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sessions_expire_when_idle_and_a_tab_in_use_is_never_evicted():
    from landalloc.serve.state import Sessions, TooManySessions, UnknownSession

    clock = Clock()
    app = create_app(session_limits={"cap": 3, "idle": 3600, "evictable": 300,
                                     "clock": clock})
    sessions = app.state.sessions
    assert isinstance(sessions, Sessions)
    with local_client(app) as c:
        ids = [c.post("/api/session", json={}).json()["id"] for _ in range(3)]
        clock.now += 100
        r = c.post("/api/session", json={})  # all three in use: refused, none evicted
        assert r.status_code == 503 and "in use" in r.json()["error"]
        assert len(sessions) == 3
        with pytest.raises(TooManySessions):
            sessions.new(None, None)
        for sid in ids:
            r = c.post("/api/session/solve", json={"set": []}, headers={HDR: sid})
            assert r.status_code == 200
        clock.now += 299  # ids[0] idle 299 s: still kept
        c.post("/api/session/solve", json={"set": []}, headers={HDR: ids[1]})
        assert c.post("/api/session", json={}).status_code == 503
        clock.now += 1  # ids[0] idle 300 s at the cap: it goes for a new tab
        new = c.post("/api/session", json={}).json()["id"]
        r = c.post("/api/session/solve", json={"set": []}, headers={HDR: ids[0]})
        assert r.status_code == 404 and r.json()["session_lost"] is True
        for sid in (ids[1], ids[2], new):
            assert c.post("/api/session/solve", json={"set": []},
                          headers={HDR: sid}).status_code == 200
        clock.now += 3599  # below the cap: idle an hour less a second, kept
        assert c.post("/api/session/solve", json={"set": []},
                      headers={HDR: new}).status_code == 200
        clock.now += 1  # ids[1] and ids[2] idle an hour: gone, `new` used a second ago
        assert len(sessions) == 3
        sessions.get(new)
        assert len(sessions) == 1
        with pytest.raises(UnknownSession):
            sessions.get(ids[2])


def test_fifty_tabs_keep_their_sessions(client):
    ids = [client.post("/api/session", json={}).json()["id"] for _ in range(50)]
    for k, sid in enumerate(ids):
        r = client.post("/api/session/solve", json={"set": [f"districts.airport.cap={1150 + k}"]},
                        headers={HDR: sid})
        assert r.status_code == 200, (k, r.text)
    for k, sid in enumerate(ids):
        r = client.post("/api/session/compare", json={"against": "plan"}, headers={HDR: sid})
        assert r.status_code == 200 and r.json()["objective_change"] > 0, k


BASES = [
    ("zhengzhou", None, None),
    ("zhengzhou", "2026-2035", None),
    ("zhengzhou/scenarios/airport-expansion.yaml", None, None),
    ("zhengzhou/scenarios/electronics-weighted.yaml", None, None),  # a chain, an objective
    ("zhengzhou/scenarios/water-per-ha.yaml", None, None),  # rules, a coefficient table
    ("uploaded", None, None),
    ("plans/zz", None, "plans/zz"),  # the server started with a relative folder
    ("plans/zz/scenarios/electronics-weighted.yaml", None,
     "plans/zz/scenarios/electronics-weighted.yaml"),  # ... or a relative scenario file
    ("uploaded", None, "plans/zz"),  # an upload extending that relative PATH
]


@pytest.mark.parametrize("ref,period,start", BASES,
                         ids=[f"{b[0]}@{b[1]}|start={b[2]}" for b in BASES])
def test_save_then_load_from_every_kind_of_base(capsys, tmp_path, monkeypatch, ref, period,
                                                start):
    """A scenario saved from any base loads back to the same objective: uploaded to the same
    server, to a new server started the same way, and solved by the CLI; it names no
    server path."""
    import shutil
    import tempfile

    from landalloc.plan.locate import instances_root

    monkeypatch.chdir(tmp_path)
    shutil.copytree(instances_root() / "zhengzhou", tmp_path / "plans" / "zz")
    changes = ["districts.airport.cap=1150", "allowed.food.zhongmou=false"]
    if period == "2026-2035":
        changes = ["districts.airport.cap.max=unbounded", "allowed.food.zhongmou=false"]
    with local_client(create_app(start)) as c:
        if ref == "uploaded":
            ext = start or "zhengzhou"
            r = c.post("/api/upload", json={"name": "mine.yaml", "text": (
                f"extends: {ext}\nrules:\n  - name: hitech_small\n    districts: [hitech]\n"
                "    max: 390\nset:\n  sectors.other.quota: {min: 700, max: 1100}\n")})
            assert r.status_code == 200, r.text
            ref = r.json()["path"]
        r = c.post("/api/session", json={"path": ref, "period": period})
        assert r.status_code == 200, r.text
        sid = r.json()["id"]
        now = c.post("/api/session/solve", json={"set": changes}, headers={HDR: sid}).json()
        assert now["status"] == "optimal"
        text = c.post("/api/session/save", json={"name": "round-trip"},
                      headers={HDR: sid}).text
        assert str(instances_root()) not in text
        if start is None:
            assert tempfile.gettempdir() not in text and "\nextends: zhengzhou\n" in text
        else:  # the user's own PATH, absolutely: the CLI finds it from anywhere
            from landalloc.plan.locate import resolve_input

            assert f"\nextends: {resolve_input(start).resolve()}\n" in text
        up = c.post("/api/upload", json={"name": "round-trip.yaml", "text": text})
        assert up.status_code == 200, up.text
        again = c.post("/api/solve", json={"path": up.json()["path"]}).json()
        assert again["objective"] == pytest.approx(now["objective"], abs=1e-6)
    with local_client(create_app(start)) as c:  # a new server, started the same way
        up = c.post("/api/upload", json={"name": "round-trip.yaml", "text": text})
        assert up.status_code == 200, up.text
        again = c.post("/api/solve", json={"path": up.json()["path"]}).json()
        assert again["objective"] == pytest.approx(now["objective"], abs=1e-6)
    f = tmp_path / "downloads" / "round-trip.yaml"
    f.parent.mkdir()
    f.write_text(text, encoding="utf-8")
    assert cli_json(capsys, [str(f)])["objective"] == pytest.approx(now["objective"], abs=1e-6)


def test_uploads_of_one_name_at_once_keep_every_file(monkeypatch):
    """Ten uploads named alike, at once: ten choices, each its own file and figures."""
    import landalloc.serve.state as state

    app = create_app()
    errors: list[str] = []
    barrier = threading.Barrier(10)
    with local_client(app) as c:
        def up(k: int) -> None:
            barrier.wait()
            r = c.post("/api/upload", json={"name": "same.yaml", "text": (
                f"extends: zhengzhou\nset:\n  districts.airport.cap: {1110 + k}\n")})
            if r.status_code != 200:
                errors.append(r.text)

        threads = [threading.Thread(target=up, args=(k,)) for k in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        names = [x for x in c.get("/api/choices").json()["choices"] if x.startswith("uploaded/")]
        assert len(names) == 10 and len(set(app.state.inputs.uploads.values())) == 10
        caps = sorted(app.state.inputs.uploads[n].read_text().split(": ")[-1].strip()
                      for n in names)
        assert caps == [str(1110 + k) for k in range(10)]
        monkeypatch.setattr(state, "MAX_UPLOADS_PER_SESSION", 2)
        sid = c.post("/api/session", json={}).json()["id"]
        ok = {"name": "x.yaml", "text": "extends: zhengzhou\n"}
        assert [c.post("/api/upload", json=ok, headers={HDR: sid}).status_code
                for _ in range(3)] == [200, 200, 400]
        monkeypatch.setattr(state, "MAX_UPLOADS", 12)
        r = c.post("/api/upload", json=ok)
        assert r.status_code == 400 and "at most 12" in r.json()["error"]
        folder = app.state.inputs.upload_dir
        assert folder.is_dir()
    assert not folder.exists()  # removed when the server stops


FORMULAS = {"sectors.food.zh": '=HYPERLINK("http://evil.example","x")', "sectors.food.en": "+1+1",
            "districts.airport.zh": "-2+3", "districts.airport.en": "@SUM(1,2)"}


def test_report_workbook_cells_that_look_like_formulas_are_text(client):
    """Names a scenario sets to = + - @ … open as text in report.xlsx, never as formulas."""
    import io

    from openpyxl import load_workbook

    text = "extends: zhengzhou\nset:\n" + "".join(
        f"  {p}: {json.dumps(v)}\n" for p, v in FORMULAS.items())
    ref = client.post("/api/upload", json={"name": "formulas.yaml", "text": text}).json()["path"]
    sid = client.post("/api/session", json={"path": ref}).json()["id"]
    x = client.get("/api/session/report?format=xlsx", headers={HDR: sid})
    assert x.status_code == 200
    wb = load_workbook(io.BytesIO(x.content))
    found: dict[str, str] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in FORMULAS.values():
                    found[c.value] = c.data_type
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    assert set(found) == set(FORMULAS.values()) and set(found.values()) == {"s"}


def test_no_answer_names_a_server_path(client):
    """From a bundled scenario: documents, errors, the check of a table (kept in a temporary
    file), the report page and workbook name files as the page does, never by path."""
    import io
    import tempfile

    from openpyxl import load_workbook

    from landalloc.plan.locate import instances_root

    ref = "zhengzhou/scenarios/airport-expansion.yaml"
    sid = client.post("/api/session", json={"path": ref}).json()["id"]
    up = client.post("/api/upload", json={"name": "u.yaml", "text": (
        "extends: zhengzhou\nset:\n  districts.airport.cap: 1200\n")}).json()["path"]
    answers = [
        client.post("/api/solve", json={"path": ref, "set": ["districts.airport.cap=1000"]}),
        client.post("/api/solve", json={"path": ref, "set": ["allowed.food.airport=true"]}),
        client.post("/api/solve", json={"path": up}),
        client.post("/api/diagnose", json={"path": ref, "set": ["districts.airport.cap=1000"]}),
        client.post("/api/check", json={"path": ref, "allocation": [
            {"sector": "food", "district": "airport", "hectares": 5}]}),
        client.post("/api/check", json={"allocation": [
            {"sector": "food", "district": "airport", "hectares": "x"}]}),
        client.post("/api/session/solve", json={"set": []}, headers={HDR: sid}),
        client.post("/api/upload", json={"name": "bad.yaml", "text": (
            "extends: zhengzhou\nset:\n  allowed.food.airport: true\n")}),
        client.get("/api/session/report?format=html", headers={HDR: sid}),
    ]
    cited = 0
    for r in answers:
        assert r.status_code in (200, 400), r.text[:300]
        assert str(instances_root()) not in r.text and tempfile.gettempdir() not in r.text
        cited += f"{ref}:" in r.text or f"{up}" in r.text
    assert cited >= 4  # the files are still named: as the page names them
    x = client.get("/api/session/report?format=xlsx", headers={HDR: sid})
    texts = [c.value for ws in load_workbook(io.BytesIO(x.content)).worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(ref in t for t in texts)
    assert not any(str(instances_root()) in t for t in texts)


class FakeLoop:
    """Timers that run when the test says so."""

    def __init__(self) -> None:
        self.timers: list = []

    class Handle:
        def __init__(self, callback, args) -> None:
            self.callback, self.args, self.done = callback, args, False

        def cancel(self) -> None:
            self.done = True

        def cancelled(self) -> bool:
            return self.done

    class Task:
        def add_done_callback(self, fn) -> None:
            pass

    def create_task(self, coro):
        coro.close()  # the app is not under test here
        return self.Task()

    def call_later(self, delay, callback, *args):
        handle = self.Handle(callback, args)
        self.timers.append((delay, handle))
        return handle

    def fire(self) -> None:
        timers, self.timers = self.timers, []
        for _, h in timers:
            if not h.cancelled():
                h.callback(*h.args)


class FakeTransport:
    def __init__(self) -> None:
        self.closed = False
        self.written = b""

    def get_extra_info(self, name, default=None):
        return ("127.0.0.1", 5000) if name in ("sockname", "peername") else default

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def write(self, data: bytes) -> None:
        self.written += data

    def set_protocol(self, p) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def _connection():
    import uvicorn
    from uvicorn.server import ServerState

    from landalloc.serve.server import REQUEST_SECONDS, TimedH11

    async def app(scope, receive, send):
        pass

    config = uvicorn.Config(app, http=TimedH11, lifespan="off")
    loop = FakeLoop()
    proto = TimedH11(config, ServerState(), {}, _loop=loop)
    transport = FakeTransport()
    proto.connection_made(transport)
    assert [d for d, _ in loop.timers] == [REQUEST_SECONDS]
    return proto, loop, transport


def test_a_connection_that_never_finishes_its_request_is_closed():
    """Uvicorn has no header timeout: a socket sending nothing, or half its headers, or
    half its body, is closed when the request timer fires; a whole request is not."""
    for data in (b"", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                 b"POST /api/solve HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{}"):
        proto, loop, transport = _connection()
        if data:
            proto.data_received(data)
        assert not transport.closed
        loop.fire()
        assert transport.closed, data
    proto, loop, transport = _connection()
    proto.data_received(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    loop.fire()  # the request is all in: the timer leaves it to the app
    assert not transport.closed


def test_the_serve_command_runs_with_timeouts_and_a_connection_limit(monkeypatch):
    import uvicorn

    from landalloc.serve.server import KEEP_ALIVE_SECONDS, MAX_CONNECTIONS, TimedH11

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    assert run(["serve", "--no-browser"]) == 0
    assert seen["http"] is TimedH11 and seen["timeout_keep_alive"] == KEEP_ALIVE_SECONDS
    assert seen["limit_concurrency"] == MAX_CONNECTIONS


HELD = "tests.serve_live:held_build"


def _wait_state(c, job: str, states: tuple[str, ...]) -> dict:
    import time

    for _ in range(3000):
        st = c.get(f"/api/report/{job}").json()
        if st["state"] in states:
            return st
        time.sleep(0.01)
    raise AssertionError(st)


def test_reports_build_in_the_background_shared_and_cancellable(tmp_path, monkeypatch):
    """While a report is being built (held open by the test), solves answer; two tabs in
    the same state share one build; a build can be cancelled; the file comes when done."""
    import time

    gate = tmp_path / "gate"
    monkeypatch.setenv("LANDALLOC_REPORT_GATE", str(gate))
    app = create_app(report_builder=HELD)
    with local_client(app) as c:
        a, b, other = (c.post("/api/session", json={}).json()["id"] for _ in range(3))
        sets = ["districts.airport.cap=1200"]
        for sid in (a, b):
            c.post("/api/session/solve", json={"set": sets}, headers={HDR: sid})
        first = c.post("/api/session/report", headers={HDR: a})
        assert first.status_code == 202
        job = first.json()["job"]
        assert c.post("/api/session/report", headers={HDR: b}).json()["job"] == job
        _wait_state(c, job, ("running",))
        solve_ms = []
        for cap in (1150, 1250, 1300, 1200):
            t0 = time.perf_counter()
            r = c.post("/api/session/solve", json={"set": [f"districts.airport.cap={cap}"]},
                       headers={HDR: other})
            solve_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200 and r.json()["status"] == "optimal"
        assert c.get(f"/api/report/{job}").json()["state"] == "running"  # still held
        print("solve while a report builds, ms:", [round(x) for x in solve_ms])
        early = c.get(f"/api/report/{job}/file", params={"format": "html"})
        assert early.status_code == 202 and early.json()["state"] == "running"
        c.post("/api/session/solve", json={"set": []}, headers={HDR: other})
        other_job = c.post("/api/session/report", headers={HDR: other}).json()["job"]
        assert other_job != job and c.get(f"/api/report/{other_job}").json()["state"] == "queued"
        r = c.delete(f"/api/report/{other_job}", headers={TOKEN: ""})
        assert r.status_code == 403  # cancelling changes state: the page's token
        assert c.delete(f"/api/report/{other_job}").json()["state"] == "cancelled"
        gate.touch()
        done = _wait_state(c, job, ("done", "failed"))
        assert done["state"] == "done" and done["formats"] == ["html", "pdf", "xlsx"]
        html = c.get(f"/api/report/{job}/file", params={"format": "html"})
        assert html.status_code == 200 and "<html" in html.text.lower()
        assert "filename*=UTF-8''landalloc-zhengzhou-2021-2025.html" in html.headers[
            "content-disposition"]
        # the same state asked again: the finished build, no new one
        again = c.post("/api/session/report", headers={HDR: b})
        assert again.status_code == 200 and again.json()["job"] == job
        assert c.get("/api/report/nope").status_code == 404


def test_a_running_report_can_be_cancelled(tmp_path, monkeypatch):
    monkeypatch.setenv("LANDALLOC_REPORT_GATE", str(tmp_path / "never"))
    app = create_app(report_builder=HELD)
    with local_client(app) as c:
        sid = c.post("/api/session", json={}).json()["id"]
        job = c.post("/api/session/report", headers={HDR: sid}).json()["job"]
        _wait_state(c, job, ("running",))
        process = app.state.reports.get(job).process
        assert c.delete(f"/api/report/{job}").json()["state"] == "cancelled"
        assert _wait_state(c, job, ("cancelled",))["state"] == "cancelled"
        assert process.wait(10) is not None  # the child was ended
        r = c.get(f"/api/report/{job}/file", params={"format": "pdf"})
        assert r.status_code == 409 and r.json()["state"] == "cancelled"
        # asked again, the state gets a new build
        assert c.post("/api/session/report", headers={HDR: sid}).json()["job"] != job


def test_an_ipv6_listening_address_is_allowed_as_given():
    app = create_app(host="[fe80::1]", allow_hosts=["::2", "lan.example:80"])
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        for host in ("[fe80::1]:8765", "[::2]", "lan.example:8765"):
            assert c.get("/api/choices", headers={"host": host}).status_code == 200, host
        assert c.get("/api/choices", headers={"host": "[fe80::2]:8765"}).status_code == 403
