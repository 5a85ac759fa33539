"""Interruptions: SIGKILL mid-run then --resume reproduces the uninterrupted loss curve; SIGINT stops cleanly with a
checkpoint and status `stopped`, and resuming from there reproduces it too."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import tiny_spec, worker_env
from rubato_native.checkpoint import read_pointer

STEPS, EVERY, INTERRUPT_AT = 60, 10, 15


def start(spec: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "rubato_native", "train", "--spec", str(spec), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=worker_env())


def wait_for_step(proc: subprocess.Popen[str], metrics: Path, step: int, timeout_sec: float = 60) -> None:
    """Polls metrics.jsonl until it has a line for `step` (the run is then mid-way: 60 steps take about a second)."""
    deadline = time.monotonic() + timeout_sec
    while time.monotonic() < deadline:
        if metrics.exists() and any(f'"step": {step},' in line for line in metrics.read_text().splitlines()):
            return
        assert proc.poll() is None, f"worker ended early: {proc.communicate()}"
        time.sleep(0.005)
    raise AssertionError(f"step {step} not reached in {timeout_sec} s")


def losses(run: Path) -> list[float]:
    lines = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in lines] == list(range(1, len(lines) + 1)), "one line per step, in order, no repeats"
    return [r["train_loss"] for r in lines]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, synth_cache: Path) -> list[float]:
    """The uninterrupted curve (dropout on, so the per-step RNG matters too)."""
    d = tmp_path_factory.mktemp("baseline")
    spec = tiny_spec(d, synth_cache, max_steps=STEPS, every=EVERY)
    r = subprocess.run([sys.executable, "-m", "rubato_native", "train", "--spec", str(spec)], capture_output=True, text=True, env=worker_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    return losses(d / "run")


def test_sigkill_then_resume_matches_the_uninterrupted_curve(tmp_path: Path, synth_cache: Path, baseline: list[float]) -> None:
    spec = tiny_spec(tmp_path, synth_cache, max_steps=STEPS, every=EVERY)
    run = tmp_path / "run"
    proc = start(spec)
    wait_for_step(proc, run / "metrics.jsonl", INTERRUPT_AT)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert json.loads((run / "status.json").read_text())["state"] == "running"
    latest = read_pointer(run, "latest")  # a complete checkpoint, whatever instant the kill hit
    assert latest is not None and (latest / "model.pt").is_file() and (latest / "trainer.pt").is_file()

    proc = start(spec, "--resume")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert json.loads(out.splitlines()[-1]) == {"event": "finished"}
    assert json.loads(out.splitlines()[1])["step"] == int(latest.name[5:])  # "started" reports the resumed step
    assert losses(run) == pytest.approx(baseline, rel=1e-6, abs=1e-9)
    assert json.loads((run / "status.json").read_text())["state"] == "finished"
    assert not [p.name for p in (run / "checkpoints").iterdir() if p.name.startswith(".")]  # no temp leftovers


def test_sigint_stops_with_a_checkpoint_and_resumes_exactly(tmp_path: Path, synth_cache: Path, baseline: list[float]) -> None:
    spec = tiny_spec(tmp_path, synth_cache, max_steps=STEPS, every=EVERY)
    run = tmp_path / "run"
    proc = start(spec)
    wait_for_step(proc, run / "metrics.jsonl", INTERRUPT_AT)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out.splitlines()[-1]) == {"event": "stopped"}
    status = json.loads((run / "status.json").read_text())
    assert status["state"] == "stopped" and status["stop_reason"] == "signal"
    stopped_at = status["step"]
    assert INTERRUPT_AT <= stopped_at < STEPS
    assert read_pointer(run, "latest").name == f"step-{stopped_at:06d}"  # the step it finished, not the last eval
    assert len(losses(run)) == stopped_at

    proc = start(spec, "--resume")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert losses(run) == pytest.approx(baseline, rel=1e-6, abs=1e-9)


def test_sigterm_is_handled_like_sigint(tmp_path: Path, synth_cache: Path) -> None:
    spec = tiny_spec(tmp_path, synth_cache, max_steps=STEPS, every=EVERY)
    proc = start(spec)
    wait_for_step(proc, tmp_path / "run" / "metrics.jsonl", 3)
    os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads((tmp_path / "run" / "status.json").read_text())["state"] == "stopped"
