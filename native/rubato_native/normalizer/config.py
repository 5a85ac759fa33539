"""The normalizer's run spec (`*.run.toml`) read into typed dataclasses and validated; never executed.

Sections and keys (all optional except [data].dir and [run].out):
  [model]  channels (int 8..512), layers (1..16), kernel (odd 3..9), dropout (0..0.9)
  [data]   dir (path, relative to the spec), window (bars per training crop, 16..4096)
  [train]  lr (>0), weight_decay (>=0), batch (1..1024), max_steps (1..10^7), eval_every (1..),
           max_minutes (>0), seed (int >= 0), cpu_threads (1..256), keep_weight (0..1]
  [run]    out (path, relative to the spec)
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

# One SpecError for every run spec, the trainer's and the normalizer's: same message, same fields (file, key, problem).
from ..config import SpecError


@dataclass
class ModelSection:
    channels: int = 64
    layers: int = 6
    kernel: int = 3
    dropout: float = 0.1


@dataclass
class DataSection:
    dir: Path = Path()
    window: int = 128


@dataclass
class TrainSection:
    lr: float = 2e-3
    weight_decay: float = 0.01
    batch: int = 32
    max_steps: int = 3000
    eval_every: int = 250
    max_minutes: float = 12.0
    seed: int = 0
    cpu_threads: int = 2
    # Loss weight of the on-the-line displacement bin (the centre one): below 1 makes the model dare edits.
    keep_weight: float = 1.0


@dataclass
class RunSection:
    out: Path = Path()


@dataclass
class Spec:
    file: Path
    model: ModelSection = field(default_factory=ModelSection)
    data: DataSection = field(default_factory=DataSection)
    train: TrainSection = field(default_factory=TrainSection)
    run: RunSection = field(default_factory=RunSection)

    def to_dict(self) -> dict[str, Any]:
        d = {k: asdict(getattr(self, k)) for k in ("model", "data", "train", "run")}
        d["data"]["dir"] = str(self.data.dir)
        d["run"]["out"] = str(self.run.out)
        return d


# (min, max) per numeric key; None = unbounded on that side. Integers must be integers (not bools).
RANGES: dict[str, tuple[float | None, float | None]] = {
    "model.channels": (8, 512), "model.layers": (1, 16), "model.kernel": (3, 9), "model.dropout": (0, 0.9),
    "data.window": (16, 4096),
    "train.lr": (1e-7, 1.0), "train.weight_decay": (0, 1.0), "train.batch": (1, 1024),
    "train.max_steps": (1, 10_000_000), "train.eval_every": (1, 10_000_000), "train.max_minutes": (0.01, 10_000),
    "train.seed": (0, 2**32 - 1), "train.cpu_threads": (1, 256), "train.keep_weight": (0.01, 1.0),
}
SECTIONS = {"model": ModelSection, "data": DataSection, "train": TrainSection, "run": RunSection}


def load_spec(path: str | Path) -> Spec:
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as e:
        raise SpecError(file, "-", f"cannot read the spec ({e.strerror or e})") from e
    except tomllib.TOMLDecodeError as e:
        raise SpecError(file, "-", f"not valid TOML: {e}") from e
    return parse_spec(raw, file)


def parse_spec(raw: dict[str, Any], file: Path) -> Spec:
    spec = Spec(file=file)
    for name, value in raw.items():
        if name not in SECTIONS:
            raise SpecError(file, name, f"unknown section (expected one of {', '.join(SECTIONS)})")
        if not isinstance(value, dict):
            raise SpecError(file, name, "must be a table")
        section = getattr(spec, name)
        types = {f.name: f.type for f in fields(section)}
        for key, v in value.items():
            full = f"{name}.{key}"
            if key not in types:
                raise SpecError(file, full, f"unknown key (expected one of {', '.join(types)})")
            setattr(section, key, _check(file, full, getattr(section, key), v))
    if spec.model.kernel % 2 == 0:
        raise SpecError(file, "model.kernel", f"must be odd, got {spec.model.kernel}")
    for full, (section, key) in {"data.dir": (spec.data, "dir"), "run.out": (spec.run, "out")}.items():
        if not str(raw.get(full.split(".")[0], {}).get(key, "")):
            raise SpecError(file, full, "is required")
        setattr(section, key, (file.parent / getattr(section, key)).resolve())
    return spec


def _check(file: Path, key: str, default: Any, v: Any) -> Any:
    if isinstance(default, Path):
        if not isinstance(v, str) or not v:
            raise SpecError(file, key, f"must be a non-empty path string, got {v!r}")
        return Path(v)
    if isinstance(default, bool) or isinstance(v, bool):
        raise SpecError(file, key, f"must be a number, got {v!r}")
    if isinstance(default, int):
        if not isinstance(v, int):
            raise SpecError(file, key, f"must be an integer, got {v!r}")
    elif not isinstance(v, (int, float)):
        raise SpecError(file, key, f"must be a number, got {v!r}")
    lo, hi = RANGES.get(key, (None, None))
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise SpecError(file, key, f"must be within {lo}..{hi}, got {v!r}")
    return type(default)(v)
