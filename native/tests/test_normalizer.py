"""The normalizer trainer on tiny synthetic data (seconds): spec validation, data checks, a short run that
learns, self-describing checkpoints, and an ONNX export that reproduces PyTorch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from rubato_native.normalizer import DATA_VERSION
from rubato_native.normalizer.config import SpecError, load_spec
from rubato_native.normalizer.data import DataError, load_meta, load_split
from rubato_native.normalizer.export import export_onnx, load_checkpoint
from rubato_native.normalizer.model import NormalizerConfig, NormalizerNet
from rubato_native.normalizer.train import train

F, C = 6, 5


def make_data(root: Path, seed: int = 0) -> None:
    """Sequences where the class is readable from feature 0 of the bar: learnable in a few steps."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True)
    for split, n in (("train", 40), ("val", 8)):
        lengths = rng.integers(20, 60, n)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
        labels = rng.integers(0, C, offsets[-1]).astype(np.int32)
        labels[rng.random(offsets[-1]) < 0.5] = C // 2
        feats = rng.normal(0, 1, (offsets[-1], F)).astype(np.float32)
        feats[:, 0] = labels * 2.0
        np.save(root / f"{split}.features.npy", feats)
        np.save(root / f"{split}.labels.npy", labels)
        np.save(root / f"{split}.offsets.npy", offsets)
    meta = {"version": DATA_VERSION, "feature_names": [f"f{i}" for i in range(F)], "class_names": [f"c{i}" for i in range(C)], "data_hash": "synthetic"}
    (root / "meta.json").write_text(json.dumps(meta))


def write_spec(tmp: Path, extra: str = "") -> Path:
    spec = tmp / "n.run.toml"
    spec.write_text(
        f'[model]\nchannels = 16\nlayers = 2\ndropout = 0.0\n[data]\ndir = "data"\nwindow = 32\n'
        f'[train]\nlr = 1e-2\nbatch = 8\nmax_steps = 60\neval_every = 30\nmax_minutes = 2\ncpu_threads = 1\n{extra}'
        f'[run]\nout = "run"\n'
    )
    return spec


def test_spec_errors_name_the_key(tmp_path):
    spec = write_spec(tmp_path)
    assert load_spec(spec).model.channels == 16
    for bad, key in (("[model]\nkernel = 4\n", "model.kernel"), ("[train]\nlr = -1\n", "train.lr"), ("[train]\nbatch = 2.5\n", "train.batch"),
                     ("[oops]\n", "oops"), ("[model]\nwidth = 3\n", "model.width"), ('[run]\nout = "x"\n', "data.dir")):
        p = tmp_path / "bad.run.toml"
        p.write_text(bad)
        with pytest.raises(SpecError) as e:
            load_spec(p)
        assert e.value.key == key, (bad, e.value)
        assert str(p) in str(e.value)


def test_data_checks(tmp_path):
    make_data(tmp_path / "data")
    meta = load_meta(tmp_path / "data")
    assert load_split(tmp_path / "data", "train", meta).sequences == 40
    np.save(tmp_path / "data" / "val.labels.npy", np.full(3, 99, np.int32))
    with pytest.raises(DataError, match="val.labels.npy"):
        load_split(tmp_path / "data", "val", meta)
    with pytest.raises(DataError, match="meta.json"):
        load_meta(tmp_path / "nowhere")


def test_padding_does_not_change_real_bars():
    torch.manual_seed(0)
    m = NormalizerNet(NormalizerConfig(n_features=F, n_classes=C, channels=8, layers=3, dropout=0.0)).eval()
    x = torch.randn(1, 17, F)
    alone = m(x, torch.ones(1, 17, dtype=torch.bool))
    padded = torch.cat([x, torch.randn(1, 9, F)], 1)
    mask = torch.zeros(1, 26, dtype=torch.bool)
    mask[:, :17] = True
    with torch.no_grad():
        assert torch.allclose(m(padded, mask)[:, :17], alone, atol=1e-5)


def test_short_run_learns_and_exports(tmp_path, capsys):
    make_data(tmp_path / "data")
    result = train(load_spec(write_spec(tmp_path)))
    assert result["best_val"]["bar_accuracy"] > 0.8, result
    best = tmp_path / "run" / "checkpoints" / "best"
    config = json.loads((best / "config.json").read_text())
    assert config["kind"] == "normalizer" and config["data_hash"] == "synthetic" and config["class_names"][0] == "c0"
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert any(r.get("split") == "val" for r in lines)
    model, cfg = load_checkpoint(tmp_path / "run")
    out = export_onnx(model, cfg, tmp_path / "n.onnx")
    import onnx

    proto = onnx.load(str(out))
    meta = {p.key: p.value for p in proto.metadata_props}
    assert meta["model_kind"] == "normalizer" and json.loads(meta["feature_names"]) == [f"f{i}" for i in range(F)]
    try:
        import onnxruntime as ort
    except ImportError:
        return  # the Node parity test checks onnxruntime against PyTorch goldens
    x = np.random.default_rng(1).normal(0, 1, (2, 30, F)).astype(np.float32)
    mask = np.ones((2, 30), bool)
    got = ort.InferenceSession(str(out)).run(["logits"], {"features": x, "mask": mask})[0]
    with torch.no_grad():
        want = model(torch.from_numpy(x), torch.from_numpy(mask)).numpy()
    assert np.abs(got - want).max() < 1e-4
