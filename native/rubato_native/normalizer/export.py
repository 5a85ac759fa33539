"""Exports a normalizer checkpoint to ONNX (inputs features [B, T, F] float32 and mask [B, T] bool, output
logits [B, T, C]) with the metadata the server checks, and optionally PyTorch goldens for the Node parity test.
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path

import numpy as np
import torch

# OPSET and ExportError are imported from here by callers and tests.
from ..onnx_export import OPSET, ExportError, save_golden_case, write_golden_index, write_onnx
from . import MODEL_KIND
from .model import NormalizerConfig, NormalizerNet


def load_checkpoint(d: str | os.PathLike) -> tuple[NormalizerNet, dict]:
    d = Path(d)
    if (d / "checkpoints" / "best").is_dir():
        d = d / "checkpoints" / "best"  # a run folder: its best checkpoint
    cfg_path, weights = d / "config.json", d / "model.pt"
    for p in (cfg_path, weights):
        if not p.is_file():
            raise ExportError(f"{p}: missing (a normalizer checkpoint holds config.json and model.pt)")
    try:
        config = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ExportError(f"{cfg_path}: not readable JSON: {e}") from e
    if not isinstance(config, dict) or config.get("kind") != MODEL_KIND or not isinstance(config.get("model"), dict):
        raise ExportError(f"{cfg_path}: not a normalizer checkpoint (kind {config.get('kind') if isinstance(config, dict) else None!r})")
    known = set(inspect.signature(NormalizerConfig).parameters)
    if set(config["model"]) - known:
        raise ExportError(f"{cfg_path}: unknown model fields {sorted(set(config['model']) - known)}")
    model = NormalizerNet(NormalizerConfig(**config["model"]))
    kwargs = {"map_location": "cpu"}
    if "weights_only" in inspect.signature(torch.load).parameters:
        kwargs["weights_only"] = True
    try:
        model.load_state_dict(torch.load(weights, **kwargs))
    except Exception as e:  # damaged or mismatched state dicts raise many types
        raise ExportError(f"{weights}: cannot load: {type(e).__name__}: {e}") from e
    model.eval()
    return model, config


def metadata(config: dict) -> dict[str, str]:
    return {
        "producer": "rubato",
        "model_kind": MODEL_KIND,
        "feature_names": json.dumps(config["feature_names"]),
        "class_names": json.dumps(config["class_names"]),
        "data_hash": str(config.get("data_hash", "")),
        "val_metrics": json.dumps(config.get("val", {})),
        "model_config": json.dumps(config["model"]),
        "step": str(config.get("step", "")),
    }


def example_inputs(model: NormalizerNet, lengths: list[int], seed: int):
    rng = np.random.default_rng(seed)
    B, T, F = len(lengths), max(lengths), model.cfg.n_features
    x = np.zeros((B, T, F), np.float32)
    m = np.zeros((B, T), bool)
    mean, std = model.feat_mean.numpy(), model.feat_std.numpy()
    for b, n in enumerate(lengths):
        x[b, :n] = mean + std * rng.normal(0, 1, (n, F)).astype(np.float32)
        m[b, :n] = True
    return torch.from_numpy(x), torch.from_numpy(m)


def export_onnx(model: NormalizerNet, config: dict, out: str | os.PathLike) -> Path:
    return write_onnx(
        model,
        example_inputs(model, [40, 23], 0),
        out,
        input_names=["features", "mask"],
        output_names=["logits"],
        dynamic_axes={"features": {0: "batch", 1: "bars"}, "mask": {0: "batch", 1: "bars"}, "logits": {0: "batch", 1: "bars"}},
        metadata=metadata(config),
    )


def write_goldens(model: NormalizerNet, out_dir: str | os.PathLike) -> Path:
    """PyTorch logits for a padded batch and one long sequence: <case>.{features,mask,logits}.npy + golden.json."""
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    index = {"producer": "rubato", "model_kind": MODEL_KIND, "cases": {}}
    for seed, (name, lengths) in enumerate({"batch2": [57, 31], "long": [900]}.items(), start=1):
        x, m = example_inputs(model, lengths, seed)
        with torch.no_grad():
            logits = model(x, m)
        index["cases"][name] = {"lengths": lengths, "files": save_golden_case(d, name, {"features": x, "mask": m, "logits": logits})}
    return write_golden_index(d, index)
