"""E1 end to end on smoke settings: the CLI commands in sequence, twice, in tmp dirs; byte-identical."""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from gantheory.cli import _call_step, build_parser  # noqa: E402
from gantheory.config import load_yaml, merge  # noqa: E402
from gantheory.experiments.e1.steps import STEP_KEYS  # noqa: E402
from workflow.lib.paths import E1_STEP_KEYS, e1_settings  # noqa: E402

SEED = 20261123


def smoke_settings(repo_root) -> dict:
    """The e1 section of config.yaml + smoke.yaml (the scratch snippets' values until they are merged)."""
    config = load_yaml(repo_root / "config" / "config.yaml")
    merge(config, load_yaml(repo_root / "config" / "smoke.yaml"))
    if "e1" in config:
        return config["e1"]
    catalogue = {
        f"{b}-n{n}": {"role": r, "predicate": "xor_and", "hypergraph": b, "n": n}
        for b, n, r in [("clean", 24, "main"), ("clean", 16, "enumeration"), ("random", 24, "random")]
    }
    catalogue["copy-n32"] = {"role": "control", "predicate": "copy", "hypergraph": "random", "n": 32}
    return {
        "stretch": 4, "cube_noise": 0.1, "ramp_width": 1e-6, "magnitude_cap": 10.0, "clean_max_draws": 100_000,
        "draws": 1, "targets": ["cube"], "rows": list(catalogue), "generators": catalogue,
        "check": {"samples": 2000, "extra_ramp_widths": [1e-2], "tolerance": 1e-9},
        "moments": {"alpha": 0.01},
        "certificate": {"enumeration_max_n": 16, "enumeration_samples": 256, "pot_samples": 200},
        "power_curve": {"rows": ["random-n24", "clean-n24"], "steps": [5, 10]},
        "discriminators": {
            "sizes": [[16, 1]], "null_repeats": 2, "steps": 10, "batch_size": 32, "learning_rate": 1e-3,
            "beta_1": 0.5, "beta_2": 0.9, "gp_weight": 10.0, "eval_samples": 1000, "eval_chunk": 1000,
            "grad_samples": 100,
        },
    }  # fmt: skip


def run(argv):
    """One command as the CLI runs it, errors raised rather than turned into an exit code."""
    _call_step(build_parser().parse_args(["--threads", "1", *map(str, argv)]))


def run_e1(out, settings) -> None:
    """The rules' commands in DAG order, each given only what its rule passes it."""
    config, r = {"e1": settings}, out / "results" / "e1"
    seed = ["--seed", str(SEED)]
    inputs = ["--hypergraphs", str(r / "hypergraphs.npz"), "--table", str(r / "hypergraphs.csv")]
    run(["e1-prepare", "--settings", e1_settings(config, "prepare"), *seed, *inputs,
         "--certificates", str(r / "certificates.csv")])  # fmt: skip
    per_target = {name: [str(r / t / f"{name}.csv") for t in settings["targets"]]
                  for name in ("generator_check", "moments", "discriminators", "power_curve")}  # fmt: skip
    for k, t in enumerate(settings["targets"]):
        run(["e1-target", "--settings", e1_settings(config, "target"), *seed, "--target", t, *inputs,
             "--mismatch", per_target["generator_check"][k], "--moments", per_target["moments"][k],
             "--discriminators", per_target["discriminators"][k],
             "--provenance", str(r / t / "provenance.json")])  # fmt: skip
        run(["e1-power", "--settings", e1_settings(config, "power"), *seed, "--target", t, *inputs,
             "--curve", per_target["power_curve"][k]])  # fmt: skip
    f = out / "figures"
    run(["e1-outputs", "--profile", "smoke", "--table", str(r / "hypergraphs.csv"),
         "--certificates", str(r / "certificates.csv"), "--mismatch", *per_target["generator_check"],
         "--moments", *per_target["moments"], "--discriminators", *per_target["discriminators"],
         "--power", *per_target["power_curve"], "--power-curve", f / "e1_power_curve.pdf",
         "--claims", str(out / "claims" / "E1.csv"), "--z-heatmap", f / "e1_z_heatmap.pdf",
         "--accuracy-heatmap", f / "e1_accuracy_heatmap.pdf", "--w1-bound", f / "e1_w1_bound.pdf",
         "--detection-table", f / "e1_detection.md", "--moments-table", f / "e1_moments.md",
         "--w1-table", f / "e1_w1.md", "--check-table", f / "e1_generator_check.md"])  # fmt: skip


