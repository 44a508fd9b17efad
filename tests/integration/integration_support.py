"""Shared by the integration tests (container, Slurm, browser): tool checks and one host smoke run.

These tests drive real system tools (podman, debootstrap, Slurm, munge, Chromium). Where a tool is
missing (a developer's laptop) they skip and say which; CI (.ci/run) installs the tools first and sets
GANTHEORY_REQUIRE_INTEGRATION=1, which turns every such skip into a failure, so CI never skips silently.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from conftest import ROOT, copy_workflow  # noqa: E402

STRICT_ENV = "GANTHEORY_REQUIRE_INTEGRATION"
SMOKE = ("--cores", "2", "--configfile", "config/smoke.yaml")
TIMINGS = Path(os.environ.get("GANTHEORY_INTEGRATION_TIMINGS", Path(tempfile.gettempdir()) / "gantheory-timings.tsv"))


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "").strip() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip (laptop) or fail (CI, GANTHEORY_REQUIRE_INTEGRATION=1) with the same clear reason."""
    if strict():
        pytest.fail(f"{reason} ({STRICT_ENV} is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def require_tools(*tools: str, install: str) -> dict[str, str]:
    """Absolute paths of the tools, or skip/fail naming the missing ones and how to install them."""
    found = {tool: shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin") for tool in tools}
    missing = [tool for tool, path in found.items() if not path]
    if missing:
        unavailable(f"missing {', '.join(missing)}; install with: {install}")
    return found


def require_root(why: str) -> None:
    if os.geteuid() != 0:
        unavailable(f"needs root: {why}")


def record_timing(name: str, seconds: float) -> None:
    """Append a measured time (seconds) to the timings file, and show it in pytest's -ra summary."""
    try:
        with open(TIMINGS, "a") as handle:
            handle.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')}\t{name}\t{seconds:.1f}\n")
    except OSError:
        pass
    print(f"[timing] {name}: {seconds:.1f} s")


def run_logged(cmd, *, timeout: float, cwd=None, env=None, what: str) -> subprocess.CompletedProcess:
    """Run a command; on failure, fail with its command line and the tail of its output."""
    start = time.monotonic()
    try:
        result = subprocess.run(
            [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as error:
        out = (error.stdout or b"")[-3000:] if isinstance(error.stdout, bytes) else (error.stdout or "")[-3000:]
        pytest.fail(f"{what} timed out after {timeout:.0f} s: {' '.join(map(str, cmd))}\n{out}", pytrace=False)
    if result.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {result.returncode}) after {time.monotonic() - start:.0f} s:"
            f" {' '.join(map(str, cmd))}\n--- stdout ---\n{result.stdout[-4000:]}"
            f"\n--- stderr ---\n{result.stderr[-6000:]}",
            pytrace=False,
        )
    return result


def venv_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `make` gives jobs: the venv first on PATH, no progress bars."""
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", "GANTHEORY_PROGRESS": "0"}
    return {**env, **(extra or {})}


class HostSmokeRun:
    """The whole DAG on the smoke profile on the host, in a fresh copy of the workflow, started in the
    background (it overlaps with slow steps such as building the image) and shared by the tests."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.log = workdir.parent / f"{workdir.name}-snakemake.log"
        self.start = time.monotonic()
        with open(self.log, "w") as handle:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "snakemake"), *SMOKE],
                cwd=workdir, env=venv_env(), stdout=handle, stderr=subprocess.STDOUT,
            )
        self.seconds: float | None = None

    def wait(self, timeout: float = 1200) -> Path:
        """The finished run's folder (fails the calling test if the run failed)."""
        try:
            returncode = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"host smoke run exceeded {timeout} s; log: {self.log}", pytrace=False)
        if self.seconds is None:
            self.seconds = time.monotonic() - self.start
            record_timing("host smoke run (background)", self.seconds)
        if returncode != 0:
            pytest.fail(f"host smoke run failed:\n{self.log.read_text()[-5000:]}", pytrace=False)
        return self.workdir


@functools.cache
def host_smoke_run() -> HostSmokeRun:
    """One host smoke run per pytest session, in a temporary folder removed when Python exits."""
    base = Path(tempfile.mkdtemp(prefix="gantheory-host-smoke-"))
    run = HostSmokeRun(copy_workflow(base / "workflow"))

    def cleanup():
        if run.process.poll() is None:  # the session ended before anyone waited for it
            run.process.terminate()
            try:
                run.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                run.process.kill()
                run.process.wait()
        shutil.rmtree(base, ignore_errors=True)

    atexit.register(cleanup)
    return run


def figures_of(workdir: Path) -> dict[str, bytes]:
    """Every manifest-listed file of a run's figures/ (names relative to figures/), plus the manifest."""
    from gantheory import manifest

    figures = workdir / "figures"
    names = sorted(manifest.read_manifest(figures / "MANIFEST.sha256"))
    return {name: (figures / name).read_bytes() for name in [*names, "MANIFEST.sha256"]}


__all__ = [
    "ROOT",
    "SMOKE",
    "copy_workflow",
    "figures_of",
    "host_smoke_run",
    "record_timing",
    "require_root",
    "require_tools",
    "run_logged",
    "strict",
    "unavailable",
    "venv_env",
]
