"""Plots for the edge cases an analyst meets: a sweep with infeasible points only."""

from __future__ import annotations

import landalloc
from landalloc.present.analysis_files import write_sweep


def test_all_infeasible_sweep_still_draws(tmp_path):
    df = landalloc.sweep("zhengzhou", "sectors.electronics.quota", 100, 200, steps=3)
    assert set(df["status"]) == {"infeasible"}
    write_sweep(tmp_path, df)
    png = tmp_path / "sweep.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
