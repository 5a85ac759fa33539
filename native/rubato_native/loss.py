"""Heteroscedastic Gaussian NLL over finite targets, summed so that gradient accumulation stays exact."""

from __future__ import annotations

import math

import torch

# exp(-logvar) in the loss: clamping keeps one wild prediction from overflowing (fp16 especially).
LOGVAR_MIN, LOGVAR_MAX = -12.0, 12.0
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def gaussian_nll_sum(mean: torch.Tensor, logvar: torch.Tensor, targets: torch.Tensor, target_mean: torch.Tensor, target_std: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(sum of NLL over finite targets, number of finite targets).

    Computed in normalised units (targets standardised with the train stats), so the value does not
    depend on the targets' scales and velocity does not drown asynchrony. Padding and unknown targets
    are NaN in `targets` and count for nothing. Always fp32, whatever autocast produced.
    """
    ok = torch.isfinite(targets)
    y = (torch.nan_to_num(targets, nan=0.0) - target_mean) / target_std
    mu = (mean.float() - target_mean) / target_std
    lv = (logvar.float() - 2.0 * torch.log(target_std)).clamp(LOGVAR_MIN, LOGVAR_MAX)
    nll = 0.5 * (lv + (y - mu) ** 2 * torch.exp(-lv)) + HALF_LOG_2PI
    return torch.where(ok, nll, torch.zeros_like(nll)).sum(), ok.sum()
