"""Rewrite an instance's output.csv from derivation.yaml, and check its derived capacities.

    python scripts/derive_instance.py [instances/zhengzhou] [--check]

--check writes nothing and exits 1 if output.csv, the 2026-2035 caps (capacities-2026-2035.csv)
or the caps of the even-split and strict scenarios differ from their rules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from landalloc.plan.derive import derived_tables

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", nargs="?", default=ROOT / "instances" / "zhengzhou", type=Path)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    output, caps = derived_tables(args.folder)
    ok = True
    target = args.folder / "output.csv"
    if args.check:
        current = pd.read_csv(target)
        if not current.equals(pd.read_csv(pd.io.common.StringIO(output.to_csv(index=False)))):
            print(f"{target} differs from the derivation")
            ok = False
    else:
        output.to_csv(target, index=False)
        print(f"wrote {target} ({len(output)} cells)")
    for period, (want, have) in caps.items():
        for d in sorted(set(want) | set(have)):
            if want.get(d) != have.get(d):
                print(f"{period} districts.{d}.cap: rule gives {want.get(d)}, "
                      f"file has {have.get(d)}")
                ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
