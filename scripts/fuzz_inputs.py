"""Run the input fuzz tests with many examples: python scripts/fuzz_inputs.py [N]."""

from __future__ import annotations

import os
import subprocess
import sys

if __name__ == "__main__":
    n = sys.argv[1] if len(sys.argv) > 1 else "2000"
    env = {**os.environ, "LANDALLOC_FUZZ_EXAMPLES": n}
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              "tests/test_fuzz_inputs.py"], env=env))
