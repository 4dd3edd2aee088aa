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

SETS = [
    [],
    ["districts.airport.cap=1200"],
    ["districts.airport.cap=1200", "zones.leading.total=2400", "zones.integration.total=100"],
    ["sectors.electronics.quota=2300", "sectors.other.quota=800"],
    ["allowed.food.airport=false", "sector_groups.leading_six.share.min=0.8"],
    ["districts.airport.cap=1000"],  # infeasible: the diagnosis and the repair
]


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


def cli_json(capsys, args: list[str]) -> dict:
    capsys.readouterr()
    code = run(["solve", "--json", *args])
    out = capsys.readouterr().out
    assert code in (0, 3), out
    return json.loads(out)


def cli_error(capsys, args: list[str]) -> str:
    capsys.readouterr()
    code = run(args)
    err = capsys.readouterr().err
    assert code == 2, err
    return err.strip()


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
