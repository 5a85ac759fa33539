"""Two-process DDP on CPU (gloo): the same outputs as one process, written once, by rank 0."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from conftest import schema_errors, tiny_spec, worker_env


def torchrun_works() -> bool:
    """torch 1.13's torchrun breaks on Python 3.11 (its Std enum parse of "0" returns None); 2.x is fixed."""
    from torch.distributed.elastic.multiprocessing.api import Std

    return Std.from_str("0") is not None


def launch_two(spec: Path) -> list[subprocess.CompletedProcess[str]] | subprocess.CompletedProcess[str]:
    """torchrun --nproc_per_node 2 where it works; else the two ranks with the environment torchrun would give them."""
    cmd = ["-m", "rubato_native", "train", "--spec", str(spec)]
    if torchrun_works():
        return subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", *cmd], capture_output=True, text=True, env=worker_env(), timeout=180)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    procs = []
    for rank in range(2):
        env = worker_env() | {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": "2", "LOCAL_WORLD_SIZE": "2"}
        procs.append(subprocess.Popen([sys.executable, *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    results = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def test_two_ranks_gloo(tmp_path: Path, synth_cache: Path, trainer_schema: dict) -> None:
    spec = tiny_spec(tmp_path, synth_cache, max_steps=8, every=4)
    result = launch_two(spec)
    results = result if isinstance(result, list) else [result]
    for r in results:
        assert r.returncode == 0, r.stderr
    stdout = "".join(r.stdout for r in results)
    events = [json.loads(line[line.index("{"):]) for line in stdout.splitlines() if "{" in line]
    started = [e for e in events if e["event"] == "started"]
    assert len(started) == 1 and started[0]["world_size"] == 2  # one writer
    if isinstance(result, list):
        assert results[1].stdout == ""  # rank 1 prints no events at all

    run = tmp_path / "run"
    lines = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in lines] == list(range(1, 9))
    assert [r["step"] for r in lines if "expression_score" in r] == [4, 8]
    for r in lines:
        assert schema_errors(r, {"$ref": "#/$defs/metricsLine"}, trainer_schema) == []
    status = json.loads((run / "status.json").read_text())
    assert status["state"] == "finished" and status["best_checkpoint"]
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == ["best", "latest", "step-000004", "step-000008"]


def test_sigint_on_one_rank_stops_both_at_the_same_step(tmp_path: Path, synth_cache: Path) -> None:
    """The stop flag is all-reduced, so a signal that reaches only rank 1 still stops rank 0, which checkpoints."""
    import signal
    import time

    spec = tiny_spec(tmp_path, synth_cache, max_steps=400, every=100)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    procs = []
    for rank in range(2):
        env = worker_env() | {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": "2", "LOCAL_WORLD_SIZE": "2"}
        procs.append(subprocess.Popen([sys.executable, "-m", "rubato_native", "train", "--spec", str(spec)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    metrics = tmp_path / "run" / "metrics.jsonl"
    deadline = time.monotonic() + 60
    while not (metrics.exists() and metrics.read_text().count("\n") >= 5):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    procs[1].send_signal(signal.SIGINT)
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    status = json.loads((tmp_path / "run" / "status.json").read_text())
    assert status["state"] == "stopped" and 5 <= status["step"] < 400
    assert (tmp_path / "run" / "checkpoints" / f"step-{status['step']:06d}" / "model.pt").is_file()
