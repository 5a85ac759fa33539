"""Writes test/fixtures/normalizer/: a tiny randomly initialised NormalizerNet exported to ONNX with the
metadata the server checks, plus PyTorch goldens (padded batch of two, one 900-bar piece).
Run through scripts/make-normalizer-fixture.ts (which writes names.json first); committed, never made by CI."""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "native"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from rubato_native.normalizer.export import export_onnx, write_goldens  # noqa: E402
from rubato_native.normalizer.model import NormalizerConfig, NormalizerNet  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--names", required=True)
ap.add_argument("--out", required=True)
args = ap.parse_args()
names = json.loads(Path(args.names).read_text())
torch.manual_seed(0)
cfg = NormalizerConfig(n_features=len(names["feature_names"]), n_classes=len(names["class_names"]), channels=16, layers=3, dropout=0.0)
model = NormalizerNet(cfg)
rng = np.random.default_rng(0)
model.set_stats(rng.normal(0, 1, cfg.n_features), rng.uniform(0.5, 2, cfg.n_features))
model.eval()
config = {"kind": "normalizer", "model": cfg.to_dict(), "feature_names": names["feature_names"], "class_names": names["class_names"],
          "data_hash": "tiny-random-fixture", "val": {}, "step": 0}
out = Path(args.out)
export_onnx(model, config, out / "tiny.onnx")
write_goldens(model, out)
print(f"wrote {out}")
