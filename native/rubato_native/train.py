"""The training loop, top to bottom: spec -> data -> model -> steps with exact accumulation -> eval -> checkpoints."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel

from . import FEATURE_SCHEMA_VERSION, checkpoint, ddp
from .config import RunSpec, SpecError
from .data import Batch, DataError, WindowStream, collate, compute_stats, load_dataset, make_windows, style_defaults
from .evaluate import evaluate
from .events import RunWriter, emit, say
from .loss import gaussian_nll_sum
from .model import ModelConfig, PerformanceNet, count_parameters
from .precision import Precision, autocast, choose_precision, make_scaler
from .schedule import lr_factor

STATUS_EVERY_SEC = 2.0


class StopFlag:
    """Set by SIGINT/SIGTERM; the loop finishes the current step, checkpoints and exits cleanly."""

    def __init__(self) -> None:
        self.requested = False
        self.signal_name = ""

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, _frame: Any) -> None:
        self.requested = True
        self.signal_name = signal.Signals(signum).name


def step_seed(seed: int, rank: int, step: int) -> int:
    """Dropout's RNG is reseeded each step from (seed, rank, step): resume and DDP are exact without stored RNG state."""
    return int(np.random.SeedSequence([seed, rank, step]).generate_state(1, np.uint64)[0] % (2**63))


def to_device(b: Batch, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        torch.from_numpy(b.features).to(device),
        torch.from_numpy(b.style).to(device),
        torch.from_numpy(b.mask).to(device),
        torch.from_numpy(b.targets).to(device),
    )


def accumulate(model: torch.nn.Module, net: PerformanceNet, batches: list[Batch], denom: float, prec: Precision, device: torch.device, scaler: Any) -> float:
    """Backward over micro-batches with loss = sum(NLL) / denom each, so the gradient equals one big batch's.

    `denom` is the number of finite targets over all micro-batches (of all ranks, times the world size under
    DDP, which averages gradients). Returns this rank's NLL sum. Gradients sync only on the last micro-batch.
    """
    total = 0.0
    for k, b in enumerate(batches):
        last = k == len(batches) - 1
        sync = contextlib.nullcontext() if last or not isinstance(model, DistributedDataParallel) else model.no_sync()
        features, style, mask, targets = to_device(b, device)
        with sync:
            with autocast(prec, device):
                mean, logvar = model(features, style, mask)
            nll_sum, _ = gaussian_nll_sum(mean, logvar, targets, net.target_mean, net.target_std)
            loss = nll_sum / denom
            (scaler.scale(loss) if scaler is not None else loss).backward()
        total += float(nll_sum.detach())
    return total


def optimizer_step(model: torch.nn.Module, net: PerformanceNet, optimizer: torch.optim.Optimizer, batches: list[Batch], denom: float, prec: Precision, device: torch.device, scaler: Any) -> float:
    """One optimizer step over `batches` (see `accumulate`), gradients clipped and cleared; returns this rank's NLL sum.

    Shared by the training loop and the batch tuner, so the tuner times exactly the step that training runs.
    """
    loss_sum = accumulate(model, net, batches, denom, prec, device, scaler)
    if scaler is not None:
        scaler.unscale_(optimizer)
    # Early NLL steps, with log-variances far off, can produce huge gradients; a norm clip at 1 tames them.
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    if scaler is not None:
        scaler.step(optimizer)
        scaler.update()
    else:
        optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss_sum


def pick_device(spec: RunSpec, d: ddp.Dist) -> torch.device:
    want = spec.device.device
    if want == "cuda" and not torch.cuda.is_available():
        raise SpecError(spec.file, "[device].device", "is 'cuda' but torch sees no CUDA device (CPU-only build or no GPU)")
    if want == "cuda" or (want == "auto" and torch.cuda.is_available()):
        torch.cuda.set_device(d.local_rank)
        return torch.device("cuda", d.local_rank)
    return torch.device("cpu")


def peak_memory_bytes(device: torch.device) -> int:
    if device.type == "cuda":
        return int(torch.cuda.max_memory_allocated(device))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss if sys.platform == "darwin" else rss * 1024)  # macOS reports bytes, Linux KiB


def build_model(spec: RunSpec, stats: dict[str, tuple[list[float], list[float]]], device: torch.device) -> tuple[ModelConfig, PerformanceNet]:
    """The spec's model with the train split's normalisation stats, on `device` (seed torch first for set weights)."""
    m = spec.model
    cfg = ModelConfig(d_model=m.d_model, n_layers=m.n_layers, n_heads=m.n_heads, ff_mult=m.ff_mult, dropout=m.dropout)
    net = PerformanceNet(cfg)
    net.set_stats(stats)
    net.grad_checkpointing = spec.batch.grad_checkpointing
    net.to(device)
    return cfg, net


