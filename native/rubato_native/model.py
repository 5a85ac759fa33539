"""PerformanceNet: score-note features + five style descriptors -> expression targets with uncertainty.

Shapes (B batch, T notes in a window, F = 22 score features, S = 5 styles, K = 6 targets):
  features [B, T, F] float32, raw values as written by `rubato dataset build` (NaN-free)
  style    [B, S]    float32, raw style descriptors (rubato, dynamics, articulation, pedal, tempo)
  mask     [B, T]    bool, True for real notes (padding False; never an all-False row)
  -> mean [B, T, K], logvar [B, T, K] in natural target units
     (velocity, local_tempo, async_sec, articulation, pedal_onset, pedal_offset)

Normalisation statistics live in buffers, so the exported ONNX model takes raw features and returns
natural units: the server needs no statistics of its own. Runs on torch 1.13 and 2.x.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn
import torch.utils.checkpoint  # not imported by `import torch` on 1.13

N_FEATURES = 22
N_STYLE = 5
N_TARGETS = 6


@dataclass
class ModelConfig:
    d_model: int = 128
    n_layers: int = 2
    n_heads: int = 4
    ff_mult: int = 4
    dropout: float = 0.1
    n_features: int = N_FEATURES
    n_style: int = N_STYLE
    n_targets: int = N_TARGETS

    def to_dict(self) -> dict:
        return asdict(self)


def sinusoidal_positions(length: int, dim: int, device: torch.device) -> torch.Tensor:
    """[length, dim] sinusoidal position codes (position within the window)."""
    pos = torch.arange(length, device=device, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2, device=device, dtype=torch.float32) * (-math.log(10000.0) / dim))
    pe = torch.zeros(length, dim, device=device)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


class PerformanceNet(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.in_proj = nn.Linear(cfg.n_features, d)
        self.style_proj = nn.Linear(cfg.n_style, d)
        layer = nn.TransformerEncoderLayer(
            d, cfg.n_heads, d * cfg.ff_mult, cfg.dropout, batch_first=True, norm_first=True
        )
        # enable_nested_tensor=False: the ONNX export on torch 1.13 needs it (TORCH_NOTES.md).
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, 2 * cfg.n_targets)
        # Training-only memory saver, set by the trainer; not part of the config or the exported graph.
        self.grad_checkpointing = False
        for name, n in (("feat", cfg.n_features), ("style", cfg.n_style), ("target", cfg.n_targets)):
            self.register_buffer(f"{name}_mean", torch.zeros(n))
            self.register_buffer(f"{name}_std", torch.ones(n))

    def set_stats(self, stats: dict) -> None:
        """stats: {'feat': (mean, std), 'style': (...), 'target': (...)} as float sequences."""
        for name, (mean, std) in stats.items():
            getattr(self, f"{name}_mean").copy_(torch.as_tensor(mean, dtype=torch.float32))
            getattr(self, f"{name}_std").copy_(torch.as_tensor(std, dtype=torch.float32).clamp_min(1e-6))

    def forward(self, features: torch.Tensor, style: torch.Tensor, mask: torch.Tensor):
        x = (features - self.feat_mean) / self.feat_std  # [B, T, F]
        s = (style - self.style_mean) / self.style_std  # [B, S]
        T = features.shape[1]
        h = self.in_proj(x) + sinusoidal_positions(T, self.cfg.d_model, features.device) + self.style_proj(s).unsqueeze(1)
        if self.grad_checkpointing and self.training and torch.is_grad_enabled():
            # Recompute each layer's activations in backward instead of storing them. Non-reentrant: works
            # with DDP and inputs that need no grad; the RNG state is replayed, so dropout matches.
            pad = ~mask
            for layer in self.encoder.layers:
                h = torch.utils.checkpoint.checkpoint(layer, h, None, pad, use_reentrant=False)
        else:
            h = self.encoder(h, src_key_padding_mask=~mask)  # [B, T, d]
        out = self.head(self.norm(h))  # [B, T, 2K]
        mu, lv = out.chunk(2, dim=-1)
        mean = mu * self.target_std + self.target_mean
        logvar = lv + 2.0 * torch.log(self.target_std)
        return mean, logvar


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
