"""The PRG-seeded generator as a constant-depth Keras ReLU network (Chen, Li, Li, Meka, ICLR 2022).

Gaussian seeds z ~ N(0, I_{n+m}) pass through ReLU *gadgets* that are exact on ±1 values: sign via
a steep clipped ramp of width δ (two ReLU layers, exact when |z| ≥ δ), XOR (a product of signs) and
AND via a few ReLUs, then sign × magnitude (`gauss`: s·|g|, exact while |g| ≤ cap) or s + noise·g (`cube`).

Layout: a fixed linear *selection* gathers, for each output i, its local inputs
(z_{S_i(1..5)}, z_{n+i}) — shape (B, m, 6) — then every ReLU layer applies the same small gadget
block to each output: a Dense(relu) on the last axis (a block-diagonal Dense layer of the flat
network; each gadget's linear read-out is folded into the next layer's kernel). Weights are fixed,
in float64, so the network equals the NumPy reference (`gantheory.prg.reference`) to rounding except
on seeds inside a ramp.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from gantheory.prg.predicates import ARITY, Predicate
from gantheory.prg.reference import check_target

# A gadget is (hidden units as (input weights {wire: w}, bias), output as ({unit: w}, constant)),
# over the wires of the layer below. Every one is exact on ±1 inputs (tests enumerate every pattern).


def scaled_relu(i: int, scale: float):
    """relu(scale·x): the two halves of the sign ramp, relu(x/δ) and relu(−x/δ)."""
    return [({i: scale}, 0.0)], ({0: 1.0}, 0.0)


def saturate(u: int, v: int):
    """clip(u − v, −1, 1) = relu(1 − v) − relu(1 − u) for u, v ≥ 0 with u·v = 0.

    With u = relu(x/δ), v = relu(−x/δ) this is the sign ramp of width δ. Unlike the one-layer form
    relu(x/δ + 1) − relu(x/δ − 1) − 1, it never subtracts two large numbers: exact once |x| ≥ δ."""
    return [({v: -1.0}, 1.0), ({u: -1.0}, 1.0)], ({0: 1.0, 1: -1.0}, 0.0)


def identity(i: int):
    """x = relu(x) − relu(−x) (carries a wire through a ReLU layer)."""
    return [({i: 1.0}, 0.0), ({i: -1.0}, 0.0)], ({0: 1.0, 1: -1.0}, 0.0)


def positive(i: int):
    """x = relu(x) for x ≥ 0 (one unit instead of two)."""
    return [({i: 1.0}, 0.0)], ({0: 1.0}, 0.0)


def absolute(i: int):
    """|x| = relu(x) + relu(−x)."""
    return [({i: 1.0}, 0.0), ({i: -1.0}, 0.0)], ({0: 1.0, 1: 1.0}, 0.0)


def xor(i: int, j: int):
    """XOR in ±1 form is the product: a·b = |a + b| − 1 for a, b ∈ {±1}."""
    return [({i: 1.0, j: 1.0}, 0.0), ({i: -1.0, j: -1.0}, 0.0)], ({0: 1.0, 1: 1.0}, -1.0)


def and_(i: int, j: int):
    """AND in ±1 form (−1 = true) is the maximum: max(a, b) = b + relu(a − b)."""
    return [({i: 1.0, j: -1.0}, 0.0), ({j: 1.0}, 0.0), ({j: -1.0}, 0.0)], ({0: 1.0, 1: 1.0, 2: -1.0}, 0.0)


def sign_magnitude(s: int, a: int, cap: float):
    """s·a for s ∈ {±1}, 0 ≤ a ≤ cap: relu(a − B(1 − s)) − relu(a − B(1 + s)) with B = cap/2 (exact up to
    float64 rounding at the scale of B: a is added to ±B and back)."""
    half = cap / 2.0
    return [({a: 1.0, s: half}, -half), ({a: 1.0, s: -half}, -half)], ({0: 1.0, 1: -1.0}, 0.0)


def affine(terms: dict[int, float], constant: float = 0.0):
    """Σ c_i x_i + constant, each x_i carried through as relu(x) − relu(−x)."""
    units, out = [], {}
    for k, (i, c) in enumerate(terms.items()):
        units += [({i: 1.0}, 0.0), ({i: -1.0}, 0.0)]
        out[2 * k], out[2 * k + 1] = c, -c
    return units, (out, constant)


GADGETS = {"xor": xor, "and": and_, "id": identity}

# Each predicate as layers of gadgets on its local variables 0..4 (a layer's outputs are the next
# layer's variables, in order). Semantics are tested against the `Predicate` truth tables.
CIRCUITS = {
    "xor_and": [[("xor", 0, 1), ("id", 2), ("and", 3, 4)], [("id", 0), ("xor", 1, 2)], [("xor", 0, 1)]],
    "and": [[("and", 0, 1)]],
    "copy": [[("id", 0)]],
}


def gadget_layer(gadgets: list, wires: int):
    """One ReLU layer from gadgets over `wires` inputs: outputs = relu(x·K + b)·R + c, one per gadget."""
    rows, biases, outputs = [], [], []
    for units, (out, constant) in gadgets:
        offset = len(rows)
        for weights, bias in units:
            row = np.zeros(wires)
            for wire, w in weights.items():
                row[wire] += w
            rows.append(row)
            biases.append(bias)
        outputs.append(({offset + u: w for u, w in out.items()}, constant))
    readout = np.zeros((len(rows), len(outputs)))
    const = np.zeros(len(outputs))
    for k, (out, constant) in enumerate(outputs):
        for unit, w in out.items():
            readout[unit, k] = w
        const[k] = constant
    return np.array(rows).T, np.array(biases), readout, const


def evaluate_layers(layers: list, x: np.ndarray) -> np.ndarray:
    """Plain NumPy forward pass through gadget layers (what the Keras Dense pairs compute)."""
    h = np.asarray(x, dtype=np.float64)
    for kernel, bias, readout, const in layers:
        h = np.maximum(h @ kernel + bias, 0.0) @ readout + const
    return h


def predicate_circuit(predicate: Predicate) -> list:
    if predicate.name not in CIRCUITS:
        raise ValueError(f"no ReLU circuit for predicate {predicate.name!r}; expected one of {sorted(CIRCUITS)}")
    return CIRCUITS[predicate.name]


def output_layers(predicate: Predicate, target: str, delta: float, noise: float, cap: float) -> list:
    """The gadget layers one output applies to its local inputs (z_S(1..5), z_{n+i}) → its value."""
    check_target(target)
    if delta <= 0 or cap <= 0:
        raise ValueError(f"ramp width delta and magnitude cap must be > 0, got delta={delta}, cap={cap}")
    halves = [scaled_relu(i, sign / delta) for i in range(ARITY) for sign in (1.0, -1.0)]
    first = halves + [(absolute if target == "gauss" else identity)(ARITY)]  # the last wire is the magnitude
    carry = positive if target == "gauss" else identity  # |g| ≥ 0 needs one unit
    second = [saturate(2 * i, 2 * i + 1) for i in range(ARITY)] + [carry(2 * ARITY)]
    layers = [gadget_layer(first, ARITY + 1), gadget_layer(second, 2 * ARITY + 1)]
    wires = ARITY + 1
    for spec in predicate_circuit(predicate):
        gadgets = [GADGETS[op](*args) for op, *args in spec] + [carry(wires - 1)]
        layers.append(gadget_layer(gadgets, wires))
        wires = len(gadgets)
    last = wires - 1
    final = sign_magnitude(0, last, cap) if target == "gauss" else affine({0: 1.0, last: noise})
    layers.append(gadget_layer([final], wires))
    return layers


class SelectInputs(keras.layers.Layer):
    """The fixed linear map z (B, n + m) → (B, m, 6): output i's seed bits S_i, then its own z_{n+i}."""

    def __init__(self, hypergraph: np.ndarray, n: int, **kwargs):
        super().__init__(dtype="float64", trainable=False, **kwargs)
        m = len(hypergraph)
        index = np.concatenate([np.asarray(hypergraph), n + np.arange(m)[:, None]], axis=1).astype(np.int32)
        self.index = self.add_weight(shape=index.shape, dtype="int32", initializer="zeros", trainable=False)
        self.index.assign(index)

    def call(self, z):
        return keras.ops.take(keras.ops.cast(z, "float64"), self.index, axis=1)


