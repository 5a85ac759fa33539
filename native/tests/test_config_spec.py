"""Run spec validation: the examples parse, and every kind of mistake is an error naming the file and the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NATIVE, worker_env
from rubato_native.config import SpecError, load_spec, parse_spec

MINIMAL = '[data]\ncache = "cache"\n[run]\nout = "run"\n'


def spec_error(text: str) -> SpecError:
    with pytest.raises(SpecError) as e:
        parse_spec(text, Path("/specs/x.run.toml"))
    return e.value


@pytest.mark.parametrize("name", ["tiny-cpu.run.toml", "gpu-8gb.run.toml"])
def test_examples_parse(name: str) -> None:
    spec = load_spec(NATIVE / "examples" / name)
    assert spec.data.cache == (NATIVE.parent / ".rubato-cache" / "dataset").resolve()
    assert spec.eval.window == 8
    assert spec.optimizer.betas == (0.9, 0.98)


def test_minimal_spec_gets_defaults_and_paths_relative_to_the_spec() -> None:
    spec = parse_spec(MINIMAL, Path("/specs/x.run.toml"))
    assert spec.data.cache == Path("/specs/cache")
    assert spec.run.out == Path("/specs/run")
    assert spec.precision.mode == "auto" and spec.budget.max_minutes is None
    assert spec.to_dict()["data"]["cache"] == "/specs/cache"


@pytest.mark.parametrize(
    "extra, key, words",
    [
        ("[model]\nd_modle = 64\n", "[model].d_modle", 'did you mean "d_model"'),
        ("[optimiser]\nlr = 1e-3\n", "[optimiser]", 'did you mean "optimizer"'),
        ("[model]\nd_model = \"big\"\n", "[model].d_model", "must be an integer"),
        ("[model]\nn_layers = 2.5\n", "[model].n_layers", "must be an integer"),
        ("[batch]\ngrad_checkpointing = 1\n", "[batch].grad_checkpointing", "true or false"),
        ("[model]\ndropout = 1.5\n", "[model].dropout", "<= 0.9"),
        ("[optimizer]\nlr = 0\n", "[optimizer].lr", "> 0.0"),
        ("[optimizer]\nbetas = [0.9]\n", "[optimizer].betas", "two numbers"),
        ("[optimizer]\nbetas = [0.9, 1.0]\n", "[optimizer].betas", "[0, 1)"),
        ("[precision]\nmode = \"fp8\"\n", "[precision].mode", "'auto', 'fp32', 'bf16', 'fp16'"),
        ("[device]\ndevice = \"tpu\"\n", "[device].device", "must be one of"),
        ("[batch]\nmicro_batch = 0\n", "[batch].micro_batch", ">= 1"),
        ("[model]\nd_model = 30\nn_heads = 4\n", "[model].n_heads", "must divide d_model"),
        ("[data]\nwindow = 64\noverlap = 64\n", "[data].overlap", "smaller than [data].window"),
        ("[schedule]\nwarmup_steps = 10\nmax_steps = 5\n", "[schedule].warmup_steps", "<= max_steps"),
        ("[budget]\nmax_minutes = -1\n", "[budget].max_minutes", "> 0.0"),
        ("model = 3\n", "model", "must be a table"),
    ],
)
def test_bad_values_name_the_key(extra: str, key: str, words: str) -> None:
    # The extra sections come first so they do not merge into MINIMAL's tables.
    e = spec_error(extra.replace("[data]\n", "[data]\ncache = \"c\"\n") + MINIMAL.replace('[data]\ncache = "cache"\n', "" if "[data]" in extra else '[data]\ncache = "cache"\n'))
    assert e.key == key
    assert words in e.problem
    assert str(e).startswith("/specs/x.run.toml: " + key)


def test_missing_required_and_bad_toml() -> None:
    assert spec_error('[run]\nout = "r"\n').key == "[data].cache"
    assert spec_error('[data]\ncache = "c"\n').key == "[run].out"
    e = spec_error("[model\n")
    assert e.key == "(syntax)" and "not valid TOML" in e.problem


def test_cli_exit_2_names_file_and_key(tmp_path: Path) -> None:
    spec = tmp_path / "bad.run.toml"
    spec.write_text(MINIMAL + "[schedule]\nmax_stpes = 3\n")
    r = subprocess.run([sys.executable, "-m", "rubato_native", "train", "--spec", str(spec)], capture_output=True, text=True, env=worker_env(), timeout=60)
    assert r.returncode == 2
    assert f"{spec}: [schedule].max_stpes: unknown key (did you mean \"max_steps\"?)" in r.stderr
    assert '"event": "failed", "kind": "spec"' in r.stdout


def test_cli_missing_spec_file(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "rubato_native", "train", "--spec", str(tmp_path / "nope.run.toml")], capture_output=True, text=True, env=worker_env(), timeout=60)
    assert r.returncode == 2 and "nope.run.toml: (file): cannot read the run spec" in r.stderr
