"""E5 end to end through its CLI commands on smoke-sized settings, twice: every output, identical bytes."""

import json
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from gantheory.cli import _call_step, build_parser  # noqa: E402
from gantheory.data.store import build_dataset, save_dataset  # noqa: E402
from gantheory.manifest import sha256  # noqa: E402
from workflow.lib.paths import e5_outputs_settings, e5_train_settings  # noqa: E402

SETTINGS = {
    "seeds": 2,
    "floor_repeats": 3,
    "fsr": dict(
        side=8, atoms=[4, 5, 6], level1_density=0.5, gate_fraction=0.5, mask_density=0.5, code_magnitude=[0.5, 1.5],
        train_size=400, heldout_size=240,
    ),
    "training": dict(
        rule="simultaneous", lr_d=1e-3, lr_g=1e-3, beta_1=0.0, beta_2=0.9, gp_weight=10.0, ema_decay=0.999,
        batch_size=16, critic_widths=[8],
    ),
    "variants": {"multi": {"critics": "all"}, "single": {"critics": "top"}},
    "datasets": {
        "fsr": dict(variants=["multi", "single"], steps=4, evaluations=2, eval_samples=60, code_widths=[4, 5, 6],
                    noise_dims=[3, 2, 2], hidden=[8], keep_samples=3),
        "digits": dict(variants=[], steps=4, evaluations=2, eval_samples=60, code_widths=[4, 5, 6],
                       noise_dims=[3, 2, 2], hidden=[8], keep_samples=3),
        "mnist": dict(variants=[], steps=1, evaluations=1, eval_samples=60, code_widths=[4, 5, 6],
                      noise_dims=[3, 2, 2], hidden=[8], keep_samples=3),
    },
    "sparsity": dict(atoms=6, nonzero=3, alpha=0.1, permutations=1, max_images=200, max_patches=400, surrogates=2,
                     ceiling_samples=200, ceiling_alpha=0.1),
}  # fmt: skip
RUNS = [("fsr", "multi"), ("fsr", "single")]  # digits trains through the same code path (E5.2: "not run" here)


def run(*argv):
    """One command as the CLI runs it, errors raised rather than turned into an exit code."""
    _call_step(build_parser().parse_args(["--threads", "1", *map(str, argv)]))


