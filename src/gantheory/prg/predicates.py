"""Local predicates P: {±1}^5 → {±1} of Goldreich's PRG, in ±1 form (bit b ↔ sign (−1)^b).

Each predicate is defined by its Boolean formula on bits; its Fourier expansion (which characters
χ_S(x) = Π_{i∈S} x_i carry weight) is computed from the truth table, never written by hand, so the
correlation checker and the NumPy reference rest on the same single definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

ARITY = 5  # every predicate reads a 5-subset of the seed (unused positions are ignored)


def bits_to_signs(bits: np.ndarray) -> np.ndarray:
    return (1 - 2 * np.asarray(bits, dtype=np.int64)).astype(np.int8)


def signs_to_bits(signs: np.ndarray) -> np.ndarray:
    return (np.asarray(signs) < 0).astype(np.int8)


@dataclass(frozen=True)
class Predicate:
    """A Boolean predicate of ARITY bits; `formula` maps a (..., ARITY) 0/1 array to 0/1."""

    name: str
    description: str
    formula: Callable[[np.ndarray], np.ndarray]

    def __call__(self, signs: np.ndarray) -> np.ndarray:
        """±1 output for ±1 inputs of shape (..., ARITY)."""
        return bits_to_signs(self.formula(signs_to_bits(signs)))

    @cached_property
    def truth_table(self) -> np.ndarray:
        """(2^ARITY,) ±1 outputs; row r has input bit i = (r >> i) & 1."""
        rows = np.arange(2**ARITY)
        bits = (rows[:, None] >> np.arange(ARITY)) & 1
        return bits_to_signs(self.formula(bits)).astype(np.int64)

    @cached_property
    def fourier(self) -> dict[int, float]:
        """Non-zero Fourier coefficients {local mask: P̂(mask)}, P(x) = Σ P̂(S) Π_{i∈S} x_i (exact dyadics)."""
        rows = np.arange(2**ARITY)
        coefficients = {}
        for mask in range(2**ARITY):
            parity = np.array([bin(r & mask).count("1") % 2 for r in rows])
            value = float(np.sum(self.truth_table * (1 - 2 * parity))) / 2**ARITY
            if value != 0.0:
                coefficients[mask] = value
        return coefficients

    @property
    def mean(self) -> float:
        return self.fourier.get(0, 0.0)


def _xor_and(b: np.ndarray) -> np.ndarray:
    return b[..., 0] ^ b[..., 1] ^ b[..., 2] ^ (b[..., 3] & b[..., 4])


def _and(b: np.ndarray) -> np.ndarray:
    return b[..., 0] & b[..., 1]


def _copy(b: np.ndarray) -> np.ndarray:
    return b[..., 0].copy()


PREDICATES = {
    "xor_and": Predicate("xor_and", "x1 ⊕ x2 ⊕ x3 ⊕ (x4 ∧ x5) (Goldreich's XOR-AND)", _xor_and),
    "and": Predicate("and", "x1 ∧ x2 (biased control: output mean 1/2)", _and),
    "copy": Predicate("copy", "x1 (control: outputs repeat seed bits)", _copy),
}


def get_predicate(name: str) -> Predicate:
    if name not in PREDICATES:
        raise ValueError(f"unknown predicate {name!r}; expected one of {sorted(PREDICATES)}")
    return PREDICATES[name]
