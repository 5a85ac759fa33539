"""Command line of the worker: `python3 -m rubato_native train --spec FILE [--resume]` and
`python3 -m rubato_native export CHECKPOINT -o model.onnx [--goldens DIR] [--force]` and
`python3 -m rubato_native tune --spec FILE [--batches 4,8,16,32] [--steps N] [--cap-fraction 0.9] [--write]`.

Exit codes: 0 finished or stopped cleanly, 2 bad run spec, 3 bad data, 1 anything else. JSON-line events go to
stdout (for the server), human messages to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys

EXIT_OK, EXIT_SPEC = 0, 2  # 3 (data) and 1 (internal) come from events.report_failure


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export"]:
        # The exporter has its own options and needs torch at once; hand it the rest of the line.
        from .export import main as export_main

        return export_main(argv[1:])
    if argv[:1] == ["tune"]:
        # The batch tuner likewise has its own options (see `tune --help`).
        from .tune import main as tune_main

        return tune_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python3 -m rubato_native", description="Rubato's PyTorch training worker.")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train (or resume) the run a *.run.toml spec describes")
    t.add_argument("--spec", required=True, help="the run spec (TOML)")
    t.add_argument("--resume", action="store_true", help="continue from the run folder's latest checkpoint")
    sub.add_parser("export", help="export a checkpoint (or a run's best) to ONNX; see `export --help`")
    sub.add_parser("tune", help="time micro-batch x grad checkpointing settings and pick the fastest under a memory cap; see `tune --help`")
    args = parser.parse_args(argv)

    # Imported here so that `--help` and spec errors do not pay for importing torch.
    from .config import SpecError, load_spec
    from .events import emit, report_failure, say

    try:
        spec = load_spec(args.spec)
    except SpecError as e:
        say(str(e))
        emit("failed", kind="spec", error=str(e), file=e.file, key=e.key)
        return EXIT_SPEC

    from .train import train

    try:
        state = train(spec, resume=args.resume)
    except Exception as e:  # the server needs an exit code and a message, never a hang
        return report_failure(e)
    if os.environ.get("RANK", "0") == "0":  # under torchrun only rank 0 speaks for the run
        emit(state)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
