"""`python3 -m rubato_native.normalizer train --spec FILE` and
`python3 -m rubato_native.normalizer export CHECKPOINT_OR_RUN -o model.onnx [--goldens DIR] [--force]`.

Exit codes: 0 done, 2 bad spec, 3 bad data, 1 anything else. JSON lines on stdout, human text on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m rubato_native.normalizer", description="Train or export the MIDI normalizer.")
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train from a run spec")
    t.add_argument("--spec", required=True)
    e = sub.add_parser("export", help="export a checkpoint (or a run folder's best) to ONNX")
    e.add_argument("checkpoint")
    e.add_argument("-o", "--out", required=True)
    e.add_argument("--goldens")
    e.add_argument("--force", action="store_true")
    args = ap.parse_args(argv)

    from ..events import emit, say
    from .config import SpecError, load_spec
    from .data import DataError

    if args.command == "train":
        try:
            spec = load_spec(args.spec)
        except SpecError as err:
            say(str(err))
            emit("failed", kind="spec", error=str(err), file=err.file, key=err.key)
            return 2
        from .train import train

        try:
            result = train(spec)
        except DataError as err:
            say(str(err))
            emit("failed", kind="data", error=str(err))
            return 3
        print(json.dumps(result), flush=True)
        return 0

    import torch

    from ..onnx_export import ExportError, export_checkpoint
    from .export import export_onnx, load_checkpoint, write_goldens

    torch.set_num_threads(2)
    try:
        out = export_checkpoint(args.checkpoint, args.out, args.goldens, args.force, load=load_checkpoint, export=export_onnx, write_goldens=write_goldens)
    except ExportError as err:
        say(f"export: {err}")
        return 2
    print(json.dumps({"onnx": str(out), "bytes": out.stat().st_size, "goldens": args.goldens}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
