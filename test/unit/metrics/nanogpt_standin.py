"""A stand-in for nanoGPT's train.py: prints what it prints, with the same format strings, and no training.

The print statements are copied from karpathy/nanoGPT, train.py (commit e2221318e607eb5ee0669d6b7641af25a2111545):
    print(f"step {iter_num}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}")
    print(f"iter {iter_num}: loss {lossf:.4f}, time {dt*1000:.2f}ms, mfu {running_mfu*100:.2f}%")
including running_mfu = -1.0 until local_iter_num >= 5 and the 0.9/0.1 running average after that.
The other lines are those nanoGPT prints around them (configuration, model size, checkpoints).

Usage: python3 nanogpt_standin.py [--iters N] [--eval-interval K] [--log-interval L] [--expected FILE] [--nan-at I]
--expected writes the rows a reader must get from stdout (JSON); --nan-at makes that iteration's loss nan.
Useful as a hosted script in supervisor tests too: it flushes every line, as PYTHONUNBUFFERED=1 would.
"""
import argparse
import json
import math
import random

p = argparse.ArgumentParser()
p.add_argument("--iters", type=int, default=60)
p.add_argument("--eval-interval", type=int, default=20)
p.add_argument("--log-interval", type=int, default=1)
p.add_argument("--expected")
p.add_argument("--nan-at", type=int, default=-1)
a = p.parse_args()

rng = random.Random(1337)
rows = []
num = lambda s: None if s in ("nan", "inf", "-inf") else float(s)  # noqa: E731
print("tokens per iteration will be: 16,384", flush=True)
print("found vocab_size = 65 (inside data/shakespeare_char/meta.pkl)", flush=True)
print("Initializing a new model from scratch", flush=True)
print("number of parameters: 10.65M", flush=True)
print("num decayed parameter tensors: 26, with 10,740,096 parameters", flush=True)
print("num non-decayed parameter tensors: 13, with 4,992 parameters", flush=True)
print("using fused AdamW: True", flush=True)
iter_num, local_iter_num, running_mfu, best_val_loss = 0, 0, -1.0, 1e9
while True:
    if iter_num % a.eval_interval == 0:
        losses = {"train": 4.2 * math.exp(-iter_num / 400) + rng.random() * 0.01, "val": 4.25 * math.exp(-iter_num / 420) + rng.random() * 0.01}
        line = f"step {iter_num}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}"
        print(line, flush=True)
        rows.append({"step": iter_num, "wallTime": None, "values": {"train_loss": num(f"{losses['train']:.4f}"), "val_loss": num(f"{losses['val']:.4f}")}})
        if losses["val"] < best_val_loss:
            best_val_loss = losses["val"]
            if iter_num > 0:
                print("saving checkpoint to out-shakespeare-char", flush=True)
    dt = 0.05 + rng.random() * 0.01 if local_iter_num else 29.79598
    if iter_num % a.log_interval == 0:
        lossf = float("nan") if iter_num == a.nan_at else 4.3 * math.exp(-iter_num / 380) + rng.random() * 0.02
        if local_iter_num >= 5:
            mfu = 0.11 + rng.random() * 0.02
            running_mfu = mfu if running_mfu == -1.0 else 0.9 * running_mfu + 0.1 * mfu
        print(f"iter {iter_num}: loss {lossf:.4f}, time {dt*1000:.2f}ms, mfu {running_mfu*100:.2f}%", flush=True)
        values = {"loss": num(f"{lossf:.4f}"), "time_ms": num(f"{dt*1000:.2f}")}
        if running_mfu != -1.0:
            values["mfu_percent"] = num(f"{running_mfu*100:.2f}")
        rows.append({"step": iter_num, "wallTime": None, "values": values})
    iter_num += 1
    local_iter_num += 1
    if iter_num > a.iters:
        break
if a.expected:
    with open(a.expected, "w") as f:
        json.dump(rows, f)
