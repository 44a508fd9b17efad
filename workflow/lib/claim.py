"""`make claim ID=E3.3`: rebuild one claim's experiment from nothing and print that claim's row.

Snakemake glue, run with the workflow's Python. Every job the claim depends on runs again
(`--forceall` on the experiment's claims file): the claim is recomputed, not looked up. The targets
come before any option that takes several values, so `--configfile` never swallows them.
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

WORKFLOW_DIR = Path(__file__).resolve().parents[2]
CLAIM_ID = re.compile(r"^E([1-5])\.(\d+)$")


def known_claims() -> list[str]:
    """The ids of the committed claims table (figures/claims.csv), in its order."""
    with (WORKFLOW_DIR / "figures/claims.csv").open(encoding="utf-8") as handle:
        return [row["claim_id"] for row in csv.DictReader(handle)]


def claims_file(claim_id: str) -> str:
    known = known_claims()
    if not CLAIM_ID.match(claim_id or "") or claim_id not in known:
        raise SystemExit(f"make claim: ID={claim_id!r} is not a claim id; expected one of: {' '.join(known)}")
    return f"results/claims/E{CLAIM_ID.match(claim_id).group(1)}.csv"


def show(claim_id: str, path: Path) -> int:
    if not path.exists():
        print(f"{path} was not written (a dry run plans jobs only)")
        return 0
    with path.open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["claim_id"] == claim_id)
    print(f"{claim_id}: {row['verdict']}\n  statement: {row['statement']}\n  measured:  {row['measured']}")
    print(f"  criterion: {row['criterion']}\n  evidence:  {row['evidence']}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claim_id", help="a claim id from figures/claims.md, e.g. E3.3")
    parser.add_argument("--profile", default="default", help="default, or smoke (into results-smoke/)")
    args = parser.parse_args(argv)
    target = claims_file(args.claim_id)
    command = [str(Path(sys.executable).parent / "snakemake"), "--cores", "all", "--forceall", target]
    workdir = Path(".")
    if args.profile != "default":
        profile = WORKFLOW_DIR / "config" / f"{args.profile}.yaml"
        if not profile.is_file():
            raise SystemExit(f"make claim: PROFILE={args.profile!r} has no config/{args.profile}.yaml")
        workdir = Path(f"results-{args.profile}")
        command += ["--configfile", str(profile), "--directory", str(workdir)]
    command += shlex.split(os.environ.get("SNAKEMAKE_ARGS", ""))
    print("+", shlex.join(command), flush=True)
    done = subprocess.run(command, check=False)
    if done.returncode:
        return done.returncode
    return show(args.claim_id, workdir / target)


if __name__ == "__main__":
    sys.exit(main())
