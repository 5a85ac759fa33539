"""The worker's outputs for the server: metrics.jsonl and status.json in the run folder, JSON-line events on stdout.

Schema of all three: server/protocol/trainerMetrics.schema.json. Human-readable messages go to stderr only.
"""

from __future__ import annotations

import json
import traceback
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

from .fsio import write_text_atomic

METRICS_FILE = "metrics.jsonl"
STATUS_FILE = "status.json"


def _clean(v: Any) -> Any:
    """JSON has no NaN/Infinity: non-finite floats become null."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


def emit(event: str, **fields: Any) -> None:
    """One JSON line on stdout, flushed: the server reads these as they come."""
    sys.stdout.write(json.dumps(_clean({"event": event, **fields}), allow_nan=False) + "\n")
    sys.stdout.flush()


def say(message: str) -> None:
    """A human message on stderr."""
    sys.stderr.write(f"rubato-train: {message}\n")
    sys.stderr.flush()


class RunWriter:
    """Appends metric lines and replaces status.json; only rank 0 makes one."""

    def __init__(self, run_dir: Path, total_steps: int):
        self.run_dir = run_dir
        self.status: dict[str, Any] = {
            "state": "starting",
            "pid": os.getpid(),
            "step": 0,
            "total_steps": total_steps,
            "best_checkpoint": None,
            "best_expression_score": None,
            "error": None,
            "stop_reason": None,
            "updated_at": time.time(),
        }
        run_dir.mkdir(parents=True, exist_ok=True)
        self._metrics = open(run_dir / METRICS_FILE, "a", encoding="utf-8")

    def truncate_after(self, step: int) -> None:
        """On resume: keeps only whole lines up to `step`, so the file reads as one uninterrupted curve."""
        self._metrics.close()
        path = self.run_dir / METRICS_FILE
        kept: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a line cut short by a kill
            if isinstance(rec, dict) and isinstance(rec.get("step"), int) and rec["step"] <= step:
                kept.append(line)
        write_text_atomic(path, "".join(k + "\n" for k in kept))
        self._metrics = open(path, "a", encoding="utf-8")

    def metrics(self, record: dict[str, Any]) -> None:
        line = json.dumps(_clean(record), allow_nan=False)
        self._metrics.write(line + "\n")
        self._metrics.flush()
        emit("metrics", **record)

    def sync(self) -> None:
        """Makes metric lines durable; called with every checkpoint."""
        self._metrics.flush()
        os.fsync(self._metrics.fileno())

    def set_status(self, **changes: Any) -> None:
        self.status.update(changes)
        self.status["updated_at"] = time.time()
        write_text_atomic(self.run_dir / STATUS_FILE, json.dumps(_clean(self.status), indent=2) + "\n")
        emit("status", **self.status)

    def close(self) -> None:
        self._metrics.close()


def report_failure(e: BaseException) -> int:
    """Says why a command failed (stderr, and a `failed` event for the server) and returns its exit code:
    2 for a bad run spec, 3 for bad data, 1 for anything else (with the traceback)."""
    from .config import SpecError
    from .data import DataError

    if isinstance(e, SpecError):
        say(str(e))
        emit("failed", kind="spec", error=str(e), file=e.file, key=e.key)
        return 2
    if isinstance(e, DataError):
        say(str(e))
        emit("failed", kind="data", error=str(e))
        return 3
    traceback.print_exc(file=sys.stderr)
    emit("failed", kind="internal", error=f"{type(e).__name__}: {e}")
    return 1
