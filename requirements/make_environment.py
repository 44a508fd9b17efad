"""environment.yml, generated from requirements/cpu.lock (``make lock``; tests/test_locks.py checks it).

Self-contained: every pin of the lock inline in the pip section, with its environment marker and
hashes, so the file works wherever it is copied (``conda env create -f environment.yml``, Snakemake's
``--software-deployment-method conda``). The package itself is not installed there: the workflow's jobs
find it through PYTHONPATH (workflow/rules/common.smk).

Usage: python requirements/make_environment.py [LOCK [OUT]]   (defaults: requirements/cpu.lock, environment.yml)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# conda-forge's Python for the environment: the version the committed figures were made with.
CONDA_PYTHON = "3.11"

HEADER = """\
# GENERATED from requirements/cpu.lock by requirements/make_environment.py (make lock): do not edit.
# Conda/mamba: `conda env create -f environment.yml` (Linux x86_64/aarch64, macOS arm64). The pip
# section holds the lock's exact pins, markers and hashes inline (pip checks every hash), so this file
# needs nothing beside it. Snakemake rules use it with `conda:` (--software-deployment-method conda);
# there the package is not installed: jobs import it from the repository's src/ (PYTHONPATH).
"""


def lock_entries(lock: Path) -> list[str]:
    """The lock's requirements, one string each: 'name==version ; marker --hash=sha256:… …'."""
    entries: list[str] = []
    current = ""
    for raw in lock.read_text().splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("--hash") else raw.strip()
        if not line:
            continue
        continued = line.endswith("\\")
        line = line.rstrip("\\").strip()
        current = f"{current} {line}".strip()
        if not continued:
            entries.append(current)
            current = ""
    if current:
        entries.append(current)
    return entries


def lock_pins(lock: Path) -> dict[str, str]:
    """name (normalised) -> version, for each entry (a name pinned twice under markers keeps the last)."""
    pins = {}
    for entry in lock_entries(lock):
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", entry)
        if m:
            pins[re.sub(r"[-_.]+", "-", m[1]).lower()] = m[2]
    return pins


def render(lock: Path) -> str:
    lines = [HEADER, "name: gantheory", "channels:", "  - conda-forge", "dependencies:",
             f"  - python={CONDA_PYTHON}", "  - pip", "  - pip:"]
    for entry in lock_entries(lock):
        quoted = "'" + entry.replace("'", "''") + "'"
        lines.append(f"      - {quoted}")
    return "\n".join(lines) + "\n"


def write_environment(lock: Path, out: Path) -> None:
    out.write_text(render(lock))


if __name__ == "__main__":
    args = sys.argv[1:]
    write_environment(Path(args[0]) if args else HERE / "cpu.lock",
                      Path(args[1]) if len(args) > 1 else HERE.parent / "environment.yml")
