"""K independent MLPs as one batched computation: every weight carries a leading "seed" axis.

Small GANs leave a CPU (or GPU) mostly idle; stacking K seeds' weights turns K small matrix products
into one batched product (einsum over the seed axis). Seeds never share a parameter, so their
gradients, Adam states and updates stay independent: slice k behaves exactly like a lone model.
"""

from __future__ import annotations

import math

import keras
from keras import ops


class StackedDense(keras.layers.Layer):
    """Dense layer for K stacked models: (K, B, n_in) → (K, B, units)."""

    def __init__(self, units: int, seeds: int, activation=None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.seeds, self.seed = units, seeds, seed
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        # Glorot-uniform per seed: Keras' own initialisers would read the seed axis as a receptive field.
        limit = math.sqrt(6.0 / (fan_in + self.units))
        self.kernel = self.add_weight(
            name="kernel",
            shape=(self.seeds, fan_in, self.units),
            initializer=keras.initializers.RandomUniform(-limit, limit, seed=self.seed),
        )
        self.bias = self.add_weight(name="bias", shape=(self.seeds, 1, self.units), initializer="zeros")

    def call(self, inputs):
        return self.activation(ops.einsum("kbi,kio->kbo", inputs, self.kernel) + self.bias)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "seeds": self.seeds,
            "seed": self.seed,
            "activation": keras.activations.serialize(self.activation),
        }


def stacked_mlp(
    widths: list[int],
    output_dim: int,
    seeds: int,
    seed: int,
    activation="relu",
    output_activation=None,
    name: str = "mlp",
) -> keras.Sequential:
    """ReLU MLP with the given hidden widths, for K = `seeds` stacked models; input (K, B, d)."""
    layers = [StackedDense(w, seeds, activation, seed=seed + i, name=f"{name}_dense{i}") for i, w in enumerate(widths)]
    layers.append(StackedDense(output_dim, seeds, output_activation, seed=seed + len(widths), name=f"{name}_out"))
    return keras.Sequential(layers, name=name)


def slice_weights(model: keras.Model, k: int) -> list:
    """Weights of seed k alone, in the shapes a K = 1 model of the same widths expects."""
    return [w[k : k + 1] for w in model.get_weights()]
