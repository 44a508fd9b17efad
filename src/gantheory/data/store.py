"""Datasets on disk: a byte-reproducible `.npz` plus a SHA-256 sidecar, so a corrupted intermediate is caught."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from gantheory import io
from gantheory.data.images import IMAGES
from gantheory.data.toys import TOYS
from gantheory.manifest import sha256
from gantheory.seeding import derive_seed

_RESERVED = ("sha256", "shapes", "dtypes")


class DatasetChecksumError(ValueError):
    """A dataset file whose bytes do not match its recorded SHA-256 (or that has no record)."""


def build_dataset(name: str, n: int, seed: int) -> dict[str, np.ndarray]:
    """Toys: {"x": (n, 2)} from a seed derived from (seed, "data", name); images: {"x", "y"}, `n` ignored."""
    if name in TOYS:
        return {"x": TOYS[name](n, np.random.default_rng(derive_seed(seed, "data", name)))}
    if name in IMAGES:
        x, y = IMAGES[name]()
        return {"x": x, "y": y}
    raise ValueError(f"unknown dataset {name!r}; known datasets: {sorted(TOYS) + sorted(IMAGES)}")


def sidecar_path(path) -> Path:
    return Path(f"{path}.sha256.json")


def save_dataset(path, arrays: dict, meta: dict) -> None:
    """Write the npz atomically, then its sidecar {"sha256", "shapes", "dtypes", **meta}."""
    if clash := set(_RESERVED) & set(meta):
        raise ValueError(f"meta keys {sorted(clash)} are reserved for the sidecar")
    arrays = {k: np.asarray(v) for k, v in arrays.items()}
    with io.atomic_path(path, suffix=".npz") as tmp:
        io.write_npz_to(tmp, arrays)
        sha = sha256(tmp)
    record = {
        "sha256": sha,
        "shapes": {k: list(v.shape) for k, v in arrays.items()},
        "dtypes": {k: str(v.dtype) for k, v in arrays.items()},
        **meta,
    }
    io.write_json(sidecar_path(path), record)


def load_dataset(path) -> dict[str, np.ndarray]:
    """Load the arrays after checking the file's SHA-256 against its sidecar; DatasetChecksumError if they differ."""
    path, side = Path(path), sidecar_path(path)
    fix = "the file must be rebuilt: delete it and rerun snakemake"
    if not side.exists():
        raise DatasetChecksumError(f"{path}: checksum sidecar {side} is missing; {fix}")
    try:
        expected = json.loads(side.read_text(encoding="utf-8"))["sha256"]
    except (ValueError, KeyError, TypeError) as err:
        raise DatasetChecksumError(f"{path}: checksum sidecar {side} is unreadable ({err}); {fix}") from err
    found = sha256(path)
    if expected != found:
        raise DatasetChecksumError(f"{path} is corrupted: expected SHA-256 {expected}, found {found}; {fix}")
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}
