"""Take docs/workbench.png: the workbench page with the 航空港区 cap moved to 1,200 ha.

    python scripts/screenshot_workbench.py [--out docs/workbench.png]

Runs the server in-process on a free local port and drives Debian's chromium through
Playwright (LANDALLOC_CHROMIUM selects another executable)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serve_live import browser_page, live_server  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=str(ROOT / "docs" / "workbench.png"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, live_server() as url, \
            browser_page(url, tmp, width=1600, height=1000) as page:
        page.wait_for_function("() => document.querySelector('#objective').textContent"
                               ".includes('亿元')", timeout=30000)
        n = page.evaluate("window.__workbench.solves")
        page.evaluate("() => { const el = document.querySelector("
                      "'input[type=range][data-path=\"districts.airport.cap\"]'); "
                      "el.value = 1200; el.dispatchEvent(new Event('input')); }")
        page.wait_for_function(f"() => window.__workbench.solves > {n} && "
                               "!window.__workbench.inflight")
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=args.out)
    print(args.out)


if __name__ == "__main__":
    main()
