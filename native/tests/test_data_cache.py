"""Reading the dataset cache: splits, windows, padding, normalisation from train only, sharding, and clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import write_cache
from rubato_native.data import DataError, WindowStream, collate, compute_stats, epoch_order, load_dataset, make_windows, window_starts


def test_splits_and_hash(synth_cache: Path) -> None:
    ds = load_dataset(synth_cache)
    assert len(ds.train) == 6 and len(ds.val) == 2  # the test item is never read
    assert {it.split for it in ds.train} == {"train"} and {it.split for it in ds.val} == {"val"}
    assert len(ds.data_hash) == 64 and load_dataset(synth_cache).data_hash == ds.data_hash


def test_window_starts_cover_every_note_with_the_overlap() -> None:
    assert window_starts(10, 64, 16) == [0]
    assert window_starts(64, 64, 16) == [0]
    assert window_starts(100, 64, 16) == [0, 36]
    assert window_starts(200, 64, 16) == [0, 48, 96, 136]
    for n in (65, 129, 300, 1000):
        starts = window_starts(n, 64, 16)
        covered = np.zeros(n, bool)
        for s in starts:
            covered[s : s + 64] = True
            assert s + 64 <= n
        assert covered.all()


def test_batches_pad_and_never_emit_an_all_padding_row(synth_cache: Path) -> None:
    ds = load_dataset(synth_cache)
    wins = make_windows(ds.train, 64, 16)
    b = collate(ds.train, wins[:5], np.zeros(5, np.float32))
    lengths = [w.end - w.start for w in wins[:5]]
    assert b.features.shape == (5, max(lengths), 22)
    assert b.mask.sum(1).tolist() == lengths
    assert b.mask.any(1).all()
    assert np.isnan(b.targets[~b.mask]).all()  # padding is never a target
    assert (b.features[~b.mask] == 0).all()


def test_windows_without_targets_are_dropped(tmp_path: Path) -> None:
    cache = write_cache(tmp_path / "c", [("train", 50), ("val", 30)])
    ds = load_dataset(cache)
    ds.train[0].targets[:] = np.nan
    assert make_windows(ds.train, 64, 16) == []
    assert len(make_windows(ds.train, 64, 16, need_targets=False)) == 1


def test_stats_use_the_train_split_and_finite_targets_only(synth_cache: Path) -> None:
    ds = load_dataset(synth_cache)
    stats = compute_stats(ds.train)
    t = np.concatenate([it.targets for it in ds.train]).astype(np.float64)
    col = t[:, 1][np.isfinite(t[:, 1])]
    assert stats["target"][0][1] == pytest.approx(col.mean())
    assert stats["target"][1][1] == pytest.approx(col.std())
    f = np.concatenate([it.features for it in ds.train]).astype(np.float64)
    assert stats["feat"][0][0] == pytest.approx(f[:, 0].mean())
    val_f = np.concatenate([it.features for it in ds.val]).astype(np.float64)
    assert stats["feat"][0][0] != pytest.approx(np.concatenate([f, val_f])[:, 0].mean())
    assert all(np.isfinite(v).all() for pair in stats.values() for v in pair)
    assert stats["style"][1][3] == 1.0  # a constant style column is centred, not divided by ~0


def test_sharding_is_disjoint_complete_and_seeded() -> None:
    a, b = epoch_order(11, 3, 0, 0, 2), epoch_order(11, 3, 0, 1, 2)
    assert len(a) == len(b) == 6  # padded so both ranks take the same number of steps
    assert set(a) | set(b) == set(range(11))
    assert (epoch_order(11, 3, 0, 0, 2) == a).all() and not (epoch_order(11, 3, 1, 0, 2) == a).all()
    s = WindowStream(5, seed=1)
    idx, epoch = s.take(3, 4)  # straddles the end of epoch 0
    assert epoch == 0 and idx[:2] == epoch_order(5, 1, 0, 0, 1)[3:].tolist() and idx[2:] == epoch_order(5, 1, 1, 0, 1)[:2].tolist()


def _broken(tmp_path: Path, edit) -> Path:
    cache = write_cache(tmp_path / "c", [("train", 40), ("val", 30)])
    edit(cache, json.loads((cache / "manifest.json").read_text()))
    return cache


def _save_manifest(cache: Path, m: dict) -> None:
    (cache / "manifest.json").write_text(json.dumps(m))


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda c, m: (c / "manifest.json").unlink(), "manifest.json: not found"),
        (lambda c, m: _save_manifest(c, {**m, "extractorVersion": "record-v0"}), "extractorVersion 'record-v0'"),
        (lambda c, m: _save_manifest(c, {**m, "items": [i for i in m["items"] if i["split"] == "train"]}), "no non-empty items in the val split"),
        (lambda c, m: (c / m["items"][0]["arrays"]["targets"]["file"]).unlink(), "targets.npy: missing"),
        (lambda c, m: (c / m["items"][0]["arrays"]["targets"]["file"]).write_bytes(b"\x93NUMPY garbage"), "targets.npy: unreadable .npy"),
        (lambda c, m: (m["items"][0]["arrays"]["style"].update(file="../../etc/passwd"), _save_manifest(c, m)), "must be a relative path inside the cache folder"),
        (lambda c, m: np.save(c / m["items"][0]["arrays"]["score_features"]["file"], np.full((40, 22), np.inf, np.float32)), "non-finite"),
        (lambda c, m: np.save(c / m["items"][0]["arrays"]["group_index"]["file"], np.full(40, 10_000, np.int32)), "group_index outside"),
    ],
)
def test_bad_caches_are_data_errors_naming_the_file(tmp_path: Path, edit, words: str) -> None:
    cache = _broken(tmp_path, edit)
    with pytest.raises(DataError) as e:
        load_dataset(cache)
    assert words in str(e.value)
    assert str(cache) in str(e.value)
