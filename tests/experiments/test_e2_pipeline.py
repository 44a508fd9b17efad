"""E2 end to end on smoke-sized settings: the CLI commands in sequence, twice, byte for byte."""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import filecmp  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from gantheory.cli import _call_step, build_parser  # noqa: E402
from gantheory.experiments.e2.settings import STEP_KEYS  # noqa: E402
from workflow.lib.paths import E2_STEP_KEYS, e2_settings  # noqa: E402

# The smoke profile's e2 section in miniature (config/smoke.yaml drives the DAG test in tests/pipeline); the
# trained-coefficient family is left to test_e2_moments, to keep this test's two runs short.
SMOKE = {
    "seeds": 2,
    "particles": 100,
    "eval_samples": 200,
    "moment_orders": 4,
    "bandwidth_factor": 1.0,
    "floor_repeats": 5,
    "targets": {"bimodal": {"weights": [0.5, 0.5], "means": [-2.0, 2.0], "sds": [0.5, 0.5]}},  # one: half the panels
    "init": {"low": -1.0, "high": 1.0},
    "generators": {
        "particles": {"lr": 0.01, "lr_final": 0.1, "beta_1": 0.5, "beta_2": 0.9},
        "mlp": {"widths": [4], "latent_dim": 1, "lr": 0.003, "lr_final": 0.1, "beta_1": 0.5, "beta_2": 0.9},
    },
    "families": {
        "polynomial": {"kind": "polynomial", "inner": "closed_form", "degrees": [2, 4], "batch_size": 100,
                       "steps": 6, "evaluations": 2},
        "relu": {"kind": "relu", "inner": "closed_form", "features": 16, "batch_size": 100, "steps": 6,
                 "evaluations": 2},
        "mmd": {"kind": "mmd", "batch_size": 32, "steps": 6, "evaluations": 2},
        "wgan_gp": {"kind": "wgan_gp", "widths": [4], "gp_weight": 0.1, "rule": "alternating", "n_critic": 1,
                    "lr_d": 1e-3, "beta_1": 0.5, "beta_2": 0.9, "batch_size": 32, "steps": 6, "evaluations": 2},
    },
    "exact": {"gauss_hermite": [2, 3], "dirac_max": 20},
}  # fmt: skip
SEED = 20261123


def run_cli(*argv: str) -> None:
    """One command as the CLI runs it, errors raised rather than turned into an exit code."""
    _call_step(build_parser().parse_args(list(argv)))


def narrow(settings: dict, step: str, generator: str | None = None) -> str:
    """What the rule passes the step: its keys of `e2` only."""
    return e2_settings({"e2": settings}, step, generator)


def run_e2(root: Path, settings: dict) -> None:
    """exact → train (each generator kind) → outputs, with the paths the Snakemake rules use."""
    r = root / "results" / "e2"
    run_cli("e2-exact", "--settings", narrow(settings, "exact"), "--seed", str(SEED),
            "--gauss-hermite", str(r / "gauss_hermite.csv"), "--dirac", str(r / "dirac.csv"),
            "--floors", str(r / "floors.csv"))  # fmt: skip
    for generator in ("particles", "mlp"):
        out = r / "train" / generator
        run_cli("--threads", "1", "e2-train", "--generator", generator, "--settings",
                narrow(settings, "train", generator), "--seed", str(SEED),
                "--metrics", str(out / "metrics.csv"), "--samples", str(out / "samples.npz"),
                "--provenance", str(out / "provenance.json"))  # fmt: skip
    f = root / "figures"
    run_cli("e2-outputs", "--settings", narrow(settings, "outputs"), "--gauss-hermite",
            str(r / "gauss_hermite.csv"), "--dirac", str(r / "dirac.csv"), "--floors", str(r / "floors.csv"),
            "--metrics", *(str(r / "train" / g / "metrics.csv") for g in ("particles", "mlp")), "--samples",
            *(str(r / "train" / g / "samples.npz") for g in ("particles", "mlp")), "--profile", "smoke",
            "--claims", str(root / "results" / "claims" / "E2.csv"), "--densities", str(f / "e2_densities.pdf"),
            "--trajectories", str(f / "e2_trajectories.pdf"), "--topology", str(f / "e2_topology.pdf"),
            "--gaps-table", str(f / "e2_moment_gaps.md"),
            "--gauss-hermite-table", str(f / "e2_gauss_hermite.md"))  # fmt: skip


