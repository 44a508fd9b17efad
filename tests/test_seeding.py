"""One seed drives everything: derived seeds are stable, and TensorFlow's threads are never changed silently."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gantheory.backend import enable_determinism  # noqa: E402
from gantheory.seeding import derive_seed  # noqa: E402


def test_derived_seeds_depend_on_names_not_on_call_order():
    first = [derive_seed(7, "e4", "digits"), derive_seed(7, "e5", "fsr")]
    second = [derive_seed(7, "e5", "fsr"), derive_seed(7, "e4", "digits")][::-1]
    assert first == second and first[0] != first[1] and derive_seed(8, "e4", "digits") != first[0]
    assert all(0 <= s < 2**31 for s in first)


def test_a_started_tensorflow_keeps_its_threads_or_refuses_by_name():
    import keras
    import tensorflow as tf

    float(tf.reduce_sum(tf.ones(3)))  # TensorFlow has started: its thread pools are fixed from here on
    have = tf.config.threading.get_intra_op_parallelism_threads()
    enable_determinism(11, have)  # the pools it has: seeded, goes on
    draw = keras.random.uniform((2,), seed=1)
    enable_determinism(11, have)
    assert np.array_equal(draw, keras.random.uniform((2,), seed=1))
    with pytest.raises(ValueError, match=f"already runs {have} threads in this process; asked for {have + 3}"):
        enable_determinism(11, have + 3)
