"""The normalizer's training data (written by scripts/make-normalizer-data.ts) read for training.

Sequences are noisy versions of whole scores; training draws random crops of `window` bars, the crop
positions a pure function of (seed, step), so a run is reproducible. Feature statistics come from the
train split only. The test split is never in this folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import DATA_VERSION


class DataError(Exception):
    """The data folder is missing, foreign or damaged; the message names the file."""


@dataclass
class SplitData:
    features: np.ndarray  # [bars, F] float32
    labels: np.ndarray  # [bars] int64
    offsets: np.ndarray  # [sequences + 1] int64

    @property
    def sequences(self) -> int:
        return len(self.offsets) - 1

    def sequence(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = int(self.offsets[k]), int(self.offsets[k + 1])
        return self.features[a:b], self.labels[a:b]


def load_meta(root: Path) -> dict:
    f = root / "meta.json"
    try:
        meta = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DataError(f"{f}: cannot read the normalizer data's meta.json ({e}); build it with scripts/make-normalizer-data.ts") from e
    if not isinstance(meta, dict) or meta.get("version") != DATA_VERSION:
        raise DataError(f"{f}: version is {meta.get('version') if isinstance(meta, dict) else None!r}, expected {DATA_VERSION!r}: rebuild the data")
    for key in ("feature_names", "class_names", "data_hash"):
        if key not in meta:
            raise DataError(f"{f}: missing {key!r}")
    return meta


def load_split(root: Path, split: str, meta: dict) -> SplitData:
    def load(name: str) -> np.ndarray:
        f = root / f"{split}.{name}.npy"
        try:
            return np.load(f, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise DataError(f"{f}: cannot read ({e})") from e

    features, labels, offsets = load("features"), load("labels"), load("offsets")
    n_f, n_c = len(meta["feature_names"]), len(meta["class_names"])
    if features.ndim != 2 or features.shape[1] != n_f:
        raise DataError(f"{root / f'{split}.features.npy'}: shape {features.shape}, expected [bars, {n_f}]")
    if labels.shape != (features.shape[0],) or (labels.size and (labels.min() < 0 or labels.max() >= n_c)):
        raise DataError(f"{root / f'{split}.labels.npy'}: labels must be [bars] within 0..{n_c - 1}")
    if offsets.ndim != 1 or offsets[0] != 0 or offsets[-1] != features.shape[0] or np.any(np.diff(offsets) < 0):
        raise DataError(f"{root / f'{split}.offsets.npy'}: offsets must rise from 0 to the bar count")
    if not np.all(np.isfinite(features)):
        raise DataError(f"{root / f'{split}.features.npy'}: holds non-finite values")
    return SplitData(features.astype(np.float32), labels.astype(np.int64), offsets.astype(np.int64))


def feature_stats(train: SplitData) -> tuple[np.ndarray, np.ndarray]:
    return train.features.mean(0), train.features.std(0)


def crop_batch(data: SplitData, batch: int, window: int, seed: int, step: int):
    """(features [B, W, F], labels [B, W], mask [B, W]) of random crops; padded where a piece is short."""
    rng = np.random.default_rng([seed, step])
    F = data.features.shape[1]
    x = np.zeros((batch, window, F), np.float32)
    y = np.zeros((batch, window), np.int64)
    m = np.zeros((batch, window), bool)
    lengths = np.diff(data.offsets)
    for b in range(batch):
        k = int(rng.integers(data.sequences))
        n = int(lengths[k])
        start = int(rng.integers(max(1, n - window + 1)))
        fx, fy = data.sequence(k)
        take = min(window, n - start)
        x[b, :take], y[b, :take], m[b, :take] = fx[start:start + take], fy[start:start + take], True
    return x, y, m


def padded(seqs: list[tuple[np.ndarray, np.ndarray]]):
    """Whole sequences padded to the longest (for evaluation)."""
    T = max(len(s[1]) for s in seqs)
    F = seqs[0][0].shape[1]
    x = np.zeros((len(seqs), T, F), np.float32)
    y = np.zeros((len(seqs), T), np.int64)
    m = np.zeros((len(seqs), T), bool)
    for b, (fx, fy) in enumerate(seqs):
        x[b, : len(fy)], y[b, : len(fy)], m[b, : len(fy)] = fx, fy, True
    return x, y, m
