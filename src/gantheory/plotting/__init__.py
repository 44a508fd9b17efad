"""One figure style and one byte-reproducible way to save figures and tables."""

from gantheory.plotting.style import apply_style, save_figure, write_table

__all__ = ["apply_style", "save_figure", "write_table"]
