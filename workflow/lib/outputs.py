"""Every output a reader looks at, declared once per experiment: the rules' `output:` and the outputs
step's flags are both built from `OUTPUTS`, the manifest's file list too (paths.figure_files).

An `Output` is a CLI flag of the experiment's outputs command and the file it names: a figure is a PDF
with its PNG beside it (the PNG goes into the HTML report), a table a Markdown file with LaTeX and CSV
beside it (the CSV goes into the report), a plain file is itself (the claims CSV, wall-clock tables).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    flag: str  # the outputs command's flag, without `--`
    path: str  # figures/<name> (no extension) for figures and tables; the file itself otherwise
    kind: str = "figure"  # figure | table | file
    caption: str | None = None  # report caption, workflow/report/<caption>.rst (default: the file's stem)
    label: str | None = None  # the report's label for it, where a category holds several of one name

    @property
    def key(self) -> str:
        return self.flag.replace("-", "_")

    @property
    def stem(self) -> str:
        return self.path.rsplit("/", 1)[-1].split(".")[0]

    def named_files(self) -> dict[str, str]:
        """Every file this output writes, under its rule-output name; the one under `key` goes into the
        report (a figure's PNG, a table's CSV, a plain file itself)."""
        if self.kind == "figure":
            return {f"{self.key}_pdf": f"{self.path}.pdf", self.key: f"{self.path}.png"}
        if self.kind == "table":
            return {
                f"{self.key}_md": f"{self.path}.md",
                f"{self.key}_tex": f"{self.path}.tex",
                self.key: f"{self.path}.csv",
            }
        return {self.key: self.path}

    def flag_key(self) -> str:
        """The rule output the flag receives (a figure's PDF, a table's Markdown, a plain file itself)."""
        return next(iter(self.named_files()))


def _figure(flag: str, name: str, **report) -> Output:
    return Output(flag, f"figures/{name}", "figure", **report)


def _table(flag: str, name: str, **report) -> Output:
    return Output(flag, f"figures/{name}", "table", **report)


def _claims(experiment: str) -> Output:
    return Output("claims", f"results/claims/{experiment}.csv", "file")


OUTPUTS = {  # experiment -> (report category, its outputs in the command's flag order)
    "E1": ("E1 PRG", [
        _claims("E1"),
        _figure("z-heatmap", "e1_z_heatmap"),
        _figure("accuracy-heatmap", "e1_accuracy_heatmap"),
        _figure("w1-bound", "e1_w1_bound"),
        _figure("power-curve", "e1_power_curve"),
        _table("detection-table", "e1_detection"),
        _table("moments-table", "e1_moments"),
        _table("w1-table", "e1_w1"),
        _table("check-table", "e1_generator_check"),
    ]),
    "E2": ("E2 Moments", [
        _claims("E2"),
        _figure("densities", "e2_densities"),
        _figure("trajectories", "e2_trajectories"),
        _figure("topology", "e2_topology"),
        _table("gaps-table", "e2_moment_gaps"),
        _table("gauss-hermite-table", "e2_gauss_hermite"),
    ]),
    "E3": ("E3 Dynamics", [  # e3_claims writes the claims CSV: E3's figures step has none
        _figure("heatmap", "e3_success_heatmap", label="success heatmap"),
        _figure("ttur-figure", "e3_ttur", label="two time-scales"),
        _figure("trajectories", "e3_trajectories", label="trajectories"),
        _figure("tv-curves", "e3_tv_curves", label="TV curves"),
        _table("table", "e3_outcomes", label="outcome table"),
    ]),
    "E4": ("E4 TTUR", [
        _claims("E4"),
        _figure("saddle-figure", "e4_saddle"),
        _figure("fd-curves", "e4_fd_curves"),
        _figure("disturbances", "e4_fd_disturbances"),
        _figure("toys", "e4_toys"),
        _figure("sample-grids", "e4_samples"),
        _table("final-table", "e4_final"),
        # measured wall-clock differs run to run: reported, never in the manifest
        Output("wallclock-figure", "results/e4/timing/e4_fd_wallclock", "figure", "e4_wallclock", "FD vs wall-clock"),
        Output("wallclock-table", "results/e4/timing/e4_wallclock.csv", "file", "e4_wallclock", "wall-clock table"),
    ]),
    "E5": ("E5 FSR", [
        _claims("E5"),
        _figure("level-curves", "e5_level_curves"),
        _figure("band-curves", "e5_band_curves"),
        _figure("dictionary-curves", "e5_dictionary_curves"),
        _figure("pyramids", "e5_pyramids"),
        _table("final-table", "e5_final"),
        _table("dictionary-table", "e5_dictionary"),
        _table("sparsity-table", "e5_sparsity"),
        Output("timing", "results/e5/timing/e5_wallclock.csv", "file", "e5_wallclock"),
    ]),
}  # fmt: skip


def figure_names(experiment: str, kind: str) -> list[str]:
    """The stems of an experiment's committed figures (`kind` figure) or tables (`kind` table)."""
    return [o.stem for o in OUTPUTS[experiment][1] if o.kind == kind and o.path.startswith("figures/")]


def rule_outputs(experiment: str, report) -> dict:
    """The named `output:` of an experiment's outputs rule (`report`: Snakemake's, which marks the PNGs, the
    table CSVs and the wall-clock files for the HTML report). The claims CSV is not in the report."""
    category, outputs = OUTPUTS[experiment]
    named = {}
    for o in outputs:
        files = o.named_files()
        if o.flag != "claims":
            labels = {"labels": {"figure": o.label}} if o.label else {}
            caption = f"../report/{o.caption or o.stem}.rst"
            files[o.key] = report(files[o.key], caption=caption, category=category, **labels)
        named.update(files)
    return named


def output_flags(experiment: str, output) -> str:
    """The outputs command's flags with the rule's output paths (`output`: the job's), as the `{params.outputs}`
    of the shell command: `--z-heatmap figures/e1_z_heatmap.pdf …`, each path shell-quoted."""
    return " ".join(f"--{o.flag} {shlex.quote(str(getattr(output, o.flag_key())))}" for o in OUTPUTS[experiment][1])
