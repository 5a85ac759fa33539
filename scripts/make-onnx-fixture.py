"""Makes test/fixtures/onnx/: a tiny random PerformanceNet exported to ONNX, and PyTorch's golden outputs.

    /usr/bin/python3 scripts/make-onnx-fixture.py

CI never retrains or re-exports: the files are committed, and the Node tests check onnxruntime-node against
the goldens. Rerun this only when the model's I/O or the exporter changes, and commit the result.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "native"))

import torch  # noqa: E402

from rubato_native import FEATURE_SCHEMA_VERSION  # noqa: E402
from rubato_native.export import DEFAULT_STYLE, FEATURE_NAMES, export_onnx, load_checkpoint, write_goldens  # noqa: E402
from rubato_native.model import ModelConfig, PerformanceNet  # noqa: E402

OUT = REPO / "test" / "fixtures" / "onnx"
SEED = 20240603


def tiny_stats() -> dict:
    """Normalisation on the scales of real data, so a broken de-normalisation shows in the outputs."""
    feat_mean = [0.0] * len(FEATURE_NAMES)
    feat_std = [1.0] * len(FEATURE_NAMES)
    for name, m, s in (("pitch", 62, 13), ("notated_bpm", 100, 25), ("score_velocity", 64, 16), ("duration_beats", 0.6, 0.7)):
        i = FEATURE_NAMES.index(name)
        feat_mean[i], feat_std[i] = m, s
    return {
        "feat": (feat_mean, feat_std),
        "style": ([0.12, 12.0, -0.15, 0.5, 0.0], [0.06, 4.0, 0.2, 0.3, 0.1]),
        # velocity, local_tempo, async_sec, articulation, pedal_onset, pedal_offset
        "target": ([58.0, 0.02, 0.0, -0.25, 0.45, 0.5], [16.0, 0.15, 0.02, 0.45, 0.45, 0.45]),
    }


def make_tiny_checkpoint(ckpt: Path, seed: int = SEED) -> None:
    torch.manual_seed(seed)
    cfg = ModelConfig(d_model=32, n_layers=2, n_heads=4, ff_mult=2, dropout=0.1)
    model = PerformanceNet(cfg)
    # nn.TransformerEncoder deep-copies one layer, so fresh layers are identical (and the exporter stores
    # them once); perturb every weight so the fixture's layers differ, as a trained model's do.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    model.set_stats(tiny_stats())
    ckpt.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), ckpt / "model.pt")
    config = {
        "model": cfg.to_dict(),
        "step": 0,
        "epoch": 0,
        "val": {"expression_score": None, "velocity_r": {}, "rubato_r": {}, "val_loss": None},
        "data_hash": "tiny-random-fixture",
        "feature_schema_version": FEATURE_SCHEMA_VERSION,
        "style_defaults": DEFAULT_STYLE,
    }
    (ckpt / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = Path(tmp) / "tiny"
        make_tiny_checkpoint(ckpt)
        model, config = load_checkpoint(ckpt)
        export_onnx(model, config, OUT / "tiny.onnx")
        write_goldens(model, OUT)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {OUT} ({total} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
