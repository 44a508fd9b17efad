"""Atomic writes: a file appears complete under its final name or not at all."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path, suffix: str | None = None):
    """Yield a temporary path beside `path`; rename it into place only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix or path.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_text(path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path, obj) -> None:
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=_jsonable) + "\n")


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_csv(path, frame) -> None:
    """CSV with a fixed float format, so identical numbers give identical bytes."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False, float_format="%.10g", lineterminator="\n")


def write_npz_to(path, arrays: dict) -> None:
    """Like np.savez (stored, zip64) with a fixed timestamp and sorted members: np.savez stamps each
    member with the current time, so identical arrays would give different bytes."""
    import zipfile

    import numpy as np

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for key in sorted(arrays):
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system, info.external_attr = 3, 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as fid:
                np.lib.format.write_array(fid, np.asanyarray(arrays[key]), allow_pickle=False)


def write_npz(path, **arrays) -> None:
    """Atomic, byte-reproducible .npz."""
    with atomic_path(path, suffix=".npz") as tmp:
        write_npz_to(tmp, arrays)


def read_npz(path) -> dict:
    """Every array of an .npz file, loaded (the file is closed again)."""
    import numpy as np

    with np.load(path) as data:
        return {k: data[k] for k in data.files}
