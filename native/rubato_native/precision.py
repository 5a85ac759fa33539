"""Mixed precision choice: autocast dtype and loss scaling per device, with the CPU's bf16 support detected."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch


@dataclass(frozen=True)
class Precision:
    name: str  # what actually runs: "fp32", "bf16" or "fp16"
    dtype: torch.dtype | None  # autocast dtype; None = plain fp32
    use_scaler: bool  # fp16 needs loss scaling, bf16 does not
    note: str  # why, when the request was not honoured as asked


def cpu_has_native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True only where bf16 matmuls run in hardware; elsewhere torch emulates bf16 several times slower than fp32."""
    if sys.platform.startswith("linux"):
        try:
            flags = cpuinfo.read_text(errors="replace")
        except OSError:
            return False
        return "avx512_bf16" in flags or "amx_bf16" in flags
    # Other platforms: no cheap reliable probe, and a wrong yes costs far more than a wrong no.
    return False


def choose_precision(mode: str, device: torch.device, cpu_bf16: bool | None = None) -> Precision:
    """Resolves the spec's [precision].mode for a device."""
    if mode == "fp32":
        return Precision("fp32", None, False, "")
    if device.type == "cuda":
        bf16_ok = torch.cuda.is_bf16_supported()
        if mode in ("auto", "bf16") and bf16_ok:
            return Precision("bf16", torch.bfloat16, False, "")
        note = "this GPU has no bf16; using fp16 with loss scaling" if mode == "bf16" else ""
        return Precision("fp16", torch.float16, True, note)
    has_bf16 = cpu_has_native_bf16() if cpu_bf16 is None else cpu_bf16
    if mode in ("auto", "bf16") and has_bf16:
        return Precision("bf16", torch.bfloat16, False, "")
    if mode == "bf16":
        return Precision("fp32", None, False, "this CPU has no native bf16 (avx512_bf16/amx); emulated bf16 is slower than fp32, using fp32")
    if mode == "fp16":
        return Precision("fp32", None, False, "fp16 autocast is for CUDA; using fp32 on the CPU")
    return Precision("fp32", None, False, "")


def autocast(p: Precision, device: torch.device) -> Any:
    """The autocast context for a forward pass (a no-op for fp32)."""
    if p.dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=p.dtype)


def make_scaler(p: Precision) -> Any:
    """A GradScaler for fp16, or None. torch.amp.GradScaler is 2.3+; 1.13 has only torch.cuda.amp.GradScaler."""
    if not p.use_scaler:
        return None
    amp_scaler = getattr(getattr(torch, "amp", None), "GradScaler", None)
    if amp_scaler is not None:
        return amp_scaler("cuda")
    return torch.cuda.amp.GradScaler()
