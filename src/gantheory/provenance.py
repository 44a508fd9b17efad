"""What produced a result: package versions, platform, threads, seeds (written next to each run)."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

PACKAGES = (
    "numpy",
    "scipy",
    "pandas",
    "matplotlib",
    "seaborn",
    "tensorflow-cpu",
    "tensorflow",
    "keras",
    "POT",
    "snakemake",
)


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def provenance(**extra) -> dict:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "packages": package_versions(),
        "thread_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "PYTHONHASHSEED")},
        "command": sys.argv,
        **extra,
    }