def in_process_determinism(seed: int, threads: int) -> None:
    """Like backend.enable_determinism, minus thread settings (TF refuses them once started)."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, repo_root):
    settings = smoke_settings(repo_root)
    runs = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("gantheory.backend.enable_determinism", in_process_determinism)
        for name in ("first", "second"):
            out = tmp_path_factory.mktemp(name)
            run_e1(out, settings)
            runs.append(out)
    return runs


def test_every_output_exists_and_the_claims_have_every_row(two_runs):
    out = two_runs[0]
    for name in ("e1_z_heatmap", "e1_accuracy_heatmap", "e1_w1_bound", "e1_power_curve"):
        for ext in ("pdf", "png"):
            assert (out / "figures" / f"{name}.{ext}").stat().st_size > 0
    for name in ("e1_detection", "e1_moments", "e1_w1", "e1_generator_check"):
        for ext in ("md", "tex", "csv"):
            assert (out / "figures" / f"{name}.{ext}").stat().st_size > 0
    claims = pd.read_csv(out / "claims" / "E1.csv")
    assert list(claims["claim_id"]) == [f"E1.{i}" for i in range(1, 7)]
    assert set(claims["verdict"]) <= {"PASS", "budget too small"}  # smoke never says FAIL
    assert claims.set_index("claim_id").loc["E1.1", "verdict"] == "PASS"  # exact: no budget excuses it
    table = pd.read_csv(out / "results" / "e1" / "hypergraphs.csv")
    clean = table[table["builder"] == "clean"]
    assert (clean["correlated_pairs"] == 0).all() and (clean["correlated_triples"] == 0).all()


def test_two_runs_give_byte_identical_files(two_runs):
    first, second = two_runs
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and p.suffix != ".json")
    assert len(files) >= 25
    for path in files:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path


def test_bad_settings_fail_with_the_key_named(tmp_path, repo_root):
    settings = {**smoke_settings(repo_root), "rows": ["clean-n99"]}
    with pytest.raises(ValueError, match="e1.rows names unknown generator 'clean-n99'"):
        run_e1(tmp_path, settings)
    assert not (tmp_path / "results" / "e1" / "hypergraphs.csv").exists()  # nothing half-written
    target = ["--seed", "1", "--hypergraphs", "x", "--table", "y", "--mismatch", "a", "--moments", "b",
              "--discriminators", "c", "--provenance", "d"]  # fmt: skip
    narrowed = e1_settings({"e1": smoke_settings(repo_root)}, "target")
    with pytest.raises(ValueError, match="unknown target 'ring'; expected one of"):
        run(["e1-target", "--settings", narrowed, "--target", "ring", *target])
    without_moments = json.dumps({k: v for k, v in json.loads(narrowed).items() if k != "moments"})
    with pytest.raises(ValueError, match="config key 'e1.moments' is missing"):
        run(["e1-target", "--settings", without_moments, "--target", "cube", *target])


def test_each_job_gets_only_the_keys_its_step_reads(repo_root):
    assert E1_STEP_KEYS == STEP_KEYS  # two lists (the glue may not import the package), kept equal here
    config = {"e1": smoke_settings(repo_root)}
    prepare, target, power = (json.loads(e1_settings(config, step)) for step in ("prepare", "target", "power"))
    assert "discriminators" not in prepare and "check" not in prepare  # a critic budget edit keeps the graphs
    assert "generators" not in target and "rows" not in target  # the rows arrive as e1-prepare's table
    assert "steps" not in power["discriminators"] and "check" not in power  # the budget edit keeps the curve
    assert set(prepare) | set(target) | set(power) == set(config["e1"])  # every key has a reader, and only these
