"""The wheels a lent GPU machine lacks, collected here (with network) into benchmarks/gpu/wheels/.

    .venv/bin/python benchmarks/gpu/wheels.py [--list]

The machines this project can borrow run Python 3.12 with JAX (CUDA) and PyTorch, and fetch nothing;
each call carries at most 64 MiB (the working tree included). So what travels is the pinned versions of
requirements/gpu-jax.lock for Linux x86_64 / Python 3.12, hash-checked, minus what is there already or
is not needed to run the `paper` jobs: JAX and its CUDA half (the machine's own), NumPy, SciPy and the
other JAX dependencies, TensorFlow's route, the test and lint tools, the cluster executor plugins and
their clients, and PuLP (16 MB of solver binaries; Snakemake schedules greedily without it).
`--list` prints the pins only (offline); run.sh installs the folder with `pip --no-index`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
from requirements.lock import SDIST_ONLY  # noqa: E402
from requirements.make_environment import lock_entries  # noqa: E402

LOCK = ROOT / "requirements" / "gpu-jax.lock"
WHEELS = HERE / "wheels"
LIMIT_MIB = 64  # what one call to the machine carries, the working tree included
TARGET = {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
          "python_version": "3.12", "python_full_version": "3.12.0", "os_name": "posix",
          "implementation_name": "cpython", "platform_python_implementation": "CPython"}  # fmt: skip
MANYLINUX = ("manylinux_2_28", "manylinux_2_27", "manylinux_2_17", "manylinux2014")  # what glibc 2.28+ runs
PLATFORM_TAGS = [f"--platform={tag}_x86_64" for tag in MANYLINUX]
ON_THE_MACHINE = {"jax", "jaxlib", "numpy", "scipy", "ml-dtypes", "opt-einsum"}  # JAX and what it needs
NOT_NEEDED = {
    "pulp",  # solver binaries; Snakemake falls back to its greedy scheduler
    "h5py",  # Keras imports it only to read or write .h5 models; checkpoints here are .npz
    "pytest", "iniconfig", "pluggy", "ruff", "snakefmt", "black", "click", "mypy-extensions", "pathspec",
    "pytokens", "shfmt-py", "pip", "setuptools", "wheel",  # tests, lint, installers
    "snakemake-executor-plugin-slurm", "snakemake-executor-plugin-slurm-jobstep",
    "snakemake-executor-plugin-kubernetes", "kubernetes", "google-auth", "pyasn1", "pyasn1-modules",
    "oauthlib", "requests-oauthlib", "websocket-client", "durationpy", "cryptography", "cffi", "pycparser",
}  # fmt: skip


def pins() -> list[str]:
    """'name==version --hash=…' for every wheel that travels."""
    chosen = []
    for entry in lock_entries(LOCK):
        requirement, _, hashes = entry.partition(" --hash")
        spec, _, marker = requirement.partition(";")
        name = canonicalize_name(spec.split("==", 1)[0].split("[", 1)[0])
        if marker.strip() and not Marker(marker.strip()).evaluate(TARGET):
            continue
        if name in ON_THE_MACHINE or name in NOT_NEEDED or name.startswith(("nvidia-", "jax-cuda")):
            continue
        chosen.append(f"{spec.strip()} --hash{hashes}")
    return chosen


def download(lines: list[str], *options: str) -> None:
    """`pip download` of hashed pins (each hash checked), no dependencies: the lock holds them all."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as requirements:
        requirements.write("\n".join(lines) + "\n")
        requirements.flush()
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
                        *options, "-r", requirements.name], check=True)  # fmt: skip


def slim(wheel: Path) -> None:
    """Strip the debug information from a wheel's extension modules (POT's ships 170 MB of it: 32 MB of its
    33 MB wheel) and drop the packages' own test suites (pandas': 3 MB), in place, RECORD rewritten. What
    runs is the hash-checked wheel's code; only symbols and tests go."""
    with zipfile.ZipFile(wheel) as original:
        every = [name for name in original.namelist() if not name.endswith("/")]
        names = [name for name in every if "/tests/" not in name]
        if names == every and not any(name.endswith(".so") for name in names):
            return
        with tempfile.TemporaryDirectory() as where:
            tree = Path(where)
            original.extractall(tree)
            for module in tree.rglob("*.so"):
                subprocess.run(["strip", "--strip-debug", str(module)], check=True)
            record = next(name for name in names if name.endswith(".dist-info/RECORD"))
            lines = []
            for name in names:
                data = (tree / name).read_bytes()
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                lines.append(f"{name},," if name == record else f"{name},sha256={digest},{len(data)}")
            (tree / record).write_text("\n".join(lines) + "\n")
            slimmed = wheel.with_suffix(".slim")
            with zipfile.ZipFile(slimmed, "w", zipfile.ZIP_DEFLATED) as out:
                for name in names:
                    out.write(tree / name, name)
    slimmed.replace(wheel)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the pins, download nothing")
    args = parser.parse_args()
    chosen = pins()
    if args.list:
        print("\n".join(line.split(" --hash", 1)[0] for line in chosen))
        return
    WHEELS.mkdir(exist_ok=True)
    sdists = [line for line in chosen if line.split("==", 1)[0] in SDIST_ONLY]
    download(
        [line for line in chosen if line not in sdists],
        "--only-binary", ":all:", *PLATFORM_TAGS, "--python-version", "3.12",
        "--implementation", "cp", "-d", str(WHEELS),
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as where:  # pure Python, no wheel published: built into one here
        download(sdists, "--no-binary", ":all:", "-d", where)
        for sdist in Path(where).iterdir():
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            "-w", str(WHEELS), str(sdist)], check=True)  # fmt: skip
    for wheel in sorted(WHEELS.glob("*.whl")):
        slim(wheel)
    size = sum(p.stat().st_size for p in WHEELS.glob("*.whl")) / 2**20
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    tree = sum((ROOT / name).stat().st_size for name in listed.decode().split("\0") if name) / 2**20
    print(f"{len(list(WHEELS.glob('*.whl')))} wheels: {size:.1f} MiB, with the tree's {tree:.1f} MiB")
    if size + tree > LIMIT_MIB:
        raise SystemExit(f"wheels and tree: {size + tree:.1f} MiB, over the {LIMIT_MIB} MiB one call carries")


if __name__ == "__main__":
    main()
