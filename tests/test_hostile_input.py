"""Hostile input: every malformed config, missing or damaged file gives one clear message that names the
key or file and what was expected, a non-zero exit, and no partial output. Corrupted intermediates are
reported while parsing (never deleted), refused by the jobs that read them, and rebuilt on request.
(More cases: tests/test_config.py, tests/test_workflow_glue.py and tests/pipeline/test_smoke_dag.py.)"""

from __future__ import annotations

import pytest
from conftest import copy_workflow, snakemake

from gantheory.cli import main
from gantheory.config import load_yaml, merge
from gantheory.data.store import build_dataset, save_dataset
from workflow.lib.paths import e4_train_settings

# --- damaged and missing files reach the commands: exit 2, one line naming the file --------------------


@pytest.fixture
def train_args(repo_root, tmp_path, monkeypatch):
    # In-process: TensorFlow may already run with other thread counts (it refuses to change them then);
    # the checks under test come after seeding, so seed without touching the thread pools.
    import keras

    monkeypatch.setattr("gantheory.backend.enable_determinism", lambda s, t: keras.utils.set_random_seed(s))
    config = merge(load_yaml(repo_root / "config/config.yaml"), load_yaml(repo_root / "config/smoke.yaml"))
    data = tmp_path / "data" / "8gaussians.npz"
    save_dataset(data, build_dataset("8gaussians", 500, 3), {"name": "8gaussians"})
    out = tmp_path / "out"
    args = ["e4-train", "--dataset", "8gaussians", "--variant", "orig", "--settings"]
    args += [e4_train_settings(config, "8gaussians", "orig")]
    args += ["--seed", "3", "--metrics", str(out / "m.csv"), "--samples", str(out / "s.npz")]
    return {"args": args + ["--provenance", str(out / "p.json")], "data": data, "out": out}


def _fails_naming(args, capsys, out, *words):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and err.count("\n") == 0, err
    for word in words:
        assert str(word) in err, err
    assert not out.exists() or not any(out.iterdir()), "no partial output"


def test_a_corrupted_dataset_is_refused(train_args, capsys):
    data = train_args["data"]
    raw = bytearray(data.read_bytes())
    raw[-100] ^= 0xFF
    data.write_bytes(bytes(raw))
    _fails_naming([*train_args["args"], "--data", str(data)], capsys, train_args["out"], data, "is corrupted")


def test_a_dataset_without_its_checksum_record_is_refused(train_args, capsys):
    (train_args["data"].parent / "8gaussians.npz.sha256.json").unlink()
    args = [*train_args["args"], "--data", str(train_args["data"])]
    _fails_naming(args, capsys, train_args["out"], train_args["data"], "sidecar", "missing")


def test_a_missing_or_unreadable_data_file_is_refused(train_args, capsys, tmp_path):
    absent = tmp_path / "absent.npz"
    _fails_naming([*train_args["args"], "--data", str(absent)], capsys, train_args["out"], absent)
    folder = tmp_path / "folder.npz"  # root reads any file, so "unreadable" here is a directory in its place
    folder.mkdir()
    (tmp_path / "folder.npz.sha256.json").write_text('{"sha256": "0"}')
    _fails_naming([*train_args["args"], "--data", str(folder)], capsys, train_args["out"], folder)


def test_a_truncated_checkpoint_is_refused(train_args, capsys, tmp_path):
    checkpoint = tmp_path / "ckpt.npz"
    checkpoint.write_bytes(b"PK\x03\x04 truncated")
    args = [*train_args["args"], "--data", str(train_args["data"]), "--checkpoint", str(checkpoint)]
    _fails_naming(args, capsys, train_args["out"], checkpoint, "is damaged", "Delete it")


def test_settings_of_the_wrong_shape_name_the_option(train_args, capsys):
    args = [*train_args["args"], "--data", str(train_args["data"])]
    args[args.index("--settings") + 1] = "[1, 2]"
    _fails_naming(args, capsys, train_args["out"], "--settings")


# --- a corrupted intermediate is reported, refused by the job that reads it, and rebuilt on request ----


@pytest.mark.pipeline
@pytest.mark.slow
def test_a_corrupted_intermediate_is_reported_refused_and_rebuilt(tmp_path):
    workdir = copy_workflow(tmp_path)
    target = "results/e4/train/25gaussians/orig/samples.npz"
    smoke = (target, "--cores", "2", "--configfile", "config/smoke.yaml")
    first = snakemake(workdir, *smoke)
    assert first.returncode == 0, first.stderr[-3000:]
    samples = (workdir / target).read_bytes()
    data = workdir / "results/data/25gaussians.npz"
    original = data.read_bytes()
    damaged = original[:-64] + bytes(64)
    data.write_bytes(damaged)
    (workdir / target).unlink()  # a job that needs the dataset again (Snakemake skips unneeded intermediates)

    dry = snakemake(workdir, *smoke, "--dry-run")
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert "results/data/25gaussians.npz did not match its SHA-256 record" in dry.stdout + dry.stderr
    assert data.read_bytes() == damaged, "a dry run only warns: it deletes and rewrites nothing"

    refused = snakemake(workdir, *smoke)
    assert refused.returncode != 0, "the training job must refuse the corrupted dataset"
    log = (workdir / "logs/e4_train/25gaussians/orig.log").read_text()
    assert "results/data/25gaussians.npz is corrupted" in log, log[-2000:]
    assert not (workdir / target).exists(), "no output from a refused input"

    rebuild = snakemake(
        workdir, "--cores", "2", "--configfile", "config/smoke.yaml", "--force", str(data.relative_to(workdir))
    )
    assert rebuild.returncode == 0, rebuild.stderr[-3000:]
    assert data.read_bytes() == original, "the dataset is rebuilt byte for byte"
    again = snakemake(workdir, *smoke)
    assert again.returncode == 0, again.stderr[-3000:]
    assert (workdir / target).read_bytes() == samples
