"""Seed robustness: judge the claims again on other root seeds and tabulate claim × seed → verdict.

`make seeds` runs each experiment's claims (`results/claims/EN.csv`) with `--config seed=S` in its own
folder `results-seed-S/`, then writes `docs/seed_robustness_table.md` beside the committed default run
(figures/claims.csv, the config's own seed). Not part of `make reproduce`: it costs one default run of
the chosen experiments per seed. The seeds are fixed here, chosen before any result was seen.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

WORKFLOW_DIR = Path(__file__).resolve().parents[2]
OTHER_SEEDS = (1, 2)  # two root seeds besides the config's own; any integers would do
EXPERIMENTS = ("E1", "E2", "E3", "E4", "E5")
FIRST_NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?(?:/\d+)?%?")


def run(seed: int, experiments, extra: list[str]) -> int:
    targets = [f"results/claims/{e}.csv" for e in experiments]
    command = [str(Path(sys.executable).parent / "snakemake"), "--cores", "all", *targets]
    command += ["--config", f"seed={seed}", "--directory", f"results-seed-{seed}", *extra]
    print("+", shlex.join(command), flush=True)
    # the rules call `python` from PATH: this interpreter's folder first, as `make seeds` would set it
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    return subprocess.run(command, check=False, env=env).returncode


def _read(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        return {row["claim_id"]: row for row in csv.DictReader(handle)}


def key_number(measured: str) -> str:
    """The first number the `measured` column states: enough to see how far a verdict moved."""
    match = FIRST_NUMBER.search(measured or "")
    return match.group(0) if match else "–"


def table(seeds, experiments) -> str:
    """Markdown: one row per claim, one column per seed (verdict, first measured number), stable or not."""
    root = yaml.safe_load((WORKFLOW_DIR / "config/config.yaml").read_text(encoding="utf-8"))["seed"]
    columns = {root: _read(WORKFLOW_DIR / "figures/claims.csv")}
    for seed in seeds:
        rows = {}
        for experiment in experiments:
            path = Path(f"results-seed-{seed}/results/claims/{experiment}.csv")
            if not path.exists():
                raise SystemExit(f"{path} is missing: run `make seeds` (or this script's `run`) for seed {seed} first")
            rows.update(_read(path))
        columns[seed] = rows
    claims = [c for c in columns[root] if c.split(".")[0] in experiments]
    head = "| claim | " + " | ".join(f"seed {s}" for s in columns) + " | seed-stable |"
    lines = [head, "|" + "---|" * (len(columns) + 2)]
    for claim in claims:
        cells = [columns[s].get(claim) for s in columns]
        verdicts = {c["verdict"] if c else "missing" for c in cells}
        text = [f"{c['verdict']} ({key_number(c['measured'])})" if c else "missing" for c in cells]
        lines.append(f"| {claim} | " + " | ".join(text) + f" | {'yes' if len(verdicts) == 1 else 'NO'} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["run", "table"])
    parser.add_argument("--experiments", nargs="+", default=list(EXPERIMENTS), choices=EXPERIMENTS)
    parser.add_argument("--seeds", nargs="+", type=int, default=list(OTHER_SEEDS))
    parser.add_argument("--out", default=str(WORKFLOW_DIR / "docs/seed_robustness_table.md"))
    args = parser.parse_args(argv)
    if args.action == "run":
        extra = shlex.split(os.environ.get("SNAKEMAKE_ARGS", ""))
        return max(run(seed, args.experiments, extra) for seed in args.seeds)
    Path(args.out).write_text(table(args.seeds, args.experiments), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
