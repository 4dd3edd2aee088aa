"""Every input and output surface as safe as `--set`: each test names what it protects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from landalloc.errors import InputError

SECRET = "daemon:$6$S3CRETHASHabcdef:1:1:daemon:/usr/sbin:/usr/sbin/nologin"
PASSWD = f"root:x:0:0:root:/root:/bin/bash\n{SECRET}\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
ENV_FILE = "DB_PASSWORD: hunter2-S3CRET\nAPI_TOKEN: tok_S3CRET0123456789\n"


def run(*args: str, cwd: Path | None = None, env: dict | None = None
        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landalloc", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def bad(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    return p.stderr


# ------------------------------------------------------------------ item 4: file contents
@pytest.mark.parametrize("body", [PASSWD, ENV_FILE], ids=["passwd", "env"])
@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_check_never_quotes_a_file_that_is_not_an_allocation_table(tmp_path, body, suffix):
    f = tmp_path / f"secret{suffix}"
    f.write_text(body, encoding="utf-8")
    err = bad(run("check", str(f)))
    assert "not an allocation table" in err and str(f) in err
    err = err.replace(str(f), "FILE")
    assert "S3CRET" not in err and "root" not in err and "DB_PASSWORD" not in err


@pytest.mark.parametrize("what", ["audit", "forecast"])
@pytest.mark.parametrize("body", [PASSWD, ENV_FILE, "password: 1e400\n"],
                         ids=["passwd", "env", "big-number"])
def test_audit_and_forecast_never_quote_a_file_of_another_kind(tmp_path, what, body):
    from landalloc.analysis.audit import audit
    from landalloc.analysis.forecast import run_forecast

    f = tmp_path / "secret.yaml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as e:
        (audit if what == "audit" else run_forecast)(f)
    text = str(e.value).replace(str(f), "FILE")
    assert len(e.value.problems) == 1 and e.value.problems[0].file == str(f)
    assert "not a" in text
    for word in ("S3CRET", "root", "DB_PASSWORD", "API_TOKEN", "password"):
        assert word not in text


def test_check_quotes_a_short_excerpt_of_a_table_that_is_one(tmp_path):
    f = tmp_path / "alloc.csv"
    f.write_text("sector,district,hectares\n" + "x" * 500 + ",airport,10\n", encoding="utf-8")
    err = bad(run("check", str(f)))
    assert f"{f}:2" in err and "unknown sector" in err
    assert "x" * 40 in err and "x" * 41 not in err


def test_a_forecast_file_with_a_long_unknown_key_quotes_only_an_excerpt(tmp_path):
    from landalloc.analysis.forecast import run_forecast
    from landalloc.plan.locate import instances_root

    text = (instances_root() / "zhengzhou" / "forecast.yaml").read_text(encoding="utf-8")
    f = tmp_path / "forecast.yaml"
    f.write_text(text + "k" * 300 + ": 1\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        run_forecast(f)
    (p,) = e.value.problems
    assert p.key is not None and p.key.startswith("k" * 60) and len(p.key) <= 61
    assert p.line == text.count("\n") + 1 and "unknown key" in p.message
