"""Exports a trained checkpoint to ONNX for the server (onnxruntime-node), with its metadata and golden outputs.

    python -m rubato_native.export CHECKPOINT_DIR -o model.onnx [--goldens DIR]

The ONNX graph takes raw features and returns natural units (normalisation lives in the model's buffers), so
the server needs nothing but the file. Its metadata_props carry what the server checks before running it
(feature_schema_version, feature_names) and what it reports (data_hash, val_metrics, model_config).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from pathlib import Path

import numpy as np
import torch

from . import FEATURE_SCHEMA_VERSION
from .model import ModelConfig, PerformanceNet
# OPSET and ExportError are imported from here by callers and tests.
from .onnx_export import OPSET, ExportError, export_checkpoint, save_golden_case, write_golden_index, write_onnx
INPUT_NAMES = ("features", "style", "mask")
OUTPUT_NAMES = ("mean", "logvar")

# Must match server/features/scoreFeatures.ts SCORE_FEATURE_NAMES (a Node test checks the committed fixture).
FEATURE_NAMES = (
    "pitch", "duration_beats", "ioi_beats", "prev_ioi_beats", "bar_phase", "beat_phase", "is_downbeat",
    "is_on_beat", "ts_numerator", "ts_denominator", "chord_size", "chord_rank", "is_top_voice",
    "is_bottom_voice", "local_density", "piece_position", "notated_bpm", "score_velocity", "is_grace",
    "melodic_interval", "bar_index_norm", "beats_to_end",
)
TARGET_NAMES = ("velocity", "local_tempo", "async_sec", "articulation", "pedal_onset", "pedal_offset")
STYLE_NAMES = ("rubato", "dynamics", "articulation", "pedal", "tempo")
# server/features/style.ts DEFAULT_STYLE, used when a checkpoint records no defaults of its own.
DEFAULT_STYLE = {"rubato": 0.12, "dynamics": 12.0, "articulation": -0.15, "pedal": 0.5, "tempo": 0.0}


def load_checkpoint(ckpt_dir: str | os.PathLike) -> tuple[PerformanceNet, dict]:
    """(model in eval mode, config dict) from a checkpoint directory (config.json + model.pt)."""
    d = Path(ckpt_dir)
    if not d.is_dir():
        raise ExportError(f"{d}: not a checkpoint directory (expected a folder with config.json and model.pt)")
    try:
        from .checkpoint import load_model  # the trainer's loader, when present
    except ImportError:
        load_model = None
    if load_model is not None:
        try:
            model, config = load_model(d)
        except Exception as e:  # damaged JSON, pickles and state dicts surface as many exception types
            raise ExportError(f"{d}: cannot load the checkpoint: {type(e).__name__}: {e}") from e
        model.eval()
        return model, config
    cfg_path, weights_path = d / "config.json", d / "model.pt"
    for p in (cfg_path, weights_path):
        if not p.is_file():
            raise ExportError(f"{p}: missing (a checkpoint directory holds config.json and model.pt)")
    try:
        config = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ExportError(f"{cfg_path}: not readable JSON: {e}") from e
    if not isinstance(config, dict) or not isinstance(config.get("model"), dict):
        raise ExportError(f"{cfg_path}: no 'model' object with the ModelConfig fields")
    known = set(inspect.signature(ModelConfig).parameters)
    unknown = sorted(set(config["model"]) - known)
    if unknown:
        raise ExportError(f"{cfg_path}: unknown model config fields {unknown}")
    model = PerformanceNet(ModelConfig(**config["model"]))
    state = _torch_load(weights_path)
    try:
        model.load_state_dict(state)
    except RuntimeError as e:
        raise ExportError(f"{weights_path}: does not match config.json's model: {e}") from e
    model.eval()
    return model, config


def _torch_load(path: Path) -> dict:
    # weights_only only where torch knows it (1.13 does; older do not); 2.6+ defaults to True anyway.
    kwargs = {"map_location": "cpu"}
    if "weights_only" in inspect.signature(torch.load).parameters:
        kwargs["weights_only"] = True
    try:
        return torch.load(path, **kwargs)
    except Exception as e:  # torch raises many types for a damaged file
        raise ExportError(f"{path}: not a readable tensor state dict: {e}") from e


def metadata(config: dict) -> dict[str, str]:
    """The ONNX metadata_props the server reads (all values strings; lists and objects as JSON)."""
    schema = config.get("feature_schema_version", FEATURE_SCHEMA_VERSION)
    return {
        "feature_schema_version": str(schema),
        "feature_names": json.dumps(list(config.get("feature_names", FEATURE_NAMES))),
        "target_names": json.dumps(list(TARGET_NAMES)),
        "style_names": json.dumps(list(STYLE_NAMES)),
        "style_defaults": json.dumps(config.get("style_defaults") or DEFAULT_STYLE),
        "data_hash": str(config.get("data_hash", "")),
        "val_metrics": json.dumps(config.get("val", {})),
        "model_config": json.dumps(config.get("model", {})),
        "producer": "rubato",
    }


def example_inputs(model: PerformanceNet, lengths: list[int], seed: int = 0) -> tuple[torch.Tensor, ...]:
    """A padded batch of plausible raw inputs: one row per length, padded to the longest."""
    rng = np.random.default_rng(seed)
    cfg = model.cfg
    B, T = len(lengths), max(lengths)
    feats = np.zeros((B, T, cfg.n_features), np.float32)
    mask = np.zeros((B, T), bool)
    for b, n in enumerate(lengths):
        feats[b, :n] = plausible_features(rng, n, cfg.n_features)
        mask[b, :n] = True
    style = np.array([[0.12, 12.0, -0.15, 0.5, 0.0]], np.float32).repeat(B, 0)
    style += rng.normal(0, 1, style.shape).astype(np.float32) * np.array([0.05, 4, 0.1, 0.2, 0.05], np.float32)
    return torch.from_numpy(feats), torch.from_numpy(style), torch.from_numpy(mask)


def plausible_features(rng: np.random.Generator, n: int, n_features: int) -> np.ndarray:
    """Random features on roughly the scales the score analysis produces (pitch ~60, bpm ~100, ...)."""
    x = rng.normal(0, 1, (n, n_features)).astype(np.float32)
    if n_features == len(FEATURE_NAMES):
        x[:, 0] = rng.integers(30, 90, n)  # pitch
        x[:, 16] = 100 + 20 * x[:, 16]  # notated_bpm
        x[:, 17] = rng.integers(40, 90, n)  # score_velocity
        x[:, 15] = np.linspace(0, 1, n)  # piece_position
    return x


def export_onnx(model: PerformanceNet, config: dict, out: str | os.PathLike) -> Path:
    """Writes the ONNX file atomically (temp file in the same folder, then rename) and returns its path."""
    model.eval()

    def fix_graph(proto) -> None:
        # The tracer names the last output dim symbolically (it comes out of a chunk); it is always n_targets.
        for o in proto.graph.output:
            last = o.type.tensor_type.shape.dim[2]
            last.Clear()
            last.dim_value = model.cfg.n_targets

    return write_onnx(
        model,
        example_inputs(model, [16, 9]),
        out,
        input_names=list(INPUT_NAMES),
        output_names=list(OUTPUT_NAMES),
        dynamic_axes={
            "features": {0: "batch", 1: "notes"},
            "style": {0: "batch"},
            "mask": {0: "batch", 1: "notes"},
            "mean": {0: "batch", 1: "notes"},
            "logvar": {0: "batch", 1: "notes"},
        },
        metadata=metadata(config),
        fix_graph=fix_graph,
    )


def write_goldens(model: PerformanceNet, out_dir: str | os.PathLike, long_notes: int = 3000) -> Path:
    """PyTorch outputs for a padded batch of two lengths and one long sequence, as .npy files + golden.json."""
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    cases = {"batch2": [37, 20], "long": [long_notes]}
    index = {"producer": "rubato", "inputs": list(INPUT_NAMES), "outputs": list(OUTPUT_NAMES), "cases": {}}
    for seed, (name, lengths) in enumerate(cases.items(), start=1):
        features, style, mask = example_inputs(model, lengths, seed=seed)
        with torch.no_grad():
            mean, logvar = model(features, style, mask)
        arrays = {"features": features, "style": style, "mask": mask, "mean": mean, "logvar": logvar}
        index["cases"][name] = {"lengths": lengths, "files": save_golden_case(d, name, arrays)}
    return write_golden_index(d, index)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rubato_native.export", description="Export a checkpoint to ONNX.")
    add_arguments(ap)
    return run(ap.parse_args(argv))


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The export options, shared with `python -m rubato_native export` (the trainer's __main__ hooks it here)."""
    ap.add_argument("checkpoint", help="checkpoint directory (config.json + model.pt)")
    ap.add_argument("-o", "--out", required=True, help="output .onnx file")
    ap.add_argument("--goldens", help="also write golden inputs/outputs computed by PyTorch into this folder")
    ap.add_argument("--force", action="store_true", help="replace the output file if it exists")


def run(args: argparse.Namespace) -> int:
    torch.set_num_threads(2)
    try:
        out = export_checkpoint(args.checkpoint, args.out, args.goldens, args.force, load=load_checkpoint, export=export_onnx, write_goldens=write_goldens)
    except ExportError as e:
        print(f"export: {e}", file=sys.stderr)
        return 2
    size = out.stat().st_size
    print(json.dumps({"onnx": str(out), "bytes": size, "opset": OPSET, "goldens": args.goldens}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
