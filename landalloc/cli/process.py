"""How a `landalloc` process is set up before the libraries load; imported first by app.py."""

import gc
import os

# Nothing here multiplies matrices large enough to gain from BLAS threads, and on a shared
# machine each process starting one per core costs about 0.08 s of CPU at `import numpy`
# (batch workers inherit it). A value the user sets wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Start-up makes some 80,000 objects that live to the end (typer, pydantic's models, numpy);
# at the default threshold of 700 the collector walks them about 120 times, 0.015–0.02 s of a
# `landalloc solve`. Collecting the young generation every 100,000 allocations keeps start-up
# free of collections and bounds what a long batch leaves uncollected between two.
gc.set_threshold(100_000, *gc.get_threshold()[1:])
