"""Shared fixtures: a synthetic dataset cache in the manifest format, and run specs that train on it in seconds."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

NATIVE = Path(__file__).resolve().parents[1]
if str(NATIVE) not in sys.path:
    sys.path.insert(0, str(NATIVE))

from rubato_native import RECORD_VERSION  # noqa: E402


def _save(item_dir: Path, cache: Path, name: str, arr: np.ndarray) -> dict:
    file = item_dir / f"{name}.npy"
    np.save(file, arr)
    return {"dtype": arr.dtype.str[1:], "shape": list(arr.shape), "file": file.relative_to(cache).as_posix(), "bytes": file.stat().st_size}


def synthetic_item(rng: np.random.Generator, n_notes: int, style_shift: float) -> dict[str, np.ndarray]:
    """A piece whose expression follows its features, so a model can learn something in a few steps."""
    sizes = rng.integers(1, 4, size=n_notes)  # onset groups of 1-3 notes
    group_index = np.repeat(np.arange(len(sizes)), sizes)[:n_notes].astype(np.int32)
    n_groups = int(group_index[-1]) + 1
    feats = rng.normal(size=(n_notes, 22)).astype(np.float32)
    feats[:, 0] = rng.integers(30, 90, size=n_notes)  # pitch
    phrase = np.sin(np.arange(n_groups) / 6.0)  # a slow tempo arc over groups
    group_tempo = (0.2 * phrase + 0.02 * rng.normal(size=n_groups) + style_shift).astype(np.float64)
    group_tempo[rng.random(n_groups) < 0.05] = np.nan  # groups without a defined tempo
    feats[:, 4] = phrase[group_index].astype(np.float32)  # the arc is visible in a feature (bar_phase stand-in)
    targets = np.zeros((n_notes, 6), np.float32)
    targets[:, 0] = 64 + 0.3 * (feats[:, 0] - 60) + 8 * feats[:, 4] + rng.normal(scale=3, size=n_notes)
    targets[:, 1] = group_tempo[group_index]
    targets[:, 2] = 0.01 * rng.normal(size=n_notes)
    targets[:, 3] = -0.3 + 0.1 * rng.normal(size=n_notes)
    targets[:, 4] = rng.random(n_notes) < 0.5
    targets[:, 5] = rng.random(n_notes) < 0.5
    aligned = (rng.random(n_notes) > 0.04).astype(np.uint8)
    targets[aligned == 0] = np.nan  # unplayed notes: every target unknown
    style = np.array([0.15, 10.0, -0.3, 0.5, style_shift], np.float32)
    return {
        "score_features": feats,
        "targets": targets,
        "aligned": aligned,
        "group_index": group_index,
        "group_score_sec": np.cumsum(np.full(n_groups, 0.25)).astype(np.float64),
        "group_tempo": group_tempo,
        "style": style,
    }


def write_cache(cache: Path, splits: list[tuple[str, int]], seed: int = 0) -> Path:
    """A cache with one item per (split, notes) entry, laid out as `rubato dataset build` writes it."""
    rng = np.random.default_rng(seed)
    cache.mkdir(parents=True, exist_ok=True)
    items = []
    for i, (split, n) in enumerate(splits):
        item_id = f"Synth/piece_{i // 2}/perf_{i}"
        item_dir = cache / "items" / f"Synth_piece_{i // 2}_perf_{i}-{i:016x}"
        item_dir.mkdir(parents=True, exist_ok=True)
        arrays = {name: _save(item_dir, cache, name, a) for name, a in synthetic_item(rng, n, 0.1 * (i % 3)).items()}
        items.append({
            "id": item_id, "group": f"Synth/piece_{i // 2}", "composer": "Synth", "split": split,
            "key": hashlib.sha256(f"{item_id}-{seed}".encode()).hexdigest(), "dir": item_dir.relative_to(cache).as_posix(),
            "arrays": arrays, "meta": {},
        })
    manifest = {
        "format": "rubato-dataset", "version": 1, "extractorVersion": RECORD_VERSION,
        "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
        "splitRatios": {"train": 0.8, "val": 0.1, "test": 0.1},
        "featureNames": {}, "items": sorted(items, key=lambda x: x["id"]), "failed": [],
    }
    (cache / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return cache


TINY_SPEC = """
[model]
d_model = 16
n_layers = 1
n_heads = 2
ff_mult = 2
dropout = {dropout}

[data]
cache = "{cache}"
window = 64
overlap = 16

[optimizer]
lr = 3e-3

[batch]
micro_batch = 4
grad_accum = 2

[precision]
mode = "auto"

[schedule]
warmup_steps = 3
max_steps = {max_steps}

[eval]
every_steps = {every}

[device]
device = "cpu"
cpu_threads = 1

[run]
out = "{out}"
seed = 7
"""


def tiny_spec(dir: Path, cache: Path, out: str = "run", max_steps: int = 12, every: int = 4, dropout: float = 0.1, extra: str = "") -> Path:
    spec = dir / f"{out}.run.toml"
    spec.write_text(TINY_SPEC.format(cache=cache, out=out, max_steps=max_steps, every=every, dropout=dropout) + extra)
    return spec


@pytest.fixture(scope="session")
def synth_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six train and two val performances of 40-300 notes (long enough for several overlapping windows)."""
    splits = [("train", 120), ("train", 300), ("train", 80), ("train", 200), ("train", 40), ("train", 150), ("val", 180), ("val", 100), ("test", 50)]
    return write_cache(tmp_path_factory.mktemp("cache") / "cache", splits)


def worker_env() -> dict[str, str]:
    """Environment for a worker subprocess: the package importable, one BLAS thread (2-core CI machines)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(NATIVE) + os.pathsep + env.get("PYTHONPATH", "")
    env["OMP_NUM_THREADS"] = "1"
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env


SCHEMA_FILE = NATIVE.parent / "server" / "protocol" / "trainerMetrics.schema.json"
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def schema_errors(value: object, schema: dict, root: dict, where: str = "$") -> list[str]:
    """Errors of `value` against the JSON Schema subset trainerMetrics.schema.json uses ($ref, type, enum,
    required, properties, additionalProperties, items, minimum, maximum); jsonschema is not installed here."""
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), f"unsupported $ref {ref}"
        return schema_errors(value, root["$defs"][ref[len("#/$defs/"):]], root, where)
    errors: list[str] = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]

        def is_type(t: str) -> bool:
            if t == "integer":
                return isinstance(value, int) and not isinstance(value, bool)
            if t == "number":
                return isinstance(value, (int, float)) and not isinstance(value, bool)
            return isinstance(value, _TYPES[t]) and not (t != "boolean" and isinstance(value, bool))

        if not any(is_type(t) for t in types):
            return [f"{where}: {value!r} is not of type {types}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where}: {value} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where}: {value} > maximum {schema['maximum']}")
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                errors.append(f"{where}: missing required {k!r}")
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                errors += schema_errors(v, props[k], root, f"{where}.{k}")
            elif schema.get("additionalProperties", True) is False:
                errors.append(f"{where}: unexpected property {k!r}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            errors += schema_errors(v, schema["items"], root, f"{where}[{i}]")
    return errors


@pytest.fixture(scope="session")
def trainer_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text())
