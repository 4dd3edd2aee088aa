"""Public names of a package loaded on first use (PEP 562), so that importing the package
(for `landalloc --help`, say) does not load pandas, scipy or a solver."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(package: str, names: dict[str, str], namespace: dict[str, Any],
               computed: dict[str, Callable[[], Any]] | None = None
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's `__getattr__` and `__dir__`: `names` maps a public name to the module
    that defines it, `computed` to a function that makes it; each is kept once made."""
    computed = computed or {}

    def __getattr__(name: str) -> Any:
        if name in computed:
            value = computed[name]()
        elif name in names:
            value = getattr(importlib.import_module(names[name]), name)
        else:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *names, *computed])

    return __getattr__, __dir__
