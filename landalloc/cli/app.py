"""The `landalloc` command. Each command lives in landalloc/cli/<name>.py."""

from __future__ import annotations

import importlib
import sys

import typer

from landalloc.errors import InputError

app = typer.Typer(
    name="landalloc",
    help="Allocate a land-use plan's new industrial land over sectors and districts by "
         "linear programming, and explain the result in the plan's own terms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """landalloc: the plan's quotas as a linear program."""


#: Command modules, each with register(app). Add one line per new command module.
COMMAND_MODULES = [
    "landalloc.cli.solve",
    "landalloc.cli.diagnose",
    "landalloc.cli.report",
    "landalloc.cli.sensitivity",
    "landalloc.cli.forecast",
    "landalloc.cli.export",
    "landalloc.cli.batch",
    "landalloc.cli.scenarios",
    "landalloc.cli.compare",
    "landalloc.cli.tradeoff",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Entry point: bad input is one clear message and exit 2, never a traceback."""
    try:
        app()
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
