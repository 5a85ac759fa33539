"""PyTorch eager CPU inference of a checkpoint on one piece, timed: the baseline `npm run bench`
sets the ONNX path against. Usage: python -m rubato_native.bench_infer CKPT FEATURES.npy STYLE.json [--runs N]

Prints one JSON line: {"import_load_sec", "first_sec", "warm_sec" (median), "notes"}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

T0 = time.perf_counter()

import numpy as np  # noqa: E402
import torch  # noqa: E402

from .checkpoint import load_model  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="rubato_native.bench_infer")
    ap.add_argument("checkpoint")
    ap.add_argument("features", help=".npy float32 [notes, 22]")
    ap.add_argument("style", help="JSON list of the 5 style values")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    model, _ = load_model(args.checkpoint)
    feats = torch.from_numpy(np.load(args.features)).float().unsqueeze(0)
    style = torch.tensor([json.loads(open(args.style, encoding="utf-8").read())], dtype=torch.float32)
    mask = torch.ones(feats.shape[:2], dtype=torch.bool)
    loaded = time.perf_counter()

    def once() -> float:
        t = time.perf_counter()
        with torch.no_grad():
            model(feats, style, mask)
        return time.perf_counter() - t

    first = once()
    warm = statistics.median(once() for _ in range(args.runs))
    print(json.dumps({"import_load_sec": loaded - T0, "first_sec": first, "warm_sec": warm, "notes": int(feats.shape[1])}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
