# Helpers shared by the rule files: wildcard values, parameters as JSON, and the list of outputs.
import json

ENV = "../../environment.yml"
E3_FAMILIES = ["optimal", "first_order", "ttur"]
E3_FIGURES = ["e3_success_heatmap", "e3_ttur", "e3_trajectories", "e3_tv_curves"]
E3_TABLES = ["e3_outcomes"]
EXPERIMENTS = ["E3"]


def section_json(section):
    """A config section as one-line JSON, handed to the library through `params:`."""
    return json.dumps(config[section], sort_keys=True, separators=(",", ":"))


def figure_files():
    """Every file the manifest covers: figures (PDF+PNG), tables (md/tex/csv), the claims table."""
    files = [f"figures/{name}.{ext}" for name in E3_FIGURES for ext in ("pdf", "png")]
    files += [f"figures/{name}.{ext}" for name in E3_TABLES for ext in ("md", "tex", "csv")]
    return files + ["figures/claims.md", "figures/claims.csv"]
