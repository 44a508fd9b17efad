"""One seed in config drives everything: per-run seeds are hashes of (seed, experiment, variant, …)."""

from __future__ import annotations

import hashlib
import os


def derive_seed(root_seed: int, *names) -> int:
    """A 31-bit seed that depends only on the root seed and the names, never on call order."""
    text = "/".join([str(int(root_seed)), *map(str, names)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") & 0x7FFFFFFF


def fix_threads(threads: int) -> None:
    """Pin BLAS/OpenMP thread pools before NumPy or a Keras backend start (results can depend on them);
    backend.enable_determinism fixes the backend's own."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[var] = str(threads)
    os.environ.setdefault("PYTHONHASHSEED", "0")

