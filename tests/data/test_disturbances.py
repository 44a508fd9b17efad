"""Disturbances of E4.3: shape, range, identity at level 0, determinism, and strength increasing with level."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from gantheory.data.disturbances import DISTURBANCES, LEVELS


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    return data.images / 8.0 - 1.0, data.target


@pytest.mark.parametrize("name", list(DISTURBANCES))
def test_shape_range_and_identity(digits, name):
    x, labels = digits
    fn = DISTURBANCES[name]
    np.testing.assert_array_equal(fn(x, 0, np.random.default_rng(0), labels), x)
    for level in LEVELS:
        out = fn(x, level, np.random.default_rng(level), labels)
        assert out.shape == x.shape and out.min() >= -1.0 and out.max() <= 1.0
    assert x.min() >= -1.0 and x.max() <= 1.0


@pytest.mark.parametrize("name", list(DISTURBANCES))
def test_deterministic_for_a_seed(digits, name):
    x, labels = digits
    fn = DISTURBANCES[name]
    first, second = (fn(x, 2, np.random.default_rng(7), labels) for _ in range(2))
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("name", list(DISTURBANCES))
def test_strength_increases_with_level(digits, name):
    x, labels = digits
    fn = DISTURBANCES[name]
    mse = [np.mean((fn(x, level, np.random.default_rng(3), labels) - x) ** 2) for level in (0, *LEVELS)]
    assert mse[0] == 0.0 and np.all(np.diff(mse) > 0), mse


def test_other_class_replaces_only_with_other_labels(digits):
    x, labels = digits
    out = DISTURBANCES["other class"](x, 3, np.random.default_rng(1), labels)
    changed = np.flatnonzero(np.any(out != x, axis=(1, 2)))
    assert len(changed) <= round(0.3 * len(x)) and len(changed) > 0.25 * len(x)
    for i in changed[:50]:
        matches = np.flatnonzero(np.all(x == out[i], axis=(1, 2)))
        assert len(matches) and np.all(labels[matches] != labels[i])
