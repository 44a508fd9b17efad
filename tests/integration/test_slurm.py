"""A slice of the smoke DAG through `snakemake --executor slurm` against a real single-node Slurm.

The test starts munged, slurmctld and slurmd (Debian's packages) in a temporary folder on loopback,
runs E3's three simulations and its claims judgement with the repository's Slurm profile
(workflow/profiles/slurm), checks every output equals a local run of the same targets, and stops
every daemon it started by PID. Needs root (slurmd runs jobs as their user; /etc/slurm/slurm.conf).
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from integration_support import (
    copy_workflow,
    record_timing,
    require_root,
    require_tools,
    run_logged,
    unavailable,
    venv_env,
)
from local_slurm import CLIENTS, DAEMONS, DEFAULT_CONF, LocalSlurm, _alive

from workflow.lib.paths import E3_FAMILIES

pytestmark = [pytest.mark.slurm, pytest.mark.slow]

APT = "apt-get install slurmctld slurmd slurm-client munge"
SMOKE = ("--configfile", "config/smoke.yaml")
# E3's batched simulations (one job per family) and the rule that judges them: 4 jobs, 2 levels.
TARGETS = ["results/claims/E3.csv"]
OUTPUTS = [f"results/e3/{family}/{name}" for family in E3_FAMILIES for name in ("runs.csv", "curves.csv")]
OUTPUTS += ["results/claims/E3.csv"]
ARRAYS = [f"results/e3/{family}/examples.npz" for family in E3_FAMILIES]
# Test-only executor settings on top of the profile: this cluster has no accounting (no sacct data),
# so job states come from squeue, which needs MinJobAge >= 3x the first status delay.
STATUS_DELAY = 5
SLURM_TEST_ARGS = (
    "--slurm-no-account",
    "--slurm-status-command", "squeue",
    "--slurm-init-seconds-before-status-checks", str(STATUS_DELAY),
    "--jobs", "3",
)


def without_wall_clock(path: Path) -> list[list[str]]:
    """A CSV's cells as written (strings, no float parsing), minus measured wall-clock columns:
    wall-clock time is a measurement, not a result (README, "Determinism, and its limits")."""
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    keep = [i for i, column in enumerate(rows[0]) if not column.startswith("wall_clock")]
    return [[row[i] for i in keep] for row in rows]


@pytest.fixture
def slurm(tmp_path):
    require_root("slurmd runs jobs as their owner and the job step reads /etc/slurm/slurm.conf")
    require_tools(*DAEMONS, *CLIENTS, install=APT)
    if DEFAULT_CONF.exists() or DEFAULT_CONF.is_symlink():
        unavailable(f"{DEFAULT_CONF} exists: this machine has a real Slurm; the test will not replace it")
    start = time.monotonic()
    cluster = LocalSlurm(tmp_path / "slurm", min_job_age=max(300, 3 * STATUS_DELAY))
    with cluster:
        record_timing("local Slurm up (munged, slurmctld, slurmd)", time.monotonic() - start)
        yield cluster
    # Every daemon we started is gone, and so is the symlink we made.
    assert not [pid for pid in cluster.started_pids if _alive(pid)], cluster.logs()
    assert not DEFAULT_CONF.is_symlink()


def test_smoke_slice_through_slurm_executor_equals_local_run(slurm, tmp_path):
    cluster_run = copy_workflow(tmp_path / "via-slurm")
    local_run = copy_workflow(tmp_path / "local")
    snakemake = Path(sys.executable).parent / "snakemake"

    start = time.monotonic()
    result = run_logged(
        [snakemake, *TARGETS, "--profile", "workflow/profiles/slurm", *SMOKE, *SLURM_TEST_ARGS],
        cwd=cluster_run, env=venv_env({"SLURM_CONF": str(slurm.conf)}), timeout=600,
        what="snakemake --executor slurm",
    )
    record_timing("smoke slice through Slurm (4 jobs)", time.monotonic() - start)
    log = result.stdout + result.stderr
    jobids = {line.split("SLURM jobid ")[1].split()[0] for line in log.splitlines() if "SLURM jobid " in line}
    assert len(jobids) == 4, log[-3000:]  # every job went through sbatch

    run_logged([snakemake, *TARGETS, "--cores", "2", *SMOKE], cwd=local_run, env=venv_env(), timeout=600,
               what="the same targets locally")

    for name in OUTPUTS:
        assert without_wall_clock(cluster_run / name) == without_wall_clock(local_run / name), name
    assert (cluster_run / TARGETS[0]).read_bytes() == (local_run / TARGETS[0]).read_bytes()  # the verdicts
    for name in ARRAYS:
        with np.load(cluster_run / name) as a, np.load(local_run / name) as b:
            assert sorted(a.files) == sorted(b.files), name
            for key in a.files:
                np.testing.assert_array_equal(a[key], b[key], err_msg=f"{name}:{key}")
