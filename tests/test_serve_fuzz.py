"""No request makes the workbench answer 500: Hypothesis writes bodies for every endpoint
from its request model (right keys with wrong, extreme or hostile values; changes built
from the plan's own paths; scenario files; raw bytes that are not JSON) and each answer
must be a 2xx or a 4xx with a JSON `error` (or FastAPI's 422 `detail`)."""

from __future__ import annotations

import json
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from landalloc.serve.app import create_app

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

PATHS = ["total_increment", "sectors.electronics.quota", "sectors.food.quota.min",
         "districts.airport.cap", "districts.airport.cap.max", "zones.leading.total",
         "sector_groups.leading_six.share.min", "allowed.food.airport", "sectors.food.zh",
         "districts.nowhere.cap", "period", "rules", "sectors", "", "a..b", "output.food.airport"]
NUMBERS = st.one_of(st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from(["1e999999", "-1e999999", "NaN", "Infinity", "0x10", "1_000",
                                     "unbounded", "true", "null", "~", "{min: 1, max: 0}",
                                     "[1, 2]", "!!python/object:os.system ls", "&a [*a]"]))
VALUES = st.one_of(NUMBERS.map(str), st.text(max_size=30))
SETS = st.lists(st.one_of(st.builds(lambda p, v: f"{p}={v}", st.sampled_from(PATHS), VALUES),
                          st.text(max_size=40)), max_size=6)
JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                              st.floats(allow_nan=False, allow_infinity=False)),
                    lambda kids: st.one_of(st.lists(kids, max_size=4),
                                           st.dictionaries(st.text(max_size=8), kids,
                                                           max_size=4)),
                    max_leaves=12)
REFS = st.one_of(st.sampled_from(["zhengzhou", "zhengzhou/scenarios/airport-expansion.yaml",
                                  "zhengzhou/scenarios/horizon-stock-targets.yaml", "/etc/passwd",
                                  "../instances", "", "plan", "uploaded/x.yaml"]),
                 st.text(max_size=40))
PERIODS = st.one_of(st.none(), st.sampled_from(["2021-2025", "2026-2035", "all", "1999"]),
                    st.text(max_size=12))


def maybe(strategy):
    """A field's value: the generated one, or any JSON at all."""
    return st.one_of(strategy, JSON)


def body(**fields) -> st.SearchStrategy[dict]:
    """A request body with some of the model's keys (and sometimes one it does not know)."""
    return st.fixed_dictionaries({}, optional={k: maybe(v) for k, v in fields.items()}
                                 | {"unknown": JSON})


ROW = st.fixed_dictionaries({}, optional={
    "sector": st.sampled_from(["electronics", "food", "nowhere", ""]),
    "district": st.sampled_from(["airport", "hitech", "x", ""]),
    "hectares": st.one_of(NUMBERS, st.text(max_size=8))})
SCENARIO = st.one_of(
    st.text(max_size=200),
    st.builds(lambda ext, sets, extra: "extends: " + ext + "\nset:\n" + "".join(
        f"  {p}: {v}\n" for p, v in sets) + extra,
        st.sampled_from(["zhengzhou", "/etc/hostname", "../instance.yaml", "[1]", "''"]),
        st.lists(st.tuples(st.sampled_from(PATHS[:9]), VALUES.map(json.dumps)), max_size=4),
        st.sampled_from(["", "rules: 5\n", "period: 2026-2035\n", "name: [x]\n",
                         "a: &a [*a, *a]\nb: *a\n"])))

ENDPOINTS = {
    "/api/solve": body(path=REFS, period=PERIODS, set=SETS),
    "/api/diagnose": body(path=REFS, period=PERIODS, set=SETS,
                          relax=st.lists(st.text(max_size=20), max_size=3),
                          weight=st.lists(st.text(max_size=20), max_size=3)),
    "/api/check": body(path=REFS, set=SETS, allocation=st.lists(ROW, max_size=4)),
    "/api/ranges": body(path=REFS, set=SETS, slack=NUMBERS),
    "/api/session": body(path=REFS, period=PERIODS),
    "/api/session/solve": body(set=SETS),
    "/api/session/save": body(name=st.text(max_size=90), description=st.text(max_size=40)),
    "/api/upload": body(name=st.text(max_size=40), text=SCENARIO),
    "/api/session/compare": body(against=REFS),
}


@pytest.fixture(scope="module")
def client():
    app = create_app()
    with TestClient(app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False,
                    headers={"X-Landalloc-Token": app.state.token}) as c:
        c.sid = c.post("/api/session", json={}).json()["id"]
        yield c


def check(r) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:500])
    if r.status_code >= 400:
        doc = r.json()
        assert isinstance(doc.get("error"), str) and doc["error"], doc
        assert "Traceback" not in r.text


@pytest.mark.parametrize("url", list(ENDPOINTS))
def test_no_request_body_gives_500(client, url):
    @SETTINGS
    @given(ENDPOINTS[url])
    def run(doc):
        check(client.post(url, json=doc, headers={"X-Landalloc-Session": client.sid}))

    run()


@SETTINGS
@given(url=st.sampled_from(list(ENDPOINTS)), raw=st.one_of(
    st.binary(max_size=80),
    st.sampled_from([b'{"slack": 1e999999}', b'{"set": ["districts.airport.cap=1"], "slack": NaN}',
                     b'{"allocation": [{"hectares": 1e999999}]}', b'{"name": -Infinity}',
                     b"[" * 5000, b'{"set": "x"}', b"\xff\xfe", b'{"path": "\\u0000"}'])))
def test_no_raw_body_gives_500(client, url, raw):
    check(client.post(url, content=raw, headers={"content-type": "application/json",
                                                 "X-Landalloc-Session": client.sid}))


@SETTINGS
@given(fmt=st.text(max_size=10).filter(lambda f: f not in ("html", "xlsx", "pdf")),
       session=st.one_of(st.none(), st.text(max_size=30)))
def test_no_report_query_gives_500(client, fmt, session):
    params = {"format": fmt} | ({} if session is None else {"session": session})
    check(client.get("/api/session/report", params=params))
