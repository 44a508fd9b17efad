"""Kill and resume: a training run stopped at any point and started again ends with the same outputs.

Library level (fast): a run interrupted by an exception after its k-th checkpoint, then restarted.
Process level (marked `pipeline`): the `e4-train` command the DAG runs, killed with SIGKILL at several
points, then run again with the same command line; its outputs are compared byte for byte with an
uninterrupted run (metrics without the wall-clock column, which no two runs share).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gantheory.config import load_yaml, merge
from gantheory.train.checkpoint import Checkpoint, CheckpointError
from gantheory.train.gan import WGANGP, GANConfig
from workflow.lib.paths import e4_train_settings

ROOT = Path(__file__).resolve().parents[2]
CONFIG = GANConfig(rule="alternating", n_critic=2, batch_size=16, gen_widths=(8,), critic_widths=(8,), seeds=2)


class Interrupted(Exception):
    pass


def _data():
    return np.random.default_rng(0).normal(size=(256, 2)).astype(np.float32)


def _train(checkpoint=None, stop_at=None):
    gan = WGANGP(CONFIG, _data(), seed=7)

    def evaluate(step, g):
        if stop_at is not None and step == stop_at:
            raise Interrupted
        return [{"step": step, "mean": float(g.sample(50, index=step).mean())}]

    log = gan.train(12, 3, evaluate, checkpoint=checkpoint)
    return log, [w for w in gan.generator.get_weights() + gan.critic.get_weights()]


@pytest.mark.parametrize("stop_at", [3, 9])
def test_a_resumed_run_ends_exactly_where_an_uninterrupted_one_does(tmp_path, stop_at):
    reference_log, reference_weights = _train()
    checkpoint = Checkpoint(tmp_path / "run.npz", "fingerprint-a")
    with pytest.raises(Interrupted):
        _train(checkpoint, stop_at=stop_at)
    assert checkpoint.path.exists()
    log, weights = _train(checkpoint)
    assert log.steps == reference_log.steps and log.evaluations == reference_log.evaluations
    for a, b in zip(weights, reference_weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not checkpoint.path.exists(), "a completed run removes its checkpoint"


def test_a_checkpoint_of_another_run_is_not_resumed(tmp_path):
    with pytest.raises(Interrupted):
        _train(Checkpoint(tmp_path / "run.npz", "other-run"), stop_at=6)
    _, reference_weights = _train()
    _, weights = _train(Checkpoint(tmp_path / "run.npz", "this-run"))
    for a, b in zip(weights, reference_weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_truncated_checkpoint_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "run.npz"
    with pytest.raises(Interrupted):
        _train(Checkpoint(path, "a"), stop_at=6)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CheckpointError, match=f"checkpoint file {path} is damaged.*Delete it"):
        _train(Checkpoint(path, "a"))


# --- the real thing: SIGKILL the command the DAG runs ----------------------------------------------


def _settings() -> dict:
    config = merge(load_yaml(ROOT / "config/config.yaml"), load_yaml(ROOT / "config/smoke.yaml"))
    e4 = config["e4"]
    e4["datasets"]["8gaussians"].update(budget=300, evaluations=5)  # 60 orig steps, a checkpoint every 12
    return e4


def _command(tmp: Path, out: str, data: Path, checkpoint: Path) -> list[str]:
    settings = e4_train_settings({"e4": _settings()}, "8gaussians", "orig")
    return [
        sys.executable, "-m", "gantheory", "--threads", "1", "e4-train", "--dataset", "8gaussians",
        "--variant", "orig", "--settings", settings, "--seed", "11", "--data", str(data),
        "--metrics", str(tmp / out / "metrics.csv"), "--samples", str(tmp / out / "samples.npz"),
        "--provenance", str(tmp / out / "provenance.json"), "--checkpoint", str(checkpoint),
    ]  # fmt: skip


def _saved_evaluations(checkpoint: Path) -> int:
    try:
        with np.load(checkpoint) as saved:
            return len(json.loads(str(saved["log"]))["steps"])
    except (OSError, ValueError, KeyError):
        return 0


def _run_until_killed(command: list[str], checkpoint: Path, evaluations: int) -> None:
    env = {**os.environ, "GANTHEORY_PROGRESS": "0"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _saved_evaluations(checkpoint) < evaluations:
        assert process.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _deterministic(out: Path) -> tuple[bytes, pd.DataFrame]:
    return (out / "samples.npz").read_bytes(), pd.read_csv(out / "metrics.csv").drop(columns="wall_clock_s")


@pytest.mark.pipeline
@pytest.mark.slow
def test_sigkill_at_several_points_then_rerun_gives_identical_outputs(tmp_path):
    env = {**os.environ, "GANTHEORY_PROGRESS": "0"}
    data = tmp_path / "data.npz"
    build = [sys.executable, "-m", "gantheory", "e4-dataset", "--name", "8gaussians", "--size", "4000"]
    subprocess.run([*build, "--seed", "11", "--out", str(data)], check=True, env=env)
    subprocess.run(_command(tmp_path, "reference", data, tmp_path / "unused.npz"), check=True, env=env)
    reference = _deterministic(tmp_path / "reference")
    for kill_after in (1, 4):  # right after the first checkpoint, one chunk before the end
        checkpoint = tmp_path / f"resume-{kill_after}.npz"
        command = _command(tmp_path, f"resumed-{kill_after}", data, checkpoint)
        _run_until_killed(command, checkpoint, kill_after)
        assert not (tmp_path / f"resumed-{kill_after}" / "samples.npz").exists()
        subprocess.run(command, check=True, env=env)
        samples, metrics = _deterministic(tmp_path / f"resumed-{kill_after}")
        assert samples == reference[0], f"samples differ after a kill at evaluation {kill_after}"
        pd.testing.assert_frame_equal(metrics, reference[1])
        assert not checkpoint.exists()
