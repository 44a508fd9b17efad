"""Predicates, the exact correlation checker (against brute-force enumeration), hypergraph builders,
and the NumPy reference of the PRG-seeded generator."""

import itertools

import numpy as np
import pytest

from gantheory.prg import correlations, hypergraphs, predicates, reference

XOR_AND = predicates.get_predicate("xor_and")


def all_seeds(n: int) -> np.ndarray:
    return np.array(list(itertools.product([1, -1], repeat=n)), dtype=np.int8)


def test_xor_and_truth_table_and_fourier_expansion():
    for x in all_seeds(5):
        b = (x < 0).astype(int)
        expected = 1 - 2 * (b[0] ^ b[1] ^ b[2] ^ (b[3] & b[4]))
        assert XOR_AND(x) == expected
        # x1·x2·x3·(1 + x4 + x5 − x4·x5)/2, the ±1 form of the formula
        assert expected == x[0] * x[1] * x[2] * (1 + x[3] + x[4] - x[3] * x[4]) // 2
    assert XOR_AND.fourier == {0b00111: 0.5, 0b01111: 0.5, 0b10111: 0.5, 0b11111: -0.5}
    assert XOR_AND.mean == 0.0
    assert predicates.get_predicate("and").mean == 0.5  # the biased control
    with pytest.raises(ValueError, match="unknown predicate 'maj'"):
        predicates.get_predicate("maj")


def brute_force_correlations(n, hypergraph, predicate):
    outputs = reference.prg_signs(all_seeds(n), hypergraph, predicate).astype(np.int64)
    m = outputs.shape[1]
    found = {}
    for order in (1, 2, 3):
        for idx in itertools.combinations(range(m), order):
            mean = outputs[:, list(idx)].prod(axis=1).mean()
            if mean != 0:
                found[idx] = mean
    return found


@pytest.mark.parametrize("name", ["xor_and", "and", "copy"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_checker_matches_brute_force_enumeration(name, seed):
    predicate = predicates.get_predicate(name)
    n, m = 7, 7
    hypergraph = hypergraphs.random_hypergraph(n, m, np.random.default_rng(seed))
    found = correlations.low_order_correlations(hypergraph, predicate)
    exact = {**{(i,): v for i, v in found.singles.items()}, **found.pairs, **found.triples}
    brute = brute_force_correlations(n, hypergraph, predicate)
    assert exact.keys() == brute.keys()
    for key, value in brute.items():
        assert exact[key] == pytest.approx(value, abs=1e-12)
    assert len(brute) > 0  # a 7-bit seed stretched to 7 outputs of 5-subsets always correlates


def test_clean_builder_has_no_correlated_pair_or_triple_by_enumeration():
    n, m = 12, 14
    hypergraph = hypergraphs.clean_hypergraph(n, m, XOR_AND, np.random.default_rng(3), max_draws=20_000)
    assert hypergraph.shape == (m, 5)
    assert all(len(set(row)) == 5 for row in hypergraph.tolist())
    brute = brute_force_correlations(n, hypergraph, XOR_AND)
    assert brute == {}
    assert correlations.low_order_correlations(hypergraph, XOR_AND).counts() == {
        "biased_outputs": 0,
        "pairs": 0,
        "triples": 0,
    }


def test_clean_builder_is_seeded_and_reports_impossible_sizes():
    a = hypergraphs.clean_hypergraph(16, 64, XOR_AND, np.random.default_rng(5), 10_000)
    b = hypergraphs.clean_hypergraph(16, 64, XOR_AND, np.random.default_rng(5), 10_000)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="no clean hypergraph for n=8, m=32"):
        hypergraphs.clean_hypergraph(8, 32, XOR_AND, np.random.default_rng(0), 2_000)
    with pytest.raises(ValueError, match="no clean hypergraph"):  # AND is biased: never clean
        hypergraphs.clean_hypergraph(16, 4, predicates.get_predicate("and"), np.random.default_rng(0), 100)
    with pytest.raises(ValueError, match="seed length n must be >= 5"):
        hypergraphs.random_hypergraph(4, 8, np.random.default_rng(0))


def test_random_subsets_at_small_n_leave_correlations():
    counts = [
        correlations.low_order_correlations(
            hypergraphs.random_hypergraph(16, 64, np.random.default_rng(s)), XOR_AND
        ).counts()
        for s in range(3)
    ]
    assert all(c["triples"] > 0 for c in counts) and any(c["pairs"] > 0 for c in counts)


def test_reference_generator_outputs_and_targets():
    n, m = 6, 5
    hypergraph = hypergraphs.random_hypergraph(n, m, np.random.default_rng(0))
    z = np.random.default_rng(1).standard_normal((50, n + m))
    signs = reference.prg_signs(reference.seed_signs(z[:, :n]), hypergraph, XOR_AND)
    gauss = reference.generator_output(z, hypergraph, XOR_AND, n, "gauss", 0.1)
    cube = reference.generator_output(z, hypergraph, XOR_AND, n, "cube", 0.1)
    np.testing.assert_array_equal(np.sign(gauss), signs)
    np.testing.assert_allclose(np.abs(gauss), np.abs(z[:, n:]))
    np.testing.assert_allclose(cube, signs + 0.1 * z[:, n:])
    with pytest.raises(ValueError, match="n \\+ m = 11 columns"):
        reference.generator_output(z[:, :-1], hypergraph, XOR_AND, n, "gauss", 0.1)
    with pytest.raises(ValueError, match="unknown target 'ring'"):
        reference.generator_output(z, hypergraph, XOR_AND, n, "ring", 0.1)


def test_emittable_patterns_enumerate_the_image():
    n = 6
    hypergraph = hypergraphs.random_hypergraph(n, 8, np.random.default_rng(2))
    patterns = reference.emittable_patterns(n, hypergraph, predicates.get_predicate("copy"))
    # copy outputs repeat seed bits: the image has 2^(number of distinct first bits) patterns
    assert len(patterns) == 2 ** len(set(hypergraph[:, 0].tolist()))
    with pytest.raises(ValueError, match="too much"):
        reference.emittable_patterns(30, hypergraph, XOR_AND)
