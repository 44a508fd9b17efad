"""What produced a result: the run record (provenance.json) written next to each run.

One writer, `write_run_record`, for every experiment. The record holds every installed distribution, the
git commit of the code (and whether its tracked files differ from it), a SHA-256 of the settings the job
received, the platform, thread settings and seeds. It is machine-specific by design, so it is never part
of the byte-determinism manifest (figures/MANIFEST.sha256 lists figures/ only; see workflow/lib/paths.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

SCHEMA = 2
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)
CODE_DIR = Path(__file__).resolve().parent  # the package's own folder: the code that ran, not the cwd


def installed_distributions() -> dict[str, str]:
    """Every installed distribution, name → version, sorted by name (as the JSON file sorts its keys)."""
    versions: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"] if dist.metadata is not None else None
        if name and name not in versions:  # the first one on sys.path wins, as it does for imports
            versions[name] = dist.version
    return dict(sorted(versions.items()))


package_versions = installed_distributions  # the former name (benchmarks/run.py)


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {args[0]} failed")
    return done.stdout.strip()


def git_state(folder=None) -> dict:
    """{"commit", "dirty", "reason"} of the git checkout holding `folder` (default: this package's source).

    `dirty` is true when tracked files differ from the commit (untracked files such as results/ do not
    count). Outside a checkout, or without git, commit and dirty are null and `reason` says why; never raises."""
    folder = Path(folder) if folder is not None else CODE_DIR
    try:
        commit = _git(folder, "rev-parse", "--verify", "HEAD")
        dirty = _git(folder, "status", "--porcelain", "--untracked-files=no") != ""
    except FileNotFoundError:
        return {"commit": None, "dirty": None, "reason": "git is not installed"}
    except subprocess.TimeoutExpired:
        return {"commit": None, "dirty": None, "reason": "git did not answer within 30 s"}
    except (RuntimeError, OSError) as err:
        return {"commit": None, "dirty": None, "reason": f"not a git checkout ({folder}): {err}"}
    return {"commit": commit, "dirty": dirty, "reason": None}


def canonical_json(settings) -> str:
    """The settings as canonical JSON: sorted keys, no whitespace, tuples as lists."""
    return json.dumps(settings, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__dict__"):
        return vars(value)
    raise TypeError(f"cannot hash {type(value).__name__} as settings")


def settings_hash(settings) -> str:
    """SHA-256 (hex) of the canonical JSON of the settings a job received."""
    return hashlib.sha256(canonical_json(settings).encode("utf-8")).hexdigest()


def platform_info() -> dict:
    return {
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count(),
    }


def keras_backend() -> str | None:
    """The Keras backend this run trained on, if Keras is loaded (never imported here)."""
    keras = sys.modules.get("keras")
    return keras.backend.backend() if keras is not None else None


def thread_settings(threads: int | None) -> dict:
    """The `--threads` asked for, the thread variables in the environment, and TensorFlow's pools if it
    is running in this process (it is never imported here)."""
    record = {"requested": threads, "env": {k: os.environ.get(k) for k in THREAD_ENV}}
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        try:
            record["tensorflow"] = {
                "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
                "inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
            }
        except Exception as err:  # noqa: BLE001 - provenance must not fail a finished run
            record["tensorflow"] = {"error": str(err)}
    return record


def run_record(
    *,
    experiment: str,
    settings,
    seed: int,
    seeds: dict | None = None,
    threads: int | None = None,
    repo=None,
    **extra,
) -> dict:
    """The run record: `extra` (job identity, timings) stays at the top level beside the fixed fields."""
    fixed = {
        "schema": SCHEMA,
        "experiment": experiment,
        "command": list(sys.argv),
        "seed": seed,
        "seeds": {"root": seed, **(seeds or {}), "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED")},
        "threads": threads,
        "thread_settings": thread_settings(threads),
        "settings": settings,
        "settings_sha256": settings_hash(settings),
        "git": git_state(repo),
        "platform": platform_info(),
        "keras_backend": keras_backend(),
        "packages": installed_distributions(),
    }
    clash = sorted(set(fixed) & set(extra))
    if clash:
        raise ValueError(f"run record fields given twice: {clash}")
    return {**fixed, **extra}


def write_run_record(path, **fields) -> dict:
    """Write provenance.json for one run (atomically) and return it; see `run_record` for the fields."""
    from gantheory import io

    record = run_record(**fields)
    io.write_json(path, record)
    return record
