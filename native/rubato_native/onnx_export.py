"""What every ONNX export does, whatever the model: the checkpoint → file command (no clobber), the atomic
write of a traced graph with its metadata_props, and PyTorch golden arrays for the Node parity tests.
Used by the performance model's exporter (export.py) and the normalizer's (normalizer/export.py), which
keep only what is theirs: loading their checkpoint, their I/O names and their example inputs.
"""

from __future__ import annotations

import inspect
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

OPSET = 17


class ExportError(Exception):
    """A checkpoint that cannot be exported; the message names the file and the problem."""


def export_checkpoint(
    checkpoint: str | os.PathLike,
    out: str | os.PathLike,
    goldens: str | os.PathLike | None,
    force: bool,
    *,
    load: Callable[[Any], tuple[torch.nn.Module, dict]],
    export: Callable[[Any, dict, Any], Path],
    write_goldens: Callable[[Any, Any], Path],
) -> Path:
    """Loads a checkpoint, writes its ONNX file (and goldens when asked); never replaces a file unless forced."""
    if Path(out).exists() and not force:
        raise ExportError(f"{out}: already exists (pass --force to replace it)")
    model, config = load(checkpoint)
    path = export(model, config, out)
    if goldens:
        write_goldens(model, goldens)
    return path


def write_onnx(
    model: torch.nn.Module,
    args: tuple[torch.Tensor, ...],
    out: str | os.PathLike,
    *,
    input_names: list[str],
    output_names: list[str],
    dynamic_axes: dict[str, dict[int, str]],
    metadata: dict[str, str],
    fix_graph: Callable[[Any], None] | None = None,
) -> Path:
    """Traces `model` on `args` into an ONNX file with `metadata` as its metadata_props, written atomically
    (temp file in the same folder, then rename); `fix_graph` may edit the proto before it is checked."""
    import onnx

    out = Path(out)
    kwargs: dict[str, Any] = dict(
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=OPSET,
        do_constant_folding=True,
    )
    # torch >= 2.9 defaults to the dynamo exporter; ask for the tracing one only where the argument exists.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        # Gradients stay enabled: torch 1.13 fails to export the encoder inside no_grad (TORCH_NOTES.md).
        # The tracer warns about the shape asserts inside multi-head attention: they hold for every input shape.
        with torch.enable_grad(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
            torch.onnx.export(model, args, tmp, **kwargs)
        proto = onnx.load(tmp)
        if fix_graph is not None:
            fix_graph(proto)
        del proto.metadata_props[:]
        for k, v in metadata.items():
            entry = proto.metadata_props.add()
            entry.key, entry.value = k, v
        proto.producer_name = "rubato"
        onnx.checker.check_model(proto)
        onnx.save(proto, tmp)
        # mkstemp creates the file 0600; give the export the permissions of any file the user makes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return out


def save_golden_case(d: Path, name: str, arrays: dict[str, torch.Tensor]) -> dict[str, str]:
    """Writes `<name>.<key>.npy` per array into `d`; returns key → file name for golden.json."""
    files = {}
    for key, t in arrays.items():
        fname = f"{name}.{key}.npy"
        np.save(d / fname, t.numpy())
        files[key] = fname
    return files


def write_golden_index(d: Path, index: dict) -> Path:
    (d / "golden.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return d
