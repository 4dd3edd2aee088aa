"""The workbench's ASGI app (FastAPI on Starlette): the page, its session API and the JSON
API that answers as the CLI does.

`POST /api/solve` returns the document of `landalloc solve --json`; bad input is HTTP 400
with the CLI's own message (`error`), one entry per problem in `problems`. Requests are
validated by the loader the CLI uses, request bodies are limited in size, every solve has a
time limit, and the only files a request can name are those `Inputs` lists.
"""

from __future__ import annotations

import contextlib
import secrets
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from landalloc.analysis.alternatives import Infeasible, NotSolved
from landalloc.errors import InputError
from landalloc.serve.fields import allowed_cells, editable, meta
from landalloc.serve.guard import PathScrub, RequestGuard, SecurityHeaders, allowed_names
from landalloc.serve.reports import (
    BUILDER,
    FORMATS,
    ReportJob,
    Reports,
    UnknownReport,
)
from landalloc.serve.state import (
    Inputs,
    Sessions,
    TooManySessions,
    UnknownSession,
    check_sets,
    matrix_diff,
    solve_once,
)
from landalloc.solver import SolverOptions

MAX_BODY = 1 << 20  # bytes per request body
SESSION_HEADER = "X-Landalloc-Session"
REPORT_WAIT_SECONDS = 600.0  # GET /api/session/report waits this long for its build


