"""One seed in config drives everything: per-run seeds are hashes of (seed, experiment, variant, …)."""

from __future__ import annotations

import hashlib
import os


def derive_seed(root_seed: int, *names) -> int:
    """A 31-bit seed that depends only on the root seed and the names, never on call order."""
    text = "/".join([str(int(root_seed)), *map(str, names)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") & 0x7FFFFFFF


def fix_threads(threads: int) -> None:
    """Pin BLAS/OpenMP thread pools before NumPy or TensorFlow start (results can depend on them)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[var] = str(threads)
    os.environ.setdefault("PYTHONHASHSEED", "0")


def enable_tensorflow_determinism(seed: int, threads: int) -> None:
    """Seed Python, NumPy and TF through Keras and make TF ops deterministic with fixed threads.

    TensorFlow fixes its thread pools when it starts: a second run in one process (tests) goes on only if
    the pools it has are the ones asked for, and is refused by name otherwise."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:
        have = tf.config.threading.get_intra_op_parallelism_threads()
        if have != threads:
            raise ValueError(f"TensorFlow already runs {have} threads in this process; asked for {threads}") from None
