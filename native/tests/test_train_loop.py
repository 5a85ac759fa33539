"""End-to-end training on a synthetic cache: metrics and status against the schema, checkpoints, best by expression
score, exact gradient accumulation, the time budget, and the CLI's exit codes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import schema_errors, tiny_spec, worker_env
from rubato_native.__main__ import main
from rubato_native.checkpoint import load_model, read_pointer
from rubato_native.data import collate, load_dataset, make_windows
from rubato_native.model import ModelConfig, PerformanceNet
from rubato_native.precision import choose_precision
from rubato_native.train import accumulate


@pytest.fixture(autouse=True)
def keep_signal_handlers():
    """The worker installs SIGINT/SIGTERM handlers; give pytest its own back after an in-process run."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, h in saved.items():
        signal.signal(s, h)


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_end_to_end(tmp_path: Path, synth_cache: Path, capsys: pytest.CaptureFixture[str], trainer_schema: dict) -> None:
    spec = tiny_spec(tmp_path, synth_cache, max_steps=12, every=4)
    assert main(["train", "--spec", str(spec)]) == 0
    run = tmp_path / "run"

    lines = read_lines(run / "metrics.jsonl")
    assert [r["step"] for r in lines] == list(range(1, 13))
    evals = [r for r in lines if "expression_score" in r]
    assert [r["step"] for r in evals] == [4, 8, 12]
    for r in lines:
        assert schema_errors(r, {"$ref": "#/$defs/metricsLine"}, trainer_schema) == []
    assert lines[-1]["train_loss"] < lines[0]["train_loss"]
    assert all(r["sanity"]["passed"] for r in evals)

    status = json.loads((run / "status.json").read_text())
    assert schema_errors(status, {"$ref": "#/$defs/status"}, trainer_schema) == []
    assert status["state"] == "finished" and status["step"] == 12

    # The best checkpoint is the eval with the highest expression score, whatever the val loss says.
    best_step = max(evals, key=lambda r: r["expression_score"])["step"]
    best = read_pointer(run, "best")
    assert best is not None and best.name == f"step-{best_step:06d}"
    assert status["best_checkpoint"] == str(best)
    assert read_pointer(run, "latest").name == "step-000012"

    cfg = json.loads((best / "config.json").read_text())
    assert cfg["step"] == best_step and cfg["feature_schema_version"] == "record-v1"
    assert cfg["model"] == ModelConfig(d_model=16, n_layers=1, n_heads=2, ff_mult=2, dropout=0.1).to_dict()
    assert set(cfg["val"]) == {"expression_score", "velocity_r", "rubato_r", "val_loss"}
    assert set(cfg["style_defaults"]) == {"rubato", "dynamics", "articulation", "pedal", "tempo"}
    assert cfg["data_hash"] == load_dataset(synth_cache).data_hash
    model, loaded_cfg = load_model(run)  # a run folder resolves to its best checkpoint
    assert not model.training and loaded_cfg["step"] == best_step
    mean, logvar = model(torch.zeros(1, 5, 22), torch.zeros(1, 5), torch.ones(1, 5, dtype=torch.bool))
    assert mean.shape == (1, 5, 6) and torch.isfinite(logvar).all()
    state = torch.load(best / "model.pt", map_location="cpu")
    assert all(isinstance(v, torch.Tensor) for v in state.values())

    events = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    for e in events:
        assert schema_errors(e, {"$ref": "#/$defs/event"}, trainer_schema) == []
    assert events[-1] == {"event": "finished"}
    assert [e["event"] for e in events].count("started") == 1
    assert sum(e["event"] == "checkpoint" for e in events) == 3


def test_accumulation_is_exact(synth_cache: Path) -> None:
    """accum 2 x micro 2 gives the loss and gradient of micro 4, although the micro-batches pad differently."""
    ds = load_dataset(synth_cache)
    wins = make_windows(ds.train, 64, 16)
    short = next(w for w in wins if w.end - w.start < 64)  # the 40-note piece
    chosen = [short, wins[0], wins[1], wins[-1]]
    assert len({w.end - w.start for w in chosen}) > 1  # unequal lengths: per-micro-batch means would drift
    fill = np.zeros(5, np.float32)
    big = collate(ds.train, chosen, fill)
    halves = [collate(ds.train, chosen[:2], fill), collate(ds.train, chosen[2:], fill)]
    denom = float(np.isfinite(big.targets).sum())
    prec = choose_precision("fp32", torch.device("cpu"))

    def grads(batches) -> tuple[float, list[torch.Tensor]]:
        torch.manual_seed(0)
        net = PerformanceNet(ModelConfig(d_model=16, n_layers=1, n_heads=2, ff_mult=2, dropout=0.0))
        total = accumulate(net, net, batches, denom, prec, torch.device("cpu"), None)
        return total, [p.grad.clone() for p in net.parameters()]

    loss_a, g_a = grads([big])
    loss_b, g_b = grads(halves)
    assert loss_b == pytest.approx(loss_a, rel=1e-5)
    for a, b in zip(g_a, g_b):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_budget_stops_with_a_checkpoint(tmp_path: Path, synth_cache: Path) -> None:
    spec = tiny_spec(tmp_path, synth_cache, max_steps=500, every=100, extra="\n[budget]\nmax_minutes = 0.0001\n")
    assert main(["train", "--spec", str(spec)]) == 0
    status = json.loads((tmp_path / "run" / "status.json").read_text())
    assert status["state"] == "stopped" and status["stop_reason"] == "budget"
    assert status["step"] < 500
    assert read_pointer(tmp_path / "run", "latest").name == f"step-{status['step']:06d}"


