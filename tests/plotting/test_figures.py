"""Figures a reader can trust (issue 14): one colour and marker per variant in every figure, one legend per
figure, readable heatmap labels, true modes on the toy scatters, no dummy panels, the claims' thresholds drawn."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex

from gantheory.plotting import e1, e3, e4, e5, style

style.apply_style()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _fd_train(variants_by_dataset: dict) -> pd.DataFrame:
    rows = []
    for dataset, variants in variants_by_dataset.items():
        for variant, seed, step in itertools.product(variants, range(2), range(0, 30, 10)):
            rows.append(
                dict(
                    dataset=dataset,
                    variant=variant,
                    seed=seed,
                    step=step,
                    metric="fd",
                    value=1.0 + step + seed,
                    gradient_evaluations=2 * step,
                    wall_clock_s=0.1 * step,
                )
            )
    return pd.DataFrame(rows)


def _line_colours(fig) -> dict:
    """label → set of colours of every labelled line in every axes of `fig`."""
    out: dict[str, set] = {}
    for ax in fig.axes:
        for line in ax.get_lines():
            if not line.get_label().startswith("_"):
                out.setdefault(line.get_label(), set()).add(to_hex(line.get_color()))
    return out


# --- the mapping ----------------------------------------------------------------------------------------------


def test_mapping_is_fixed_and_keyed_by_name():
    assert style.variant_style("orig") == {"color": "#0173b2", "marker": "o"}
    assert style.variant_style("ttur") == {"color": "#de8f05", "marker": "s"}
    # E3's full variant names are styled by their dynamic
    assert style.variant_style("sim k=1 lr=0.1 init=random") == style.variant_style("sim k=1")
    assert style.variant_style("optimal lr=0.3") == style.variant_style("optimal")
    # an unknown name gets the same style every time, whatever else was asked before
    first = style.variant_style("some-new-variant")
    for other in ("a", "b", "orig"):
        style.variant_style(other)
    assert style.variant_style("some-new-variant") == first


@pytest.mark.parametrize(
    "names",
    [
        ["orig", "ttur", "sgda", "optimistic", "orig-gp10"],  # E4 variants (paper profile)
        ["ttur", "slow", "fast"],  # E4.1 saddle settings
        ["multi", "single"],  # E5 critics
        ["optimal", "sim k=1", "sim k=5", "alt k=1", "alt k=5"],  # E3 dynamics
        ["disc step grown", "gen step shrunk"],
        ["gaussian noise", "blur", "black rectangles", "salt and pepper", "other class"],
        ["certified_bound", "enumeration_mean", "best_ipm_upper"],
        ["W1", "JS", "MMD", "d_poly"],
    ],
)
def test_names_that_meet_in_a_figure_differ_in_colour_and_marker(names):
    styles = [style.variant_style(n) for n in names]
    assert len({s["color"] for s in styles}) == len(names)
    assert len({s["marker"] for s in styles}) == len(names)


# --- the same variant looks the same across panels and figures --------------------------------------------------


def test_fd_curves_colour_by_name_not_position():
    """swissroll's first variant is sgda: it must still get sgda's colour, not the first palette colour."""
    fig = e4.fd_curves(_fd_train({"8gaussians": ["orig", "ttur", "orig-gp10"], "swissroll": ["sgda", "orig"]}))
    colours = _line_colours(fig)
    for variant in ("orig", "ttur", "orig-gp10", "sgda"):
        assert colours[variant] == {style.variant_style(variant)["color"]}, variant
    markers = {line.get_marker() for ax in fig.axes for line in ax.get_lines() if line.get_label() == "sgda"}
    assert markers == {style.variant_style("sgda")["marker"]}


def test_one_variant_one_colour_in_two_figure_functions():
    """`sgda` in the FD curves and in the toy scatter, `ttur` in the FD curves and the saddle figure."""
    fd = _line_colours(e4.fd_curves(_fd_train({"swissroll": ["sgda", "ttur"]})))
    rng = np.random.default_rng(0)
    settings = {"datasets": {"swissroll": {"kind": "toy", "variants": ["sgda", "ttur"]}}}
    samples = {("swissroll", v): rng.normal(size=(1, 50, 2)) for v in ("sgda", "ttur")}
    toys = e4.toy_scatter(samples, settings)
    scatter = {}
    for ax in toys.axes:
        for coll in ax.collections:
            if isinstance(coll, PathCollection) and coll.get_gid() != "true-modes":
                scatter[ax.get_title().split(" · ")[1]] = to_hex(coll.get_facecolor()[0])
    assert scatter["sgda"] in fd["sgda"] and scatter["ttur"] in fd["ttur"]
    runs = pd.DataFrame({"variant": ["ttur", "fast"] * 3, "reach_step": [10, -1, 12, 400, 11, -1]})
    saddle = _line_colours(e4.saddle(runs, {"ttur": rng.random((20, 2)), "fast": rng.random((20, 2))}))
    assert saddle["ttur"] == fd["ttur"]


def test_e5_curves_colour_by_name():
    rows = []
    for dataset, variants in (("fsr", ["multi", "single"]), ("digits", ["single"])):
        for variant, level, seed, step in itertools.product(variants, (1, 2), range(2), range(0, 30, 10)):
            rows.append(
                dict(
                    metric="mmd",
                    kind="level",
                    generator="ema",
                    dataset=dataset,
                    level=level,
                    variant=variant,
                    seed=seed,
                    step=step,
                    value=0.5 + 0.01 * step,
                )
            )
    floors = pd.DataFrame(
        [dict(dataset=d, kind="level", level=lv, floor=0.05) for d in ("fsr", "digits") for lv in (1, 2)]
    ).set_index(["dataset", "kind", "level"])
    fig = e5.distance_curves(pd.DataFrame(rows), floors, "level", 2.0)
    colours = _line_colours(fig)
    assert colours["multi"] == {style.variant_style("multi")["color"]}
    assert colours["single"] == {style.variant_style("single")["color"]}
    assert len(fig.legends) == 1 and not any(ax.get_legend() for ax in fig.axes)


def test_one_legend_per_figure():
    fig = e4.fd_curves(_fd_train({"8gaussians": ["orig", "ttur"], "digits": ["sgda"]}))
    assert len(fig.legends) == 1
    assert not any(ax.get_legend() for ax in fig.axes)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert sorted(labels) == ["orig", "sgda", "ttur"]  # each variant once


# --- E3 ---------------------------------------------------------------------------------------------------------


def _e3_runs():
    optimal = pd.DataFrame(
        [
            dict(dynamic="optimal", update="none", disc_steps=0, disc_init="optimal", gen_lr=lr, converged=c)
            for lr in (0.03, 0.1, 0.3, 1.0)
            for c in (True, False)
        ]
    )
    first = pd.DataFrame(
        [
            dict(dynamic="first_order", update=u, disc_steps=k, disc_init=i, gen_lr=lr, converged=c)
            for u in ("simultaneous", "alternating")
            for k in (1, 5)
            for i in ("random", "optimal")
            for lr in (0.03, 0.1, 0.3, 1.0)
            for c in (True, False, False)
        ]
    )
    return optimal, first


def test_success_heatmap_row_labels_do_not_overlap():
    fig = e3.success_heatmap(*_e3_runs())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        labels = [t for t in ax.get_yticklabels() if t.get_visible() and t.get_text()]
        boxes = [t.get_window_extent(renderer) for t in labels]
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), [t.get_text() for t in labels]
        for t in labels:  # horizontal, so the long ones stay readable
            assert t.get_rotation() == 0
    texts = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert texts == e3.ROW_ORDER


def test_trajectories_have_no_dummy_panels():
    runs, records = 4, 5
    examples = {"mu_star": np.zeros((runs, 2))}
    for variant, converged in (("optimal lr=0.1", [True] * runs), ("sim k=1 lr=0.1 init=random", [True, False] * 2)):
        examples[f"{variant}::mu_path"] = np.ones((runs, records, 2))
        examples[f"{variant}::record_steps"] = np.arange(records)
        examples[f"{variant}::converged"] = np.array(converged)
    fig = e3.trajectories(examples, ["optimal lr=0.1", "sim k=1 lr=0.1 init=random"])
    assert len(fig.axes) == 3  # optimal: success only; sim: success and failure
    assert all(ax.get_lines() for ax in fig.axes)
    assert "no failure of optimal lr=0.1" in fig.legends[0].get_title().get_text()


# --- E4 toys ----------------------------------------------------------------------------------------------------


def test_toy_scatter_shows_the_true_modes():
    modes = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    settings = {"datasets": {"8gaussians": {"kind": "toy", "variants": ["orig"]}}}
    samples = {("8gaussians", "orig"): np.random.default_rng(0).normal(size=(2, 40, 2))}
    fig = e4.toy_scatter(samples, settings, modes={"8gaussians": modes})
    truth = [c for ax in fig.axes for c in ax.collections if c.get_gid() == "true-modes"]
    assert len(truth) == 1
    np.testing.assert_allclose(truth[0].get_offsets(), modes)
    assert "true modes" in [t.get_text() for t in fig.legends[0].get_texts()]


def test_toy_scatter_draws_a_true_curve():
    curve = np.stack([np.linspace(-1, 1, 10), np.zeros(10)], axis=1)
    settings = {"datasets": {"swissroll": {"kind": "toy", "variants": ["sgda"]}}}
    samples = {("swissroll", "sgda"): np.zeros((1, 5, 2))}
    fig = e4.toy_scatter(samples, settings, curves={"swissroll": curve})
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    assert any(np.allclose(line.get_xydata(), curve) for line in lines)


# --- E1 thresholds ----------------------------------------------------------------------------------------------


def _e1_disc():
    return pd.DataFrame(
        [
            dict(target=t, width=w, depth=2, cell=c, z=z, accuracy=0.5 + z / 100)
            for t in ("gauss", "cube")
            for w in (16, 64)
            for c, z in (("clean-n32", 0.5), ("copy-n32", 40.0), ("null#1", -1.0))
        ]
    )


def test_z_heatmap_draws_the_thresholds():
    lines = [("z = 3: detected above", [3.0]), ("|z| = 3.5: null within", [-3.5, 3.5]), ("z = 10", [10.0])]
    fig = e1.z_heatmap(_e1_disc(), ["clean-n32", "copy-n32", "null#1"], lines)
    colorbar = fig.axes[1].collections[0].colorbar
    drawn = sorted(round(line.get_ydata()[0], 6) for line in colorbar.ax.get_lines())
    assert drawn == [-3.5, 3.0, 3.5, 10.0]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [label for label, _ in lines]


def test_w1_bars_draw_the_e1_2_threshold():
    w1 = pd.DataFrame(
        dict(
            target=["cube"] * 2,
            row=["clean-n24", "clean-n16"],
            certified_bound=[5.0, 4.0],
            enumeration_mean=[np.nan, 4.2],
            best_ipm_upper=[0.1, 0.2],
            target_scale=[9.0, 8.0],
        )
    )
    fig = e1.w1_bars(w1, 10.0)
    ax = fig.axes[0]
    dashed = [c for c in ax.collections if "threshold" in str(c.get_label())]
    assert len(dashed) == 1
    ys = sorted(seg[0][1] for seg in dashed[0].get_segments())
    np.testing.assert_allclose(ys, [1.0, 2.0])
