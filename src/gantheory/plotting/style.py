"""Figures are saved as PDF + PNG with fixed metadata, so identical data give identical bytes."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from gantheory import io  # noqa: E402

PDF_METADATA = {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None}
PNG_METADATA = {"Software": None}
PALETTE = "colorblind"


def apply_style() -> None:
    sns.set_theme(context="paper", style="whitegrid", palette=PALETTE)
    plt.rcParams.update(
        {
            "svg.hashsalt": "gantheory",
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "pdf.fonttype": 42,
            "font.family": "DejaVu Sans",
            "axes.titlesize": "medium",
        }
    )


def save_figure(fig, pdf_path) -> None:
    """Write `name.pdf` and `name.png` atomically, without dates or software versions inside."""
    pdf_path = Path(pdf_path)
    with io.atomic_path(pdf_path) as tmp:
        fig.savefig(tmp, format="pdf", metadata=PDF_METADATA, bbox_inches="tight")
    with io.atomic_path(pdf_path.with_suffix(".png")) as tmp:
        fig.savefig(tmp, format="png", metadata=PNG_METADATA, bbox_inches="tight")
    plt.close(fig)


def write_table(frame, md_path, caption: str = "") -> None:
    """The same table as Markdown, LaTeX and CSV (`name.md`, `name.tex`, `name.csv`)."""
    md_path = Path(md_path)
    readable = _readable(frame)
    text = readable.to_markdown(index=False, floatfmt=".3g")
    io.write_text(md_path, (f"{caption}\n\n" if caption else "") + text + "\n")
    align = "".join("r" if frame[c].dtype.kind in "iuf" else "l" for c in frame.columns)  # numbers stay right
    latex = readable.to_latex(index=False, float_format="%.3g", caption=caption or None, column_format=align)
    io.write_text(md_path.with_suffix(".tex"), latex)
    io.write_csv(md_path.with_suffix(".csv"), frame)


def _readable(frame):
    """For people (md, tex): a missing value is "–" (not applicable), ±inf is "diverged"; never "nan".
    The CSV keeps the raw numbers for machines."""
    import numpy as np

    out = frame.astype(object).copy()
    for column in frame.columns:
        values = frame[column]
        if values.dtype.kind == "f":
            out[column] = [
                "–" if np.isnan(v) else ("diverged" if np.isinf(v) else f"{v:.3g}")
                for v in values.to_numpy(dtype=float)
            ]
    return out