def run_cli(spec: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rubato_native", "train", "--spec", str(spec), *extra], capture_output=True, text=True, env=worker_env(), timeout=120)


def test_bad_data_exits_3(tmp_path: Path) -> None:
    spec = tiny_spec(tmp_path, tmp_path / "no-cache")
    r = run_cli(spec)
    assert r.returncode == 3
    assert f"{tmp_path / 'no-cache' / 'manifest.json'}: not found" in r.stderr
    assert json.loads(r.stdout.splitlines()[-1])["kind"] == "data"
    assert json.loads((tmp_path / "run" / "status.json").read_text())["state"] == "failed"


def test_existing_run_needs_resume(tmp_path: Path, synth_cache: Path) -> None:
    spec = tiny_spec(tmp_path, synth_cache, max_steps=4, every=2)
    assert run_cli(spec).returncode == 0
    r = run_cli(spec)
    assert r.returncode == 2 and "[run].out" in r.stderr and "--resume" in r.stderr
    assert json.loads((tmp_path / "run" / "status.json").read_text())["state"] == "finished"  # refusing clobbers nothing
    r = run_cli(spec, "--resume")  # already finished: nothing to do, still fine
    assert r.returncode == 0 and json.loads(r.stdout.splitlines()[-1]) == {"event": "finished"}


def test_gradient_checkpointing_gives_the_same_gradients(synth_cache: Path) -> None:
    ds = load_dataset(synth_cache)
    batch = collate(ds.train, make_windows(ds.train, 64, 16)[:3], np.zeros(5, np.float32))
    prec = choose_precision("fp32", torch.device("cpu"))

    def grads(checkpointing: bool) -> list[torch.Tensor]:
        torch.manual_seed(0)
        net = PerformanceNet(ModelConfig(d_model=16, n_layers=2, n_heads=2, ff_mult=2, dropout=0.1))
        net.grad_checkpointing = checkpointing
        torch.manual_seed(1)  # the same dropout masks: checkpointing replays the RNG state in backward
        accumulate(net, net, [batch], 100.0, prec, torch.device("cpu"), None)
        return [p.grad.clone() for p in net.parameters()]

    for a, b in zip(grads(False), grads(True)):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)


def test_precision_choice(tmp_path: Path) -> None:
    cpu = torch.device("cpu")
    assert choose_precision("auto", cpu, cpu_bf16=False).name == "fp32"
    assert choose_precision("auto", cpu, cpu_bf16=True).dtype == torch.bfloat16
    p = choose_precision("bf16", cpu, cpu_bf16=False)
    assert p.name == "fp32" and "no native bf16" in p.note
    assert choose_precision("fp16", cpu, cpu_bf16=True).name == "fp32"  # fp16 autocast is for CUDA
    assert choose_precision("fp32", cpu, cpu_bf16=True).dtype is None
    from rubato_native.precision import cpu_has_native_bf16

    info = tmp_path / "cpuinfo"
    info.write_text("flags\t: fpu avx2 avx512f avx512_bf16 amx_tile\n")
    assert cpu_has_native_bf16(info) == sys.platform.startswith("linux")
    info.write_text("flags\t: fpu avx2 avx512f\n")
    assert not cpu_has_native_bf16(info)


def test_bf16_autocast_step_runs_on_cpu(synth_cache: Path) -> None:
    """The bf16 path (used where the CPU has native bf16) gives finite fp32 loss and gradients, even emulated here."""
    ds = load_dataset(synth_cache)
    batch = collate(ds.train, make_windows(ds.train, 64, 16)[:2], np.zeros(5, np.float32))
    torch.manual_seed(0)
    net = PerformanceNet(ModelConfig(d_model=16, n_layers=1, n_heads=2, ff_mult=2, dropout=0.0))
    total = accumulate(net, net, [batch], 100.0, choose_precision("auto", torch.device("cpu"), cpu_bf16=True), torch.device("cpu"), None)
    assert np.isfinite(total)
    assert all(p.grad.dtype == torch.float32 and torch.isfinite(p.grad).all() for p in net.parameters())
