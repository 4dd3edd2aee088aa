"""The `landalloc` command. Each command lives in landalloc/cli/<name>.py."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Iterable

# the process's set-up first, before the libraries load (landalloc/cli/process.py)
from landalloc.cli import process  # noqa: F401

# isort: split
import typer

from landalloc.cli.failure import (
    EXIT_BAD_INPUT,
    EXIT_CODES_HELP,
    EXIT_INTERRUPTED,
    Terminated,
    end_on_sigterm,
    internal_error,
    os_error_message,
    terminated,
)
from landalloc.errors import InputError
from landalloc.safe_text import shown

#: Command modules, each with register(app), and the commands each registers: `landalloc
#: NAME` imports the one module that runs NAME (tests/test_startup_imports.py checks the names).
#: Add one line per new command module.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "landalloc.cli.solve": ("solve",),
    "landalloc.cli.diagnose": ("diagnose",),
    "landalloc.cli.report": ("report",),
    "landalloc.cli.sensitivity": ("sensitivity", "sweep", "tornado"),
    "landalloc.cli.forecast": ("forecast", "audit"),
    "landalloc.cli.export": ("export",),
    "landalloc.cli.batch": ("batch",),
    "landalloc.cli.scenarios": ("scenarios", "schema"),
    "landalloc.cli.compare": ("compare",),
    "landalloc.cli.tradeoff": ("tradeoff",),
    "landalloc.cli.check": ("check",),
    "landalloc.cli.ranges": ("ranges",),
    "landalloc.cli.alternatives": ("alternatives",),
    "landalloc.cli.explain": ("explain",),
    "landalloc.cli.serve": ("serve",),
}


def _root() -> None:
    """landalloc: the plan's quotas as a linear program."""


def new_app(modules: Iterable[str] = COMMAND_MODULES) -> typer.Typer:
    """The landalloc app with the commands of `modules` (default: all of them), each
    command's --help listing the exit codes."""
    typer_app = typer.Typer(
        name="landalloc",
        help="Allocate a land-use plan's new industrial land over sectors and districts by "
             "linear programming, and explain the result in the plan's own terms.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # click's plain help: reflows text, and starts without rich
    )
    typer_app.callback()(_root)
    for module in modules:
        importlib.import_module(module).register(typer_app)
    for cmd in typer_app.registered_commands:
        cmd.epilog = EXIT_CODES_HELP
    return typer_app


def __getattr__(name: str):
    """`app`: every command registered (what typer's test runner drives), made once."""
    if name == "app":
        globals()["app"] = whole = new_app()
        return whole
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _app_for(args: list[str]) -> typer.Typer:
    """The app `args` run: the `app` already made (or set by a test), else one with just the
    module of the command args[0] names; all of them when it names none (no command, an
    option, a typo: click lists them all). Importing all 15 modules takes about 0.02 s."""
    made = globals().get("app")
    if made is not None:
        return made
    first = args[0] if args else ""
    modules = [m for m, names in COMMAND_MODULES.items() if first in names]
    return new_app(modules) if modules else __getattr__("app")


def command(args: list[str] | None = None):
    """The click command of the app, with the manual applied (examples, units, exit codes,
    placeholders and defaults in every --help).

    When `args` start with a command's name only that command is built: building all of
    them takes about 0.025 s; what the command prints is the same."""
    from typer.main import get_command

    from landalloc.cli import manual

    cmd = get_command(_only(_app_for(args or []), args or []))
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
    stand_in = globals().get("app")
    try:
        if stand_in is None or isinstance(stand_in, typer.Typer):
            # usage errors: click's message, exit 2 (SystemExit)
            command(sys.argv[1:] if args is None else args).main(args=args,
                                                                 prog_name="landalloc")
        else:  # a stand-in (tests replace the app)
            stand_in(args=args)
    except SystemExit as e:
        if e.code == EXIT_INTERRUPTED and terminated():
            print("terminated (SIGTERM)", file=sys.stderr)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except InputError as e:  # names and keys from data: control characters as pictures
        print(shown(f"error: {e}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as e:
        print("terminated (SIGTERM)" if isinstance(e, Terminated) else "interrupted",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as e:
        msg = os_error_message(e)
        if msg is None:
            return internal_error(e)
        print(shown(f"error: {msg}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError as e:
        print("error: out of memory", file=sys.stderr)
        return internal_error(e)
    except Exception as e:
        return internal_error(e)
    return 0


def main() -> None:
    """Entry point: bad input is one clear message and exit 2, never a traceback; SIGTERM
    ends the command as Ctrl-C does (130)."""
    end_on_sigterm()
    end(run())


def end(code: int) -> None:
    """Exit with `code` once the work is done and written, without the interpreter's
    teardown: it walks and frees every module and object once more (0.2 s of each `landalloc
    solve` when left to the collector, still 0.01–0.02 s with it frozen) only to end the
    process. Exit handlers run and the standard streams are flushed first, as at a normal
    exit; while a non-daemon thread still runs, the normal exit waits for it (with the
    collector frozen, so that its last collections do not walk everything once more)."""
    threading = sys.modules.get("threading")
    if threading is not None and any(not t.daemon for t in threading.enumerate()
                                     if t is not threading.main_thread()):
        gc.freeze()
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`), a closed stream
            code = code or 1
    os._exit(code)
