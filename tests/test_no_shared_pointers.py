"""Nothing in the repository may point at the private spec folder: the criteria live in docs/claims.md.

A reader of a clone has no such folder, so any pointer to it (or to the spec by its file name) is a
dead reference. Tracked text files are scanned line by line; a failure names file:line.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Built from parts so that this file does not match itself.
FOLDER = "shared" + "/"
SPEC_NAME = "CLAIMS" + ".md"  # the spec's file name; the project's own document is docs/claims.md
POINTER = re.compile(rf"\b{re.escape(FOLDER)}|\b{re.escape(SPEC_NAME)}")

# Files allowed to point at the spec while a fix is on its way (none now). An entry must leave once its
# file is fixed; the test below keeps that so.
KNOWN_EXCEPTIONS: set[str] = set()


def tracked_files(root: Path) -> list[str]:
    if not (root / ".git").exists():
        pytest.skip("not a git checkout: no tracked files to scan")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    return [name for name in out.decode().split("\0") if name]


def text_of(path: Path) -> str | None:
    """The file's text, or None for binary files (NUL bytes or not UTF-8) and tracked-but-deleted ones."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def pointers(root: Path, names: list[str]) -> list[str]:
    """`file:line: text` for every line of the named text files that points at the spec or its folder."""
    hits = []
    for name in names:
        text = text_of(root / name)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if POINTER.search(line):
                hits.append(f"{name}:{number}: {line.strip()}")
    return hits


def test_no_tracked_file_points_at_the_private_spec():
    names = [n for n in tracked_files(ROOT) if n not in KNOWN_EXCEPTIONS]
    hits = pointers(ROOT, names)
    assert not hits, "point at docs/claims.md instead:\n" + "\n".join(hits)


def test_known_exceptions_still_need_fixing():
    """An exception that no longer points anywhere must leave the set, so it cannot hide a regression."""
    fixed = [n for n in sorted(KNOWN_EXCEPTIONS) if not pointers(ROOT, [n])]
    assert not fixed, f"remove from KNOWN_EXCEPTIONS (fixed now): {fixed}"


def test_the_scan_finds_a_pointer_and_skips_binary_files(tmp_path):
    (tmp_path / "bad.py").write_text(f"x = 1\n# criteria: {FOLDER}{SPEC_NAME}\n")
    (tmp_path / "spec.txt").write_text(f"see {SPEC_NAME}, E1\n")
    (tmp_path / "good.md").write_text("see docs/claims.md; unshared/ and sharedx/ are other names\n")
    (tmp_path / "blob.bin").write_bytes(b"\0" + FOLDER.encode())
    hits = pointers(tmp_path, ["bad.py", "spec.txt", "good.md", "blob.bin", "missing.txt"])
    assert [h.split(": ")[0] for h in hits] == ["bad.py:2", "spec.txt:1"]
