"""The dataset cache as training data: manifest reading, per-item arrays, windows, batches and normalisation stats."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from . import FEATURE_SCHEMA_VERSION, RECORD_VERSION
from .model import N_FEATURES, N_STYLE, N_TARGETS

STYLE_NAMES = ("rubato", "dynamics", "articulation", "pedal", "tempo")
TARGET_NAMES = ("velocity", "local_tempo", "async_sec", "articulation", "pedal_onset", "pedal_offset")
# name -> (dtype, trailing shape); the leading axis is notes (or groups for group_*).
ARRAYS = {
    "score_features": ("f4", (N_FEATURES,)),
    "targets": ("f4", (N_TARGETS,)),
    "aligned": ("u1", ()),
    "group_index": ("i4", ()),
    "group_score_sec": ("f8", ()),
    "group_tempo": ("f8", ()),
    "style": ("f4", None),  # a plain [5] vector
}


class DataError(Exception):
    """Unusable training data; the message names the file and the problem."""


@dataclass
class Item:
    """One performance: per-note arrays in score order and its style vector."""

    id: str
    split: str
    features: np.ndarray  # [N, 22] f4
    targets: np.ndarray  # [N, 6] f4, NaN where unknown
    group_index: np.ndarray  # [N] i8
    group_tempo: np.ndarray  # [G] f8, NaN where undefined
    style: np.ndarray  # [5] f4


@dataclass
class Dataset:
    train: list[Item]
    val: list[Item]
    data_hash: str
    cache: Path


def _rel_path(cache: Path, rel: object, where: str, manifest: Path) -> Path:
    # The manifest is data: a hand-edited path must not lead the trainer outside the cache folder.
    if not isinstance(rel, str) or rel == "" or rel.startswith("/") or "\\" in rel or any(p in ("..", ".", "") for p in rel.split("/")):
        raise DataError(f"{manifest}: {where} must be a relative path inside the cache folder, got {rel!r}")
    return cache.joinpath(*PurePosixPath(rel).parts)


def _load_array(cache: Path, manifest: Path, item_id: str, name: str, spec: object) -> np.ndarray:
    where = f"item {item_id!r} array {name!r}"
    if not isinstance(spec, dict):
        raise DataError(f"{manifest}: {where} is missing or not an object")
    file = _rel_path(cache, spec.get("file"), f"{where}.file", manifest)
    try:
        arr = np.load(file, allow_pickle=False)
    except FileNotFoundError:
        raise DataError(f"{file}: missing (named by {manifest}, {where}); rebuild the cache") from None
    except (OSError, ValueError, EOFError) as e:
        raise DataError(f"{file}: unreadable .npy ({e}); rebuild the cache") from None
    dtype, tail = ARRAYS[name]
    if arr.dtype != np.dtype(dtype).newbyteorder("<") and arr.dtype != np.dtype(dtype):
        raise DataError(f"{file}: dtype {arr.dtype}, expected {dtype}")
    if list(arr.shape) != list(spec.get("shape", [])):
        raise DataError(f"{file}: shape {list(arr.shape)} differs from the manifest's {spec.get('shape')}")
    if tail is None:
        if arr.shape != (N_STYLE,):
            raise DataError(f"{file}: shape {list(arr.shape)}, expected [{N_STYLE}]")
    elif arr.ndim != 1 + len(tail) or tuple(arr.shape[1:]) != tail:
        raise DataError(f"{file}: shape {list(arr.shape)}, expected [n, {', '.join(map(str, tail))}]" if tail else f"{file}: shape {list(arr.shape)}, expected [n]")
    return arr


def _read_item(cache: Path, manifest: Path, raw: dict) -> Item:
    item_id = str(raw.get("id"))
    arrays = raw.get("arrays")
    if not isinstance(arrays, dict):
        raise DataError(f"{manifest}: item {item_id!r} has no arrays object")
    a = {name: _load_array(cache, manifest, item_id, name, arrays.get(name)) for name in ARRAYS}
    n = a["score_features"].shape[0]
    for name in ("targets", "aligned", "group_index"):
        if a[name].shape[0] != n:
            raise DataError(f"{manifest}: item {item_id!r}: {name} has {a[name].shape[0]} rows, score_features {n}")
    if not np.all(np.isfinite(a["score_features"])):
        raise DataError(f"{manifest}: item {item_id!r}: score_features hold non-finite values")
    g = a["group_tempo"].shape[0]
    gi = a["group_index"].astype(np.int64)
    if n and (gi.min() < 0 or gi.max() >= g):
        raise DataError(f"{manifest}: item {item_id!r}: group_index outside [0, {g})")
    targets = a["targets"].astype(np.float32)
    targets[~np.isfinite(targets)] = np.nan  # +-inf is as unknown as NaN
    return Item(item_id, str(raw.get("split")), a["score_features"].astype(np.float32), targets, gi, a["group_tempo"].astype(np.float64), a["style"].astype(np.float32))


def load_dataset(cache: Path) -> Dataset:
    """Reads the train and val items of a cache built by `rubato dataset build` (the test split is never read)."""
    manifest = cache / "manifest.json"
    try:
        m = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{manifest}: not found; build the cache with `rubato dataset build --out {cache}`") from None
    except (OSError, ValueError) as e:
        raise DataError(f"{manifest}: cannot read the dataset manifest: {e}") from None
    if not isinstance(m, dict) or m.get("format") != "rubato-dataset":
        raise DataError(f"{manifest}: not a Rubato dataset manifest (format must be 'rubato-dataset')")
    if m.get("version") != 1:
        raise DataError(f"{manifest}: manifest version {m.get('version')!r}; this trainer reads version 1")
    if m.get("extractorVersion") != RECORD_VERSION:
        raise DataError(f"{manifest}: extractorVersion {m.get('extractorVersion')!r}, this trainer needs {RECORD_VERSION!r}; rebuild the cache")
    items = m.get("items")
    if not isinstance(items, list):
        raise DataError(f"{manifest}: items must be an array")
    train: list[Item] = []
    val: list[Item] = []
    digest = hashlib.sha256(RECORD_VERSION.encode())
    for raw in sorted((r for r in items if isinstance(r, dict)), key=lambda r: str(r.get("id"))):
        split = raw.get("split")
        if split not in ("train", "val"):
            continue
        item = _read_item(cache, manifest, raw)
        if item.features.shape[0] == 0:
            continue
        (train if split == "train" else val).append(item)
        # The hash names exactly what the model saw: item ids, content keys and splits.
        digest.update(f"\n{item.id}\t{raw.get('key')}\t{split}".encode())
    if not train:
        raise DataError(f"{manifest}: no non-empty items in the train split")
    if not val:
        raise DataError(f"{manifest}: no non-empty items in the val split (evaluation and the best checkpoint need it)")
    return Dataset(train, val, digest.hexdigest(), cache)


def compute_stats(train: list[Item]) -> dict[str, tuple[list[float], list[float]]]:
    """Mean/std per feature (over notes), style (over items) and target (over finite values), train split only."""
    feats = np.concatenate([it.features for it in train]).astype(np.float64)
    targets = np.concatenate([it.targets for it in train]).astype(np.float64)
    styles = np.stack([it.style for it in train]).astype(np.float64)

    def finite_stats(x: np.ndarray) -> tuple[list[float], list[float]]:
        ok = np.isfinite(x)
        n = ok.sum(0)
        mean = np.where(n > 0, np.where(ok, x, 0).sum(0) / np.maximum(n, 1), 0.0)
        var = np.where(n > 1, np.where(ok, (x - mean) ** 2, 0).sum(0) / np.maximum(n, 1), 1.0)
        std = np.sqrt(var)
        std = np.where(std > 1e-6, std, 1.0)  # a constant column is centred, not blown up
        return mean.tolist(), std.tolist()

    return {"feat": finite_stats(feats), "style": finite_stats(styles), "target": finite_stats(targets)}


def style_defaults(train: list[Item]) -> dict[str, float]:
    """The mean style of the train split: what a user gets when they give no style."""
    styles = np.stack([it.style for it in train]).astype(np.float64)
    means = [float(np.nanmean(styles[:, j])) if np.isfinite(styles[:, j]).any() else 0.0 for j in range(N_STYLE)]
    return dict(zip(STYLE_NAMES, means))


def window_starts(n: int, window: int, overlap: int) -> list[int]:
    """Starts of windows of `window` notes stepping by window - overlap; the last one ends at the last note."""
    if n <= window:
        return [0]
    stride = window - overlap
    starts = list(range(0, n - window, stride))
    starts.append(n - window)
    return starts


@dataclass(frozen=True)
class Window:
    item: int
    start: int
    end: int


def make_windows(items: list[Item], window: int, overlap: int, need_targets: bool = True) -> list[Window]:
    """All windows of all items; with need_targets, windows without one finite target are dropped (they teach nothing)."""
    out: list[Window] = []
    for i, it in enumerate(items):
        n = it.features.shape[0]
        for s in window_starts(n, window, overlap):
            e = min(n, s + window)
            if need_targets and not np.isfinite(it.targets[s:e]).any():
                continue
            out.append(Window(i, s, e))
    return out


@dataclass
class Batch:
    features: np.ndarray  # [B, T, 22] f4, zero padding
    style: np.ndarray  # [B, 5] f4
    mask: np.ndarray  # [B, T] bool, True = real note; every row has one
    targets: np.ndarray  # [B, T, 6] f4, NaN at padding and unknown targets


def collate(items: list[Item], windows: list[Window], style_fill: np.ndarray) -> Batch:
    """Pads windows to the longest one. Non-finite styles take `style_fill` (the train mean)."""
    B = len(windows)
    T = max(w.end - w.start for w in windows)
    feats = np.zeros((B, T, N_FEATURES), np.float32)
    targets = np.full((B, T, N_TARGETS), np.nan, np.float32)
    mask = np.zeros((B, T), bool)
    style = np.zeros((B, N_STYLE), np.float32)
    for b, w in enumerate(windows):
        it = items[w.item]
        L = w.end - w.start
        feats[b, :L] = it.features[w.start : w.end]
        targets[b, :L] = it.targets[w.start : w.end]
        mask[b, :L] = True
        style[b] = np.where(np.isfinite(it.style), it.style, style_fill)
    return Batch(feats, style, mask, targets)


def epoch_order(n_windows: int, seed: int, epoch: int, rank: int, world: int) -> np.ndarray:
    """This rank's window indices for one epoch: a seeded shuffle, dealt round-robin, padded so ranks stay in step.

    A pure function of (seed, epoch): resuming needs only the step number, not a sampler's state.
    """
    perm = np.random.default_rng([seed, epoch]).permutation(n_windows)
    per_rank = -(-n_windows // world)
    return np.resize(perm, per_rank * world)[rank::world]


class WindowStream:
    """The endless sequence of one rank's windows, epoch after epoch; position p is the p-th window it trains on."""

    def __init__(self, n_windows: int, seed: int, rank: int = 0, world: int = 1):
        self.n, self.seed, self.rank, self.world = n_windows, seed, rank, world
        self.per_epoch = -(-n_windows // world)
        self._cache: dict[int, np.ndarray] = {}

    def take(self, pos: int, count: int) -> tuple[list[int], int]:
        """`count` window indices from position `pos`, and the epoch of the first one."""
        out: list[int] = []
        for p in range(pos, pos + count):
            epoch = p // self.per_epoch
            if epoch not in self._cache:
                self._cache = {epoch: epoch_order(self.n, self.seed, epoch, self.rank, self.world)}
            out.append(int(self._cache[epoch][p % self.per_epoch]))
        return out, pos // self.per_epoch
