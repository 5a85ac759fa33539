"""The run spec: a `*.run.toml` file read into typed dataclasses and validated (never executed)."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


class SpecError(Exception):
    """A bad run spec; the message names the file and the key."""

    def __init__(self, file: Path | str, key: str, problem: str):
        super().__init__(f"{file}: {key}: {problem}")
        self.file = str(file)
        self.key = key
        self.problem = problem


@dataclass
class ModelSection:
    d_model: int = 128
    n_layers: int = 2
    n_heads: int = 4
    ff_mult: int = 4
    dropout: float = 0.1


@dataclass
class DataSection:
    cache: Path = Path()
    window: int = 512
    overlap: int = 64


@dataclass
class OptimizerSection:
    lr: float = 3e-4
    weight_decay: float = 0.01
    betas: tuple[float, float] = (0.9, 0.98)


@dataclass
class BatchSection:
    micro_batch: int = 16
    grad_accum: int = 1
    grad_checkpointing: bool = False


@dataclass
class PrecisionSection:
    mode: str = "auto"


@dataclass
class ScheduleSection:
    warmup_steps: int = 100
    max_steps: int = 2000
    cosine: bool = True


@dataclass
class EvalSection:
    every_steps: int = 200
    window: int = 8


@dataclass
class BudgetSection:
    # None: no limit. The budget is per invocation, so a resumed run gets a fresh one.
    max_minutes: float | None = None


@dataclass
class DeviceSection:
    device: str = "auto"
    # torch starts with one thread on some machines; under torchrun each rank gets its share.
    cpu_threads: int = 2


@dataclass
class RunSection:
    out: Path = Path()
    seed: int = 0


@dataclass
class RunSpec:
    file: Path
    model: ModelSection = field(default_factory=ModelSection)
    data: DataSection = field(default_factory=DataSection)
    optimizer: OptimizerSection = field(default_factory=OptimizerSection)
    batch: BatchSection = field(default_factory=BatchSection)
    precision: PrecisionSection = field(default_factory=PrecisionSection)
    schedule: ScheduleSection = field(default_factory=ScheduleSection)
    eval: EvalSection = field(default_factory=EvalSection)
    budget: BudgetSection = field(default_factory=BudgetSection)
    device: DeviceSection = field(default_factory=DeviceSection)
    run: RunSection = field(default_factory=RunSection)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (paths as strings), stored with checkpoints."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "file":
                continue
            section = getattr(self, f.name)
            out[f.name] = {k.name: _plain(getattr(section, k.name)) for k in fields(section)}
        return out


def _plain(v: Any) -> Any:
    if isinstance(v, Path):
        return str(v)
    if isinstance(v, tuple):
        return list(v)
    return v


SECTIONS: dict[str, type] = {
    "model": ModelSection,
    "data": DataSection,
    "optimizer": OptimizerSection,
    "batch": BatchSection,
    "precision": PrecisionSection,
    "schedule": ScheduleSection,
    "eval": EvalSection,
    "budget": BudgetSection,
    "device": DeviceSection,
    "run": RunSection,
}
REQUIRED = {("data", "cache"), ("run", "out")}
CHOICES = {
    ("precision", "mode"): ("auto", "fp32", "bf16", "fp16"),
    ("device", "device"): ("auto", "cpu", "cuda"),
}
# (section, key) -> (low, high, low inclusive); None means unbounded on that side.
RANGES: dict[tuple[str, str], tuple[float | None, float | None, bool]] = {
    ("model", "d_model"): (2, 8192, True),
    ("model", "n_layers"): (1, 64, True),
    ("model", "n_heads"): (1, 256, True),
    ("model", "ff_mult"): (1, 64, True),
    ("model", "dropout"): (0.0, 0.9, True),
    ("data", "window"): (2, 65536, True),
    ("data", "overlap"): (0, None, True),
    ("optimizer", "lr"): (0.0, 1.0, False),
    ("optimizer", "weight_decay"): (0.0, 10.0, True),
    ("batch", "micro_batch"): (1, 65536, True),
    ("batch", "grad_accum"): (1, 65536, True),
    ("schedule", "warmup_steps"): (0, None, True),
    ("schedule", "max_steps"): (1, None, True),
    ("eval", "every_steps"): (1, None, True),
    ("eval", "window"): (1, 4096, True),
    ("budget", "max_minutes"): (0.0, None, False),
    ("device", "cpu_threads"): (1, 1024, True),
    ("run", "seed"): (0, 2**31 - 1, True),
}


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f"unknown key{hint}; known: {', '.join(known)}"


def _check_type(file: Path, key: str, value: Any, default: Any) -> Any:
    """Converts a TOML value to the type of the field's default, or raises SpecError."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SpecError(file, key, f"must be true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecError(file, key, f"must be an integer, got {value!r}")
        return value
    if isinstance(default, float) or default is None:  # None: an optional number (max_minutes)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SpecError(file, key, f"must be a number, got {value!r}")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise SpecError(file, key, f"must be a string, got {value!r}")
        return value
    if isinstance(default, Path):
        if not isinstance(value, str) or value == "":
            raise SpecError(file, key, f"must be a non-empty path string, got {value!r}")
        p = Path(value).expanduser()
        # Relative paths are relative to the spec file, so a spec works from any working directory.
        return p if p.is_absolute() else (file.parent / p).resolve()
    if isinstance(default, tuple):
        if not isinstance(value, list) or len(value) != 2 or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
            raise SpecError(file, key, f"must be a list of two numbers, got {value!r}")
        for x in value:
            if not 0.0 <= x < 1.0:
                raise SpecError(file, key, f"each beta must be in [0, 1), got {x!r}")
        return (float(value[0]), float(value[1]))
    raise SpecError(file, key, "internal: unsupported field type")


