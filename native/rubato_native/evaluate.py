"""Validation: whole-piece predictions, val loss, velocity/rubato r and the expression score, and collapse checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from . import metrics
from .data import Item, Window, collate, window_starts
from .loss import gaussian_nll_sum
from .model import PerformanceNet

R_WINDOWS = (1, 8, 32)
# A prediction whose spread over the val set is below this fraction of the human spread has collapsed to a
# constant: its loss can still fall (the variance head learns), which is why this check exists.
COLLAPSE_RELATIVE_STD = 1e-2


def predict_piece(model: PerformanceNet, item: Item, window: int, overlap: int, style_fill: np.ndarray, device: torch.device, batch: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """(mean [N, 6], logvar [N, 6]) for a whole piece; overlapping windows are stitched by keeping, for each
    note, the window where it sits farthest from an edge (where the model saw the most context)."""
    n = item.features.shape[0]
    starts = window_starts(n, window, overlap)
    mean = np.zeros((n, 6), np.float32)
    logvar = np.zeros((n, 6), np.float32)
    best = np.full(n, -1, np.int64)
    wins = [Window(0, s, min(n, s + window)) for s in starts]
    for b0 in range(0, len(wins), batch):
        chunk = wins[b0 : b0 + batch]
        bt = collate([item], chunk, style_fill)
        with torch.no_grad():
            mu, lv = model(torch.from_numpy(bt.features).to(device), torch.from_numpy(bt.style).to(device), torch.from_numpy(bt.mask).to(device))
        mu_np, lv_np = mu.float().cpu().numpy(), lv.float().cpu().numpy()
        for k, w in enumerate(chunk):
            idx = np.arange(w.start, w.end)
            centrality = np.minimum(idx - w.start, w.end - 1 - idx)
            take = centrality > best[idx]
            best[idx[take]] = centrality[take]
            mean[idx[take]] = mu_np[k, : w.end - w.start][take]
            logvar[idx[take]] = lv_np[k, : w.end - w.start][take]
    return mean, logvar


def group_means(values: np.ndarray, group_index: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of per-note values per onset group (NaN for a group without notes)."""
    total = np.bincount(group_index, weights=values.astype(np.float64), minlength=n_groups)
    count = np.bincount(group_index, minlength=n_groups)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def evaluate(model: PerformanceNet, items: list[Item], window: int, overlap: int, style_fill: np.ndarray, device: torch.device, score_window: int) -> dict[str, Any]:
    """Val loss, r per window, expression score and sanity on whole val pieces (model left in eval mode)."""
    model.eval()
    per_perf: list[dict[str, Any]] = []
    nll_sum, nll_count = 0.0, 0
    pred_vel_all: list[np.ndarray] = []
    human_vel_all: list[np.ndarray] = []
    pred_tempo_all: list[np.ndarray] = []
    human_tempo_all: list[np.ndarray] = []
    finite = True
    windows = tuple(sorted(set(R_WINDOWS) | {score_window}))
    for item in items:
        mean, logvar = predict_piece(model, item, window, overlap, style_fill, device)
        if not (np.isfinite(mean).all() and np.isfinite(logvar).all()):
            finite = False
            continue
        s, c = gaussian_nll_sum(torch.from_numpy(mean), torch.from_numpy(logvar), torch.from_numpy(item.targets), model.target_mean.cpu(), model.target_std.cpu())
        nll_sum += float(s)
        nll_count += int(c)
        # Velocity: one value per played note; rubato: per group, the mean predicted tempo of its notes
        # against the group's measured tempo, where that is defined (as server/corpus/evaluate.ts pairs them).
        vel_ok = np.isfinite(item.targets[:, 0])
        pred_tempo = group_means(mean[:, 1], item.group_index, item.group_tempo.shape[0])
        tempo_ok = np.isfinite(item.group_tempo) & np.isfinite(pred_tempo)
        pv, hv = mean[vel_ok, 0].astype(np.float64), item.targets[vel_ok, 0].astype(np.float64)
        pt, ht = pred_tempo[tempo_ok], item.group_tempo[tempo_ok]
        per_perf.append(metrics.performance_metrics({"velocity": pv.tolist(), "tempo": pt.tolist()}, {"velocity": hv.tolist(), "tempo": ht.tolist()}, windows))
        pred_vel_all.append(pv)
        human_vel_all.append(hv)
        pred_tempo_all.append(pt)
        human_tempo_all.append(ht)
    agg = metrics.aggregate_metrics(per_perf, windows)
    score = metrics.expression_score(agg, score_window)
    failures: list[str] = []
    if not finite:
        failures.append("non-finite predictions on the val split")
    for name, pred, human in (("velocity", pred_vel_all, human_vel_all), ("local tempo", pred_tempo_all, human_tempo_all)):
        if not pred:
            continue
        p, h = np.concatenate(pred), np.concatenate(human)
        if p.size > 1 and h.size > 1 and float(np.std(p)) <= COLLAPSE_RELATIVE_STD * float(np.std(h)):
            failures.append(f"collapsed {name}: predicted std {float(np.std(p)):.3g} vs human {float(np.std(h)):.3g}")
    return {
        "val_loss": nll_sum / nll_count if nll_count else None,
        "velocity_r": {str(w): agg["velocity_r"][str(w)] for w in R_WINDOWS},
        "rubato_r": {str(w): agg["rubato_r"][str(w)] for w in R_WINDOWS},
        "expression_score": score,
        "sanity": {"passed": not failures, "failures": failures},
    }
