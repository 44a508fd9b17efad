"""SHA-256 manifest of every output a reader looks at, and its verification."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gantheory import io


def sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(manifest_path, files) -> None:
    """`sha256  path` lines (sha256sum format), paths relative to the manifest's folder, sorted."""
    manifest_path = Path(manifest_path)
    root = manifest_path.parent
    rel = sorted({Path(f).resolve().relative_to(root.resolve()).as_posix() for f in files})
    io.write_text(manifest_path, "".join(f"{sha256(root / r)}  {r}\n" for r in rel))


def read_manifest(manifest_path) -> dict[str, str]:
    entries = {}
    for number, line in enumerate(Path(manifest_path).read_text().splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise ValueError(f"{manifest_path}:{number}: expected 'sha256  path', got {line!r}")
        entries[name] = digest
    return entries


def compare(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    """Human-readable differences between two manifests (empty when identical)."""
    problems = [f"missing: {n}" for n in sorted(set(expected) - set(actual))]
    problems += [f"unexpected: {n}" for n in sorted(set(actual) - set(expected))]
    problems += [f"differs: {n}" for n in sorted(set(expected) & set(actual)) if expected[n] != actual[n]]
    return problems


def verify(manifest_path, root=None) -> list[str]:
    """Compare the files under `root` (default: the manifest's folder) with the manifest,
    also reporting files it does not list."""
    manifest_path = Path(manifest_path)
    root = Path(root) if root is not None else manifest_path.parent
    expected = read_manifest(manifest_path)
    on_disk = {
        p.relative_to(root).as_posix(): sha256(p)
        for p in root.rglob("*")
        if p.is_file() and p.name != "MANIFEST.sha256" and not p.name.startswith(".")
    }
    return compare(expected, on_disk)


def run(action: str, manifest, files: list, root=None) -> None:
    """The `manifest` step: `write` lists `files`; `verify` exits non-zero naming every file that differs."""
    import sys

    if action == "write":
        write_manifest(manifest, files)
        return
    problems = verify(manifest, root)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(f"{len(problems)} file(s) differ from {manifest}")
    print(f"all files under {root or Path(manifest).parent} match {manifest}")
