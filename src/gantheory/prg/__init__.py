"""Goldreich's local PRG: predicates, hypergraph builders, the exact correlation checker, and the
NumPy reference of the PRG-seeded generator (docs/claims.md#e1)."""

from gantheory.prg.correlations import Correlations, low_order_correlations
from gantheory.prg.hypergraphs import clean_hypergraph, random_hypergraph
from gantheory.prg.predicates import PREDICATES, Predicate, get_predicate
from gantheory.prg.reference import emittable_patterns, generator_output, prg_signs, target_sample

__all__ = [
    "PREDICATES",
    "Correlations",
    "Predicate",
    "clean_hypergraph",
    "emittable_patterns",
    "generator_output",
    "get_predicate",
    "low_order_correlations",
    "prg_signs",
    "random_hypergraph",
    "target_sample",
]