def fold_readouts(layers: list) -> list[tuple[np.ndarray, np.ndarray]]:
    """Compose each linear read-out into the next layer's kernel: (kernel, bias) of L ReLU layers + output."""
    folded, (prev_r, prev_c) = [], (None, None)
    for kernel, bias, readout, const in layers:
        if prev_r is not None:
            kernel, bias = prev_r @ kernel, prev_c @ kernel + bias
        folded.append((kernel, bias))
        prev_r, prev_c = readout, const
    return folded + [(prev_r, prev_c)]


def _fixed_dense(kernel, bias, activation, name):
    layer = keras.layers.Dense(kernel.shape[1], activation=activation, dtype="float64", trainable=False, name=name)
    layer.build((None, kernel.shape[0]))
    layer.set_weights([kernel, bias])
    return layer


def relu_prg_generator(
    hypergraph, predicate: Predicate, n: int, target: str, delta: float, noise: float, cap: float, name: str = "prg"
) -> keras.Sequential:
    """Keras model: Gaussian seeds (B, n + m) → generator output (B, m), float64, constant depth."""
    hypergraph = np.asarray(hypergraph)
    m = len(hypergraph)
    if hypergraph.ndim != 2 or hypergraph.shape[1] != ARITY or m == 0:
        raise ValueError(f"hypergraph must have shape (m, {ARITY}) with m >= 1, got {hypergraph.shape}")
    if hypergraph.min() < 0 or hypergraph.max() >= n:
        raise ValueError(
            f"hypergraph indices must lie in [0, n={n}), got range [{hypergraph.min()}, {hypergraph.max()}]"
        )
    layers = [keras.Input((n + m,), dtype="float64"), SelectInputs(hypergraph, n, name=f"{name}_select")]
    *hidden, (readout, const) = fold_readouts(output_layers(predicate, target, delta, noise, cap))
    for k, (kernel, bias) in enumerate(hidden):
        layers.append(_fixed_dense(kernel, bias, "relu", f"{name}_relu{k}"))
    layers.append(_fixed_dense(readout, const, None, f"{name}_out"))
    layers.append(keras.layers.Reshape((m,), dtype="float64", name=f"{name}_flatten"))
    return keras.Sequential(layers, name=name)


def hidden_units(model: keras.Sequential) -> list[int]:
    """ReLU units per layer of the flat network (block size × outputs): the generator's size."""
    m = model.output_shape[-1]
    relu = keras.activations.get("relu")
    return [
        layer.units * m for layer in model.layers if isinstance(layer, keras.layers.Dense) and layer.activation is relu
    ]


def mismatch_bound(n: int, m: int, target: str, delta: float, cap: float) -> float:
    """P(network ≠ reference) ≤ P(some seed |z_i| < δ) + [gauss] P(some |g_j| > cap) ≈ 0.8·n·δ."""
    ramp_hit = 1.0 - (1.0 - math.erf(delta / math.sqrt(2.0))) ** n
    tail = m * math.erfc(cap / math.sqrt(2.0)) if target == "gauss" else 0.0
    return min(1.0, ramp_hit + tail)
