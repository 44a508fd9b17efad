"""W1 certificates: the vectorised nearest-pattern enumeration against brute force, the counting
bound below the enumeration, and the analytic pieces against Monte Carlo."""

import itertools
import math

import numpy as np
import pytest

from gantheory.metrics import certificate as cert
from gantheory.metrics.transport import wasserstein1
from gantheory.prg import emittable_patterns, get_predicate, random_hypergraph


def brute_force_distances(points, patterns, target):
    out = []
    for y in points:
        if target == "gauss":  # distance to the closed orthant of s: move the coordinates of wrong sign to 0
            d = [math.sqrt(sum(v * v for v, si in zip(y, s, strict=True) if v * si < 0)) for s in patterns]
        else:
            d = [float(np.linalg.norm(y - s)) for s in patterns]
        out.append(min(d))
    return np.array(out)


@pytest.mark.parametrize("target", ["gauss", "cube"])
def test_enumeration_matches_brute_force_on_a_tiny_case(target):
    n, m = 5, 7
    hypergraph = random_hypergraph(n, m, np.random.default_rng(0))
    patterns = emittable_patterns(n, hypergraph, get_predicate("xor_and"))
    rng = np.random.default_rng(1)
    points = rng.standard_normal((300, m)) if target == "gauss" else rng.choice([-1.0, 1.0], (300, m))
    fast = cert.nearest_pattern_distances(points, patterns, target, chunk=64)
    np.testing.assert_allclose(fast, brute_force_distances(points, patterns, target), atol=1e-12)
    assert (fast > 0).mean() > 0.5  # 2^5 patterns of 2^7: most points are far from all of them


def test_enumeration_bound_is_tight_where_w1_is_known_and_below_pot():
    # copy outputs 1 and 2 both read seed bit 0: patterns have s1 = s2; half the cube mass moves by 2
    hypergraph = np.array([[0, 1, 2, 3, 4], [0, 2, 1, 3, 4], [1, 0, 2, 3, 4]])
    patterns = emittable_patterns(5, hypergraph, get_predicate("copy"))
    assert len(patterns) == 4
    mean, se = cert.enumeration_bound(patterns, "cube", 20_000, np.random.default_rng(0), noise=0.0)
    assert abs(mean - 1.0) < 4 * se  # W1 = 1 exactly
    rng = np.random.default_rng(1)
    gen = patterns[rng.integers(0, 4, 1500)].astype(float)
    tgt = rng.choice([-1.0, 1.0], (1500, 3))
    assert wasserstein1(gen, tgt) == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("target", ["gauss", "cube"])
def test_counting_bound_lies_below_the_exact_enumeration(target):
    n, m = 10, 40
    patterns = emittable_patterns(n, random_hypergraph(n, m, np.random.default_rng(3)), get_predicate("xor_and"))
    mean, se = cert.enumeration_bound(patterns, target, 4000, np.random.default_rng(4))
    bound = cert.counting_bound(n, m, target)
    assert 0 < bound <= mean + 3 * se
    assert cert.counting_bound(n + 4, m, target) < bound  # more patterns, weaker bound


def test_the_chi2_union_bound_is_exact_for_one_pattern_and_below_enumeration_for_many():
    """One pattern (n = 0): the union bound is no bound at all but E d_s itself, so it must equal the Monte-Carlo
    nearest-orthant distance; for 2^n patterns it lies below the enumerated value and above counting."""
    m = 12
    single = np.ones((1, m))
    mean, se = cert.enumeration_bound(single, "gauss", 200_000, np.random.default_rng(5))
    assert cert.chi2_union_bound(0, m) == pytest.approx(mean, abs=4 * se)
    n, m = 10, 40
    patterns = emittable_patterns(n, random_hypergraph(n, m, np.random.default_rng(3)), get_predicate("xor_and"))
    mean, se = cert.enumeration_bound(patterns, "gauss", 4000, np.random.default_rng(4))
    union, counting = cert.chi2_union_bound(n, m), cert.counting_bound(n, m, "gauss")
    assert counting < union <= mean + 3 * se and cert.certified_bound(n, m, "gauss") == union
    assert cert.chi2_union_bound(n + 4, m) < union and cert.chi2_union_bound(m, m) == 0.0  # every orthant: 0
    assert cert.certified_bound(n, m, "cube") == cert.counting_bound(n, m, "cube")  # the same argument on cube


def test_analytic_pieces_against_exact_sums_and_monte_carlo():
    m = 12
    means = cert.halfnormal_order_means(m)
    assert means.sum() == pytest.approx(m * math.sqrt(2 / math.pi), rel=1e-9)
    sample = np.sort(np.abs(np.random.default_rng(0).standard_normal((200_000, m))), axis=1).mean(axis=0)
    np.testing.assert_allclose(means, sample, rtol=0.01)
    far = cert.far_probabilities(3, 6)
    assert far[0] == 1 - 2**3 / 2**6 and far[1] == 1 - 2**3 * 7 / 2**6 and far[-1] == 0.0
    assert (np.diff(far) <= 0).all()
    w = np.random.default_rng(1).standard_normal((200_000, 20))
    assert cert.chi_mean(20) == pytest.approx(np.linalg.norm(w, axis=1).mean(), rel=0.003)
    assert cert.target_scale(20, "gauss") == cert.chi_mean(20)
    t = np.random.default_rng(2).choice([-1.0, 1.0], (200_000, 20)) + 0.1 * w
    assert cert.target_scale(20, "cube", 0.1) == pytest.approx(np.linalg.norm(t, axis=1).mean(), rel=0.003)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="unknown target 'ring'"):
        cert.counting_bound(4, 8, "ring")
    with pytest.raises(ValueError, match="must share m"):
        cert.nearest_pattern_distances(np.zeros((3, 4)), np.ones((2, 5)), "gauss")


def test_patterns_enumerate_all_seeds_once():
    n = 5
    patterns = emittable_patterns(
        n, np.array([list(p) for p in itertools.permutations(range(5))][:6]), get_predicate("copy")
    )
    assert len(patterns) == len({tuple(p) for p in patterns.tolist()})
