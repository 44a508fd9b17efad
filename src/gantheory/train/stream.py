"""The one stateless random stream every trained GAN draws from: seeds (key, counter) for `tf.random.stateless_*`.

Each draw takes the next counter value, so a run is a pure function of its key, and the counter (a
`tf.Variable` a checkpoint saves) is all the random state there is: a resumed run draws exactly what
the uninterrupted one would have.
"""

from __future__ import annotations

import tensorflow as tf


class CounterStream:
    def __init__(self, key: int):
        self.key = tf.constant(key, tf.int64)
        self.counter = tf.Variable(0, dtype=tf.int64, trainable=False, name="rng_counter")

    def next_seed(self):
        """The next (key, counter) seed. Uses assign_add's own result: a separate read of the counter is not
        ordered after the increment inside a graph."""
        return tf.stack([self.key, tf.convert_to_tensor(self.counter.assign_add(1))])
