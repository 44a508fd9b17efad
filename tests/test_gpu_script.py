"""benchmarks/gpu/: the wheels that travel to a lent GPU machine, and the budgeted run there (here on CPU)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "gpu"))


def test_the_wheels_that_travel_are_the_jax_locks_pins_minus_what_the_machine_has():
    import wheels

    pins = {line.split("==", 1)[0]: line.split("==", 1)[1].split(" ", 1)[0] for line in wheels.pins()}
    assert {"keras", "snakemake", "pot", "mlxtend", "pandas", "scikit-learn", "platformdirs"} <= set(pins)
    assert not {"jax", "jaxlib", "numpy", "scipy", "tensorflow", "pulp", "pytest"} & set(pins)
    assert not [name for name in pins if name.startswith(("nvidia-", "jax-cuda"))]
    assert all("--hash=sha256:" in line for line in wheels.pins())  # pip download checks every one
    lock = (ROOT / "requirements" / "gpu-jax.lock").read_text()
    assert all(f"{name}=={version}" in lock for name, version in pins.items())


def run_script(tmp_path, *args):
    env = {**os.environ, "KERAS_BACKEND": "jax", "GANTHEORY_PROGRESS": "0"}
    return subprocess.run([sys.executable, str(ROOT / "benchmarks/gpu/run.py"), "--out", str(tmp_path / "out"), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # fmt: skip


def test_a_missing_profile_is_named_and_nothing_runs(tmp_path):
    done = run_script(tmp_path, "--profile", "config/nope.yaml")
    assert done.returncode == 2 and "config/nope.yaml" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_budget_stops_a_target_and_the_report_says_so(tmp_path):
    """On CPU, smoke profile: 60 s cannot finish E5's outputs; E2's never start; the report lists the jobs
    that did finish with their times. (A whole run of this script on CPU: docs/backends.md.)"""
    done = run_script(tmp_path, "--profile", "config/smoke.yaml", "--budget-s", "60", "--cores", "2",
                      "--targets", "e5_outputs", "e2_outputs")  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    outcome = json.loads((tmp_path / "out" / "outcomes.json").read_text())
    assert outcome["outcomes"] == {"e5_outputs": "stopped by the budget", "e2_outputs": "not started (budget spent)"}
    assert outcome["wall_s"] < 130  # stopped, not run to the end (E5's smoke outputs take minutes)
    report = (tmp_path / "out" / "report.md").read_text()
    assert "| e5_outputs | stopped by the budget |" in report and "cpu" in report
    assert "e5_fsr_data" in report  # a job that finished in time, with its wall-clock
    assert not working_in(tmp_path / "out" / "run"), "a job of the stopped target is still running"


def working_in(folder: Path) -> list[int]:
    """Processes whose working directory is `folder` (Snakemake's jobs run there)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(os.readlink(proc / "cwd")).is_relative_to(folder.resolve()):
                found.append(int(proc.name))
        except OSError:
            continue
    return found