class Strict(BaseModel):
    """A request body: unknown keys refused, numbers finite (JSON such as 1e999999 parses
    to infinity, which no figure of the plan can be)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SolveRequest(Strict):
    path: str | None = Field(None, max_length=300,
                             description="Instance name, bundled scenario or uploaded one")
    period: str | None = Field(None, max_length=40)
    set: list[str] = Field(default_factory=list, max_length=400,
                           description="PATH=VALUE overrides, as `--set`")


class DiagnoseRequest(SolveRequest):
    relax: list[str] | None = Field(None, max_length=100)
    weight: list[str] | None = Field(None, max_length=100, description="KIND=W, as --weight")


class CheckRequest(SolveRequest):
    allocation: list[dict[str, Any]] = Field(
        max_length=10_000, description="[{sector, district, hectares}, ...], as a long CSV")


class RangesRequest(SolveRequest):
    slack: float = Field(0.0, ge=0, le=1, description="Output may fall by this fraction")


class SessionRequest(Strict):
    path: str | None = Field(None, max_length=300)
    period: str | None = Field(None, max_length=40)


class SetsRequest(Strict):
    set: list[str] = Field(default_factory=list, max_length=400)


class SaveRequest(Strict):
    name: str = Field("my-scenario", min_length=1, max_length=80)
    description: str | None = Field(None, max_length=500)


class UploadRequest(Strict):
    name: str = Field("scenario.yaml", min_length=1, max_length=120)
    text: str = Field(max_length=256 * 1024)


class CompareRequest(Strict):
    against: str = Field("plan", max_length=300,
                         description="'plan', a scenario saved in this session, or an "
                                     "instance or scenario the server offers")


class BodyLimit:
    """Refuse request bodies above `limit` bytes (413): announced by Content-Length or
    streamed (chunked); the body is read whole, up to the limit, before the app runs."""

    def __init__(self, app, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for k, v in scope.get("headers", []):
            if k == b"content-length" and (not v.isdigit() or int(v) > self.limit):
                return await _too_large(send, self.limit)
        chunks, seen = [], 0
        while True:
            msg = await receive()
            if msg["type"] != "http.request":
                return  # the client went away
            body = msg.get("body", b"")
            seen += len(body)
            if seen > self.limit:
                return await _too_large(send, self.limit)
            chunks.append(body)
            if not msg.get("more_body", False):
                break
        whole = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return whole
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send, limit: int) -> None:
    body = f'{{"error": "request body above {limit} bytes"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


def _bad(e: InputError) -> JSONResponse:
    return JSONResponse({"error": str(e), "problems": [
        {"message": p.message, "file": p.file, "key": p.key, "line": p.line}
        for p in e.problems]}, status_code=400)


def create_app(path: str | None = None, period: str | None = None,
               time_limit: float = 20.0, host: str | None = None,
               allow_hosts: list[str] | tuple[str, ...] = (),
               session_limits: dict[str, Any] | None = None,
               report_builder: str | None = None) -> WorkbenchApp:
    """The app for one server: PATH and --period are what the page opens with; `host` (the
    address it listens on) and `allow_hosts` are the names it answers to besides loopback;
    `session_limits` are `Sessions`' keywords (cap, idle, evictable, clock); `report_builder`
    ("module:function") replaces the function a report's child process runs."""
    inputs = Inputs(path)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        try:
            yield
        finally:
            reports.close()  # no build outlives the server
            inputs.close()  # the uploads' folder goes with the server

    app = FastAPI(title="landalloc workbench", version="1",
                  description="Solve, diagnose and compare land allocations; `/api/solve` "
                              "answers with the document of `landalloc solve --json`.",
                  docs_url=None, redoc_url=None,  # their pages load from a CDN
                  lifespan=lifespan)
    options = SolverOptions(time_limit=time_limit)
    sessions = Sessions(inputs, options, **(session_limits or {}))
    reports = Reports(report_builder or BUILDER)
    app.state.inputs, app.state.sessions, app.state.reports = inputs, sessions, reports
    app.state.default = (path, period)
    app.state.token = secrets.token_urlsafe(32)
    app.state.names = allowed_names(host, allow_hosts)
    static = resources.files("landalloc.serve") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.exception_handler(InputError)
    async def _input_error(request: Request, e: InputError):
        return _bad(e)

    @app.exception_handler(RequestValidationError)
    async def _malformed(request: Request, e: RequestValidationError):
        return JSONResponse(malformed(e.errors()), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, e: StarletteHTTPException):
        return JSONResponse({"error": str(e.detail)}, status_code=e.status_code,
                            headers=getattr(e, "headers", None))

    @app.exception_handler(Infeasible)
    async def _infeasible(request: Request, e: Infeasible):
        return JSONResponse({"error": f"infeasible: {e}", "status": "infeasible",
                             "hint": "POST /api/diagnose names the rules and the repair"},
                            status_code=409)

    @app.exception_handler(NotSolved)
    async def _not_solved(request: Request, e: NotSolved):
        return JSONResponse({"error": str(e), "status": "not solved"}, status_code=409)

    @app.exception_handler(UnknownReport)
    async def _no_report(request: Request, e: UnknownReport):
        return JSONResponse({"error": "unknown report: ask for it again"}, status_code=404)

    @app.exception_handler(UnknownSession)
    async def _no_session(request: Request, e: UnknownSession):
        return JSONResponse({"error": "unknown or expired session", "session_lost": True},
                            status_code=404)

    @app.exception_handler(TooManySessions)
    async def _too_many(request: Request, e: TooManySessions):
        return JSONResponse({"error": f"all {e.args[0]} sessions are in use: close a tab or "
                                      "try again in a few minutes"},
                            status_code=503, headers={"Retry-After": "60"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> str:
        """The page, with this server's token (sent back on every state-changing request)."""
        return (static / "index.html").read_text(encoding="utf-8").replace(
            "{{token}}", app.state.token)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> str:
        """The API page, drawn offline from /openapi.json."""
        return (static / "api.html").read_text(encoding="utf-8")

    @app.get("/api/choices")
    def choices() -> dict[str, Any]:
        """The instances and scenarios a request may name."""
        return {"choices": inputs.choices(), "default": path, "period": period}

    @app.post("/api/solve")
    def api_solve(req: SolveRequest) -> dict[str, Any]:
        """The document of `landalloc solve PATH --period P --set ... --json`."""
        return solve_once(inputs.resolve(req.path), req.period, check_sets(req.set), options)

    @app.post("/api/diagnose")
    def api_diagnose(req: DiagnoseRequest) -> dict[str, Any]:
        """The document of `landalloc diagnose PATH --set ... --json`."""
        from landalloc.api import diagnose_problem
        from landalloc.problem.build import load_problem

        problem = load_problem(inputs.resolve(req.path), req.period, check_sets(req.set))
        d = diagnose_problem(problem, req.relax, req.weight or [])
        return {"name": problem.instance.name, "period": problem.instance.period,
                "status": "optimal" if d.feasible else "infeasible", **d.to_dict()}

    @app.post("/api/check")
    def api_check(req: CheckRequest) -> dict[str, Any]:
        """The document of `landalloc check allocation.csv PATH --set ... --json`; the
        allocation comes as rows of {sector, district, hectares}."""
        import csv
        import json

        from landalloc.analysis.alternatives import check_problem
        from landalloc.problem.build import load_problem

        problem = load_problem(inputs.resolve(req.path), req.period, check_sets(req.set))
        with tempfile.TemporaryDirectory() as tmp:
            table = Path(tmp) / "allocation.csv"
            with table.open("w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["sector", "district", "hectares"])
                for row in req.allocation:
                    w.writerow([row.get("sector", ""), row.get("district", ""),
                                row.get("hectares", "")])
            try:
                doc = check_problem(problem, table).to_dict()
            except InputError as e:
                raise InputError([type(p)(p.message, "allocation" if p.file == str(table)
                                          else p.file, p.key, p.line)
                                  for p in e.problems]) from None
            return json.loads(json.dumps(doc).replace(json.dumps(str(table))[1:-1],
                                                      "allocation"))

    @app.post("/api/ranges")
    def api_ranges(req: RangesRequest) -> dict[str, Any]:
        """The document of `landalloc ranges PATH --slack S --set ... --json`."""
        from landalloc.analysis.alternatives import ranges_problem
        from landalloc.problem.build import load_problem

        problem = load_problem(inputs.resolve(req.path), req.period, check_sets(req.set))
        return ranges_problem(problem, req.slack).to_dict()

    @app.post("/api/session")
    def new_session(req: SessionRequest) -> dict[str, Any]:
        """A warm model for one tab; returns its id (send it as X-Landalloc-Session)."""
        from landalloc.problem.horizon import instance_periods, is_linked, linked_spec

        ref = req.path or path
        want = req.period or (period if ref == path else None)
        linked = None
        if want is None and linked_spec(inputs.resolve(ref), None) is not None:
            # the page edits one period at a time: open a linked scenario at its first
            # period and say so (the chooser shows the others)
            linked = instance_periods(inputs.resolve(ref))
            want = linked[0]
        if want is not None and is_linked(want):
            raise InputError.one("the workbench edits one period at a time; "
                                 "`landalloc solve --period all` solves them together",
                                 file="period")
        s = sessions.new(ref, want)
        inst = s.base.instance
        tiles = None
        try:
            from landalloc.present.report.tiles import layout_for
            from landalloc.results.result import label

            empty = label(inst, s.base.lp, s.live.run(), s.base.record())
            lay = layout_for(empty)
            tiles = None if lay is None else {d: list(rc) for d, rc in lay.tiles.items()}
        except InputError:
            tiles = None
        periods = instance_periods(inputs.resolve(ref))
        return {"id": s.id, "ref": s.ref, "meta": {**meta(inst), "periods": periods,
                                                   "linked": linked},
                "fields": editable(inst),
                "cells": allowed_cells(inst), "tiles": tiles, "choices": inputs.choices()}

    @app.post("/api/session/solve")
    def session_solve(req: SetsRequest, x_landalloc_session: str | None = Header(None)
                      ) -> dict[str, Any]:
        """Re-solve this tab's live model with these changes (all of them, each time)."""
        s = sessions.get(x_landalloc_session)
        with s.lock:
            doc = s.solve(req.set)
            return {**doc, "server_ms": round(s.solve_ms, 2), "warm": s.warm,
                    "set": s.sets}

    @app.post("/api/session/save")
    def session_save(req: SaveRequest, x_landalloc_session: str | None = Header(None)
                     ) -> Response:
        """The current changes as a scenario YAML (also kept for comparisons by name)."""
        s = sessions.get(x_landalloc_session)
        with s.lock:
            text = scenario_yaml(s, inputs, req.name, req.description)
            s.saved[req.name] = list(s.sets)
        return Response(text, media_type="application/x-yaml",
                        headers={"Content-Disposition": attachment(f"{_safe(req.name)}.yaml")})

    @app.post("/api/upload")
    def upload(req: UploadRequest, x_landalloc_session: str | None = Header(None)
               ) -> dict[str, Any]:
        """Keep a scenario file the user chose; it becomes one of the choices."""
        owner = x_landalloc_session if x_landalloc_session in sessions.ids() else None
        return {"path": inputs.add_upload(req.name, req.text, owner),
                "choices": inputs.choices()}

    @app.post("/api/session/compare")
    def session_compare(req: CompareRequest, x_landalloc_session: str | None = Header(None)
                        ) -> dict[str, Any]:
        """Cells that moved and the change in output, from `against` to the current state."""
        s = sessions.get(x_landalloc_session)
        with s.lock:
            if s.last is None:
                s.solve(s.sets)
            if req.against == "plan":
                other = s.result_for([])
            elif req.against in s.saved:
                other = s.result_for(s.saved[req.against])
            elif req.against in inputs.choices():
                from landalloc.api import solve_problem
                from landalloc.problem.build import load_problem

                ref = inputs.resolve(req.against)
                scenario = ref.endswith((".yaml", ".yml"))
                other = solve_problem(load_problem(ref, None if scenario else s.period,
                                                   None, None, options))
            else:
                raise InputError.one(f"'{req.against[:80]}' is not 'plan', a scenario saved in "
                                     f"this session ({', '.join(s.saved) or 'none'}) or one "
                                     f"of the server's instances and scenarios",
                                     file="against")
            current = s.last
        if not (other.optimal and current.optimal):
            return {"against": req.against, "status": [other.status, current.status],
                    "cells": [], "objective_change": None}
        return {"against": req.against, **matrix_diff(other, current)}

    def report_job(sid: str | None) -> ReportJob:
        """The background build of this session's current state (shared by every tab in
        the same state); 400 when the state has no report."""
        s = sessions.get(sid)
        with s.lock:
            if s.last is None:
                s.solve(s.sets)
            result, sets = s.last, list(s.sets)
        if not result.optimal:
            raise InputError.one(f"no report of a {result.status} state: apply a repair first")
        key = (s.path, s.period, tuple(sets), time_limit)
        return reports.request(key, (s.path, s.period, sets, time_limit))

    def report_file(job: ReportJob, format: str) -> Response:
        if format not in FORMATS:
            raise InputError.one(f"format: html, xlsx or pdf, got '{format[:20]}'",
                                 file="format")
        if job.state != "done":
            return JSONResponse({**job.status(), "error": job.error or
                                 f"the report is {job.state}"},
                                status_code=409 if job.state in ("failed", "cancelled")
                                else 202)
        if format not in job.files:
            raise InputError.one(f"the report has no {format} file", file="format")
        data = job.files[format]
        if format == "xlsx":
            data = _public_workbook(data, inputs.public_names())
        media = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        return Response(data, media_type=media[format],
                        headers={"Content-Disposition": attachment(f"{job.name}.{format}")})

    @app.post("/api/session/report")
    def start_report(x_landalloc_session: str | None = Header(None)) -> JSONResponse:
        """Start (or join) the report of this tab's current state; poll
        GET /api/report/{job}, then download GET /api/report/{job}/file?format=..."""
        job = report_job(x_landalloc_session)
        return JSONResponse(job.status(), status_code=200 if job.state == "done" else 202)

    @app.get("/api/report/{job_id}")
    def report_status(job_id: str) -> dict[str, Any]:
        """queued, running, done, failed or cancelled; seconds since it started."""
        return reports.get(job_id).status()

    @app.get("/api/report/{job_id}/file")
    def report_download(job_id: str, format: str = "html") -> Response:
        """The finished report as html, xlsx or pdf (202 while it is being built)."""
        return report_file(reports.get(job_id), format)

    @app.delete("/api/report/{job_id}")
    def report_cancel(job_id: str) -> dict[str, Any]:
        """Stop building this report."""
        return reports.cancel(job_id).status()

    @app.get("/api/session/report")
    def session_report(format: str = "html", session: str | None = None,
                       x_landalloc_session: str | None = Header(None)) -> Response:
        """The report of the current state, waited for: html, xlsx or pdf. It is built in
        a child process, so this request waits without holding the server."""
        if format not in FORMATS:
            raise InputError.one(f"format: html, xlsx or pdf, got '{format[:20]}'",
                                 file="format")
        job = report_job(x_landalloc_session or session)
        job.event.wait(REPORT_WAIT_SECONDS)
        return report_file(job, format)

    @app.get("/font/cjk.woff", include_in_schema=False)
    def cjk_font() -> Response:
        """The package's Chinese font cut to the characters the page can show."""
        data = _page_font(path)
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="font/woff",
                        headers={"Cache-Control": "max-age=86400"})

    @app.get("/api/health", include_in_schema=False)
    def health() -> dict[str, Any]:
        return {"ok": True, "time": time.time()}

    return WorkbenchApp(app)


class WorkbenchApp:
    """The FastAPI app (`.fastapi`, its `.state`) behind the security headers, the Host,
    Origin and token checks and the body limit, in that order: a refused request is never
    read."""

    def __init__(self, app: FastAPI, limit: int = MAX_BODY) -> None:
        self.fastapi = app
        self.asgi = SecurityHeaders(RequestGuard(
            PathScrub(BodyLimit(app, limit), app.state.inputs.public_names), app.state))

    @property
    def state(self):
        return self.fastapi.state

    async def __call__(self, scope, receive, send):
        await self.asgi(scope, receive, send)


_FONT: dict[str | None, bytes | None] = {}


def _page_font(start: str | None) -> bytes | None:
    """WOFF subset with every character of the page, the bundled instances (and the one
    the server was started with), rule labels and diagnosis sentences."""
    if start not in _FONT:
        from landalloc.plan.locate import instances_root, resolve_input
        from landalloc.present.report.fonts import subset_woff

        texts = []
        pkg = resources.files("landalloc")
        for part in ("serve/static/index.html", "serve/static/app.js",
                     "analysis/diagnosis.py", "formulations/rule_kinds.py"):
            f = pkg.joinpath(part)
            if f.is_file():
                texts.append(f.read_text(encoding="utf-8"))
        spec = resources.files("landalloc.formulations") / "rule_kinds.py"
        if spec.is_file():
            texts.append(spec.read_text(encoding="utf-8"))
        folders = [instances_root()]
        if start:
            folders.append(resolve_input(start).parent)
        for folder in folders:
            for f in sorted(Path(folder).rglob("*")):
                if f.suffix in (".yaml", ".csv", ".md") and f.stat().st_size < 2_000_000:
                    texts.append(f.read_text(encoding="utf-8", errors="ignore"))
        text = "".join(sorted(set("".join(texts))))
        _FONT[start] = subset_woff(text)
    return _FONT[start]


def _public_workbook(data: bytes, pairs: list[tuple[str, str]]) -> bytes:
    """The workbook with server paths in its texts replaced by public names (as every
    other answer), its texts kept text."""
    import io

    from openpyxl import load_workbook

    from landalloc.present.report.excel import as_text

    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and "/" in c.value:
                    v = c.value
                    for server, public in pairs:
                        v = v.replace(server, public)
                    c.value = v
    as_text(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def attachment(name: str) -> str:
    """Content-Disposition of a download named `name`: headers are Latin-1, so the name
    goes as RFC 5987 UTF-8 (`filename*`), with an ASCII stand-in for old clients."""
    from urllib.parse import quote

    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_"
                         for ch in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def malformed(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """A 422 body for a request the models refuse: where and why, never the input itself
    (it may be huge, or a number JSON cannot write back, such as infinity)."""
    detail = [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", ""))[:300],
               "type": str(e.get("type", ""))} for e in errors[:20]]
    first = detail[0] if detail else {"loc": [], "msg": "malformed request"}
    where = ".".join(x for x in first["loc"] if x != "body")
    return {"error": f"{where + ': ' if where else ''}{first['msg']}", "detail": detail}


def _safe(name: str) -> str:
    return "".join(ch for ch in name if ch.isalnum() or ch in "-_")[:60] or "scenario"


def scenario_yaml(s, inputs: Inputs, name: str, description: str | None) -> str:
    """A scenario file of the session's state, loadable wherever the same inputs are offered
    (see `landalloc.serve.saving`)."""
    from landalloc.serve.saving import portable_scenario

    return portable_scenario(s.ref, s.path, inputs.start, inputs.root, s.period, s.sets,
                             _safe(name), description)
