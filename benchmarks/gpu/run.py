"""The `paper` profile on JAX, for as long as a lent GPU machine allows; what it measured, into one report.

    python benchmarks/gpu/run.py --out DIR [--budget-s 480] [--profile config/paper.yaml] [--targets ...]

Runs Snakemake on each experiment's outputs target in turn — cheapest first — with `backend: jax`, each
under what is left of the budget: a target that finishes gives its claims (the verdicts it can judge);
one the budget stops leaves its finished jobs (their times) and its checkpoints. Writes DIR/report.md
(the device, each job's wall-clock from Snakemake's benchmarks, each judged claim's verdict and
numbers, and what the budget stopped) beside DIR/benchmarks/ and DIR/claims/. run.sh sets up the
machine first; on CPU (`--profile config/smoke.yaml`) the same script is the test of itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ["e2_outputs", "e5_outputs", "e1_outputs", "e4_outputs"]  # cheapest first (CPU timings of default)


def device() -> str:
    """What JAX computes on (asked in a child: this process never imports JAX)."""
    probe = "import jax; print(jax.__version__, jax.default_backend(), [str(d) for d in jax.devices()])"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    return out.stdout.strip() or f"JAX did not start: {out.stderr.strip()[-500:]}"


def run_target(target: str, args, workdir: Path, seconds: float) -> str:
    """'finished', 'stopped by the budget' or 'failed (exit N)': one Snakemake run of `target`."""
    command = [shutil.which("snakemake") or "snakemake", target, "--cores", str(args.cores), "--directory",
               str(workdir), "--rerun-incomplete", "--configfile", args.profile, "--config", "backend=jax"]  # fmt: skip
    log = (args.out / "logs").joinpath(f"{target}.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as stream:  # a session of its own: the budget stops Snakemake and every job it started
        snakemake = subprocess.Popen(command, cwd=ROOT, stdout=stream, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = snakemake.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(snakemake.pid, signal.SIGTERM)  # Snakemake marks its running jobs incomplete
            try:
                snakemake.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(snakemake.pid, signal.SIGKILL)
                snakemake.wait()
            return "stopped by the budget"
    return "finished" if code == 0 else f"failed (exit {code}; logs/{target}.log)"


def job_times(workdir: Path) -> list[tuple[str, float]]:
    """(job, wall-clock s) from every benchmark file Snakemake wrote."""
    rows = []
    for path in sorted((workdir / "results" / "benchmarks").rglob("*.tsv")):
        with path.open() as stream:
            first = next(csv.DictReader(stream, delimiter="\t"))
        rows.append((str(path.relative_to(workdir / "results" / "benchmarks").with_suffix("")), float(first["s"])))
    return rows


def verdicts(workdir: Path) -> list[dict]:
    rows = []
    for path in sorted((workdir / "results" / "claims").glob("E*.csv")):
        with path.open() as stream:
            rows += [{k: row[k] for k in ("claim_id", "verdict", "measured")} for row in csv.DictReader(stream)]
    return rows


def shorten(text: str, width: int = 160) -> str:
    """A claim's measured numbers, cut to a table cell (claims/*.csv beside the report holds them all)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def report(args, machine: str, outcomes: dict, workdir: Path, wall: float) -> str:
    lines = [f"# `{args.profile}` on JAX: {wall:.0f} s of a {args.budget_s:.0f} s budget", "",
             f"Device: {machine}", "", "| target | outcome |", "|---|---|"]  # fmt: skip
    lines += [f"| {target} | {outcome} |" for target, outcome in outcomes.items()]
    lines += ["", "| job | wall-clock s |", "|---|---|"]
    lines += [f"| {job} | {seconds:.1f} |" for job, seconds in job_times(workdir)]
    judged = verdicts(workdir)
    lines += ["", "| claim | verdict | measured |", "|---|---|---|"]
    lines += [f"| {row['claim_id']} | {row['verdict']} | {shorten(row['measured'])} |" for row in judged] or ["| — |"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="where the report, benchmarks and claims go")
    parser.add_argument("--budget-s", type=float, default=480.0, help="seconds for all targets together")
    parser.add_argument("--profile", default="config/paper.yaml", help="the profile's config file")
    parser.add_argument("--targets", nargs="+", default=TARGETS, choices=TARGETS, help="in this order")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--workdir", type=Path, help="Snakemake's --directory (default: OUT/run)")
    args = parser.parse_args(argv)
    if not (ROOT / args.profile).is_file():
        parser.error(f"--profile {args.profile}: no such file under {ROOT}")
    args.out.mkdir(parents=True, exist_ok=True)
    workdir = (args.workdir or args.out / "run").resolve()
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # jobs side by side share one GPU
    start, machine, outcomes = time.perf_counter(), device(), {}
    for target in args.targets:
        left = args.budget_s - (time.perf_counter() - start)
        outcomes[target] = run_target(target, args, workdir, left) if left > 30 else "not started (budget spent)"
    wall = time.perf_counter() - start
    for folder in ("benchmarks", "claims"):
        if (workdir / "results" / folder).is_dir():
            shutil.copytree(workdir / "results" / folder, args.out / folder, dirs_exist_ok=True)
    (args.out / "report.md").write_text(report(args, machine, outcomes, workdir, wall))
    (args.out / "outcomes.json").write_text(json.dumps({"device": machine, "outcomes": outcomes, "wall_s": wall}))
    print((args.out / "report.md").read_text())
    return 0 if all(not o.startswith("failed") for o in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
