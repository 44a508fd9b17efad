"""One figure style and one byte-reproducible way to save figures and tables."""

from gantheory.plotting.style import (
    apply_style,
    figure_legend,
    save_figure,
    variant_palette,
    variant_style,
    write_table,
)

__all__ = ["apply_style", "figure_legend", "save_figure", "variant_palette", "variant_style", "write_table"]
