"""Options shared by every command that loads or solves a scenario."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from landalloc.solver import SolverOptions


PeriodOpt = Annotated[str | None, typer.Option(
    "--period", "-p", metavar="PERIOD|all|P1,P2",
    help="Plan period, e.g. 2021-2025 or 2026-2035; all (every period) or a comma list "
         "(2021-2025,2026-2035) reads the periods linked, as one LP")]
OnePeriodOpt = Annotated[str | None, typer.Option(
    "--period", "-p",
    help="Plan period, e.g. 2021-2025 or 2026-2035 (one period: this command refuses all "
         "and comma lists; solve, sensitivity, ranges, check and diagnose read linked "
         "periods)")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", "-s", help="Override PATH=VALUE, repeatable, e.g. districts.airport.cap=1500 "
                        "or sectors.electronics.quota.min=1900")]


def _known_backend(name: str | None) -> str | None:
    """Reject an unknown backend before anything is loaded (exit 2, the known names listed)."""
    from landalloc.plan.choices import BACKEND_NAMES  # names only: loads no solver

    if name is not None and name not in BACKEND_NAMES:
        raise typer.BadParameter(f"unknown backend '{name}' (known: {', '.join(BACKEND_NAMES)})")
    return name


BackendOpt = Annotated[str | None, typer.Option(
    "--backend", "-b", callback=_known_backend,
    help="Solver backend: highs (highspy, the default and fastest), pulp or pyomo "
         "(each solving with HiGHS through its own interface); default: the scenario's "
         "solver setting, else highs")]
def _positive_seconds(value: float | None) -> float | None:
    """A time limit is a finite number of seconds above zero."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"{value:g} is not a time limit: give seconds above 0")
    return value


def _at_least_one(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise typer.BadParameter(f"{value} is below 1")
    return value


def within(low: int, high: int) -> Callable[[int | None], int | None]:
    """A callback that accepts a whole number from `low` to `high` (both included): every
    count, step or seed an option takes has a limit, stated in its --help."""

    def check(value: int | None) -> int | None:
        if value is not None and not low <= value <= high:
            raise typer.BadParameter(f"{value} is outside {low:,}–{high:,}")
        return value

    return check


def _scheduler(value: str | None) -> str | None:
    """'local' or tcp://host:port, checked before anything is written."""
    if value is None or value == "local":
        return value
    m = _SCHEDULER.match(value)
    if m is None or not 0 < int(m.group(2)) < 65536:
        raise typer.BadParameter(f"'{value[:80]}' is not a scheduler address: give 'local' "
                                 "or tcp://host:port (e.g. tcp://10.0.0.5:8786)")
    return value


def choice(*allowed: str) -> Callable[[str | None], str | None]:
    """A callback that accepts exactly one of `allowed` (the list shown when it does not)."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in allowed:
            raise typer.BadParameter(f"'{value[:80]}' is not one of: {', '.join(allowed)}")
        return value

    return check


_SCHEDULER = re.compile(r"^tcp://([A-Za-z0-9_.\-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$")

TimeLimitOpt = Annotated[float | None, typer.Option(
    "--time-limit", callback=_positive_seconds, help="Seconds (above 0)")]
ThreadsOpt = Annotated[int | None, typer.Option(
    "--threads", callback=_at_least_one, help="Solver threads (1 or more)")]
JobsOpt = Annotated[int, typer.Option(
    "--jobs", "-j", callback=_at_least_one,
    help="Worker processes, 1 or more (1: solve in this process)")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", callback=_scheduler,
    help="Dask scheduler address (tcp://host:port), or 'local' to start a LocalCluster of "
         "--jobs workers; an unreachable scheduler is an error after a few seconds")]
ScaleRulesOpt = Annotated[str, typer.Option(
    "--scale-rules", callback=choice("proportional", "none"),
    help="proportional: scale quotas, caps and zone totals by new/old increment; none: "
         "change only the total")]
IncrementFromOpt = Annotated[str, typer.Option(
    "--increment-from", callback=choice("plan", "forecast"),
    help="plan: the period's new land as the plan fixes it; forecast: from `landalloc "
         "forecast` (final total at the period's end minus at its start)")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show the solver's log")]


def options_from(time_limit: float | None, threads: int | None, verbose: bool) -> SolverOptions:
    from landalloc.solver import SolverOptions

    return SolverOptions(time_limit=time_limit, threads=threads, verbose=verbose)

#: Exit codes every solving command shares (2, bad input, is the CLI's own).
EXIT_INFEASIBLE = 3
EXIT_NOT_SOLVED = 4


def _slack(value: float | None) -> float | None:
    """A slack is a fraction of the optimum in [0, 1)."""
    if value is not None and not (math.isfinite(value) and 0 <= value < 1):
        raise typer.BadParameter(f"{value:g} is not a slack: give a fraction in [0, 1), "
                                 "e.g. 0.02 for 2 %")
    return value


SlackOpt = Annotated[float, typer.Option(
    "--slack", "-S", callback=_slack,
    help="Output may fall this fraction below the optimum (0: optimal allocations only; "
         "0.02: within 2 %)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document")]
PathArg = Annotated[str | None, typer.Argument(
    help="Instance name (zhengzhou), instance folder, or scenario YAML file")]


def solved_or_exit(compute: Callable):
    """Run `compute()`; a scenario without any feasible allocation is exit 3, one the solver
    did not finish is exit 4 (a message, no traceback)."""
    import sys

    from landalloc.analysis.alternatives import Infeasible, NotSolved
    from landalloc.safe_text import shown

    try:
        return compute()
    except Infeasible as e:  # rule labels from data: control characters as pictures
        print(shown(f"infeasible: {e}"), file=sys.stderr)
        raise typer.Exit(EXIT_INFEASIBLE) from None
    except NotSolved as e:
        print(shown(str(e)), file=sys.stderr)
        raise typer.Exit(EXIT_NOT_SOLVED) from None


LangOpt = Annotated[str, typer.Option(
    "--lang", metavar="zh|en|both",
    help="Language of the screen (and of a report): zh Chinese only, en English only (ids "
         "for names), both")]


def print_json(doc) -> None:
    """The --json document on stdout: one writer for every command (UTF-8 names kept)."""
    import json
    import sys

    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")


def linked_or_one(path, period: str | None, sets: list[str]):
    """The problem a command analyses: the linked periods' one LP (`--period all`, `p1,p2`,
    a scenario with `period: all`), else the one period."""
    from landalloc.problem.build import load_problem
    from landalloc.problem.horizon import linked_spec, load_horizon

    spec = linked_spec(path, period)
    return load_problem(path, period, sets) if spec is None else load_horizon(path, spec, sets)
