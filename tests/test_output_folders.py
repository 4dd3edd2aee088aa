"""An output folder holds one run: written whole, never mixed, never replaced by accident."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.test_input_safety import bad, run, scenario


def names(d: Path) -> set[str]:
    return {p.name for p in d.iterdir() if not p.name.startswith(".")}


def test_infeasible_solve_replaces_the_whole_earlier_run(tmp_path):
    out = tmp_path / "o"
    assert run("solve", "--out", str(out)).returncode == 0
    assert "allocation.csv" in names(out)
    p = run("solve", "--out", str(out), "--set", "total_increment=100")
    assert p.returncode == 3
    assert names(out) == {"result.json", "record.json"}  # no stale CSVs beside it
    assert json.loads((out / "result.json").read_text("utf-8"))["status"] == "infeasible"


def test_batch_refuses_a_solve_folder_without_overwrite(tmp_path):
    out = tmp_path / "o"
    assert run("solve", "--out", str(out)).returncode == 0
    f = scenario(tmp_path, "extends: zhengzhou\n")
    assert "holds a solve run" in bad(run("batch", str(f), "--out", str(out), "-q"))
    assert "allocation.csv" in names(out)
    p = run("batch", str(f), "--out", str(out), "-q", "--overwrite")
    assert p.returncode == 0, p.stderr
    assert "totals.csv" not in names(out) and "summary.parquet" in names(out)


def test_solve_refuses_a_batch_folder(tmp_path):
    out = tmp_path / "o"
    f = scenario(tmp_path, "extends: zhengzhou\n")
    assert run("batch", str(f), "--out", str(out), "-q").returncode == 0
    assert "holds a batch run" in bad(run("solve", "--out", str(out)))


def test_solve_refuses_a_folder_of_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    bad(run("solve", "--out", str(tmp_path)))
    assert names(tmp_path) == {"notes.txt"}


def test_out_pointing_at_a_file_is_exit_2(tmp_path):
    f = tmp_path / "file"
    f.write_text("x", encoding="utf-8")
    assert "is a file" in bad(run("solve", "--out", str(f)))
    f2 = scenario(tmp_path, "extends: zhengzhou\n")
    bad(run("batch", str(f2), "--out", str(f), "-q"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_out_in_a_read_only_folder_is_exit_2(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        bad(run("solve", "--out", str(ro / "o")))
    finally:
        ro.chmod(0o700)


def test_a_full_disk_is_exit_2_and_writes_nothing(tmp_path, monkeypatch):
    import errno

    import landalloc
    from landalloc import atomic
    from landalloc.errors import InputError

    result = landalloc.solve("zhengzhou")

    def full(self, *a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(InputError, match="No space left"):
        atomic.write_result(tmp_path / "o", result)
    assert not (tmp_path / "o").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".o.tmp")]


def test_a_second_batch_into_a_running_batch_folder_is_refused_with_its_pid(tmp_path):
    from landalloc.batch.store import Store

    out = tmp_path / "o"
    holder = Store(out)
    holder.lock()
    try:
        f = scenario(tmp_path, "extends: zhengzhou\n")
        err = bad(run("batch", str(f), "--out", str(out), "-q", "--overwrite"))
        assert f"PID {os.getpid()}" in err
    finally:
        holder.unlock()


def test_resume_refuses_inputs_regenerated_at_the_same_path(tmp_path):
    import pandas as pd

    table = tmp_path / "t.csv"
    pd.DataFrame({"scenario": ["a", "b"], "districts.airport.cap": [1000, 1200]}).to_csv(
        table, index=False)
    out = tmp_path / "o"
    assert run("batch", str(table), "--base", "zhengzhou", "--out", str(out),
               "-q").returncode == 0
    pd.DataFrame({"scenario": ["a", "b"], "districts.airport.cap": [900, 1300]}).to_csv(
        table, index=False)
    assert "inputs changed" in bad(run("batch", "--out", str(out), "--resume", "-q"))


def test_resume_with_an_empty_manifest_is_exit_2(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    assert "manifest" in bad(run("batch", "--out", str(out), "--resume", "-q"))


def test_resume_with_a_corrupt_chunk_is_exit_2(tmp_path):
    f = scenario(tmp_path, "extends: zhengzhou\n")
    out = tmp_path / "o"
    assert run("batch", str(f), "--out", str(out), "-q").returncode == 0
    chunk = next((out / "chunks").iterdir())
    (chunk / "summary.parquet").write_bytes(b"garbage")
    assert "cannot be read" in bad(run("batch", "--out", str(out), "--resume", "-q"))


def _many(tmp_path: Path, n: int) -> Path:
    import pandas as pd

    table = tmp_path / "many.csv"
    pd.DataFrame({"scenario": [f"s{i}" for i in range(n)],
                  "districts.airport.cap": [900 + i for i in range(n)]}).to_csv(
        table, index=False)
    return table


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "landalloc", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def test_sigterm_stops_the_workers_and_says_how_to_resume(tmp_path):
    table = _many(tmp_path, 3000)
    out = tmp_path / "o"
    p = _start(["batch", str(table), "--base", "zhengzhou", "--out", str(out), "-j", "2",
                "--chunk-size", "20", "-q"])
    while not (out / "chunks").exists() and p.poll() is None:
        time.sleep(0.05)
    kids = _children(p.pid)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    for k in kids:
        for _ in range(100):
            if not Path(f"/proc/{k}").exists():
                break
            time.sleep(0.05)
        assert not Path(f"/proc/{k}").exists(), f"worker {k} still running"
    p2 = run("batch", "--out", str(out), "--resume", "-q")
    assert p2.returncode == 0, p2.stderr
    ids = pq.read_table(out / "summary.parquet", columns=["id"]).column("id").to_pylist()
    assert ids == list(range(3000))


def _solve_folder_ok(out: Path, earlier: dict | None) -> dict | None:
    """A solve folder is the previous run or a new complete one: its files agree."""
    if not out.exists():
        return earlier if earlier is None else pytest.fail("the previous run vanished")
    files = names(out)
    rec = json.loads((out / "record.json").read_text("utf-8"))
    res = json.loads((out / "result.json").read_text("utf-8"))
    assert rec["objective"] == res["objective"]
    whole = {"result.json", "record.json"}
    if res["status"] == "optimal":
        whole |= {"allocation.csv", "totals.csv", "rules.csv"}
    assert files == whole, files
    assert json.loads((out / ".landalloc-run.json").read_text("utf-8"))["complete"]
    return rec


def test_sigkill_during_solve_out_leaves_a_whole_run(tmp_path):
    rng = random.Random(7)
    out = tmp_path / "o"
    assert run("solve", "--out", str(out)).returncode == 0
    seen = _solve_folder_ok(out, None)
    for k in range(5):
        cap = 1100 + 50 * k
        p = _start(["solve", "--out", str(out), "--set", f"districts.airport.cap={cap}"])
        time.sleep(rng.uniform(0.5, 1.8))
        p.kill()
        p.communicate()
        seen = _solve_folder_ok(out, seen)
        assert not [q for q in tmp_path.iterdir() if ".tmp-" in q.name and
                    (q / "record.json").exists() and q.name == "o"]


def test_sigkill_during_batch_leaves_a_resumable_or_complete_folder(tmp_path):
    rng = random.Random(11)
    table = _many(tmp_path, 600)
    out = tmp_path / "o"
    args = ["batch", str(table), "--base", "zhengzhou", "--out", str(out), "--chunk-size",
            "25", "-q"]
    for k in range(3):
        p = _start([*args, "--overwrite"] if k == 0 else [*args, "--resume"])
        time.sleep(rng.uniform(0.8, 3.0))
        p.kill()
        p.communicate()
        marker = out / ".landalloc-run.json"
        if marker.exists() and json.loads(marker.read_text("utf-8"))["complete"]:
            ids = pq.read_table(out / "summary.parquet", columns=["id"]).column("id")
            assert ids.to_pylist() == list(range(600))
    # with its inputs, --resume finishes a started batch, or starts one that a kill stopped
    # before its manifest was written (a loaded machine can take seconds to start workers)
    p = run(*args, "--resume")
    assert p.returncode == 0, p.stderr
    ids = pq.read_table(out / "summary.parquet", columns=["id"]).column("id").to_pylist()
    assert ids == list(range(600))  # every scenario exactly once


def test_overwrite_keeps_the_earlier_batch_until_the_new_one_is_complete(tmp_path):
    """--overwrite sets the earlier batch aside: an interrupted replacement says where it
    is, whole; a completed one removes it."""
    small = _many(tmp_path, 5)
    out = tmp_path / "o"
    base = ["--base", "zhengzhou", "--out", str(out), "-q"]
    assert run("batch", str(small), *base).returncode == 0
    def summary(folder: Path) -> dict:  # what the batch found (not how long it took)
        return pq.read_table(folder / "summary.parquet",
                             columns=["id", "scenario", "status", "objective"]).to_pydict()

    before = summary(out)
    (tmp_path / "big").mkdir()
    big = _many(tmp_path / "big", 3000)
    p = _start(["batch", str(big), *base, "--overwrite", "--chunk-size", "20"])

    def replacing() -> bool:  # the earlier batch set aside and the new one's chunks begun
        return (any(q.name.startswith(".o.replaced-") for q in tmp_path.iterdir())
                and (out / "chunks").exists())

    while not replacing() and p.poll() is None:
        time.sleep(0.05)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    kept = [q for q in tmp_path.iterdir() if q.name.startswith(".o.replaced-")]
    assert len(kept) == 1 and str(kept[0]) in err.replace("\n", "")
    assert summary(kept[0]) == before
    assert run("batch", str(small), *base, "--overwrite").returncode == 0
    assert summary(out) == before
    assert [q.name for q in tmp_path.iterdir() if ".replaced-" in q.name] == [kept[0].name]


def test_a_run_killed_while_writing_its_manifest_can_be_resumed(tmp_path):
    """SIGKILL inside the manifest's atomic write leaves only its temporary file (and the
    lock): the folder is still this batch's to start, not someone else's files."""
    table = _many(tmp_path, 3)
    out = tmp_path / "o"
    out.mkdir()
    (out / ".lock").write_text("", encoding="utf-8")
    (out / ".manifest.json.k3j2x9").write_text("{", encoding="utf-8")
    p = run("batch", str(table), "--base", "zhengzhou", "--out", str(out), "-q", "--resume")
    assert p.returncode == 0, p.stderr
    ids = pq.read_table(out / "summary.parquet", columns=["id"]).column("id").to_pylist()
    assert ids == [0, 1, 2]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / ".notes").write_text("x", encoding="utf-8")
    assert "not one landalloc run" in bad(run("batch", str(table), "--base", "zhengzhou",
                                              "--out", str(tmp_path / "mine"), "-q"))


def test_a_signal_during_the_set_aside_waits_until_the_earlier_batch_is_whole(tmp_path,
                                                                             monkeypatch):
    """SIGTERM arriving while --overwrite moves the earlier batch aside: the move finishes
    (every file of the earlier batch is in the aside folder), the manifest is written, and
    the run stops as an interruption that names both — never a traceback half-way."""
    from landalloc.batch.run import BatchInterrupted, run_batch
    from landalloc.batch.store import Store

    small = _many(tmp_path, 5)
    out = tmp_path / "o"
    run_batch([str(small)], out, base="zhengzhou")
    written = sorted(p.name for p in out.iterdir() if p.name != ".lock")
    real = Store.set_aside

    def set_aside_signalled(self):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives as the move begins
        return real(self)

    monkeypatch.setattr(Store, "set_aside", set_aside_signalled)
    with pytest.raises(BatchInterrupted) as e:
        run_batch([str(small)], out, base="zhengzhou", overwrite=True)
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(".o.replaced-")]
    assert len(aside) == 1 and str(aside[0]) in str(e.value)
    assert sorted(p.name for p in aside[0].iterdir()) == written
    assert (out / "manifest.json").exists() and "--resume" in str(e.value)