def pipeline(root, settings=SETTINGS):
    """The rules' commands in DAG order, in `root`, each given only what its rule passes it."""
    config, seed = {"e5": settings}, 11
    r = root / "results" / "e5"
    data = {"fsr": r / "data" / "fsr.npz", "digits": root / "results" / "data" / "digits.npz"}
    save_dataset(data["digits"], build_dataset("digits", 0, seed), {"name": "digits"})
    run("e5-fsr-data", "--settings", json.dumps(settings["fsr"]), "--seed", seed, "--out", data["fsr"],
        "--truth", r / "data" / "fsr_truth.npz")  # fmt: skip
    for dataset in ("fsr",):
        run("e5-reference", "--dataset", dataset, "--eval-samples", settings["datasets"][dataset]["eval_samples"],
            "--floor-repeats", settings["floor_repeats"], "--seed", seed, "--data", data[dataset],
            "--out", r / "reference" / f"{dataset}.json")  # fmt: skip
    for dataset, variant in RUNS:
        out = r / "train" / dataset / variant
        truth = ["--truth", r / "data" / "fsr_truth.npz"] if dataset == "fsr" else []
        run("e5-train", "--dataset", dataset, "--variant", variant,
            "--settings", e5_train_settings(config, dataset, variant), "--seed", seed,
            "--data", data[dataset], "--reference", r / "reference" / f"{dataset}.json", *truth,
            "--metrics", out / "metrics.csv", "--samples", out / "samples.npz",
            "--dictionaries", out / "dictionaries.npz", "--provenance", out / "provenance.json")  # fmt: skip
    run("e5-sparsity", "--settings", json.dumps(settings["sparsity"]), "--seed", seed, "--names", "fsr", "digits",
        "--data", data["fsr"], data["digits"], "--truth", r / "data" / "fsr_truth.npz", "--out", r / "sparsity.csv",
        "--ceiling", r / "dictionary_ceiling.csv")  # fmt: skip
    f = root / "figures"
    run("e5-outputs", "--settings", e5_outputs_settings(config), "--profile", "smoke", "--sparsity", r / "sparsity.csv",
        "--ceiling", r / "dictionary_ceiling.csv",
        "--claims", root / "results" / "claims" / "E5.csv", "--level-curves", f / "e5_level_curves.pdf",
        "--band-curves", f / "e5_band_curves.pdf", "--dictionary-curves", f / "e5_dictionary_curves.pdf",
        "--pyramids", f / "e5_pyramids.pdf",
        "--final-table", f / "e5_final.md", "--dictionary-table", f / "e5_dictionary.md",
        "--sparsity-table", f / "e5_sparsity.md", "--timing", r / "timing" / "e5_wallclock.csv",
        "--metrics", *[r / "train" / d / v / "metrics.csv" for d, v in RUNS],
        "--samples", *[r / "train" / d / v / "samples.npz" for d, v in RUNS],
        "--references", r / "reference" / "fsr.json")  # fmt: skip


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Each pipeline in a fresh process, as Snakemake runs it (TensorFlow fixes its threads once per process)."""
    roots = [tmp_path_factory.mktemp(name) for name in ("first", "second")]
    env = {**os.environ, "GANTHEORY_PROGRESS": "0", "PYTHONHASHSEED": "0", "PYTHONPATH": str(Path(__file__).parents[2])}
    jobs = [  # side by side, as Snakemake runs jobs on two cores
        subprocess.Popen([sys.executable, __file__, str(root)], stderr=subprocess.PIPE, text=True, env=env)
        for root in roots
    ]
    for job in jobs:
        _, err = job.communicate(timeout=600)
        assert job.returncode == 0, err[-4000:]
    return roots, [sorted(p for p in root.rglob("*") if p.is_file()) for root in roots]


def test_every_output_exists(two_runs):
    (root, _), _ = two_runs
    for name in ("e5_level_curves", "e5_band_curves", "e5_dictionary_curves", "e5_pyramids"):
        for ext in ("pdf", "png"):
            assert (root / "figures" / f"{name}.{ext}").stat().st_size > 0
    for name in ("e5_final", "e5_dictionary", "e5_sparsity"):
        for ext in ("md", "tex", "csv"):
            assert (root / "figures" / f"{name}.{ext}").stat().st_size > 0
    ceiling = pd.read_csv(root / "results" / "e5" / "dictionary_ceiling.csv")  # E5.4's, read by e5-outputs
    assert list(ceiling["level"]) == [2, 3] and ceiling["matched_cosine"].between(0, 1).all()
    truth = root / "results" / "e5" / "data" / "fsr_truth.npz"
    assert truth.is_file() and (root / "results" / "e5" / "data" / "fsr_truth.npz.sha256.json").is_file()
    provenance = json.loads((root / "results/e5/train/fsr/multi/provenance.json").read_text())
    assert provenance["steps_per_second"] > 0 and provenance["threads"] == 1


def test_claims_csv_has_every_e5_row_with_a_smoke_verdict(two_runs):
    (root, _), _ = two_runs
    claims = pd.read_csv(root / "results" / "claims" / "E5.csv")
    assert list(claims["claim_id"]) == ["E5.1", "E5.2", "E5.3", "E5.4", "E5.5"]
    assert set(claims["verdict"]) <= {"PASS", "budget too small"}
    assert claims["measured"].str.len().min() > 10


def test_a_second_run_gives_byte_identical_files(two_runs):
    roots, files = two_runs
    names = [[p.relative_to(root) for p in listing] for root, listing in zip(roots, files, strict=True)]
    assert names[0] == names[1]
    skip = {"provenance.json", "e5_wallclock.csv", "metrics.csv"}  # wall-clock measurements differ by design
    differ = [n for n in names[0] if n.name not in skip and sha256(roots[0] / n) != sha256(roots[1] / n)]
    assert differ == []
    for dataset, variant in RUNS:  # metrics: identical but for the wall-clock column
        a, b = (pd.read_csv(root / "results/e5/train" / dataset / variant / "metrics.csv") for root in roots)
        pd.testing.assert_frame_equal(a.drop(columns="wall_clock_s"), b.drop(columns="wall_clock_s"))


def test_an_unknown_dataset_is_refused_by_name(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run("e5-reference", "--dataset", "cifar", "--eval-samples", 60, "--floor-repeats", 3, "--seed", 1,
            "--data", tmp_path / "x.npz", "--out", tmp_path / "r.json")  # fmt: skip
    assert "cifar" in capsys.readouterr().err and not (tmp_path / "r.json").exists()


def test_each_job_gets_only_its_run_entries():
    config = {"e5": SETTINGS}
    settings = json.loads(e5_train_settings(config, "fsr", "single"))
    assert set(settings) == {"dataset", "variant", "training", "seeds"} and "eval_samples" not in settings["dataset"]
    assert settings["variant"] == {"critics": "top"} and "variants" not in settings["dataset"]
    edited = {"e5": {**SETTINGS, "sparsity": {**SETTINGS["sparsity"], "alpha": 0.5}}}
    assert e5_train_settings(edited, "fsr", "single") == e5_train_settings(config, "fsr", "single")
    assert e5_outputs_settings(edited) == e5_outputs_settings(config)


if __name__ == "__main__":
    pipeline(Path(sys.argv[1]))


def test_a_training_job_missing_a_key_it_reads_names_it():
    from gantheory.experiments.e5.steps import check_train_settings

    settings = json.loads(e5_train_settings({"e5": SETTINGS}, "fsr", "multi"))
    check_train_settings(settings, "fsr", "multi")  # the narrowed entry holds every key the job reads
    del settings["training"]["ema_decay"]
    with pytest.raises(ValueError, match=r"config key 'e5.training.ema_decay' is missing"):
        check_train_settings(settings, "fsr", "multi")
    del settings["variant"]
    with pytest.raises(ValueError, match=r"config key 'e5.variants.multi' is missing"):
        check_train_settings(settings, "fsr", "multi")
