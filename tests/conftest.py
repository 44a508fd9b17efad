"""Shared fixtures: the repository root and a runner for the Snakemake DAG in a scratch copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ("Snakefile", "workflow", "config", "environment.yml", "requirements", "pyproject.toml")


def copy_workflow(dest: Path) -> Path:
    """A fresh copy of what a clone holds for the DAG (no results, no figures)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    return dest


def snakemake(workdir: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the venv's snakemake in `workdir` with the venv first on PATH (as `make` does)."""
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", "GANTHEORY_PROGRESS": "0"}
    return subprocess.run(
        [str(bindir / "snakemake"), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
