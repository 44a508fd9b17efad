"""Resumable training: the whole state of a run (weights, optimiser slots, RNG counter, step, log so far)
in one atomically written `.npz`, so a run killed at any point and started again with the same command
ends with the same outputs as one that never stopped.

Randomness is stateless (a counter), so the counter is all the RNG state there is. The checkpoint carries
a fingerprint of everything that defines the run (settings, seed, data); a checkpoint from another run is
ignored (and replaced), never resumed. A damaged checkpoint (truncated, bad CRC) is an error that names the
file: it cannot be produced by this code (writes are atomic), so something outside changed it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np

from gantheory import io


@functools.lru_cache(maxsize=1)
def code_digest() -> bytes:
    """SHA-256 over the package's own source: a checkpoint written by other code (a fix since, say) is never
    resumed, not even a complete one."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def run_fingerprint(spec: list, *arrays: np.ndarray) -> str:
    """SHA-256 of everything that defines a run (JSON-able settings, then its data as float32 bytes, the
    code and the Keras backend): a checkpoint written by any other run is never resumed."""
    from gantheory import backend

    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode() + backend.NAME.encode())
    for array in arrays:
        digest.update(np.ascontiguousarray(array, np.float32).tobytes())
    digest.update(code_digest())
    return digest.hexdigest()


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read back."""


def _log_to_json(log) -> str:
    return json.dumps(
        {
            "steps": log.steps,
            "wall_clock_s": log.wall_clock_s,
            "critic_loss": [np.asarray(x).tolist() for x in log.critic_loss],
            "generator_loss": [np.asarray(x).tolist() for x in log.generator_loss],
            "evaluations": log.evaluations,
            "diverged_step": np.asarray(log.diverged_step).tolist(),
        },
        default=lambda v: v.tolist() if hasattr(v, "tolist") else float(v),
    )


def _log_from_json(text: str, log_type):
    raw = json.loads(text)
    return log_type(
        steps=raw["steps"],
        wall_clock_s=raw["wall_clock_s"],
        critic_loss=[np.asarray(x, np.float32) for x in raw["critic_loss"]],
        generator_loss=[np.asarray(x, np.float32) for x in raw["generator_loss"]],
        evaluations=raw["evaluations"],
        diverged_step=np.asarray(raw["diverged_step"]),
    )


class Checkpoint:
    """Save/restore a list of tf.Variables plus a TrainingLog under one fingerprint."""

    def __init__(self, path, fingerprint: str):
        self.path, self.fingerprint = Path(path), str(fingerprint)

    def save(self, variables: list, log) -> None:
        arrays = {f"var{i:04d}": v.numpy() for i, v in enumerate(variables)}
        arrays["fingerprint"] = np.array(self.fingerprint)
        arrays["log"] = np.array(_log_to_json(log))
        io.write_npz(self.path, **arrays)

    def load(self, variables: list, log_type):
        """Restore `variables` and return the saved log, or None if there is no checkpoint of this run."""
        if not self.path.exists():
            return None
        try:
            with np.load(self.path, allow_pickle=False) as saved:
                if str(saved["fingerprint"]) != self.fingerprint:
                    return None
                values = [saved[f"var{i:04d}"] for i in range(len(variables))]
                log = _log_from_json(str(saved["log"]), log_type)
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, json.JSONDecodeError) as error:
            raise CheckpointError(
                f"checkpoint file {self.path} is damaged ({error}); expected a complete checkpoint written by "
                "gantheory. Delete it to train this run from the start."
            ) from error
        for variable, value in zip(variables, values, strict=True):
            if tuple(variable.shape) != value.shape:
                raise CheckpointError(
                    f"checkpoint file {self.path} holds a variable of shape {value.shape} where the model has "
                    f"{tuple(variable.shape)}; delete it to train this run from the start."
                )
            variable.assign(value)
        return log

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
