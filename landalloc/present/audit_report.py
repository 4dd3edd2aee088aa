"""The audit on screen: one row per inconsistency, with where it is and both numbers."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from landalloc.analysis.audit import AuditReport, CheckResult


def _num(v: float, sign: str = "") -> str:
    if abs(v) >= 1000:
        return f"{v:{sign},.0f}"
    return f"{v:{sign}.2f}" if abs(v) >= 10 else f"{v:{sign}.3f}"


def _row(t: Table, i: int, r: CheckResult) -> None:
    t.add_row(str(i), r.kind, "\n".join(r.where), r.stated_text, r.computed_text,
              _num(r.computed.v), _num(r.difference, "+"), r.message
              + (f"\n[dim]{r.note}[/]" if r.note else ""))


def print_audit(report: AuditReport, show_all: bool = False,
                console: Console | None = None) -> None:
    console = console or Console()
    found = report.findings
    console.print(f"[bold]{report.name}[/]: {len(report.results)} checks, "
                  f"[bold]{len(found)}[/] inconsistencies ({report.file.name})", highlight=False)
    groups = [("Inconsistencies", found)]
    if show_all:
        groups.append(("Checks that hold", [r for r in report.results if not r.fired]))
    for title, rows in groups:
        if not rows:
            continue
        t = Table(title=title, show_lines=True)
        for col in ("#", "check", "where", "stated", "from", "computed", "difference", "what"):
            t.add_column(col, overflow="fold")
        for i, r in enumerate(rows, 1):
            _row(t, i, r)
        console.print(t)
