"""Read-only checksum check of the datasets, run while the workflow is parsed (also by `-n` and `--lint`).

It only reports: deleting a file while parsing would change the results folder during a dry run. The
jobs that read a dataset check it again (gantheory.data.store.load_dataset) and refuse a bad one, so a
corrupted intermediate is never used; the warning says how to rebuild it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def corrupted_datasets(*directories) -> list[str]:
    """One message per dataset whose bytes differ from its `.sha256.json` record (or whose record is
    unreadable). A dataset without a record is left to Snakemake (a killed job is marked incomplete)."""
    messages = []
    for directory in directories:
        for path in sorted(Path(directory).glob("*.npz")):
            side = Path(f"{path}.sha256.json")
            if not side.exists():
                continue
            try:
                expected = json.loads(side.read_text(encoding="utf-8"))["sha256"]
            except (ValueError, KeyError, TypeError, OSError) as err:
                messages.append(f"{path}: its SHA-256 record {side} is unreadable ({err})")
                continue
            found = _sha256(path)
            if found != expected:
                messages.append(
                    f"{path} did not match its SHA-256 record (expected {expected[:12]}…, found {found[:12]}…); "
                    f"jobs that read it will refuse it. Rebuild it with: snakemake --cores all --force {path}"
                )
    return messages
