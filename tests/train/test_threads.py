"""Thread count: a training run on 1 and on 2 TensorFlow threads gives the same bytes (measured here for
the toy MLPs; oneDNN may split larger matrix products differently, so the config fixes `threads` anyway)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gantheory.config import load_yaml, merge
from workflow.lib.paths import e4_train_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_one_and_two_threads_train_the_same_bits(tmp_path):
    env = {**os.environ, "GANTHEORY_PROGRESS": "0"}
    settings = merge(load_yaml(ROOT / "config/config.yaml"), load_yaml(ROOT / "config/smoke.yaml"))["e4"]
    gantheory = [sys.executable, "-m", "gantheory"]
    data = tmp_path / "g.npz"
    build = ["e4-dataset", "--name", "8gaussians", "--size", "4000", "--seed", "5", "--out", str(data)]
    subprocess.run([*gantheory, *build], check=True, env=env)
    train_settings = e4_train_settings({"e4": settings}, "8gaussians", "orig")
    for threads in (1, 2):
        out = tmp_path / str(threads)
        subprocess.run(
            [*gantheory, "--threads", str(threads), "e4-train", "--dataset", "8gaussians", "--variant", "orig",
             "--settings", train_settings, "--seed", "5", "--data", str(data), "--metrics", str(out / "m.csv"),
             "--samples", str(out / "s.npz"), "--provenance", str(out / "p.json")],
            check=True, env=env,
        )  # fmt: skip
    assert (tmp_path / "1" / "s.npz").read_bytes() == (tmp_path / "2" / "s.npz").read_bytes()
