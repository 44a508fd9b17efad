"""The `paper` profile has never run at full budget here; this runs every one of its jobs at its full
grid — every critic size, seed, width, variant and dataset — with every step count cut to a few
(tests/pipeline/paper_shapes.yaml), so a GPU run does not die hours in on a shape, a size or a key."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
import yaml
from conftest import ROOT, copy_workflow, snakemake

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]
PAPER = ("--configfile", "config/paper.yaml", "tests/pipeline/paper_shapes.yaml")


@pytest.fixture(scope="module")
def paper_run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("paper_shapes"))
    (workdir / "tests" / "pipeline").mkdir(parents=True)
    shutil.copy2(ROOT / "tests" / "pipeline" / "paper_shapes.yaml", workdir / "tests" / "pipeline")
    planned = snakemake(workdir, "--dry-run", "--quiet", "rules", *PAPER)
    assert planned.returncode == 0, planned.stderr[-3000:]
    result = snakemake(workdir, "--cores", "2", *PAPER, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return workdir, planned.stdout + planned.stderr, result.stdout + result.stderr


def paper() -> dict:
    return yaml.safe_load((ROOT / "config" / "paper.yaml").read_text())


def test_every_paper_job_ran(paper_run):
    _, planned, ran = paper_run
    total = int(re.search(r"^total\s+(\d+)", planned, re.M).group(1))
    assert total > 50  # the whole paper DAG, not a part of it
    assert f"{total} of {total} steps (100%) done" in ran


def test_e1_trains_every_paper_critic_size_on_every_cell(paper_run):
    workdir, _, _ = paper_run
    sizes = {tuple(s) for s in paper()["e1"]["discriminators"]["sizes"]}
    for target in ("gauss", "cube"):
        rows = pd.read_csv(workdir / "results" / "e1" / target / "discriminators.csv")
        assert set(zip(rows["width"], rows["depth"], strict=True)) == sizes
        nulls = rows["cell"].str.startswith("null#").groupby([rows["width"], rows["depth"]]).sum()
        assert (nulls == paper()["e1"]["discriminators"]["null_repeats"]).all()


def test_training_jobs_run_the_paper_seeds_and_widths(paper_run):
    workdir, _, _ = paper_run
    config = paper()
    for dataset, spec in config["e4"]["datasets"].items():
        for variant in spec["variants"]:
            provenance = json.loads((workdir / f"results/e4/train/{dataset}/{variant}/provenance.json").read_text())
            assert provenance["settings"]["dataset"]["widths"] == spec["widths"], (dataset, variant)
            metrics = pd.read_csv(workdir / f"results/e4/train/{dataset}/{variant}/metrics.csv")
            assert metrics["seed"].nunique() == config["e4"]["seeds"], (dataset, variant)
    for dataset in ("fsr", "digits", "mnist"):
        metrics = pd.read_csv(workdir / f"results/e5/train/{dataset}/multi/metrics.csv")
        assert metrics["seed"].nunique() == config["e5"]["seeds"], dataset
    for generator in ("particles", "mlp"):
        metrics = pd.read_csv(workdir / f"results/e2/train/{generator}/metrics.csv")
        assert metrics["seed"].nunique() == config["e2"]["seeds"], generator
