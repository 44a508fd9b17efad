"""Names of every output a reader looks at, in one place (the rules and the tests import it)."""

from __future__ import annotations

import json

E3_FAMILIES = ["optimal", "first_order", "ttur"]
E3_FIGURES = ["e3_success_heatmap", "e3_ttur", "e3_trajectories", "e3_tv_curves"]
E3_TABLES = ["e3_outcomes"]
EXPERIMENTS = ["E3"]
FIGURE_FORMATS = ("pdf", "png")
TABLE_FORMATS = ("md", "tex", "csv")


def figure_files() -> list[str]:
    """Every file the manifest covers: figures (PDF+PNG), tables (md/tex/csv), the claims table."""
    files = [f"figures/{name}.{ext}" for name in E3_FIGURES for ext in FIGURE_FORMATS]
    files += [f"figures/{name}.{ext}" for name in E3_TABLES for ext in TABLE_FORMATS]
    return files + ["figures/claims.md", "figures/claims.csv"]


def section_json(config: dict, section: str) -> str:
    """A config section as one-line JSON, handed to the library through a rule's `params:`."""
    return json.dumps(config[section], sort_keys=True, separators=(",", ":"))
