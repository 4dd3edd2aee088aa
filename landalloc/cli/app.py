"""The `landalloc` command. Each command lives in landalloc/cli/<name>.py."""

from __future__ import annotations

import gc
import importlib
import os
import sys

# Nothing here multiplies matrices large enough to gain from BLAS threads, and on a shared
# machine each process starting one per core costs about 0.08 s of CPU at `import numpy`
# (batch workers inherit it). A value the user sets wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import typer

from landalloc.cli.failure import (
    EXIT_BAD_INPUT,
    EXIT_CODES_HELP,
    EXIT_INTERRUPTED,
    internal_error,
    os_error_message,
)
from landalloc.errors import InputError

app = typer.Typer(
    name="landalloc",
    help="Allocate a land-use plan's new industrial land over sectors and districts by "
         "linear programming, and explain the result in the plan's own terms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: reflows text, and starts without rich
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
    "landalloc.cli.check",
    "landalloc.cli.ranges",
    "landalloc.cli.alternatives",
    "landalloc.cli.explain",
    "landalloc.cli.serve",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)

for _cmd in app.registered_commands:  # every command's --help lists the exit codes
    _cmd.epilog = EXIT_CODES_HELP


def command(args: list[str] | None = None):
    """The click command of the app, with the manual applied (examples, units, exit codes,
    placeholders and defaults in every --help).

    When `args` start with a command's name only that command is built: building all of
    them takes about 0.025 s; what the command prints is the same."""
    from typer.main import get_command

    from landalloc.cli import manual

    cmd = get_command(_only(app, args or []))
    manual.apply(cmd, EXIT_CODES_HELP)
    _help_flags_false(cmd)
    return cmd


def _only(typer_app: typer.Typer, args: list[str]) -> typer.Typer:
    """`typer_app` with just the command `args[0]` names, or `typer_app` itself when args[0]
    names none (no command, an option, a typo: click lists them all)."""
    import copy

    from typer.main import get_command_name

    first = args[0] if args else ""
    commands = [c for c in typer_app.registered_commands
                if (c.name or get_command_name(c.callback.__name__)) == first]
    groups = [g for g in typer_app.registered_groups if g.name == first]
    if not commands and not groups:
        return typer_app
    only = copy.copy(typer_app)
    only.registered_commands, only.registered_groups = commands, groups
    return only


def _help_flags_false(cmd) -> None:
    """Every --help flag defaults to False, not None: typer coerces a None flag through a
    pydantic adapter, which would load pydantic for `landalloc solve --help` (the root's
    flag is processed, unset) — 0.1 s. The help shown is the same."""
    from typer._click import Context

    opt = cmd.get_help_option(Context(cmd))
    if opt is not None and opt.default is None:
        opt.default = False
    for sub in getattr(cmd, "commands", {}).values():
        _help_flags_false(sub)


def run(args: list[str] | None = None) -> int:
    """Run the command; return its exit code. Never lets a traceback reach the terminal."""
    try:
        if isinstance(app, typer.Typer):  # usage errors: click's message, exit 2 (SystemExit)
            command(sys.argv[1:] if args is None else args).main(args=args,
                                                                 prog_name="landalloc")
        else:  # a stand-in (tests replace the app)
            app(args=args)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as e:
        msg = os_error_message(e)
        if msg is None:
            return internal_error(e)
        print(f"error: {msg}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError as e:
        print("error: out of memory", file=sys.stderr)
        return internal_error(e)
    except Exception as e:
        return internal_error(e)
    return 0


def main() -> None:
    """Entry point: bad input is one clear message and exit 2, never a traceback."""
    code = run()
    # The work is done and written; what is still alive lives until the process ends. Left
    # to the collector, the interpreter's last collections walk every pandas, pydantic and
    # scipy object once more: 0.2 s of each `landalloc solve`. Frozen, they are not walked
    # (atexit handlers still run and the standard streams are still flushed).
    gc.freeze()
    sys.exit(code)
