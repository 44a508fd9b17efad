"""A deliberately huge step size: the run diverges, the DAG still finishes, and every table and claim says
"diverged" instead of crashing or printing NaN."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import copy_workflow, snakemake

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]


def test_a_diverging_variant_is_recorded_and_reported_not_crashed(tmp_path):
    workdir = copy_workflow(tmp_path)
    (workdir / "diverge.yaml").write_text("e4:\n  variants:\n    orig: {lr_d: 1.0e+6, lr_g: 1.0e+6}\n")
    result = snakemake(workdir, "results/claims/E4.csv", "--cores", "2", "--configfile", "config/smoke.yaml",
                       "diverge.yaml")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = pd.read_csv(workdir / "results/e4/train/8gaussians/orig/metrics.csv")
    assert (metrics["diverged_step"] > 0).all(), "every seed of the huge-step variant is recorded as diverged"
    assert "diverged" in set(metrics["metric"])
    final = pd.read_csv(workdir / "figures/e4_final.csv").set_index(["dataset", "variant"])
    assert final.loc[("8gaussians", "orig"), "diverged seeds"] == 2
    assert final.loc[("8gaussians", "ttur"), "diverged seeds"] == 0
    for name in ("e4_final.md", "e4_final.tex"):
        text = (workdir / "figures" / name).read_text()
        assert "nan" not in text.lower() and "diverged" in text, name
    claims = pd.read_csv(workdir / "results/claims/E4.csv").set_index("claim_id")
    assert claims.loc["E4.4", "verdict"] != "PASS" and "0/2 seeds good" in claims.loc["E4.4", "measured"]