def _check_range(file: Path, key: str, section: str, name: str, value: Any) -> None:
    rng = RANGES.get((section, name))
    if rng is None or value is None:
        return
    low, high, low_inclusive = rng
    if low is not None and (value < low if low_inclusive else value <= low):
        raise SpecError(file, key, f"must be {'>=' if low_inclusive else '>'} {low}, got {value!r}")
    if high is not None and value > high:
        raise SpecError(file, key, f"must be <= {high}, got {value!r}")


def parse_spec(text: str, file: Path) -> RunSpec:
    """Validates TOML text as a run spec; `file` names it in errors and anchors relative paths."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SpecError(file, "(syntax)", f"not valid TOML: {e}") from None
    spec = RunSpec(file=file)
    for sname, body in raw.items():
        if sname not in SECTIONS:
            raise SpecError(file, f"[{sname}]", _did_you_mean(sname, list(SECTIONS)).replace("key", "section", 1))
        if not isinstance(body, dict):
            raise SpecError(file, sname, "must be a table ([section] with keys)")
        section = getattr(spec, sname)
        defaults = {f.name: getattr(section, f.name) for f in fields(section)}
        for name, value in body.items():
            key = f"[{sname}].{name}"
            if name not in defaults:
                raise SpecError(file, key, _did_you_mean(name, list(defaults)))
            v = _check_type(file, key, value, defaults[name])
            choices = CHOICES.get((sname, name))
            if choices is not None and v not in choices:
                raise SpecError(file, key, f"must be one of {', '.join(repr(c) for c in choices)}, got {v!r}")
            _check_range(file, key, sname, name, v)
            setattr(section, name, v)
    for sname, name in sorted(REQUIRED):
        if name not in raw.get(sname, {}):
            raise SpecError(file, f"[{sname}].{name}", "is required")
    m = spec.model
    if m.d_model % m.n_heads != 0:
        raise SpecError(file, "[model].n_heads", f"must divide d_model ({m.d_model}), got {m.n_heads}")
    if m.d_model % 2 != 0:
        raise SpecError(file, "[model].d_model", f"must be even (sinusoidal positions), got {m.d_model}")
    if spec.data.overlap >= spec.data.window:
        raise SpecError(file, "[data].overlap", f"must be smaller than [data].window ({spec.data.window}), got {spec.data.overlap}")
    if spec.schedule.warmup_steps > spec.schedule.max_steps:
        raise SpecError(file, "[schedule].warmup_steps", f"must be <= max_steps ({spec.schedule.max_steps})")
    return spec


def load_spec(path: str | Path) -> RunSpec:
    """Reads and validates a run spec file."""
    file = Path(path).resolve()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as e:
        raise SpecError(file, "(file)", f"cannot read the run spec: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise SpecError(file, "(file)", "is not UTF-8 text") from None
    return parse_spec(text, file)
