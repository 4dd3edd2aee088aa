"""`landalloc serve`: the analyst's workbench, a local page over warm models."""

from __future__ import annotations

import sys
import threading
import webbrowser
from typing import Annotated

import typer

from landalloc.cli.common import OnePeriodOpt
from landalloc.cli.failure import EXIT_INTERRUPTED, interrupted
from landalloc.errors import InputError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def serve_cmd(
    path: Annotated[str | None, typer.Argument(
        help="Instance name (zhengzhou), instance folder, or scenario YAML file the page "
             "opens with")] = None,
    period: OnePeriodOpt = None,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; anything but localhost is reachable by others "
                       "and prints a warning")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port")] = 8765,
    no_browser: Annotated[bool, typer.Option(
        "--no-browser", help="Do not open the page in a browser")] = False,
    time_limit: Annotated[float, typer.Option(
        "--time-limit", min=0.1, help="Solver seconds per request")] = 20.0,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Another name the page may be opened by (this machine's name "
                             "on the network, with --host 0.0.0.0); repeatable")] = None,
) -> None:
    """Serve the workbench: every figure of the plan as a field and a slider, the answer as
    it changes, the diagnosis and repair when infeasible, scenarios, comparisons, reports;
    and a JSON API (POST /api/solve answers as `solve --json`; docs at /docs)."""
    from landalloc.analysis.linked import refuse_linked
    from landalloc.plan.loading import load
    from landalloc.serve.app import create_app
    from landalloc.serve.server import serve

    refuse_linked(path, period, "serve")
    load(path, period)  # bad input: the CLI's message and exit 2, before listening
    if host not in LOCAL_HOSTS:
        print(f"warning: listening on {host}: anyone who can reach this address can use the "
              "workbench (it has no login). Use the default 127.0.0.1 to keep it local.",
              file=sys.stderr)
    app = create_app(path, period, time_limit, host=host, allow_hosts=allow_host or ())
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"
    print(f"landalloc workbench: {url}  (API docs: {url}docs; Ctrl-C stops)", flush=True)
    if not no_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    try:
        serve(app, host, port)
    except OSError as e:
        raise InputError.one(f"cannot listen on {host}:{port}: {e.strerror}",
                             file="--port") from None
    if interrupted():  # uvicorn stops on Ctrl-C or SIGTERM and swallows the interrupt
        print("stopped", file=sys.stderr)
        raise typer.Exit(EXIT_INTERRUPTED)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