def make_optimizer(net: PerformanceNet, spec: RunSpec) -> torch.optim.Optimizer:
    # Weight decay on matrices only: decaying biases and norm gains only hurts.
    decay = [p for p in net.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in net.parameters() if p.requires_grad and p.dim() < 2]
    o = spec.optimizer
    groups = [{"params": decay, "weight_decay": o.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=o.lr, betas=o.betas)


def train(spec: RunSpec, resume: bool) -> str:
    """Runs (or resumes) the run a spec describes; returns the final state: 'finished' or 'stopped'."""
    stop = StopFlag()
    stop.install()
    d = ddp.setup("cuda" if spec.device.device == "cuda" or (spec.device.device == "auto" and torch.cuda.is_available()) else "cpu")
    try:
        return _train(spec, resume, d, stop)
    finally:
        ddp.teardown(d)


def _train(spec: RunSpec, resume: bool, d: ddp.Dist, stop: StopFlag) -> str:
    started = time.monotonic()
    device = pick_device(spec, d)
    local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(d.world)))
    torch.set_num_threads(max(1, spec.device.cpu_threads // max(1, local_world)))
    run_dir = spec.run.out
    sched_cfg = spec.schedule
    has_checkpoint = (run_dir / checkpoint.CHECKPOINTS / checkpoint.LATEST).is_file()
    if has_checkpoint and not resume:
        # Checked before anything is written, so refusing leaves the existing run's status untouched.
        raise SpecError(spec.file, "[run].out", f"{run_dir} already holds checkpoints; pass --resume to continue it, or choose another folder")
    writer = RunWriter(run_dir, sched_cfg.max_steps) if d.is_main else None
    if writer is not None:
        writer.set_status(state="starting")
    try:
        return _loop(spec, resume, d, stop, device, run_dir, writer, started)
    except BaseException as e:
        if writer is not None:
            writer.set_status(state="failed", error=f"{type(e).__name__}: {e}")
        raise
    finally:
        if writer is not None:
            writer.close()


def _loop(spec: RunSpec, resume: bool, d: ddp.Dist, stop: StopFlag, device: torch.device, run_dir: Path, writer: RunWriter | None, started: float) -> str:
    # ---- data: train/val items, normalisation from train only, windows dealt to this rank
    data = load_dataset(spec.data.cache)
    stats = compute_stats(data.train)
    style_fill = np.asarray(stats["style"][0], np.float32)
    windows = make_windows(data.train, spec.data.window, spec.data.overlap)
    if not windows:
        raise DataError(f"{spec.data.cache}: the train split has no note with a finite target")
    stream = WindowStream(len(windows), spec.run.seed, d.rank, d.world)

    # ---- model, optimizer, schedule, precision
    torch.manual_seed(spec.run.seed)  # the same initial weights on every rank (DDP also broadcasts rank 0's)
    cfg, net = build_model(spec, stats, device)
    optimizer = make_optimizer(net, spec)
    sc = spec.schedule
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, sc.warmup_steps, sc.max_steps, sc.cosine))
    prec = choose_precision(spec.precision.mode, device)
    scaler = make_scaler(prec)
    if prec.note and d.is_main:
        say(prec.note)

    # ---- resume: weights, optimizer, schedule and counters from the latest checkpoint
    step, wall_before = 0, 0.0
    best_score: float | None = None
    best_dir: Path | None = None
    last_val: dict[str, Any] = {"expression_score": None, "velocity_r": None, "rubato_r": None, "val_loss": None}
    latest = checkpoint.read_pointer(run_dir, checkpoint.LATEST) if (run_dir / checkpoint.CHECKPOINTS).is_dir() else None
    if latest is not None:
        model_state, config, tensors, state = checkpoint.load_resume(latest)
        if config["model"] != cfg.to_dict():
            raise SpecError(spec.file, "[model]", f"differs from the checkpoint's model {config['model']}; a resumed run keeps its architecture")
        if config["data_hash"] != data.data_hash:
            raise DataError(f"{spec.data.cache}: the dataset changed since {latest} was written (data hash differs); start a new run")
        net.load_state_dict(model_state)
        optimizer.load_state_dict(tensors["optimizer"])
        scheduler.load_state_dict(tensors["scheduler"])
        if scaler is not None and tensors.get("scaler") is not None:
            scaler.load_state_dict(tensors["scaler"])
        step, wall_before = int(state["step"]), float(state["wall_time"])
        best_score = state.get("best_expression_score")
        best_dir = checkpoint.read_pointer(run_dir, checkpoint.BEST)
        last_val = config.get("val", last_val)
        if d.is_main:
            checkpoint.drop_after(run_dir, step)
    elif resume and d.is_main:
        say(f"no checkpoint in {run_dir}; starting from step 0")
    model: torch.nn.Module = DistributedDataParallel(net, device_ids=[device.index] if device.type == "cuda" else None) if d.enabled else net

    if writer is not None:
        writer.truncate_after(step)  # lines past the checkpoint (or all, from step 0) were never made durable
        writer.set_status(state="running", step=step, best_checkpoint=str(best_dir) if best_dir else None, best_expression_score=best_score)
        emit(
            "started", step=step, total_steps=sc.max_steps, run_dir=str(run_dir), device=str(device), precision=prec.name, world_size=d.world,
            parameters=count_parameters(net), train_items=len(data.train), val_items=len(data.val), train_windows=len(windows), data_hash=data.data_hash,
        )
        say(f"{count_parameters(net):,} parameters, {len(data.train)} train / {len(data.val)} val performances, {len(windows)} windows, {device} {prec.name}, world {d.world}")

    micro, accum = spec.batch.micro_batch, spec.batch.grad_accum
    budget_sec = spec.budget.max_minutes * 60.0 if spec.budget.max_minutes is not None else None
    saved_step = step if latest is not None else -1
    last_status = time.monotonic()
    state = "finished"
    net.train()

    # ---- the loop: one iteration = one optimizer step over accum micro-batches
    while step < sc.max_steps:
        t0 = time.monotonic()
        torch.manual_seed(step_seed(spec.run.seed, d.rank, step))
        pos = step * accum * micro  # the stream is a pure function of position: resume needs only `step`
        batches: list[Batch] = []
        epoch = 0
        for a in range(accum):
            idx, ep = stream.take(pos + a * micro, micro)
            epoch = ep if a == 0 else epoch
            batches.append(collate(data.train, [windows[i] for i in idx], style_fill))
        local_count = float(sum(int(np.isfinite(b.targets).sum()) for b in batches))
        local_notes = float(sum(int(b.mask.sum()) for b in batches))
        global_count, = ddp.sum_all(d, [local_count], device)
        lr = optimizer.param_groups[0]["lr"]
        loss_sum = optimizer_step(model, net, optimizer, batches, global_count / d.world, prec, device, scaler)
        scheduler.step()
        step += 1
        total_loss, total_notes = ddp.sum_all(d, [loss_sum, local_notes], device)
        train_loss = total_loss / global_count
        if not np.isfinite(train_loss):
            raise FloatingPointError(f"train loss is {train_loss} at step {step}; lower [optimizer].lr or use [precision].mode = \"fp32\"")

        record: dict[str, Any] = {
            "step": step, "epoch": epoch, "wall_time": wall_before + (time.monotonic() - started), "train_loss": train_loss, "lr": lr,
            "notes_per_sec": total_notes / max(1e-9, time.monotonic() - t0), "peak_mem_bytes": peak_memory_bytes(device),
        }
        over_budget = budget_sec is not None and time.monotonic() - started >= budget_sec
        stopping = ddp.any_rank(d, stop.requested or over_budget, device)
        is_eval = step % spec.eval.every_steps == 0 or step == sc.max_steps

        # ---- eval and checkpoint on rank 0; the others wait at the barrier
        if d.is_main and writer is not None:
            is_best = False
            if is_eval:
                ev = evaluate(net, data.val, spec.data.window, spec.data.overlap, style_fill, device, spec.eval.window)
                net.train()
                record.update(ev)
                last_val = {k: ev[k] for k in ("expression_score", "velocity_r", "rubato_r", "val_loss")}
                score = ev["expression_score"]
                # The best checkpoint is chosen by expression score, never by loss: a collapsed model's NLL can still fall.
                is_best = score is not None and ev["sanity"]["passed"] and (best_score is None or score > best_score)
                if not ev["sanity"]["passed"]:
                    say(f"step {step}: sanity failed: {'; '.join(ev['sanity']['failures'])}")
            writer.metrics(record)
            if is_eval or stopping:
                writer.sync()
                ckpt = checkpoint.save_checkpoint(
                    run_dir, step, net.state_dict(),
                    {
                        "model": cfg.to_dict(), "step": step, "epoch": epoch, "val": last_val, "data_hash": data.data_hash,
                        "feature_schema_version": FEATURE_SCHEMA_VERSION, "style_defaults": style_defaults(data.train),
                        "precision": prec.name, "spec": spec.to_dict(),
                    },
                    {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "scaler": scaler.state_dict() if scaler is not None else None},
                    {"step": step, "epoch": epoch, "wall_time": record["wall_time"], "best_expression_score": best_score if not is_best else last_val["expression_score"],
                     "world_size": d.world, "rng": "reseeded each step from (seed, rank, step)"},
                    best=is_best,
                )
                saved_step = step
                if is_best:
                    best_score, best_dir = last_val["expression_score"], ckpt
                emit("checkpoint", step=step, path=str(ckpt), best=is_best, expression_score=last_val["expression_score"])
                writer.set_status(step=step, best_checkpoint=str(best_dir) if best_dir else None, best_expression_score=best_score)
                last_status = time.monotonic()
            elif time.monotonic() - last_status >= STATUS_EVERY_SEC:
                writer.set_status(step=step)
                last_status = time.monotonic()
        ddp.barrier(d)
        if stopping:
            state = "stopped"
            if d.is_main:
                say(f"stopped at step {step} ({'budget of ' + str(spec.budget.max_minutes) + ' min' if over_budget and not stop.requested else stop.signal_name or 'signal on another rank'}); checkpoint written")
            if writer is not None:
                writer.set_status(state="stopped", step=step, stop_reason="budget" if over_budget and not stop.requested else "signal")
            break

    if state == "finished" and writer is not None:
        assert saved_step == step, "the last step is always an eval step, so it has a checkpoint"
        writer.set_status(state="finished", step=step)
        say(f"finished {step} steps; best expression score {best_score} at {best_dir}")
    return state
