"""The normalizer's training loop, flat top to bottom: data, model, AdamW with cosine decay, cross-entropy
per bar (the displacement bin), val every `eval_every` steps, the best checkpoint by val bar accuracy
(exact bin per bar).

Outputs in [run].out: metrics.jsonl (one JSON line per train/val record), checkpoints/best and
checkpoints/last (each: model.pt, a tensor-only state dict, and config.json, which describes it: model
config, feature and class names, feature statistics, data hash, step, val metrics). JSON-line events on
stdout; human text on stderr.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..events import emit, say
from ..fsio import fsync_dir
from . import MODEL_KIND
from .config import Spec
from .data import crop_batch, feature_stats, load_meta, load_split, padded
from .model import NormalizerConfig, NormalizerNet, count_parameters


def evaluate(model: NormalizerNet, val, batch: int = 16) -> dict:
    """Bar accuracy (exact displacement bin), within one bin (1/24 beat), and how well displaced bars are found.
    The centre bin is "on the line"."""
    model.eval()
    center = model.cfg.n_classes // 2
    correct = near = total = moved = moved_hit = 0
    with torch.no_grad():
        for s in range(0, val.sequences, batch):
            x, y, m = padded([val.sequence(k) for k in range(s, min(val.sequences, s + batch))])
            pred = model(torch.from_numpy(x), torch.from_numpy(m)).argmax(-1).numpy()
            y, pred = y[m], pred[m]
            correct += int((pred == y).sum())
            near += int((np.abs(pred - y) <= 1).sum())
            total += len(y)
            moved += int((y != center).sum())
            moved_hit += int(((y != center) & (pred == y)).sum())
    model.train()
    return {
        "bar_accuracy": correct / max(1, total),
        "bar_within_one_bin": near / max(1, total),
        "displaced_bar_accuracy": moved_hit / max(1, moved),
        "bars": total,
    }


def save_checkpoint(run: Path, name: str, model: NormalizerNet, config: dict) -> Path:
    """Writes checkpoints/<name> through a temp folder and a rename: never a half-written checkpoint."""
    root = run / "checkpoints"
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, tmp / "model.pt")
    (tmp / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    final = root / name
    if final.exists():
        old = root / f".old-{name}-{os.getpid()}"
        os.replace(final, old)
        shutil.rmtree(old, ignore_errors=True)
    os.replace(tmp, final)
    fsync_dir(root)
    return final


def train(spec: Spec) -> dict:
    t0 = time.time()
    cfg = spec.train
    torch.set_num_threads(cfg.cpu_threads)
    torch.manual_seed(cfg.seed)
    meta = load_meta(spec.data.dir)
    tr = load_split(spec.data.dir, "train", meta)
    val = load_split(spec.data.dir, "val", meta)
    mcfg = NormalizerConfig(
        n_features=len(meta["feature_names"]), n_classes=len(meta["class_names"]),
        channels=spec.model.channels, layers=spec.model.layers, kernel=spec.model.kernel, dropout=spec.model.dropout,
    )
    model = NormalizerNet(mcfg)
    mean, std = feature_stats(tr)
    model.set_stats(mean, std)
    say(f"normalizer: {count_parameters(model)} parameters, {tr.sequences} train / {val.sequences} val sequences")
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    weight = torch.ones(mcfg.n_classes)
    weight[mcfg.n_classes // 2] = cfg.keep_weight  # the on-the-line bin
    loss_fn = nn.CrossEntropyLoss(weight=weight, reduction="sum")
    run = spec.run.out
    run.mkdir(parents=True, exist_ok=True)
    metrics = open(run / "metrics.jsonl", "w", encoding="utf-8")

    def record(rec: dict) -> None:
        metrics.write(json.dumps(rec) + "\n")
        metrics.flush()
        emit("metrics", **rec)

    def describe(step: int, val_metrics: dict) -> dict:
        return {
            "kind": MODEL_KIND, "model": mcfg.to_dict(), "spec": spec.to_dict(), "step": step,
            "feature_names": meta["feature_names"], "class_names": meta["class_names"],
            "feature_mean": [float(v) for v in mean], "feature_std": [float(v) for v in std],
            "data_hash": meta["data_hash"], "val": val_metrics,
        }

    best = -1.0
    best_val: dict = {}
    step = 0
    stop_reason = "max_steps"
    for step in range(1, cfg.max_steps + 1):
        lr = cfg.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, step / cfg.max_steps)))
        for g in opt.param_groups:
            g["lr"] = lr
        x, y, m = crop_batch(tr, cfg.batch, spec.data.window, cfg.seed, step)
        logits = model(torch.from_numpy(x), torch.from_numpy(m))
        mt = torch.from_numpy(m)
        loss = loss_fn(logits[mt], torch.from_numpy(y)[mt]) / mt.sum().clamp_min(1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 50 == 0:
            record({"step": step, "split": "train", "loss": float(loss), "lr": lr, "elapsed_sec": time.time() - t0})
        out_of_time = (time.time() - t0) / 60 > cfg.max_minutes
        if step % cfg.eval_every == 0 or step == cfg.max_steps or out_of_time:
            v = evaluate(model, val)
            record({"step": step, "split": "val", **v, "elapsed_sec": time.time() - t0})
            if v["bar_accuracy"] > best:
                best, best_val = v["bar_accuracy"], v
                save_checkpoint(run, "best", model, describe(step, v))
            save_checkpoint(run, "last", model, describe(step, v))
        if out_of_time:
            stop_reason = "budget"
            break
    metrics.close()
    return {"event": "finished", "step": step, "stop_reason": stop_reason, "best_val": best_val,
            "best_checkpoint": str(run / "checkpoints" / "best"), "elapsed_sec": time.time() - t0}
