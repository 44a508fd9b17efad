"""The ReLU gadgets are exact on every ±1 input pattern; the Keras generator computes the PRG."""

import itertools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from gantheory.models import relu_prg as rp  # noqa: E402
from gantheory.prg import get_predicate, random_hypergraph  # noqa: E402
from gantheory.prg.reference import generator_output  # noqa: E402


def run(gadgets, wires, x):
    return rp.evaluate_layers([rp.gadget_layer(gadgets, wires)], np.atleast_2d(x))[:, 0]


def patterns(k):
    return np.array(list(itertools.product([-1.0, 1.0], repeat=k)))


def test_two_input_gadgets_on_every_sign_pattern():
    x = patterns(2)
    np.testing.assert_array_equal(run([rp.xor(0, 1)], 2, x), x[:, 0] * x[:, 1])
    np.testing.assert_array_equal(run([rp.and_(0, 1)], 2, x), np.where((x == -1).all(axis=1), -1.0, 1.0))
    np.testing.assert_array_equal(run([rp.identity(0)], 2, x), x[:, 0])
    np.testing.assert_array_equal(run([rp.absolute(1)], 2, x), np.ones(4))
    np.testing.assert_array_equal(run([rp.affine({0: 1.0, 1: 0.1})], 2, x), x[:, 0] + 0.1 * x[:, 1])


def test_sign_magnitude_gadget_on_both_signs_and_the_whole_magnitude_range():
    cap = 10.0
    for s, a in itertools.product([-1.0, 1.0], [0.0, 1e-9, 0.3, 2.5, 9.999, 10.0]):
        # a is added to ±cap/2 and back: exact up to float64 rounding at the cap's scale
        assert run([rp.sign_magnitude(0, 1, cap)], 2, [s, a])[0] == pytest.approx(s * a, abs=1e-14)
    assert run([rp.sign_magnitude(0, 1, cap)], 2, [1.0, 12.0])[0] != 12.0  # beyond the cap: not exact
    assert run([rp.positive(0)], 1, [[3.5]])[0] == 3.5


def test_sign_ramp_is_exact_outside_its_width_and_linear_inside():
    delta = 1e-3
    layers = [
        rp.gadget_layer([rp.scaled_relu(0, 1 / delta), rp.scaled_relu(0, -1 / delta)], 1),
        rp.gadget_layer([rp.saturate(0, 1)], 2),
    ]
    z = np.array([-5.0, -1e-3, -2e-3, 1e-3, 7e-3, 1e6, 5e-4, -2.5e-4, 0.0])
    out = rp.evaluate_layers(layers, z[:, None])[:, 0]
    np.testing.assert_array_equal(out[:6], [-1, -1, -1, 1, 1, 1])  # exact, even at 1e9 / δ scale
    np.testing.assert_allclose(out[6:], [0.5, -0.25, 0.0])


@pytest.mark.parametrize("name", ["xor_and", "and", "copy"])
@pytest.mark.parametrize("target", ["gauss", "cube"])
def test_each_predicate_circuit_on_every_seed_pattern(name, target):
    predicate = get_predicate(name)
    layers = rp.output_layers(predicate, target, delta=1e-3, noise=0.1, cap=10.0)
    x = patterns(5)
    for magnitude in (0.0, 0.7, -2.0):
        local = np.concatenate([x, np.full((32, 1), magnitude)], axis=1)
        out = rp.evaluate_layers(layers, local)[:, 0]
        signs = predicate(x.astype(np.int8)).astype(np.float64)
        expected = signs * abs(magnitude) if target == "gauss" else signs + 0.1 * magnitude
        np.testing.assert_allclose(out, expected, rtol=0, atol=1e-14)
        np.testing.assert_array_equal(np.sign(out[magnitude != 0]), np.sign(expected[magnitude != 0]))


def test_keras_generator_matches_the_reference_within_the_analytic_bound():
    n, m, samples = 16, 64, 10_000
    predicate = get_predicate("xor_and")
    hypergraph = random_hypergraph(n, m, np.random.default_rng(0))
    z = np.random.default_rng(1).standard_normal((samples, n + m))
    for target in ("gauss", "cube"):
        for delta in (1e-2, 1e-6):
            model = rp.relu_prg_generator(hypergraph, predicate, n, target, delta, 0.1, 10.0)
            out = model(z).numpy()
            ref = generator_output(z, hypergraph, predicate, n, target, 0.1)
            differs = np.abs(out - ref).max(axis=1) > 1e-12
            rate = differs.mean()
            bound = rp.mismatch_bound(n, m, target, delta, 10.0)
            assert rate <= bound + 3 * np.sqrt(bound * (1 - bound) / samples)
            if delta == 1e-2:
                assert rate > 0.5 * bound  # the ramp really is hit: the check has teeth
            # samples whose seeds all lie outside the ramp are exact
            outside = (np.abs(z[:, :n]) >= delta).all(axis=1)
            assert not differs[outside].any()


def test_folded_keras_layers_equal_the_gadget_layers_and_depth_is_constant():
    predicate = get_predicate("xor_and")
    depths = []
    for n in (8, 16):
        hypergraph = random_hypergraph(n, 4 * n, np.random.default_rng(n))
        model = rp.relu_prg_generator(hypergraph, predicate, n, "gauss", 1e-3, 0.1, 10.0)
        z = np.random.default_rng(2).standard_normal((200, 5 * n))
        local = np.concatenate([z[:, hypergraph], z[:, n:, None]], axis=2)
        layers = rp.output_layers(predicate, "gauss", 1e-3, 0.1, 10.0)
        np.testing.assert_allclose(model(z).numpy(), rp.evaluate_layers(layers, local)[..., 0], atol=1e-12)
        units = rp.hidden_units(model)
        depths.append(len(units))
        assert units[0] == 4 * n * 12  # ten ramp halves and the magnitude's two units per output
    assert depths == [6, 6]


def test_bad_generator_inputs_are_refused():
    predicate = get_predicate("xor_and")
    with pytest.raises(ValueError, match="hypergraph indices must lie in \\[0, n=4\\)"):
        rp.relu_prg_generator(np.array([[0, 1, 2, 3, 4]]), predicate, 4, "gauss", 1e-3, 0.1, 10.0)
    with pytest.raises(ValueError, match="delta and magnitude cap must be > 0"):
        rp.output_layers(predicate, "gauss", 0.0, 0.1, 10.0)
    with pytest.raises(ValueError, match="unknown target"):
        rp.output_layers(predicate, "sphere", 1e-3, 0.1, 10.0)
