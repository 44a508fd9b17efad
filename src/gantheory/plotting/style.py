"""Figures are saved as PDF + PNG with fixed metadata, so identical data give identical bytes."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402

from gantheory import io  # noqa: E402

PDF_METADATA = {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None}
PNG_METADATA = {"Software": None}
PALETTE = "colorblind"

# One colour and marker per variant, the same in every figure (issue 14): keyed by the variant's name as the
# experiments write it. Colours are seaborn's colour-blind palette by index; names that meet in one figure differ
# in both colour and marker. A name not listed gets a fixed fallback from a hash of its name (never its position).
_CB = [
    "#0173b2",
    "#de8f05",
    "#029e73",
    "#d55e00",
    "#cc78bc",
    "#ca9161",
    "#fbafe4",
    "#949494",
    "#ece133",
    "#56b4e9",
]
VARIANT_STYLES: dict[str, tuple[str, str]] = {
    # E4: WGAN-GP update rules (config e4.variants) and the saddle toy's step-size settings
    "orig": (_CB[0], "o"),
    "ttur": (_CB[1], "s"),
    "sgda": (_CB[2], "^"),
    "optimistic": (_CB[4], "D"),
    "orig-gp10": (_CB[3], "v"),
    "slow": (_CB[5], "P"),
    "fast": (_CB[4], "X"),
    # E5: critics
    "multi": (_CB[0], "o"),
    "single": (_CB[3], "s"),
    # E3: dynamics (the heatmap's rows; trajectory variants are looked up by this prefix) and TTUR scalings
    "optimal": (_CB[0], "o"),
    "sim k=1": (_CB[1], "s"),
    "sim k=5": (_CB[8], "v"),
    "alt k=1": (_CB[9], "^"),
    "alt k=5": (_CB[2], "D"),
    "disc step grown": (_CB[4], "o"),
    "gen step shrunk": (_CB[5], "X"),
    # E2: generator kinds and the plotted quantities
    "particles": (_CB[0], "o"),
    "mlp": (_CB[2], "^"),
    "W1": (_CB[0], "o"),
    "objective": (_CB[1], "s"),
    "JS": (_CB[3], "X"),
    "MMD": (_CB[4], "D"),
    "d_poly": (_CB[2], "^"),
    # E1: the W1 bars
    "certified_bound": (_CB[0], "o"),
    "enumeration_mean": (_CB[1], "s"),
    "best_ipm_upper": (_CB[2], "^"),
    # E4.3: disturbances
    "gaussian noise": (_CB[0], "o"),
    "blur": (_CB[1], "s"),
    "black rectangles": (_CB[2], "^"),
    "salt and pepper": (_CB[3], "v"),
    "other class": (_CB[4], "D"),
}
_FALLBACK_MARKERS = ["o", "s", "^", "v", "D", "P", "X", "<", ">", "h"]
THRESHOLD_STYLE = {"color": "black", "linestyle": "--", "linewidth": 0.9}


def variant_key(name: str) -> str:
    """The mapping's key for a name: E3's "sim k=1 lr=0.1 init=random" is styled as "sim k=1"."""
    name = str(name)
    if name in VARIANT_STYLES:
        return name
    for key in sorted(VARIANT_STYLES, key=len, reverse=True):
        if name.startswith(key + " "):
            return key
    return name


def variant_style(name: str) -> dict:
    """`color` and `marker` of a variant, the same in every figure (matplotlib keyword arguments)."""
    key = variant_key(name)
    if key in VARIANT_STYLES:
        colour, marker = VARIANT_STYLES[key]
    else:  # stable across runs and figures: a hash of the name, never the order of appearance
        import hashlib

        h = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")
        colour, marker = _CB[h % len(_CB)], _FALLBACK_MARKERS[(h // len(_CB)) % len(_FALLBACK_MARKERS)]
    return {"color": colour, "marker": marker}


def variant_palette(names) -> dict:
    """name → colour, for seaborn's `palette=`."""
    return {n: variant_style(n)["color"] for n in names}


def variant_markers(names) -> dict:
    """name → marker, for seaborn's `markers=`."""
    return {n: variant_style(n)["marker"] for n in names}


class _PlainLog(matplotlib.ticker.LogFormatter):
    """matplotlib's choice of which log ticks to label, written as plain numbers (0.9, not 9e-01)."""

    def __call__(self, x, pos=None):
        return f"{x:g}" if super().__call__(x, pos) else ""


def log_axis(ax, axis: str = "y") -> None:
    """Log scale with plain tick labels (0.1, 1, 10, and 2, 5, ... where an axis spans little more than a decade)
    instead of mathtext 6×10⁰ labels, which collide on short axes and are slow to draw."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    target.set_major_formatter(_PlainLog(labelOnlyBase=False))
    target.set_minor_formatter(_PlainLog(labelOnlyBase=False, minor_thresholds=(1.2, 0.5)))


def figure_legend(fig, axes=None, **kwargs):
    """One legend for the whole figure: the handles of every axes, each label once, in order of appearance;
    the axes' own legends are removed. Placed outside below the panels unless `loc` says otherwise."""
    handles, labels = [], []
    for ax in fig.axes if axes is None else list(np.ravel(axes)):
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels and not label.startswith("_"):
                handles.append(handle)
                labels.append(label)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    options = {"loc": "outside lower center", "ncols": min(len(labels), 6) or 1, "fontsize": "small"}
    options.update(kwargs)
    if fig.get_layout_engine() is None and str(options["loc"]).startswith("outside"):
        options["loc"] = options["loc"].removeprefix("outside ")
    return fig.legend(handles, labels, **options)


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
