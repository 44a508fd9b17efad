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
    text = frame.to_markdown(index=False, floatfmt=".3g")
    io.write_text(md_path, (f"{caption}\n\n" if caption else "") + text + "\n")
    latex = frame.to_latex(index=False, float_format="%.3g", caption=caption or None)
    io.write_text(md_path.with_suffix(".tex"), latex)
    io.write_csv(md_path.with_suffix(".csv"), frame)
