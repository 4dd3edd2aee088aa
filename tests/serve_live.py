"""A live workbench server (uvicorn in a thread) for the browser test and the screenshot."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    for p in (os.environ.get("LANDALLOC_CHROMIUM"), "/usr/bin/chromium",
              shutil.which("chromium"), shutil.which("chromium-browser")):
        if p and os.path.exists(p):
            return p
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(path: str | None = None, period: str | None = None,
                app=None) -> Iterator[str]:
    """Start `create_app` (or `app`) under uvicorn on a free local port; yield its URL."""
    import uvicorn

    from landalloc.serve.app import create_app

    port = free_port()
    app = app if app is not None else create_app(path, period)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not th.is_alive():
            raise RuntimeError("the workbench server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        th.join(10)


@contextlib.contextmanager
def browser_page(url: str | None, tmp_dir: str, width: int = 1500, height: int = 1100,
                 args: list[str] | None = None):
    """A Playwright page of Debian's chromium (a fresh profile in tmp_dir) at url (None:
    a blank page); `args` are more chromium switches."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            os.path.join(tmp_dir, "profile"), executable_path=chromium_path(),
            args=[*CHROMIUM_ARGS, *(args or [])], headless=True, accept_downloads=True,
            viewport={"width": width, "height": height})
        try:
            page = ctx.new_page()
            if url is not None:
                page.goto(url)
            yield page
        finally:
            ctx.close()


def held_build(path: str, period: str | None, sets: list[str], time_limit: float,
               out: str) -> None:
    """A report build (in the child process) that starts only once the file named by
    LANDALLOC_REPORT_GATE exists: the test decides when the report is still running."""
    from pathlib import Path

    from landalloc.serve.reports import build_report_files

    gate = Path(os.environ["LANDALLOC_REPORT_GATE"])
    while not gate.exists():
        time.sleep(0.02)
    build_report_files(path, period, sets, time_limit, out)


def quick_build(path: str, period: str | None, sets: list[str], time_limit: float,
                out: str) -> None:
    """A stand-in report (in the child process) for tests of the page's report flow: the
    real build takes a minute on a busy machine. Held like `held_build` when
    LANDALLOC_REPORT_GATE is set."""
    from pathlib import Path

    gate = os.environ.get("LANDALLOC_REPORT_GATE")
    while gate and not Path(gate).exists():
        time.sleep(0.02)
    o = Path(out)
    (o / "report.html").write_text(f"<html><body>{period} {sets}</body></html>",
                                   encoding="utf-8")
    (o / "report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (o / "name.txt").write_text(f"landalloc-test-{period}", encoding="utf-8")
