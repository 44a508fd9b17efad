"""Progress you can see: one plain line per evaluation in a job's log (step/total, metric, elapsed, ETA);
tqdm bars only on a terminal; nothing of it in the results."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

from gantheory import progress
from gantheory.train.gda import run_training
from workflow.lib.paths import e4_train_settings

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"step (\d+)/(\d+) \(\d+%\) .*\| elapsed [\d.:]+ (s|min) \| ETA ([\d.:]+ (s|min)|\?)$")


def fake_training(steps: int, eval_every: int, caplog):
    def train_steps(n):
        return np.full(2, -0.5), np.zeros(2)

    def evaluate(step):
        return [{"seed": k, "metric": "fd", "value": 10.0 - step + k} for k in range(2)]

    with caplog.at_level(logging.INFO, logger="gantheory.progress"):
        log = run_training(train_steps, 2, steps, eval_every, evaluate, label="toy run", metric="fd")
    return log, [r.getMessage() for r in caplog.records if r.name == "gantheory.progress"]


def test_run_training_logs_one_line_per_evaluation_with_step_metric_elapsed_and_eta(caplog):
    log, lines = fake_training(8, 2, caplog)
    assert len(lines) == len(log.evaluations) == 5
    for line, step in zip(lines, (0, 2, 4, 6, 8), strict=True):
        assert line.startswith(f"toy run: step {step}/8 ")
        assert LINE.search(line), line
        assert f"median fd {10.0 - step + 0.5:.4g}" in line
    assert "ETA ?" in lines[0] and "ETA 0.0 s" in lines[-1]
    assert "critic loss -0.5" in lines[1]
    assert all("ETA ?" not in line for line in lines[1:])


def test_diverged_seeds_are_counted_in_the_line():
    rows = [{"seed": 0, "metric": "fd", "value": 2.0}, {"seed": 1, "metric": "diverged", "value": 1.0}]
    assert progress.summary(rows, "fd") == {"median fd": 2.0, "diverged": 1}
    rows = [{"generator": g, "level": 3, "metric": "mmd", "value": v} for g, v in (("raw", 1.0), ("ema", 3.0))]
    assert progress.summary(rows, "mmd", generator="ema") == {"median mmd (generator=ema)": 3.0}
    assert progress.summary({"step": 2}, "fd") == {}  # an evaluation of another shape: no headline


def test_lines_are_written_without_a_terminal_and_bars_only_with_one(monkeypatch):
    monkeypatch.delenv("GANTHEORY_PROGRESS", raising=False)
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stderr", captured)
    assert not progress.progress_enabled()  # a log file is not a terminal: no bar
    bar = progress.Progress(4, "no tty")
    bar.update(2)
    bar.log(2, {"median fd": 1.25})
    bar.close()
    text = captured.getvalue()
    assert "no tty: step 2/4 (50%) | median fd 1.25 | elapsed" in text and "ETA" in text
    assert "\r" not in text  # no tqdm redraws in the log
    monkeypatch.setenv("GANTHEORY_PROGRESS", "0")  # what the Makefile sets: bars off, lines still on
    progress.Progress(1, "off").log(1)
    assert "off: step 1/1 (100%)" in captured.getvalue()
    monkeypatch.setenv("GANTHEORY_PROGRESS", "1")
    assert progress.progress_enabled()


def test_a_tiny_training_job_writes_its_progress_to_its_log_file_and_not_to_its_results(tmp_path):
    """As a Snakemake rule runs it: `python -m gantheory ... > {log} 2>&1`."""
    env = {**os.environ, "GANTHEORY_PROGRESS": "0", "PYTHONPATH": str(ROOT / "src"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    gantheory = [sys.executable, "-m", "gantheory", "--threads", "1"]
    data = tmp_path / "g.npz"
    build = ["e4-dataset", "--name", "8gaussians", "--size", "500", "--seed", "3", "--out", str(data)]
    subprocess.run([*gantheory, *build], check=True, env=env, capture_output=True)
    dataset = {"kind": "toy", "size": 500, "variants": ["sgda"], "gp_weight": 0.1, "beta_1": 0.5, "beta_2": 0.9,
               "latent_dim": 2, "widths": [8], "batch_size": 16, "budget": 8, "evaluations": 4,
               "eval_samples": 100}  # fmt: skip
    settings = {"seeds": 2, "variants": {"sgda": {"rule": "simultaneous", "n_critic": 1, "lr_d": 1e-4, "lr_g": 1e-4}},
                "datasets": {"8gaussians": dataset}}  # fmt: skip
    out = tmp_path / "run"
    log = tmp_path / "e4_train.log"
    with open(log, "w") as handle:
        subprocess.run(
            [*gantheory, "e4-train", "--dataset", "8gaussians", "--variant", "sgda", "--settings",
             e4_train_settings({"e4": settings}, "8gaussians", "sgda"),
             "--seed", "3", "--data", str(data), "--metrics", str(out / "metrics.csv"), "--samples",
             str(out / "samples.npz"), "--provenance", str(out / "provenance.json")],
            check=True, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    lines = [line for line in log.read_text().splitlines() if "E4 8gaussians sgda: step" in line]
    steps = [int(LINE.search(line).group(1)) for line in lines]
    assert steps == [0, 1, 2, 3, 4] and all(f"/{4}" in line for line in lines)  # budget 8 / (1 + 1) = 4 steps
    assert all("median fd" in line and "ETA" in line for line in lines)
    assert "ETA 0.0 s" in lines[-1]
    for result in ("metrics.csv", "provenance.json"):
        assert "step 0/" not in (out / result).read_text()
