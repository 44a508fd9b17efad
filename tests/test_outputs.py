"""Figures, tables and manifests are byte-reproducible; the manifest finds every difference."""

import matplotlib.pyplot as plt
import pandas as pd

from gantheory import manifest
from gantheory.plotting import apply_style, save_figure, write_table


def _figure():
    apply_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [1, 0, 2], label="a")
    ax.set_title("μ and TV")
    ax.legend()
    return fig


def test_figures_are_byte_identical_run_to_run(tmp_path):
    save_figure(_figure(), tmp_path / "a" / "f.pdf")
    save_figure(_figure(), tmp_path / "b" / "f.pdf")
    for ext in ("pdf", "png"):
        assert (tmp_path / "a" / f"f.{ext}").read_bytes() == (tmp_path / "b" / f"f.{ext}").read_bytes()
    assert b"CreationDate" not in (tmp_path / "a" / "f.pdf").read_bytes()


def test_tables_in_three_formats(tmp_path):
    write_table(pd.DataFrame({"dynamic": ["optimal"], "converged": [99.5]}), tmp_path / "t.md", caption="cap")
    assert "| optimal" in (tmp_path / "t.md").read_text()
    tex = (tmp_path / "t.tex").read_text()
    assert "\\begin{table}" in tex and "\\begin{tabular}{lr}" in tex  # text left, numbers right
    assert (tmp_path / "t.csv").read_text().splitlines()[0] == "dynamic,converged"


def test_manifest_detects_changed_missing_and_extra_files(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(name)
    manifest.write_manifest(tmp_path / "MANIFEST.sha256", [tmp_path / "a.txt", tmp_path / "b.txt"])
    assert manifest.verify(tmp_path / "MANIFEST.sha256") == []
    (tmp_path / "a.txt").write_text("changed")
    (tmp_path / "b.txt").unlink()
    (tmp_path / "c.txt").write_text("new")
    assert manifest.verify(tmp_path / "MANIFEST.sha256") == ["missing: b.txt", "unexpected: c.txt", "differs: a.txt"]


def test_npz_files_are_byte_identical_whenever_written(tmp_path, monkeypatch):
    import time

    import numpy as np

    from gantheory import io

    arrays = {"b": np.arange(6.0).reshape(2, 3), "a": np.array([1, 2], dtype=np.int64)}
    io.write_npz(tmp_path / "one.npz", **arrays)
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # zip entries would carry another date
    monkeypatch.setattr(time, "localtime", lambda *_: time.gmtime(2_000_000_000))
    io.write_npz(tmp_path / "two.npz", **arrays)
    assert (tmp_path / "one.npz").read_bytes() == (tmp_path / "two.npz").read_bytes()
    with np.load(tmp_path / "one.npz") as data:
        np.testing.assert_array_equal(data["b"], arrays["b"])
