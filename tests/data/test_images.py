"""Image datasets shipped in packages: shapes, exact [-1, 1] range, labels 0..9."""

import numpy as np
import pytest

from gantheory.data import digits, mnist_subset


@pytest.fixture(scope="module")
def mnist():
    return mnist_subset()


def _check(x, y, shape):
    assert x.shape == shape and x.dtype == np.float32
    assert y.shape == shape[:1] and y.dtype == np.int64
    assert x.min() == -1.0 and x.max() == 1.0
    assert set(np.unique(y)) == set(range(10))


def test_digits():
    _check(*digits(), (1797, 8, 8))


def test_mnist(mnist):
    _check(*mnist, (5000, 28, 28))
