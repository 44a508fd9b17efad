"""Re-resolve requirements/cpu.in (``make lock``): the universal hashed lock, one resolution per
supported platform and Python, and environment.yml generated from the lock.

- ``cpu.lock``: ``uv pip compile --universal --generate-hashes`` (the existing lock is uv's list of
  preferred versions, so a re-lock moves only what must move).
- ``resolved/cpu-<platform>-py<version>.txt``: a strict resolution of cpu.in *constrained by the lock*
  for that platform and Python, wheels only (bar the pure-Python packages that publish no wheel,
  SDIST_ONLY). It fails if a pin has no wheel there; tests/test_locks.py checks that each file is
  exactly what the lock's markers select for that target, so the lock is known to install on all six.
- ``environment.yml``: requirements/make_environment.py.

Usage: python requirements/lock.py UV   (UV: the uv binary, e.g. .tools/uv/bin/uv)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_environment import lock_pins, write_environment  # noqa: E402

# (uv --python-platform, marker environment) for each supported platform; the same table the test uses.
PLATFORMS = {
    "linux-x86_64": "x86_64-manylinux_2_28",
    "linux-aarch64": "aarch64-manylinux_2_28",
    "macos-arm64": "aarch64-apple-darwin",
}
PYTHONS = ("3.11", "3.12")
# Pure-Python packages with no wheel on PyPI (an sdist only): built at install time on every platform.
SDIST_ONLY = ("connection-pool",)


def run(uv: str, *args: str) -> None:
    print("+", "uv", " ".join(args), flush=True)
    subprocess.run([uv, *args], check=True, cwd=HERE.parent)


def main(uv: str) -> None:
    run(uv, "pip", "compile", "requirements/cpu.in", "--universal", "--python-version", "3.11",
        "--generate-hashes", "--custom-compile-command", "make lock", "--quiet", "-o", "requirements/cpu.lock")
    wheels_only = [name for name in lock_pins(HERE / "cpu.lock") if name not in SDIST_ONLY]
    binary = [arg for name in sorted(set(wheels_only)) for arg in ("--only-binary", name)]
    for platform, target in PLATFORMS.items():
        for python in PYTHONS:
            out = f"requirements/resolved/cpu-{platform}-py{python}.txt"
            run(uv, "pip", "compile", "requirements/cpu.in", "--constraint", "requirements/cpu.lock",
                "--python-platform", target, "--python-version", python, *binary, "--no-annotate",
                "--custom-compile-command", f"make lock (target {platform}, Python {python})", "--quiet", "-o", out)
    write_environment(HERE / "cpu.lock", HERE.parent / "environment.yml")


if __name__ == "__main__":
    main(sys.argv[1])
