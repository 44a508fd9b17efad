"""Every shell command the README shows runs as written, in a fresh clone, the way a newcomer types it.

Fast commands run fully; long ones run with the Makefile's `SNAKEMAKE_ARGS=--dry-run` (set in the
environment, the command itself unchanged) and must plan the expected jobs; `make test` is this very
suite; commands that need a finished smoke run are run verbatim by .ci/run after `make smoke`. A README
command this file does not classify fails the test, so a new one forces a decision.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

FENCE = re.compile(r"^```(?:bash|sh|shell|console)\n(.*?)^```", re.MULTILINE | re.DOTALL)
DRY = {"SNAKEMAKE_ARGS": "--dry-run"}


def readme_commands(text: str) -> list[str]:
    """The commands of every shell block, without their trailing comments."""
    commands = []
    for block in FENCE.findall(text):
        for line in block.splitlines():
            command = line.split("  #")[0].split(" # ")[0].strip().removeprefix("$ ")
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


def _plans(*jobs):
    def check(done, clone):
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "This was a dry-run" in done.stdout + done.stderr
        for job in jobs:
            assert re.search(rf"^{job}\s+\d+$", done.stdout + done.stderr, re.MULTILINE), f"{job} not planned"

    return DRY, check


def _claim_row(done, clone):
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"^E3\.3: (PASS|FAIL|budget too small)", done.stdout, re.MULTILINE), done.stdout[-2000:]
    assert (clone / "results-smoke/results/claims/E3.csv").exists()


def _report_refuses(done, clone):
    assert done.returncode != 0 and "run make reproduce first" in done.stdout + done.stderr
    assert not (clone / "report.html").exists()


def _in_ci(command):
    def check(done, clone):
        ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
        assert re.search(rf"^{re.escape(command)}$", ci, re.MULTILINE), f".ci/run does not run {command!r}"

    return check


# command → (extra environment, check of the result); None as environment: not run here (see check)
HOW = {
    "make reproduce": _plans("e1_target", "e4_train", "e5_train", "claims_table", "manifest"),
    "make test": (None, lambda done, clone: None),  # this suite itself (CI runs it)
    "make smoke": _plans("e3_simulate", "e4_train", "claims_table", "manifest"),
    "cat results-smoke/figures/claims.md": (None, _in_ci("make smoke")),
    "make report-smoke": (None, _in_ci("make report-smoke")),
    "make claim ID=E3.3": _plans("e3_simulate", "e3_claims"),
    "make claim ID=E3.3 PROFILE=smoke": ({}, _claim_row),
    "make report": ({}, _report_refuses),
    "make verify": _plans("e4_train", "manifest"),
}


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A fresh clone of HEAD sharing this run's venv (never reinstalled: lock and pyproject look old)."""
    clone = tmp_path_factory.mktemp("readme") / "gantheory"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    (clone / ".venv").symlink_to(Path(sys.prefix))
    for name in ("requirements/cpu.lock", "pyproject.toml"):
        os.utime(clone / name, (946684800, 946684800))  # 2000-01-01: older than .venv/.installed
    return clone


def test_every_readme_command_is_classified():
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "make reproduce" in commands and "make test" in commands
    unknown = [c for c in commands if c not in HOW]
    assert not unknown, f"README commands with no test (add them to HOW): {unknown}"


@pytest.mark.parametrize("command", readme_commands((ROOT / "README.md").read_text(encoding="utf-8")))
def test_a_readme_command_works_as_written(command, clone):
    env, check = HOW.get(command, (None, None))
    assert check is not None, f"README command {command!r} is not classified"
    if env is None:
        check(None, clone)
        return
    environment = {k: v for k, v in os.environ.items() if k not in ("SNAKEMAKE_ARGS", "PYTHONPATH")}
    done = subprocess.run(
        command, shell=True, cwd=clone, env={**environment, **env}, capture_output=True, text=True, timeout=900
    )
    check(done, clone)


def test_the_citation_file_has_what_cff_requires():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors"):
        assert cff.get(key), f"CITATION.cff lacks {key!r}"
    assert cff["cff-version"] == "1.2.0" and all("name" in a or "family-names" in a for a in cff["authors"])
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8") and cff["license"] == "MIT"


def test_the_readme_fits_in_a_head():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 150
