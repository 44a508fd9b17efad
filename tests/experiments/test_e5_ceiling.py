"""E5.4's dictionary-learning ceiling and its curve figure: known atoms are recovered from positive sparse codes."""

import numpy as np
import pandas as pd
import pytest

from gantheory.data import fsr
from gantheory.experiments.e5.ceiling import dictionary_ceiling
from gantheory.metrics.dictionary import matched_cosine, positive_dictionary

SETTINGS = dict(
    sides=[2, 4, 8], atoms=[4, 5, 6], level1_density=0.5, gate_fraction=0.5, mask_density=0.5, code_magnitude=[0.5, 1.5]
)


def test_positive_dictionary_recovers_atoms_behind_positive_sparse_codes():
    rng = np.random.default_rng(0)
    atoms = rng.normal(size=(6, 20))
    atoms /= np.linalg.norm(atoms, axis=1, keepdims=True)
    codes = (rng.random((600, 6)) < 0.3) * rng.uniform(0.5, 1.5, size=(600, 6))  # positive, ~2 atoms on
    learned = positive_dictionary(codes @ atoms, 6, alpha=0.05, seed=1)
    assert learned.shape == (6, 20)
    chance = matched_cosine(rng.normal(size=(6, 20)), atoms)
    found = matched_cosine(learned, atoms)
    assert found > 0.95 and found > chance + 0.3, (found, chance)


def test_ceiling_on_a_tiny_fsr_distribution_is_one_row_per_detail_level_and_deterministic():
    truth = fsr.fsr_truth(SETTINGS, seed=5)
    top = fsr.sample_fsr(truth, SETTINGS, 500, np.random.default_rng(1))["levels"][-1]
    atoms = [truth[f"W{level}"] for level in (1, 2, 3)]
    settings = {"ceiling_samples": 400, "ceiling_alpha": 0.1}
    table = dictionary_ceiling(top, atoms, settings, seed=3)
    assert list(table["level"]) == [2, 3] and list(table["atoms"]) == [5, 6] and set(table["samples"]) == {400}
    assert (table["matched_cosine"] > 0.9).all(), table
    pd.testing.assert_frame_equal(table, dictionary_ceiling(top, atoms, settings, seed=3))


def test_dictionary_curves_draw_both_variants_and_the_three_reference_lines():
    from matplotlib.colors import to_hex

    from gantheory.plotting import e5, style

    rows = [
        dict(dataset="fsr", variant=variant, generator=generator, seed=seed, metric="dictionary_cosine", kind="band",
             level=level, step=step, value=0.3 + step / 2000)
        for variant in ("multi", "single") for generator in ("raw", "ema") for seed in range(2) for level in (2, 3)
        for step in range(0, 1000, 100)
    ]  # fmt: skip
    fig = e5.dictionary_curves(pd.DataFrame(rows), {2: 0.99, 3: 0.97}, 0.9)
    assert len(fig.axes) == 2 and len(fig.legends) == 1
    for ax in fig.axes:
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert to_hex(lines["multi"].get_color()) == to_hex(style.variant_style("multi")["color"])
        assert lines["criterion 0.9"].get_ydata()[0] == pytest.approx(0.9)
        assert lines["initialisation (chance)"].get_ydata()[0] == pytest.approx(0.3)
    ceiling = [line for line in fig.axes[1].get_lines() if line.get_label().startswith("dictionary-learning")]
    assert ceiling[0].get_ydata()[0] == pytest.approx(0.97)
