"""NormalizerNet: per-bar features of a rough MIDI -> per-bar edit-class logits.

Shapes (B batch, T bars, F features, C classes = 1 + 2 x amounts):
  features [B, T, F] float32, raw values as server/normalize/features.ts writes them
  mask     [B, T]    bool, True for real bars (padding False)
  -> logits [B, T, C]

A stack of residual dilated 1-D convolutions over bars (dilations 1, 2, 4, 8, ... cycling): each bar sees
its neighbours, which is what an anchored edit needs (a drift is a change between bars). Activations of
padded bars are zeroed after every layer, so a padded batch computes exactly what one unpadded sequence
computes (a convolution pads its edges with zeros too): training and the exported model agree.
Normalisation statistics live in buffers, so the ONNX model takes raw features. Runs on torch 1.13 and 2.x.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass
class NormalizerConfig:
    n_features: int
    n_classes: int
    channels: int = 64
    layers: int = 6
    kernel: int = 3
    dropout: float = 0.1

    def to_dict(self) -> dict:
        return asdict(self)


class Block(nn.Module):
    def __init__(self, channels: int, kernel: int, dilation: int, dropout: float):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, kernel, padding=dilation * (kernel // 2), dilation=dilation)
        self.act = nn.GELU()
        self.drop = nn.Dropout(dropout)
        self.proj = nn.Conv1d(channels, channels, 1)

    def forward(self, h: torch.Tensor, m: torch.Tensor) -> torch.Tensor:  # h [B, C, T], m [B, 1, T]
        y = self.proj(self.drop(self.act(self.conv(h))))
        return (h + y) * m


class NormalizerNet(nn.Module):
    def __init__(self, cfg: NormalizerConfig):
        super().__init__()
        self.cfg = cfg
        c = cfg.channels
        self.inp = nn.Linear(cfg.n_features, c)
        self.blocks = nn.ModuleList(Block(c, cfg.kernel, 2 ** (i % 4), cfg.dropout) for i in range(cfg.layers))
        self.out_norm = nn.LayerNorm(c)
        self.head = nn.Linear(c, cfg.n_classes)
        self.register_buffer("feat_mean", torch.zeros(cfg.n_features))
        self.register_buffer("feat_std", torch.ones(cfg.n_features))

    def set_stats(self, mean, std) -> None:
        self.feat_mean.copy_(torch.as_tensor(mean, dtype=torch.float32))
        self.feat_std.copy_(torch.as_tensor(std, dtype=torch.float32).clamp_min(1e-4))

    def forward(self, features: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask.to(features.dtype).unsqueeze(-1)  # [B, T, 1]
        x = (features - self.feat_mean) / self.feat_std
        h = self.inp(x) * m  # [B, T, C]
        h = h.transpose(1, 2)  # [B, C, T]
        mt = m.transpose(1, 2)  # [B, 1, T]
        for block in self.blocks:
            h = block(h, mt)
        return self.head(self.out_norm(h.transpose(1, 2)))  # [B, T, classes]


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
