"""The engine on its second Keras backend (JAX): deterministic, resumable, and its gradient and
compiled-chunk machinery right — each checked in a process of its own (tests/train/jax_child.py), since
this process runs Keras on TensorFlow. TensorFlow's side is every other test in the suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

CHILD = Path(__file__).with_name("jax_child.py")


def on_jax(scenario: str, where: str = "") -> dict:
    env = {**os.environ, "KERAS_BACKEND": "jax", "GANTHEORY_PROGRESS": "0", "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, str(CHILD), scenario, where], env=env, capture_output=True, text=True,
                         timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_jax_training_is_byte_identical_run_to_run_for_every_rule():
    first, second = on_jax("train"), on_jax("train")
    assert set(first) == {"alternating", "ttur", "simultaneous", "optimistic"}
    assert first == second
    samples = {rule: np.asarray(v[0]) for rule, v in first.items()}
    assert all(np.isfinite(s).all() for s in samples.values())
    assert not np.array_equal(samples["alternating"], samples["simultaneous"])  # the rules differ


def test_jax_run_killed_and_resumed_in_a_new_process_ends_where_an_uninterrupted_one_does(tmp_path):
    where = str(tmp_path / "checkpoint")
    env = {**os.environ, "KERAS_BACKEND": "jax", "GANTHEORY_PROGRESS": "0"}
    killed = subprocess.run([sys.executable, str(CHILD), "killed", where], env=env, capture_output=True, timeout=300)
    assert killed.returncode == 0 and not killed.stdout, killed.stderr[-2000:]  # died before printing
    resumed, straight = on_jax("resumed", where), on_jax("straight")
    assert resumed["evaluated"] == [12] and straight["evaluated"] == [0, 6, 12]  # it did resume at step 6
    assert resumed["final"] == straight["final"]


def test_jax_gradients_inside_a_compiled_chunk_match_the_closed_form():
    out = on_jax("gradient")
    np.testing.assert_allclose(out["gradient"], out["expected"], rtol=1e-6)


def test_jax_step_writing_a_variable_outside_its_state_is_refused():
    assert "not in its state" in on_jax("stray")["error"]


def test_jax_runs_e1_exactly_deterministically_and_with_power():
    """E1 on JAX: its float64 generator equals the reference, runs are byte-identical, and the critic tells
    a copy control apart (z > 5) but not a null (|z| < 3.5) — the bounds E1's TensorFlow test uses."""
    first, second = on_jax("e1"), on_jax("e1")
    assert first == second
    assert first["max_difference"] < 1e-9  # float64 throughout (float32 would be ~1e-7 off)
    rows = {row["cell"]: row for row in first["rows"]}
    assert rows["copy"]["z"] > 5 and rows["copy"]["accuracy"] > 0.55
    assert abs(rows["null#1"]["z"]) < 3.5 and abs(rows["null#1"]["accuracy"] - 0.5) < 0.05
    assert all(row["grad_p99"] > 0 and row["eval_samples"] == 2000 for row in first["rows"])


JAX_SMOKE_JOBS = (  # one training job of each experiment that trains on JAX
    "results/e2/train/particles/metrics.csv",
    "results/e2/train/mlp/metrics.csv",
    "results/e4/train/8gaussians/orig/metrics.csv",
    "results/e5/train/fsr/multi/metrics.csv",
)


@pytest.mark.slow
def test_two_jax_smoke_runs_of_every_training_experiment_give_identical_tables(tmp_path):
    import pandas as pd
    from conftest import copy_workflow, snakemake

    tables = []
    for name in ("first", "second"):
        workdir = copy_workflow(tmp_path / name)
        args = (*JAX_SMOKE_JOBS, "--cores", "2", "--configfile", "config/smoke.yaml", "--config", "backend=jax")
        result = snakemake(workdir, *args)  # targets first: --configfile and --config take every word after them
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        record = json.loads((workdir / "results/e4/train/8gaussians/orig/provenance.json").read_text())
        assert record["keras_backend"] == "jax"
        tables.append([pd.read_csv(workdir / job).drop(columns="wall_clock_s", errors="ignore")
                       for job in JAX_SMOKE_JOBS])  # fmt: skip
    for job, first, second in zip(JAX_SMOKE_JOBS, *tables, strict=True):
        assert len(first) > 0, job
        pd.testing.assert_frame_equal(first, second, check_exact=True, obj=job)
