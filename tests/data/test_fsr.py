"""The synthetic FSR sampler: levels consistent under pooling, bands = detail terms, sparsity as configured."""

import numpy as np
import pytest

from gantheory.data import fsr

SETTINGS = dict(
    sides=[2, 4, 8],
    atoms=[6, 8, 16],
    level1_density=0.4,
    gate_fraction=0.5,
    mask_density=0.6,
    code_magnitude=[0.5, 1.5],
)


@pytest.fixture(scope="module")
def sample():
    truth = fsr.fsr_truth(SETTINGS, seed=7)
    return truth, fsr.sample_fsr(truth, SETTINGS, 20000, np.random.default_rng(0))


def test_pooling_a_level_gives_the_coarser_level_exactly(sample):
    _, out = sample
    levels = out["levels"]
    assert [x.shape for x in levels] == [(20000, 4), (20000, 16), (20000, 64)]
    for coarse, fine in zip(levels[:-1], levels[1:], strict=True):
        np.testing.assert_allclose(fsr.average_pool(fine), coarse, atol=1e-5)
    for got, want in zip(fsr.pyramid(levels[-1], 3), levels, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_bands_of_the_top_image_are_the_detail_terms(sample):
    truth, out = sample
    band = fsr.bands(out["levels"][-1].astype(np.float64), 3)
    np.testing.assert_allclose(band[0], out["levels"][0], atol=1e-5)
    for level in (2, 3):
        np.testing.assert_allclose(band[level - 1], out["codes"][level - 1] @ truth[f"W{level}"], atol=1e-4)


def test_codes_are_sparse_as_configured(sample):
    _, out = sample
    for level, code in enumerate(out["codes"], 1):
        assert (code >= 0).all()
        p = fsr.expected_density(SETTINGS, level)
        density = (code > 0).mean()
        assert abs(density - p) < 4 * np.sqrt(p * (1 - p) / code.size) + 0.01, (level, density, p)
    expected = [0.4, 0.5 * 0.6, 0.5 * 0.6]
    assert [fsr.expected_density(SETTINGS, lv) for lv in (1, 2, 3)] == expected
    active = out["codes"][2]
    assert active[active > 0].mean() == pytest.approx(1.0, abs=0.05)  # gate scaled to mean 1 when on


def test_truth_is_saved_whole_and_a_function_of_the_seed(sample):
    truth, _ = sample
    assert set(truth) == {"W1", "W2", "W3", "V2", "V3", "b2", "b3"}
    for level in (1, 2, 3):
        np.testing.assert_allclose(np.linalg.norm(truth[f"W{level}"], axis=1), 1.0)
    for level in (2, 3):  # detail atoms cannot be seen by average pooling
        np.testing.assert_allclose(fsr.average_pool(truth[f"W{level}"]), 0.0, atol=1e-12)
    again = fsr.fsr_truth(SETTINGS, seed=7)
    other = fsr.fsr_truth(SETTINGS, seed=8)
    assert all(np.array_equal(truth[k], again[k]) for k in truth)
    assert not np.allclose(truth["W3"], other["W3"])


def test_mnist_sized_pyramid_and_bands_reconstruct_the_image():
    top = np.random.default_rng(1).normal(size=(5, 28 * 28))
    pyr = fsr.pyramid(top, 3)
    assert [x.shape[1] for x in pyr] == [49, 196, 784]
    b = fsr.bands(top, 3)
    np.testing.assert_allclose(fsr.upsample(fsr.upsample(b[0]) + b[1]) + b[2], top, atol=1e-12)
    assert fsr.level_sides(28, 3) == [7, 14, 28] and fsr.level_sides(8, 3) == [2, 4, 8]
    with pytest.raises(ValueError, match="pyramid"):
        fsr.level_sides(10, 3)
    with pytest.raises(ValueError, match="odd side"):
        fsr.average_pool(np.zeros((1, 49)))


@pytest.mark.parametrize(
    "change, match",
    [
        ({"mask_density": 0.0}, "mask_density"),
        ({"sides": [2, 4, 9]}, "double"),
        ({"atoms": [6, 8]}, "one entry per level"),
        ({"code_magnitude": [2.0, 1.0]}, "code_magnitude"),
    ],
)
def test_bad_settings_name_the_key(change, match):
    with pytest.raises(ValueError, match=match):
        fsr.fsr_truth({**SETTINGS, **change}, seed=1)
    with pytest.raises(ValueError, match="gate_fraction"):
        fsr.fsr_truth({k: v for k, v in SETTINGS.items() if k != "gate_fraction"}, seed=1)
