"""The batch tuner on a synthetic cache: every setting in the table, the fastest under the cap chosen, accumulation
keeping the effective batch, a cap nothing fits under, and --write touching only [batch]."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import tiny_spec
from rubato_native.__main__ import main
from rubato_native.config import parse_spec
from rubato_native.tune import EXIT_NONE_FITS, accum_for, rewrite_batch

def commented_spec(tmp_path: Path, cache: Path) -> Path:
    """The tiny spec with comments in and around [batch] (which --write must keep) and no grad_checkpointing key."""
    spec = tiny_spec(tmp_path, cache)
    text = spec.read_text().replace(
        "[batch]\nmicro_batch = 4\ngrad_accum = 2\n",
        "# the batch, tuned by hand\n[batch]   # per step\nmicro_batch = 4    # windows per micro-batch\ngrad_accum = 2  # micro-batches per step\n\n# end of batch\n",
    )
    assert "# windows per micro-batch" in text
    spec.write_text("# a commented spec\n" + text)
    return spec


def tuned_event(out: str) -> dict:
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    tuned = [e for e in events if e["event"] == "tuned"]
    assert len(tuned) == 1, events
    return tuned[0]


def test_sweep_table_and_choice(tmp_path: Path, synth_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = commented_spec(tmp_path, synth_cache)
    before = spec.read_bytes()
    assert main(["tune", "--spec", str(spec), "--batches", "2,4", "--steps", "2", "--warmup", "1"]) == 0
    captured = capsys.readouterr()
    ev = tuned_event(captured.out)
    rows = ev["settings"]
    assert {(r["micro_batch"], r["grad_checkpointing"]) for r in rows} == {(2, False), (4, False), (2, True), (4, True)}
    # The spec's effective batch is 4 x 2 = 8 windows; accumulation keeps it.
    assert all(r["micro_batch"] * r["grad_accum"] == 8 for r in rows)
    assert all(r["status"] == "ok" and r["notes_per_sec"] > 0 and r["peak_mem_bytes"] is not None for r in rows)
    cap = ev["cap_bytes"]
    assert cap is not None and cap > 0
    fits = [r for r in rows if r["peak_mem_bytes"] <= cap]
    fastest = max(fits, key=lambda r: r["notes_per_sec"])
    assert ev["choice"] == fastest and fastest["chosen"]
    assert sum(r["chosen"] for r in rows) == 1
    assert ev["written"] is False
    # The human table is on stderr: one line per setting, the chosen one starred.
    table = [ln for ln in captured.err.splitlines() if ln[:1] in ("*", " ") and ln[1:].strip()[:1].isdigit()]
    assert len(table) == 4 and sum(ln.startswith("*") for ln in table) == 1
    assert spec.read_bytes() == before  # no --write: not touched


def test_nothing_under_the_cap(tmp_path: Path, synth_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tiny_spec(tmp_path, synth_cache)
    before = spec.read_bytes()
    # A cap of a few kilobytes: no training step fits.
    code = main(["tune", "--spec", str(spec), "--batches", "2,4", "--steps", "1", "--warmup", "1", "--cap-fraction", "1e-7", "--write"])
    assert code == EXIT_NONE_FITS
    captured = capsys.readouterr()
    assert "no setting fits under the cap" in captured.err and "the spec was not changed" in captured.err
    ev = tuned_event(captured.out)
    assert ev["choice"] is None and ev["written"] is False
    status = {(r["micro_batch"], r["grad_checkpointing"]): r["status"] for r in ev["settings"]}
    # Once micro-batch 2 is over the cap, the larger one is not even tried.
    assert status == {(2, False): "over cap", (4, False): "skipped", (2, True): "over cap", (4, True): "skipped"}
    assert spec.read_bytes() == before


def test_write_changes_only_batch(tmp_path: Path, synth_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = commented_spec(tmp_path, synth_cache)
    before = spec.read_text()
    assert main(["tune", "--spec", str(spec), "--batches", "2", "--steps", "1", "--warmup", "1", "--write"]) == 0
    ev = tuned_event(capsys.readouterr().out)
    choice = ev["choice"]
    assert ev["written"] is True and choice["micro_batch"] == 2 and choice["grad_accum"] == 4
    after = spec.read_text()
    old_spec, new_spec = parse_spec(before, spec).to_dict(), parse_spec(after, spec).to_dict()
    assert new_spec["batch"] == {"micro_batch": 2, "grad_accum": 4, "grad_checkpointing": choice["grad_checkpointing"]}
    assert {k: v for k, v in new_spec.items() if k != "batch"} == {k: v for k, v in old_spec.items() if k != "batch"}
    # Line by line: the two batch values changed (comments kept), one key added inside [batch], nothing else.
    b, a = before.splitlines(), after.splitlines()
    assert "micro_batch = 2    # windows per micro-batch" in a and "grad_accum = 4  # micro-batches per step" in a
    assert f"grad_checkpointing = {str(choice['grad_checkpointing']).lower()}" in a
    assert [ln for ln in a if not ln.startswith(("micro_batch", "grad_accum", "grad_checkpointing"))] == [ln for ln in b if not ln.startswith(("micro_batch", "grad_accum"))]
    assert a.index("# end of batch") > a.index(next(ln for ln in a if ln.startswith("grad_checkpointing")))
    assert not list(tmp_path.glob(".*.tmp"))


def test_rewrite_batch_text() -> None:
    values = {"micro_batch": 8, "grad_accum": 3, "grad_checkpointing": True}
    crlf = "[model]\r\nd_model = 16\r\n[batch]\r\nmicro_batch = 16 # c\r\ngrad_checkpointing = false\r\n[run]\r\nseed = 1\r\n"
    assert rewrite_batch(crlf, values) == "[model]\r\nd_model = 16\r\n[batch]\r\nmicro_batch = 8 # c\r\ngrad_checkpointing = true\r\ngrad_accum = 3\r\n[run]\r\nseed = 1\r\n"
    # A key of another table with the same name is left alone; a missing [batch] is appended.
    other = "[run]\nmicro_batch = 5  # not ours\nseed = 1"
    assert rewrite_batch(other, values) == other + "\n\n[batch]\nmicro_batch = 8\ngrad_accum = 3\ngrad_checkpointing = true\n"


def test_accumulation_keeps_the_effective_batch() -> None:
    assert [accum_for(m, 64) for m in (4, 8, 16, 32, 128)] == [16, 8, 4, 2, 1]
    assert accum_for(3, 8) == 3  # 9 is nearer 8 than 6
    assert accum_for(5, 8) == 2  # 10 vs 5
