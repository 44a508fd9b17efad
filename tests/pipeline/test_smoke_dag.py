"""The whole DAG on the smoke profile, twice (determinism), plus the report and bad input."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import copy_workflow, snakemake

from gantheory import manifest
from workflow.lib.paths import E3_FAMILIES, figure_files

pytestmark = pytest.mark.pipeline
SMOKE = ("--cores", "2", "--configfile", "config/smoke.yaml")


def _smoke_run(directory):
    workdir = copy_workflow(directory)
    result = snakemake(workdir, *SMOKE)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return workdir


@pytest.fixture(scope="module")
def smoke_runs(tmp_path_factory):
    """One smoke run in a fresh copy of the workflow (a second one only for the slow determinism test)."""
    return [_smoke_run(tmp_path_factory.mktemp("first"))]


def test_smoke_dag_builds_every_output(smoke_runs):
    figures = smoke_runs[0] / "figures"
    listed = manifest.read_manifest(figures / "MANIFEST.sha256")
    expected = [path.removeprefix("figures/") for path in figure_files()]
    assert sorted(listed) == sorted(expected)
    for name in expected:
        assert (figures / name).stat().st_size > 0
    assert manifest.verify(figures / "MANIFEST.sha256") == []
    for family in ("optimal", "first_order", "ttur"):
        assert (smoke_runs[0] / "results" / "e3" / family / "provenance.json").is_file()
        assert (smoke_runs[0] / "logs" / "e3_simulate" / f"{family}.log").is_file()


CLAIM_COUNTS = {"E1": 6, "E2": 5, "E3": 5, "E4": 6, "E5": 5}
CLAIM_IDS = [f"{experiment}.{i}" for experiment, count in CLAIM_COUNTS.items() for i in range(1, count + 1)]


def test_smoke_claims_table_has_every_claim_with_a_verdict(smoke_runs):
    text = (smoke_runs[0] / "figures" / "claims.md").read_text()
    for claim_id in CLAIM_IDS:
        row = next(line for line in text.splitlines() if line.startswith(f"| {claim_id} "))
        assert any(f"**{v}**" in row for v in ("PASS", "budget too small", "not judged in this profile")), row
    assert "**FAIL**" not in text  # smoke never says FAIL: it says the budget was too small


@pytest.mark.slow
def test_two_smoke_runs_give_identical_manifests(smoke_runs, tmp_path):
    second_run = _smoke_run(tmp_path / "second")
    first, second = (w / "figures" / "MANIFEST.sha256" for w in (smoke_runs[0], second_run))
    differences = manifest.compare(manifest.read_manifest(first), manifest.read_manifest(second))
    assert differences == [], "\n".join(differences)


# One key, its readers only: after a one-key config edit, the jobs that rerun because their params
# changed are exactly those that read the key (the rest rerun only if their inputs change). Read from a
# dry run's reasons: Snakemake 9's `--list-changes params` names one output of every job, changed or
# not (its ParamsChange `|` keeps an empty change's file list), so it cannot show this. A job whose
# inputs rerun too is reported with that reason instead, so each edit here is read by upstream jobs only.
ONE_KEY_EDITS = {
    "e1.discriminators.steps": ({"e1": {"discriminators": {"steps": 20}}}, {("e1_target", "target=cube")}),
    "e1.power_curve.steps": ({"e1": {"power_curve": {"steps": [5, 20]}}}, {("e1_power", "target=cube")}),
    "e1.certificate.pot_samples": ({"e1": {"certificate": {"pot_samples": 100}}}, {("e1_prepare", "")}),
    "e3.example_trajectories": ({"e3": {"example_trajectories": 2}}, {("e3_simulate", f) for f in E3_FAMILIES}),
    "e4.saddle.steps": ({"e4": {"saddle": {"steps": 500}}}, {("e4_saddle", "")}),
    "e2.exact.dirac_max": ({"e2": {"exact": {"dirac_max": 40}}}, {("e2_exact", "")}),
    "e2.generators.mlp.lr": ({"e2": {"generators": {"mlp": {"lr": 0.004}}}}, {("e2_train", "generator=mlp")}),
    "e5.sparsity.alpha": ({"e5": {"sparsity": {"alpha": 0.2}}}, {("e5_sparsity", "")}),
    "e5.datasets.fsr.eval_samples": (
        {"e5": {"datasets": {"fsr": {"eval_samples": 120}}}},
        {("e5_reference", "dataset=fsr")},
    ),
    "e5.datasets.digits.steps": (
        {"e5": {"datasets": {"digits": {"steps": 60}}}},
        {("e5_train", "dataset=digits, variant=multi")},
    ),
    "e4.variants.sgda.lr_d": (
        {"e4": {"variants": {"sgda": {"lr_d": 2.0e-4}}}},
        {("e4_train", "dataset=swissroll, variant=sgda")},
    ),
}


def _params_reruns(output: str) -> set[tuple[str, str]]:
    """(rule, wildcards) of every job a dry run plans because its params changed."""
    jobs, rule, reason = set(), None, False
    for line in output.splitlines():
        if line.startswith("rule "):
            if rule and reason:
                jobs.add((rule, ""))
            rule, reason = line[5:].rstrip(":"), False
        elif line.strip().startswith("reason: Params have changed"):
            reason = True
        elif line.strip().startswith("wildcards:") and rule and reason:
            jobs.add((rule, line.strip().removeprefix("wildcards:").strip().removeprefix("family=")))
            rule, reason = None, False
    if rule and reason:
        jobs.add((rule, ""))
    return jobs


@pytest.mark.parametrize("key", ONE_KEY_EDITS)
def test_a_one_key_edit_reruns_only_the_jobs_that_read_it(smoke_runs, tmp_path, key):
    edit, expected = ONE_KEY_EDITS[key]
    edited = tmp_path / "edit.yaml"
    edited.write_text(yaml.safe_dump(edit))
    result = snakemake(smoke_runs[0], "--configfile", "config/smoke.yaml", str(edited), "--dry-run",
                       "--rerun-triggers", "params")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert _params_reruns(result.stdout + result.stderr) == expected


def test_rerun_is_a_no_op(smoke_runs):
    result = snakemake(smoke_runs[0], *SMOKE, "--dry-run")
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_a_clone_with_committed_figures_but_no_results_rebuilds_everything(smoke_runs, tmp_path):
    clone = copy_workflow(tmp_path / "clone")
    shutil.copytree(smoke_runs[0] / "figures", clone / "figures")  # what a fresh clone of the repo holds
    result = snakemake(clone, *SMOKE, "--dry-run")
    assert result.returncode == 0
    planned = result.stdout + result.stderr
    for rule in ("e1_target", "e3_simulate", "e4_train", "e5_train", "manifest"):
        assert rule in planned, planned[-2000:]


def test_report_lists_every_figure(smoke_runs):
    result = snakemake(smoke_runs[0], "--configfile", "config/smoke.yaml", "--report", "report.html")
    assert result.returncode == 0, result.stderr[-3000:]
    html = (smoke_runs[0] / "report.html").read_text(errors="replace")
    for name in (
        "e3_success_heatmap.png",
        "e3_ttur.png",
        "e3_trajectories.png",
        "e3_tv_curves.png",
        "e3_outcomes.csv",
        "e4_fd_curves.png",
        "e4_toys.png",
        "e4_final.csv",
        "claims.csv",
        "e1_z_heatmap.png",
        "e1_power_curve.png",
        "e1_detection.csv",
        "e5_band_curves.png",
        "e5_dictionary_curves.png",
        "e5_final.csv",
    ):
        assert name in html


def test_snakemake_lint_is_clean(tmp_path):
    workdir = copy_workflow(tmp_path)
    result = snakemake(workdir, "--lint")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


BAD_CONFIGS = {
    "wrong_type": ("e3:\n  steps: lots\n", "e3.steps"),
    "out_of_range": ("e3:\n  initialisations: -3\n", "e3.initialisations"),
    "unknown_key": ("e3:\n  stepz: 10\n", "e3.stepz"),
    "bad_step": ("e3:\n  main_step_size: 0.7\n", "e3.main_step_size"),
    "missing_file": ("reference_file: config/absent.yaml\n", "config/absent.yaml"),
    "unknown_backend": ("backend: torch\n", "backend"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_config_fails_early_naming_the_key_and_writes_nothing(tmp_path, case):
    text, key = BAD_CONFIGS[case]
    workdir = copy_workflow(tmp_path)
    (workdir / "bad.yaml").write_text(text)
    result = snakemake(workdir, "--cores", "1", "--configfile", "config/smoke.yaml", "bad.yaml")
    assert result.returncode != 0
    assert key in result.stdout + result.stderr
    for produced in ("results", "figures", "logs"):
        assert not (workdir / produced).exists(), produced


def test_missing_config_file_is_refused(tmp_path):
    workdir = copy_workflow(tmp_path)
    result = snakemake(workdir, "--cores", "1", "--configfile", "no-such.yaml")
    assert result.returncode != 0
    assert "no-such.yaml" in result.stdout + result.stderr
    assert not (workdir / "results").exists()
