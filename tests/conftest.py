"""Shared fixtures: the bundled instance is found without any path outside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def zz_2021():
    import landalloc

    return landalloc.solve("zhengzhou", period="2021-2025")


@pytest.fixture(scope="session")
def zz_2026():
    import landalloc

    return landalloc.solve("zhengzhou", period="2026-2035")
