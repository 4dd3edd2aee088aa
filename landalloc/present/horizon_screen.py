"""Linked periods on screen: the periods side by side with horizon totals, then the rules
across periods with their prices and achieved values."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _fmt(v) -> str:
    return "·" if v is None or abs(v) < 0.05 else f"{v:,.0f}"


def _price(r: dict) -> str:
    """The price where unique; else the measured values of one more / one less unit."""
    if r["dual"] is not None and r.get("price_unique"):
        return f"{r['dual']:.4f}"
    if not r.get("binding"):
        return ""

    def one(v) -> str:
        return "infeasible" if v is None else f"{v:+.4f}"

    return (f"not unique: one more {one(r.get('value_one_more_ha'))}, "
            f"one less {one(r.get('value_one_less_ha'))}")


def print_horizon(result, console: Console | None = None) -> None:
    console = console or Console()
    h = result.horizon
    head = h.instances[0]
    console.print(f"[bold]{head.title or head.name} — periods {' + '.join(h.periods)} "
                  f"linked ({result.mode})[/]", highlight=False)
    if not result.optimal:
        console.print(f"status: [bold red]{result.status}[/] ({result.raw.message})")
        return
    doc = result.to_dict()
    per = doc["periods"]
    for kind in ("sector", "district", "zone"):
        t = Table(title=f"New land by {kind} (ha), periods side by side", show_footer=True)
        t.add_column(kind, footer="total")
        for p in h.periods:
            t.add_column(p, justify="right",
                         footer=_fmt(sum(per[p]["totals"].get(kind, {}).values())))
        t.add_column("horizon", justify="right",
                     footer=_fmt(sum(doc["horizon_totals"][kind].values())))
        for k, total in doc["horizon_totals"][kind].items():
            t.add_row(k, *[_fmt(per[p]["totals"].get(kind, {}).get(k)) for p in h.periods],
                      _fmt(total))
        console.print(t)
    t = Table(title="Projected output by period")
    for col in ("period", f"output ({doc['objective_unit']})"):
        t.add_column(col, justify="right")
    for p in h.periods:
        t.add_row(p, f"{per[p]['objective']:,.2f}")
    t.add_row("horizon", f"{doc['objective']:,.2f}")
    console.print(t)
    for c in doc["carry_over"]:
        console.print(f"carried over {c['from']} -> {c['to']}: {c['hectares']:,.0f} ha")
    seq = doc.get("sequential")
    if seq is not None:
        if seq.get("objective") is None:
            console.print(f"sequential planning: {seq['status']} at {seq.get('failed_at')}")
        else:
            console.print(f"sequential planning (each period in turn): "
                          f"{seq['objective']:,.2f}; value of planning together: "
                          f"{doc['value_of_joint_planning']:,.2f} {doc['objective_unit']}")
    t = Table(title="Rules across periods")
    for col in ("rule", "achieved", "bounds", "price", "source"):
        t.add_column(col, overflow="fold")
    for r in doc["rules"]:
        unit = r.get("achieved_unit") or "ha"
        ach = r.get("achieved")
        shown = "" if ach is None else (f"{ach:.3f}" if unit == "share" else f"{ach:,.1f}")
        lo, hi = r.get("achieved_lower"), r.get("achieved_upper")
        bounds = f"[{'' if lo is None else f'{lo:g}'}, {'' if hi is None else f'{hi:g}'}]"
        price = _price(r)
        t.add_row(r["label"], f"{shown} {unit}", bounds, price, r["source"] or "")
    console.print(t)
