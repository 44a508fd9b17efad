"""Timings, written to benchmarks/results.md (a benchmark, not a test: nothing here can fail CI).

    python benchmarks/run.py                 # E3 dynamics throughput + the smoke DAG
    python benchmarks/run.py --dag default   # ... + the whole default DAG from nothing (about 25 min)
    python benchmarks/run.py --dag --from-run results --total 1500   # per-rule times of a finished run

Throughput is (initialisations × generator steps) per second of the batched NumPy dynamics; DAG
times are wall-clock of `snakemake --cores 2` in a fresh copy of the workflow, with the per-rule
times that Snakemake's `benchmark:` files recorded.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gantheory.experiments.e3.simulation import sample_means
from gantheory.provenance import package_versions
from gantheory.train.interval_dynamics import simulate

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results.md"


def dynamics_throughput() -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for dynamic, batch, steps, k in (
        ("optimal", 1000, 200, 1),
        ("first_order", 8000, 500, 1),
        ("first_order", 8000, 200, 5),
    ):
        mu0, mu_star = sample_means(batch, rng, 3.0, 1.0), sample_means(batch, rng, 3.0, 1.0)
        disc0 = np.sort(rng.uniform(-4, 4, (batch, 4)), 1)
        start = time.perf_counter()
        simulate(mu0, mu_star, disc0, dynamic=dynamic, gen_lr=0.1, disc_lr=0.1, steps=steps, disc_steps=k, records=10)
        seconds = time.perf_counter() - start
        rows.append(
            {
                "dynamics": f"{dynamic} (k={k})" if dynamic == "first_order" else dynamic,
                "initialisations": batch,
                "steps": steps,
                "seconds": round(seconds, 2),
                "init-steps/s": f"{batch * steps / seconds:,.0f}",
            }
        )
    return rows


def rule_times(benchmarks_dir: Path) -> pd.DataFrame:
    """Seconds per job from Snakemake's `benchmark:` files."""
    rows = []
    for tsv in sorted(benchmarks_dir.rglob("*.tsv")):
        seconds = pd.read_csv(tsv, sep="\t")["s"].iloc[0]
        rows.append(
            {"job": tsv.relative_to(benchmarks_dir).with_suffix("").as_posix(), "seconds": round(float(seconds), 1)}
        )
    return pd.DataFrame(rows)


def by_experiment(rules: pd.DataFrame) -> pd.DataFrame:
    """Job seconds summed per experiment (the rule-name prefix e1_..e5_; the rest is shared)."""
    prefix = rules["job"].str.extract(r"^(e\d)_", expand=False).str.upper().fillna("shared")
    summary = rules.groupby(prefix)["seconds"].agg(["count", "sum"]).reset_index()
    summary.columns = ["experiment", "jobs", "seconds"]
    summary["share"] = (summary["seconds"] / summary["seconds"].sum()).map("{:.0%}".format)
    return summary.sort_values("seconds", ascending=False)


def dag_time(profile: str) -> tuple[float, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("Snakefile", "workflow", "config", "environment.yml", "requirements", "pyproject.toml"):
            src = ROOT / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, Path(tmp) / name)
        args = [str(Path(sys.executable).parent / "snakemake"), "--cores", "2"]
        if profile != "default":
            args += ["--configfile", f"config/{profile}.yaml"]
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "GANTHEORY_PROGRESS": "0"}
        start = time.perf_counter()
        subprocess.run(args, cwd=tmp, env=env, check=True, capture_output=True)
        total = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run(args, cwd=tmp, env=env, check=True, capture_output=True)
        noop = time.perf_counter() - start
        return total, noop, rule_times(Path(tmp) / "results" / "benchmarks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dag", nargs="*", default=["smoke"], choices=["smoke", "default", "paper"])
    parser.add_argument("--from-run", type=Path, help="a finished run's results/ folder: report its per-rule times")
    parser.add_argument("--total", type=float, help="that run's measured wall-clock in seconds")
    parser.add_argument("--profile-name", default="default", help="profile of that finished run")
    args = parser.parse_args()
    lines = [
        "# Benchmarks",
        "",
        f"Rerun: `.venv/bin/python benchmarks/run.py {' '.join(sys.argv[1:])}`",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"numpy {package_versions().get('numpy')}.",
        "",
        "## E3 batched dynamics",
        "",
        pd.DataFrame(dynamics_throughput()).to_markdown(index=False),
        "",
    ]
    if args.from_run:
        rules = rule_times(args.from_run / "benchmarks")
        lines += [
            f"## Whole DAG, `{args.profile_name}` profile (`make reproduce`, from nothing, `--cores all` = 2)",
            "",
            f"Wall-clock {args.total:.0f} s; the jobs below sum to {rules['seconds'].sum():.0f} s of job time "
            "(two run side by side).",
            "",
            "Where the time goes (job seconds per experiment):",
            "",
            by_experiment(rules).to_markdown(index=False),
            "",
            rules.to_markdown(index=False),
            "",
        ]
    for profile in args.dag:
        total, noop, rules = dag_time(profile)
        lines += [
            f"## Whole DAG, `{profile}` profile, `--cores 2`",
            "",
            f"Wall-clock {total:.0f} s from nothing; a no-op rerun takes {noop:.1f} s.",
            "",
            rules.to_markdown(index=False),
            "",
        ]
        print(f"{profile}: {total:.0f} s", file=sys.stderr)
    OUT.write_text("\n".join(lines))
    print(OUT.read_text())


if __name__ == "__main__":
    main()
