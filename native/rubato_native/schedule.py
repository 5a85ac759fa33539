"""Learning-rate schedule: linear warm-up, then cosine decay to zero at max_steps (or constant)."""

from __future__ import annotations

import math


def lr_factor(step: int, warmup_steps: int, max_steps: int, cosine: bool) -> float:
    """Multiplier of the base lr for optimizer step `step` (0-based: the factor used by the step that makes step+1)."""
    if warmup_steps > 0 and step < warmup_steps:
        return (step + 1) / warmup_steps
    if not cosine:
        return 1.0
    span = max(1, max_steps - warmup_steps)
    progress = min(1.0, (step - warmup_steps) / span)
    return 0.5 * (1.0 + math.cos(math.pi * progress))
