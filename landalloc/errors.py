"""Errors an analyst can act on: each names the file, the key and what was wrong."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One thing wrong with an input: where it is and what is wrong."""

    message: str
    file: str | None = None
    key: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        parts = [p for p in (where, self.key) if p]
        prefix = " ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class InputError(Exception):
    """Bad input: the CLI prints every problem and exits 2, with no traceback."""

    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def one(cls, message: str, file: str | None = None, key: str | None = None,
            line: int | None = None) -> InputError:
        return cls([Problem(message, file, key, line)])

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        return "\n".join(f"- {p}" for p in self.problems)