FIGURES = [f"e2_{n}.{e}" for n in ("densities", "trajectories", "topology") for e in ("pdf", "png")]
TABLES = [f"e2_{n}.{e}" for n in ("moment_gaps", "gauss_hermite") for e in ("md", "tex", "csv")]


def test_e2_end_to_end_twice_gives_identical_files(tmp_path):
    # One fresh process for both runs, as each job is in the DAG: TensorFlow's thread pools can only be set
    # (`--threads 1`) before TensorFlow starts, and other tests in this process may have started it.
    env = {**os.environ, "GANTHEORY_PROGRESS": "0", "PYTHONPATH": str(Path(__file__).parents[2])}  # workflow.lib
    done = subprocess.run([sys.executable, __file__, str(tmp_path)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    first, second = tmp_path / "a", tmp_path / "b"
    for name in FIGURES + TABLES:
        assert (first / "figures" / name).stat().st_size > 0, name
    claims = pd.read_csv(first / "results" / "claims" / "E2.csv")
    assert list(claims["claim_id"]) == ["E2.1", "E2.2", "E2.3", "E2.4", "E2.5"]
    verdicts = claims.set_index("claim_id")["verdict"]
    assert verdicts["E2.1"] == "PASS" and verdicts["E2.5"] == "PASS"  # exact: no budget involved
    assert set(verdicts) <= {"PASS", "FAIL", "budget too small"}
    assert claims["measured"].str.len().gt(10).all()
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and p.name != "provenance.json")
    assert len(files) == len(FIGURES) + len(TABLES) + 3 + 2 * 2 + 1
    different = [str(p) for p in files if not filecmp.cmp(first / p, second / p, shallow=False)]
    assert different == []
    with np.load(first / "results/e2/train/particles/samples.npz") as samples:
        assert len(samples.files) == (2 + 1 + 1 + 1) * 2 and all("/particles/" in k for k in samples.files)
    record = json.loads((first / "results/e2/train/mlp/provenance.json").read_text())
    assert set(record["wall_clock_s"]) == set(SMOKE["families"]) and record["threads"] == 1


def test_the_rules_pass_each_step_the_keys_it_checks():
    assert E2_STEP_KEYS == STEP_KEYS  # two lists (the glue may not import the package), kept equal here
    train = json.loads(e2_settings({"e2": SMOKE}, "train", "mlp"))
    assert set(train) == set(STEP_KEYS["train"]) and set(train["generators"]) == {"mlp"}
    assert "exact" not in train and "families" not in json.loads(e2_settings({"e2": SMOKE}, "exact"))


def test_bad_settings_name_the_key(tmp_path):
    bad = {k: v for k, v in SMOKE.items() if k != "particles"}
    with pytest.raises(ValueError, match="'e2.particles' is missing"):
        run_cli("e2-exact", "--settings", json.dumps(bad), "--seed", "1", "--gauss-hermite", str(tmp_path / "g.csv"),
                "--dirac", str(tmp_path / "d.csv"), "--floors", str(tmp_path / "f.csv"))  # fmt: skip
    with pytest.raises(ValueError, match="not valid JSON"):
        run_cli("e2-exact", "--settings", "{", "--seed", "1", "--gauss-hermite", "g", "--dirac", "d", "--floors", "f")
    assert not any(tmp_path.iterdir())  # nothing half-written


if __name__ == "__main__":  # the two runs of the end-to-end test, in their own process
    root = Path(sys.argv[1])
    run_e2(root / "a", SMOKE)
    run_e2(root / "b", SMOKE)
