"""The batch tuner: times micro-batch sizes x gradient checkpointing and picks the fastest setting under a memory cap.

`python3 -m rubato_native tune --spec FILE [--batches 4,8,16,32] [--steps N] [--cap-fraction 0.9] [--write]`

The fastest setting wins, not the largest that fits: past the device's dedicated memory bigger batches run slower.
The effective batch (micro x accum windows per optimizer step) is kept as close as possible to the spec's.

How memory is measured (one process, data loaded once, settings run one after another, smallest batch first):
- CUDA: `torch.cuda.max_memory_allocated` after `reset_peak_memory_stats`; the cap is a fraction of the free
  memory `torch.cuda.mem_get_info` reports once the data is loaded (the CUDA context is already excluded).
- CPU (Linux): the growth of the resident set over the setting's steps: VmHWM (peak RSS) is reset to the current
  RSS by writing 5 to /proc/self/clear_refs after freeing the previous setting (gc + malloc_trim, so glibc's
  retained pages do not hide the next setting's growth); the cap is a fraction of /proc/meminfo's MemAvailable.
  Where the peak cannot be reset (other systems) memory is reported as unknown and the cap is not applied.
Exit codes: 0 a setting chosen, 2 bad spec or options, 3 bad data, 5 no setting fits under the cap, 1 anything else.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import math
import os
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import ddp
from .config import RunSpec, SpecError, load_spec, parse_spec
from .data import DataError, WindowStream, collate, compute_stats, load_dataset, make_windows
from .events import emit, report_failure
from .fsio import fsync_dir
from .precision import Precision, choose_precision, make_scaler
from .train import build_model, make_optimizer, optimizer_step, pick_device

EXIT_OK, EXIT_NONE_FITS = 0, 5  # 1, 2 and 3 come from events.report_failure
OK, OVER_CAP, OOM, SKIPPED = "ok", "over cap", "OOM", "skipped"


@dataclass
class Setting:
    """One row of the table."""

    micro_batch: int
    grad_checkpointing: bool
    grad_accum: int
    notes_per_sec: float | None = None
    sec_per_step: float | None = None
    peak_mem_bytes: int | None = None
    status: str = SKIPPED
    error: str | None = None
    chosen: bool = False


def say(message: str) -> None:
    sys.stderr.write(f"rubato-tune: {message}\n")
    sys.stderr.flush()


def accum_for(micro: int, effective: int) -> int:
    """The accumulation that brings micro x accum closest to the spec's effective batch (at least 1)."""
    low = max(1, effective // micro)
    return min((low, low + 1), key=lambda a: (abs(a * micro - effective), a))


# ---- memory probes


def _proc_kib(path: str, key: str) -> int | None:
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _free_host_memory() -> None:
    gc.collect()
    # glibc keeps freed heap pages resident; without a trim the next setting reuses them and its growth is hidden.
    name = ctypes.util.find_library("c")
    if name and sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(name).malloc_trim(0)
        except (OSError, AttributeError):
            pass


def _reset_cpu_peak() -> int | None:
    """Resets VmHWM to the current RSS; returns that RSS in bytes, or None where the peak cannot be reset."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return None
    rss = _proc_kib("/proc/self/status", "VmRSS")
    return rss * 1024 if rss is not None else None


def _cpu_peak_growth(baseline: int | None) -> int | None:
    hwm = _proc_kib("/proc/self/status", "VmHWM")
    if baseline is None or hwm is None:
        return None
    return max(0, hwm * 1024 - baseline)


def free_memory_bytes(device: torch.device) -> int | None:
    """Memory the steps may still take: free device memory on CUDA, MemAvailable on the host; None if unknown."""
    if device.type == "cuda":
        if hasattr(torch.cuda, "mem_get_info"):  # torch >= 1.10
            return int(torch.cuda.mem_get_info(device)[0])
        props = torch.cuda.get_device_properties(device)
        return int(props.total_memory - torch.cuda.memory_reserved(device))
    kib = _proc_kib("/proc/meminfo", "MemAvailable")
    return kib * 1024 if kib is not None else None


def is_oom(e: BaseException) -> bool:
    if isinstance(e, MemoryError):
        return True
    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)  # torch >= 2.0; 1.13 raises a RuntimeError
    if oom_type is not None and isinstance(e, oom_type):
        return True
    text = str(e)
    return isinstance(e, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)


# ---- one setting


@dataclass
class Prepared:
    """What every setting shares: the data, windows, device and precision."""

    spec: RunSpec
    data: Any
    stats: dict
    style_fill: np.ndarray
    windows: list
    device: torch.device
    prec: Precision


def prepare(spec: RunSpec) -> Prepared:
    device = pick_device(spec, ddp.Dist(0, 1, 0))
    torch.set_num_threads(spec.device.cpu_threads)
    data = load_dataset(spec.data.cache)
    stats = compute_stats(data.train)
    windows = make_windows(data.train, spec.data.window, spec.data.overlap)
    if not windows:
        raise DataError(f"{spec.data.cache}: the train split has no note with a finite target")
    prec = choose_precision(spec.precision.mode, device)
    if prec.note:
        say(prec.note)
    return Prepared(spec, data, stats, np.asarray(stats["style"][0], np.float32), windows, device, prec)


def measure(p: Prepared, s: Setting, steps: int, warmup: int) -> None:
    """Runs `warmup` then `steps` optimizer steps of setting `s` on real windows; fills in its speed, memory and status."""
    spec, device = p.spec, p.device
    _free_host_memory()
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
        baseline = None
    else:
        baseline = _reset_cpu_peak()
    net = optimizer = None
    try:
        torch.manual_seed(spec.run.seed)
        _, net = build_model(spec, p.stats, device)
        net.grad_checkpointing = s.grad_checkpointing
        net.train()
        optimizer = make_optimizer(net, spec)
        scaler = make_scaler(p.prec)
        stream = WindowStream(len(p.windows), spec.run.seed)
        notes, started = 0, 0.0
        for step in range(warmup + steps):
            if step == warmup:  # warm-up steps pay for allocator growth and kernel selection; not timed
                if device.type == "cuda":
                    torch.cuda.synchronize(device)
                notes, started = 0, time.perf_counter()
            pos = step * s.grad_accum * s.micro_batch
            batches = [collate(p.data.train, [p.windows[i] for i in stream.take(pos + a * s.micro_batch, s.micro_batch)[0]], p.style_fill) for a in range(s.grad_accum)]
            denom = float(sum(int(np.isfinite(b.targets).sum()) for b in batches))
            optimizer_step(net, net, optimizer, batches, max(1.0, denom), p.prec, device, scaler)
            notes += sum(int(b.mask.sum()) for b in batches)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        elapsed = max(1e-9, time.perf_counter() - started)
        s.notes_per_sec, s.sec_per_step = notes / elapsed, elapsed / steps
        s.peak_mem_bytes = int(torch.cuda.max_memory_allocated(device)) if device.type == "cuda" else _cpu_peak_growth(baseline)
        s.status = OK
    except Exception as e:
        if not is_oom(e):
            raise
        s.status, s.error = OOM, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    finally:
        del net, optimizer
        _free_host_memory()
        if device.type == "cuda":
            torch.cuda.empty_cache()


def sweep(p: Prepared, batches: list[int], steps: int, warmup: int, cap_bytes: int | None) -> list[Setting]:
    """Every micro-batch x checkpointing, smallest batch first; once one is over the cap (or OOM) the larger ones of
    the same checkpointing mode are skipped: memory grows with the batch, and a real overrun can take the machine down."""
    effective = p.spec.batch.micro_batch * p.spec.batch.grad_accum
    # One unrecorded step first: lazy library set-up and thread pools would otherwise count against the first setting.
    measure(p, Setting(min(batches), False, 1), 1, 1)
    rows: list[Setting] = []
    for ckpt in (False, True):
        blocked = False
        for micro in sorted(set(batches)):
            s = Setting(micro, ckpt, accum_for(micro, effective))
            rows.append(s)
            if blocked:
                continue
            measure(p, s, steps, warmup)
            if s.status == OK and cap_bytes is not None and s.peak_mem_bytes is not None and s.peak_mem_bytes > cap_bytes:
                s.status = OVER_CAP
            blocked = s.status in (OVER_CAP, OOM)
            say(f"micro {micro} checkpointing {'on' if ckpt else 'off'}: {s.status}")
    return rows


def choose(rows: list[Setting]) -> Setting | None:
    """The fastest setting under the cap; on a tie the one that needs less memory."""
    ok = [r for r in rows if r.status == OK and r.notes_per_sec is not None]
    if not ok:
        return None
    best = max(ok, key=lambda r: (r.notes_per_sec, -(r.peak_mem_bytes or 0)))
    best.chosen = True
    return best


def format_table(rows: list[Setting], cap_bytes: int | None) -> str:
    def mib(b: int | None) -> str:
        return "?" if b is None else f"{b / 2**20:.1f} MiB"

    lines = [f"  {'micro':>5}  {'ckpt':>4}  {'accum':>5}  {'notes/s':>10}  {'peak mem':>12}  status"]
    for r in rows:
        speed = "-" if r.notes_per_sec is None else f"{r.notes_per_sec:,.0f}"
        mem = "-" if r.status in (OOM, SKIPPED) else mib(r.peak_mem_bytes)
        lines.append(f"{'*' if r.chosen else ' '} {r.micro_batch:>5}  {'on' if r.grad_checkpointing else 'off':>4}  {r.grad_accum:>5}  {speed:>10}  {mem:>12}  {r.status}")
    lines.append(f"cap: {mib(cap_bytes) if cap_bytes is not None else 'none (memory not measurable here)'}; * = chosen")
    return "\n".join(lines)


# ---- writing the choice back into the spec


_HEADER = re.compile(r"^[ \t]*\[[ \t]*([A-Za-z0-9_.\-\"' ]+?)[ \t]*\][ \t]*(#.*)?$")


def _toml_value(v: int | bool) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def rewrite_batch(text: str, values: dict[str, int | bool]) -> str:
    """`text` with the [batch] keys set to `values`: only those value tokens change, comments and layout stay.

    Keys missing from [batch] are added after its last line of content; a missing [batch] table is appended.
    """
    lines = text.splitlines(keepends=True)
    eol = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    start = next((i for i, ln in enumerate(lines) if (m := _HEADER.match(ln.rstrip("\r\n"))) and m.group(1) == "batch"), None)
    if start is None:
        body = "".join(f"{k} = {_toml_value(v)}{eol}" for k, v in values.items())
        sep = "" if not text or text.endswith("\n") else eol
        return f"{text}{sep}{eol}[batch]{eol}{body}"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    missing = dict(values)
    last_content = start
    for i in range(start + 1, end):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            last_content = i
        m = re.match(r"^([ \t]*([A-Za-z0-9_\-]+)[ \t]*=[ \t]*)([^\s#]+)(.*)$", lines[i], re.S)
        if m and m.group(2) in missing:
            lines[i] = m.group(1) + _toml_value(missing.pop(m.group(2))) + m.group(4)
    if missing:
        if not lines[last_content].endswith("\n"):
            lines[last_content] += eol
        lines[last_content + 1 : last_content + 1] = [f"{k} = {_toml_value(v)}{eol}" for k, v in missing.items()]
    return "".join(lines)


def write_choice(spec: RunSpec, best: Setting) -> None:
    """Rewrites the spec's [batch] in place (temp file + rename), after checking that nothing else changed."""
    file = spec.file
    raw = file.read_bytes()
    text = raw.decode("utf-8")
    values: dict[str, int | bool] = {"micro_batch": best.micro_batch, "grad_accum": best.grad_accum, "grad_checkpointing": best.grad_checkpointing}
    new_text = rewrite_batch(text, values)
    # The edit is textual; re-reading it proves it set exactly the batch keys (dotted keys or inline tables would not).
    before, after = spec.to_dict(), parse_spec(new_text, file).to_dict()
    if after["batch"] != values or {k: v for k, v in after.items() if k != "batch"} != {k: v for k, v in before.items() if k != "batch"}:
        raise SpecError(file, "[batch]", "could not be rewritten safely (dotted keys or an inline table?); set the values by hand")
    if new_text == text:
        return
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(new_text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        shutil.copymode(file, tmp)
        os.replace(tmp, file)
    finally:
        if tmp.exists():
            tmp.unlink()
    fsync_dir(file.parent)


# ---- command line


def _batches(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a comma-separated list of positive integers, got {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"must be a comma-separated list of positive integers, got {text!r}")
    return values


def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        v = 0
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return v


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not 0.0 < v <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a number in (0, 1], got {text!r}")
    return v


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m rubato_native tune", description="Find the fastest micro-batch x gradient checkpointing setting under a memory cap.")
    parser.add_argument("--spec", required=True, help="the run spec (TOML)")
    parser.add_argument("--batches", type=_batches, default=[4, 8, 16, 32], help="micro-batch sizes to try (default 4,8,16,32)")
    parser.add_argument("--steps", type=_positive, default=5, help="timed optimizer steps per setting (default 5)")
    parser.add_argument("--warmup", type=_positive, default=2, help="untimed warm-up steps per setting (default 2)")
    parser.add_argument("--cap-fraction", type=_fraction, default=0.9, help="memory cap as a fraction of free memory (default 0.9)")
    parser.add_argument("--write", action="store_true", help="write the chosen setting into the spec's [batch] table")
    args = parser.parse_args(argv)
    try:
        spec = load_spec(args.spec)
        p = prepare(spec)
        free = free_memory_bytes(p.device)
        cpu_peak_known = p.device.type == "cuda" or _reset_cpu_peak() is not None
        cap = int(free * args.cap_fraction) if free is not None and cpu_peak_known else None
        say(f"{len(p.windows)} windows of up to {spec.data.window} notes on {p.device} {p.prec.name}; effective batch {spec.batch.micro_batch * spec.batch.grad_accum} windows; "
            f"{args.warmup} warm-up + {args.steps} timed steps per setting")
        rows = sweep(p, args.batches, args.steps, args.warmup, cap)
        best = choose(rows)
        sys.stderr.write(format_table(rows, cap) + "\n")
        written = False
        if best is not None and args.write:
            write_choice(spec, best)
            written = True
            say(f"wrote micro_batch = {best.micro_batch}, grad_accum = {best.grad_accum}, grad_checkpointing = {str(best.grad_checkpointing).lower()} into {spec.file}")
        emit(
            "tuned", spec=str(spec.file), device=str(p.device), precision=p.prec.name,
            memory_measure="cuda max_memory_allocated" if p.device.type == "cuda" else "peak RSS growth (VmHWM)",
            free_mem_bytes=free, cap_bytes=cap, cap_fraction=args.cap_fraction, steps=args.steps, warmup=args.warmup,
            effective_batch=spec.batch.micro_batch * spec.batch.grad_accum, settings=[asdict(r) for r in rows],
            choice=asdict(best) if best is not None else None, written=written,
        )
    except Exception as e:  # the server needs an exit code and a message, never a hang
        return report_failure(e)
    if best is None:
        say(f"no setting fits under the cap of {cap} bytes ({args.cap_fraction:g} of free memory); try smaller --batches, "
            "grad checkpointing, a smaller [data].window or model" + ("; the spec was not changed" if args.write else ""))
        return EXIT_NONE_FITS
    say(f"fastest under the cap: micro_batch {best.micro_batch}, grad_accum {best.grad_accum}, grad_checkpointing {'on' if best.grad_checkpointing else 'off'}"
        + ("" if args.write else " (pass --write to put it into the spec)"))
    return EXIT_OK
