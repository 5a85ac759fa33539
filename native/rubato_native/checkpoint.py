"""Checkpoint directories: atomic writes, the `latest`/`best` pointers, resume state and `load_model`.

Layout under <run>/checkpoints/:
  step-000100/            one checkpoint: model.pt (tensor-only state dict), config.json (the contract's
                          self-description), trainer.pt (optimizer, scheduler, scaler, RNG) and trainer.json
  latest, best            pointer files holding a checkpoint folder's name, replaced by rename
A checkpoint is written into a hidden temp folder, fsynced, then renamed into place, and only then does a
pointer name it: a kill at any instant leaves every pointer naming a complete folder.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
from pathlib import Path
from typing import Any

import torch

from .fsio import fsync_dir as _fsync_dir, fsync_file as _fsync_file, write_text_atomic
from .model import ModelConfig, PerformanceNet

CHECKPOINTS = "checkpoints"
LATEST = "latest"
BEST = "best"


def _torch_load(path: Path, weights_only: bool) -> Any:
    # weights_only exists from 1.13 and defaults to True from 2.6: always say what we mean where we can.
    if "weights_only" in inspect.signature(torch.load).parameters:
        return torch.load(path, map_location="cpu", weights_only=weights_only)
    return torch.load(path, map_location="cpu")


def step_dir_name(step: int) -> str:
    return f"step-{step:06d}"


def save_checkpoint(
    run_dir: Path,
    step: int,
    model_state: dict[str, torch.Tensor],
    config: dict[str, Any],
    trainer_tensors: dict[str, Any],
    trainer_json: dict[str, Any],
    best: bool,
) -> Path:
    """Writes one checkpoint folder atomically, then points `latest` (and `best` when asked) at it."""
    root = run_dir / CHECKPOINTS
    root.mkdir(parents=True, exist_ok=True)
    final = root / step_dir_name(step)
    tmp = root / f".tmp-{step_dir_name(step)}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    torch.save({k: v.detach().cpu() for k, v in model_state.items()}, tmp / "model.pt")
    (tmp / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    torch.save(trainer_tensors, tmp / "trainer.pt")
    (tmp / "trainer.json").write_text(json.dumps(trainer_json, indent=2) + "\n", encoding="utf-8")
    for f in tmp.iterdir():
        _fsync_file(f)
    _fsync_dir(tmp)
    if final.exists():
        # Only a folder no pointer names can be here (a run killed between rename and pointer update).
        stale = root / f".stale-{final.name}-{os.getpid()}"
        os.replace(final, stale)
        shutil.rmtree(stale, ignore_errors=True)
    os.replace(tmp, final)
    _fsync_dir(root)
    if best:
        write_text_atomic(root / BEST, final.name + "\n")
    write_text_atomic(root / LATEST, final.name + "\n")
    prune(run_dir)
    return final


def read_pointer(run_dir: Path, name: str) -> Path | None:
    """The checkpoint folder a pointer names, or None when there is none."""
    p = run_dir / CHECKPOINTS / name
    try:
        target = p.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not target or "/" in target or target.startswith("."):
        raise ValueError(f"{p}: not a checkpoint pointer: {target!r}")
    d = p.parent / target
    if not (d / "config.json").is_file():
        raise ValueError(f"{p}: names {d}, which is not a checkpoint folder")
    return d


def prune(run_dir: Path, keep_recent: int = 2) -> None:
    """Deletes step folders other than the `keep_recent` newest and the ones a pointer names, and temp leftovers."""
    root = run_dir / CHECKPOINTS
    keep = {p.name for p in (read_pointer(run_dir, LATEST), read_pointer(run_dir, BEST)) if p is not None}
    steps = sorted(d.name for d in root.iterdir() if d.is_dir() and d.name.startswith("step-"))
    keep.update(steps[-keep_recent:])
    for d in root.iterdir():
        if d.is_dir() and d.name not in keep and (d.name.startswith("step-") or d.name.startswith(".tmp-") or d.name.startswith(".stale-")):
            shutil.rmtree(d, ignore_errors=True)


def drop_after(run_dir: Path, step: int) -> None:
    """On resume: removes step folders newer than the resumed one (written after the pointer last moved)."""
    root = run_dir / CHECKPOINTS
    for d in root.iterdir():
        if d.is_dir() and d.name.startswith("step-") and int(d.name[5:]) > step:
            shutil.rmtree(d, ignore_errors=True)
    prune(run_dir)


def load_resume(ckpt: Path) -> tuple[dict[str, torch.Tensor], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(model state, config.json, trainer tensors, trainer.json) of a checkpoint folder."""
    model_state = _torch_load(ckpt / "model.pt", weights_only=True)
    config = json.loads((ckpt / "config.json").read_text(encoding="utf-8"))
    # trainer.pt holds optimizer state with plain numbers, which 1.13's weights_only loader rejects;
    # it is our own file in our own run folder.
    tensors = _torch_load(ckpt / "trainer.pt", weights_only=False)
    state = json.loads((ckpt / "trainer.json").read_text(encoding="utf-8"))
    return model_state, config, tensors, state


def resolve_checkpoint(path: str | Path) -> Path:
    """A checkpoint folder itself, or a run folder (its `best`, else its `latest`)."""
    p = Path(path)
    if (p / "config.json").is_file() and (p / "model.pt").is_file():
        return p
    for name in (BEST, LATEST):
        d = read_pointer(p, name) if (p / CHECKPOINTS).is_dir() else None
        if d is not None:
            return d
    raise FileNotFoundError(f"{p}: neither a checkpoint folder (config.json + model.pt) nor a run folder with checkpoints")


def load_model(path: str | Path) -> tuple[PerformanceNet, dict[str, Any]]:
    """(PerformanceNet in eval mode on the CPU, config.json as a dict) from a checkpoint or run folder."""
    ckpt = resolve_checkpoint(path)
    config = json.loads((ckpt / "config.json").read_text(encoding="utf-8"))
    known = set(inspect.signature(ModelConfig).parameters)
    model = PerformanceNet(ModelConfig(**{k: v for k, v in config["model"].items() if k in known}))
    model.load_state_dict(_torch_load(ckpt / "model.pt", weights_only=True))
    model.eval()
    return model, config
