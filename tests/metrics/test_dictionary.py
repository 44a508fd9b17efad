"""Dictionary recovery (Hungarian-matched cosine), code density, sparse fits and code predictability."""

import numpy as np
import pytest

from gantheory.metrics.dictionary import (
    activation_density,
    code_predictability,
    matched_cosine,
    sparse_dictionary_fit,
)


def test_a_permuted_rescaled_sign_flipped_copy_matches_perfectly():
    rng = np.random.default_rng(0)
    true = rng.normal(size=(6, 10))
    learned = (true * rng.uniform(0.5, 2.0, size=(6, 1)) * np.array([[1], [-1], [1], [1], [-1], [1]]))[::-1]
    extra = np.vstack([learned, rng.normal(size=(4, 10))])  # wider learned dictionaries are allowed
    assert matched_cosine(learned, true) == pytest.approx(1.0)
    assert matched_cosine(extra, true) == pytest.approx(1.0)


def test_matching_is_one_to_one_and_unmatched_atoms_count_zero():
    eye = np.eye(4)
    assert matched_cosine(eye[[0, 0, 0, 0]], eye) == pytest.approx(0.25)  # one atom cannot serve four
    assert matched_cosine(eye[:2], eye) == pytest.approx(0.5)  # two true atoms left unmatched
    assert matched_cosine(np.zeros((4, 4)), eye) == 0.0  # dead atoms match nothing
    random = matched_cosine(
        np.random.default_rng(1).normal(size=(16, 64)), np.random.default_rng(2).normal(size=(16, 64))
    )
    assert 0.1 < random < 0.4  # chance level in 64 dimensions
    with pytest.raises(ValueError, match="equal dim"):
        matched_cosine(np.zeros((2, 3)), np.zeros((2, 4)))


def test_activation_density():
    assert activation_density(np.array([[0.0, 1.0], [2.0, 0.0]])) == 0.5


def _three_sparse(rng, dictionary, driver):
    """Three atoms on per row, drawn from atoms 0-3 when the driver is positive and from 4-7 otherwise."""
    codes = np.zeros((len(driver), len(dictionary)))
    for i, d in enumerate(driver):
        codes[i, rng.choice(4, 3, replace=False) + (0 if d > 0 else 4)] = rng.uniform(1, 2, size=3)
    return codes @ dictionary


def test_sparse_fit_explains_three_sparse_data_and_codes_are_predictable_when_driven():
    rng = np.random.default_rng(3)
    dictionary = rng.normal(size=(8, 16))
    driver = rng.normal(size=1200)  # the "coarser level" decides which atom is on
    x = _three_sparse(rng, dictionary, driver)
    fit = sparse_dictionary_fit(x[:600], x[600:], atoms=8, nonzero=3, alpha=0.1, seed=0)
    assert fit["explained_variance"] > 0.8 and fit["mean_active"] <= 3
    coarse = np.column_stack([driver, rng.normal(size=1200)])
    pred = code_predictability(
        coarse[:600], fit["active_train"], coarse[600:], fit["active_test"], 3, np.random.default_rng(4)
    )
    assert pred["auc"] > pred["chance"].max() and pred["auc"] > 0.6
    assert np.all(np.abs(pred["chance"] - 0.5) < 0.1)
    noise = rng.normal(size=(1200, 2))  # unrelated "coarse level": chance
    blind = code_predictability(noise[:600], fit["active_train"], noise[600:], fit["active_test"], 1, rng)
    assert abs(blind["auc"] - 0.5) < 0.1
