"""ONNX export: a fresh tiny checkpoint exports, passes onnx.checker, carries the metadata, and matches PyTorch."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")

from rubato_native import FEATURE_SCHEMA_VERSION  # noqa: E402
from rubato_native.export import (  # noqa: E402
    FEATURE_NAMES,
    STYLE_NAMES,
    TARGET_NAMES,
    ExportError,
    example_inputs,
    load_checkpoint,
    main,
)
from rubato_native.model import ModelConfig, PerformanceNet  # noqa: E402


def write_checkpoint(d: Path) -> PerformanceNet:
    torch.manual_seed(3)
    cfg = ModelConfig(d_model=16, n_layers=2, n_heads=2, ff_mult=2, dropout=0.1)
    model = PerformanceNet(cfg)
    with torch.no_grad():  # distinct layers, as after training (fresh ones are deep copies of one)
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    n = cfg.n_features
    model.set_stats({
        "feat": ([60.0] + [0.0] * (n - 1), [12.0] + [1.0] * (n - 1)),
        "style": ([0.1, 12, -0.1, 0.5, 0], [0.05, 4, 0.2, 0.3, 0.1]),
        "target": ([60, 0, 0, -0.2, 0.5, 0.5], [15, 0.1, 0.02, 0.4, 0.4, 0.4]),
    })
    d.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), d / "model.pt")
    config = {
        "model": cfg.to_dict(), "step": 7, "epoch": 1,
        "val": {"expression_score": 0.25, "velocity_r": {"8": 0.3}, "rubato_r": {"8": 0.2}, "val_loss": 1.5},
        "data_hash": "abc123", "feature_schema_version": FEATURE_SCHEMA_VERSION,
        "style_defaults": {"rubato": 0.1, "dynamics": 11, "articulation": -0.2, "pedal": 0.4, "tempo": 0.0},
    }
    (d / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return model.eval()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    model = write_checkpoint(tmp / "ckpt")
    out = tmp / "m.onnx"
    assert main([str(tmp / "ckpt"), "-o", str(out), "--goldens", str(tmp / "goldens")]) == 0
    return model, out, tmp / "goldens"


def test_export_passes_checker_with_dynamic_axes(exported):
    _, out, _ = exported
    proto = onnx.load(str(out))
    onnx.checker.check_model(proto)
    assert [o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")] == [17]
    ins = {i.name: i for i in proto.graph.input}
    assert list(ins) == ["features", "style", "mask"]
    assert [o.name for o in proto.graph.output] == ["mean", "logvar"]

    def dims(v):
        return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]

    assert dims(ins["features"]) == ["batch", "notes", 22]
    assert dims(ins["style"]) == ["batch", 5]
    assert dims(ins["mask"]) == ["batch", "notes"]
    assert ins["mask"].type.tensor_type.elem_type == onnx.TensorProto.BOOL
    for o in proto.graph.output:
        assert dims(o) == ["batch", "notes", 6]


def test_export_metadata(exported):
    _, out, _ = exported
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert meta["feature_schema_version"] == "record-v1"
    assert meta["producer"] == "rubato"
    assert json.loads(meta["feature_names"]) == list(FEATURE_NAMES)
    assert json.loads(meta["target_names"]) == list(TARGET_NAMES)
    assert json.loads(meta["style_names"]) == list(STYLE_NAMES)
    assert json.loads(meta["style_defaults"])["dynamics"] == 11
    assert meta["data_hash"] == "abc123"
    assert json.loads(meta["val_metrics"])["expression_score"] == 0.25
    assert json.loads(meta["model_config"])["d_model"] == 16


def test_goldens_are_pytorch_outputs_with_padding(exported):
    model, _, goldens = exported
    index = json.loads((goldens / "golden.json").read_text())
    assert index["cases"]["batch2"]["lengths"] == [37, 20]
    assert index["cases"]["long"]["lengths"] == [3000]
    files = index["cases"]["batch2"]["files"]
    feats, style, mask = (np.load(goldens / files[k]) for k in ("features", "style", "mask"))
    assert feats.shape == (2, 37, 22) and mask.dtype == bool and mask[1].sum() == 20
    with torch.no_grad():
        mean, _ = model(torch.from_numpy(feats[1:, :20]), torch.from_numpy(style[1:]), torch.from_numpy(mask[1:, :20]))
    # Padding does not leak into real notes: the short row alone gives the same outputs.
    np.testing.assert_allclose(np.load(goldens / files["mean"])[1, :20], mean[0].numpy(), atol=1e-4)


def test_onnx_outputs_equal_pytorch(exported):
    ort = pytest.importorskip("onnxruntime", reason="onnxruntime for Python is absent: structure checked only")
    model, out, _ = exported
    sess = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    for lengths in ([5, 3], [700]):
        features, style, mask = example_inputs(model, lengths, seed=9)
        with torch.no_grad():
            mean, logvar = model(features, style, mask)
        got = sess.run(None, {"features": features.numpy(), "style": style.numpy(), "mask": mask.numpy()})
        m = mask.numpy()
        np.testing.assert_allclose(got[0][m], mean.numpy()[m], atol=1e-4)
        np.testing.assert_allclose(got[1][m], logvar.numpy()[m], atol=1e-4)


def test_bad_checkpoints_are_named(tmp_path):
    with pytest.raises(ExportError, match="not a checkpoint directory"):
        load_checkpoint(tmp_path / "nope")
    d = tmp_path / "ckpt"
    write_checkpoint(d)
    (d / "model.pt").write_bytes(b"not a state dict")
    with pytest.raises(ExportError, match="ckpt"):
        load_checkpoint(d)
    assert main([str(d), "-o", str(tmp_path / "x.onnx")]) == 2
    assert not (tmp_path / "x.onnx").exists()


def test_existing_output_needs_force(exported, tmp_path, capsys):
    out = tmp_path / "keep.onnx"
    out.write_bytes(b"the user's file")
    ckpt = exported[1].parent / "ckpt"
    assert main([str(ckpt), "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"the user's file"
    assert main([str(ckpt), "-o", str(out), "--force"]) == 0
    assert onnx.load(str(out)).producer_name == "rubato"
