"""The multi-resolution generator of forward super-resolution (Allen-Zhu & Li, ICLR 2023) and its critics.

The generator mirrors the FSR distribution: level 1 = D1·h1 + c with a non-negative code h1 = ReLU(MLP(z1));
each finer level = upsample(coarser output) + D_ℓ·h_ℓ with h_ℓ = ReLU(U_ℓ·(coarser output) + N_ℓ·z_ℓ + a_ℓ),
a ReLU detail layer fed by the coarser output and fresh noise. Every level is an output head. All layers
carry K stacked seeds (inputs (K, B, d)), as in models.stacked; the rows of D_ℓ are the learned atoms.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from gantheory.models.stacked import StackedDense, stacked_mlp


class StackedDictionary(keras.layers.Layer):
    """x = h·D (+ c) for K stacked seeds: (K, B, atoms) → (K, B, dim); D (K, atoms, dim) holds one atom per row."""

    def __init__(self, dim: int, seeds: int, use_bias: bool = False, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.seeds, self.use_bias, self.seed = dim, seeds, use_bias, seed

    def build(self, input_shape):
        atoms = int(input_shape[-1])
        limit = math.sqrt(6.0 / (atoms + self.dim))  # Glorot-uniform per seed, as StackedDense
        self.atoms = self.add_weight(
            name="atoms",
            shape=(self.seeds, atoms, self.dim),
            initializer=keras.initializers.RandomUniform(-limit, limit, seed=self.seed),
        )
        self.bias = (
            self.add_weight(name="bias", shape=(self.seeds, 1, self.dim), initializer="zeros")
            if (self.use_bias)
            else None
        )

    def call(self, codes):
        out = ops.einsum("kba,kad->kbd", codes, self.atoms)
        return out if self.bias is None else out + self.bias


def upsample(x, side: int):
    """Nearest-neighbour 2× upsampling of flattened side×side images, (K, B, side²) → (K, B, 4·side²)."""
    k, b = ops.shape(x)[0], ops.shape(x)[1]
    img = ops.reshape(x, (k, b, side, side))
    img = ops.repeat(ops.repeat(img, 2, axis=2), 2, axis=3)
    return ops.reshape(img, (k, b, 4 * side * side))


class MultiResolutionGenerator(keras.Model):
    """K stacked FSR generators; `call(noises)` returns (levels, codes), coarse to fine."""

    def __init__(
        self,
        sides: list[int],
        code_widths: list[int],
        noise_dims: list[int],
        hidden: list[int],
        seeds: int,
        seed: int,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not len(sides) == len(code_widths) == len(noise_dims):
            raise ValueError(
                f"sides, code_widths and noise_dims need one entry per level, got {sides}, {code_widths}, {noise_dims}"
            )
        self.sides, self.code_widths, self.noise_dims = list(sides), list(code_widths), list(noise_dims)
        self.seeds = seeds
        self.level1_code = stacked_mlp(
            list(hidden), code_widths[0], seeds, seed, output_activation="relu", name="level1_code"
        )
        self.dictionaries = [
            StackedDictionary(s * s, seeds, use_bias=(i == 0), seed=seed + 100 + i, name=f"dictionary{i + 1}")
            for i, s in enumerate(sides)
        ]
        self.detail_codes = [
            StackedDense(w, seeds, "relu", seed=seed + 200 + i, name=f"detail_code{i + 2}")
            for i, w in enumerate(code_widths[1:])
        ]
        self(self.zero_noise(1))

    def zero_noise(self, batch: int) -> list:
        return [ops.zeros((self.seeds, batch, n)) for n in self.noise_dims]

    def call(self, noises):
        code = self.level1_code(noises[0])
        x = self.dictionaries[0](code)
        levels, codes = [x], [code]
        for i, (detail, dictionary) in enumerate(zip(self.detail_codes, self.dictionaries[1:], strict=True)):
            code = detail(ops.concatenate([x, noises[i + 1]], axis=-1))
            x = upsample(x, self.sides[i]) + dictionary(code)
            levels.append(x)
            codes.append(code)
        return levels, codes

    def atoms(self, level: int):
        """The learned dictionary of a level (1-based), (K, atoms, pixels)."""
        return self.dictionaries[level - 1].atoms


def level_critics(sides: list[int], widths: list[int], seeds: int, seed: int, levels: list[int]) -> dict:
    """One stacked ReLU MLP critic per judged level (1-based) → {level: critic}, built on its input size."""
    critics = {}
    for level in levels:
        critic = stacked_mlp(list(widths), 1, seeds, seed + 1000 * level, name=f"critic{level}")
        critic(ops.zeros((seeds, 1, sides[level - 1] ** 2)))
        critics[level] = critic
    return critics
