"""The shared descent–ascent core: generator-only games, projections, divergence bookkeeping."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from gantheory.train.gda import GradientDescentAscent, evaluation_grid, run_training


def test_a_discriminator_without_variables_leaves_plain_gradient_descent():
    g = tf.Variable([0.0, 10.0])  # two seeds
    gda = GradientDescentAscent(
        "simultaneous", 1, [], [g], None, keras.optimizers.SGD(0.1),
        d_loss=lambda: tf.zeros(2), g_loss=lambda: tf.square(g - 3.0), seeds=2,
    )  # fmt: skip
    gda.compile_chunk()(100)
    np.testing.assert_allclose(g.numpy(), [3.0, 3.0], atol=1e-6)
    assert int(gda.step_count.numpy()) == 100


def test_projection_runs_after_every_discriminator_update():
    d, g = tf.Variable([0.5]), tf.Variable([0.0])
    gda = GradientDescentAscent(
        "alternating", 3, [d], [g], keras.optimizers.SGD(1.0), keras.optimizers.SGD(0.1),
        d_loss=lambda: -d * (g + 1.0), g_loss=lambda: tf.square(g) + 0.0 * d, seeds=1,
        d_project=lambda: d.assign(tf.clip_by_value(d, -1.0, 1.0)),
    )  # fmt: skip
    gda.compile_chunk()(2)
    assert d.numpy()[0] == pytest.approx(1.0)


def test_bilinear_game_simultaneous_spirals_out_and_optimistic_does_not():
    """min_g max_d g·d: SGDA's iterates grow in norm, optimistic gradients shrink them (a known result)."""
    norms = {}
    for rule in ("simultaneous", "optimistic"):
        d, g = tf.Variable([1.0]), tf.Variable([1.0])
        gda = GradientDescentAscent(
            rule, 1, [d], [g], keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1),
            d_loss=lambda d=d, g=g: -g * d, g_loss=lambda d=d, g=g: g * d, seeds=1,
        )  # fmt: skip
        gda.compile_chunk()(200)
        norms[rule] = float(np.hypot(d.numpy()[0], g.numpy()[0]))
    assert norms["simultaneous"] > 2.0 > 1.0 > norms["optimistic"]


def test_run_training_records_the_step_a_seed_diverged():
    calls = []

    def steps(n):
        calls.append(n)
        bad = np.array([0.0, np.nan if sum(calls) >= 4 else 0.0])
        return bad, np.zeros(2)

    log = run_training(steps, seeds=2, steps=6, eval_every=2, evaluate=lambda step: {"step": step})
    assert calls == [2, 2, 2] and log.steps == [0, 2, 4, 6]
    assert log.diverged_step.tolist() == [-1, 4]
    assert [e["step"] for e in log.evaluations] == [0, 2, 4, 6]


def test_run_training_evaluates_on_a_grid_denser_early_than_late():
    calls = []

    def steps(n):
        calls.append(n)
        return np.zeros(1), np.zeros(1)

    grid = evaluation_grid(12, 3, {"until": 6, "every": 2})
    assert grid == [0, 2, 4, 6, 8, 12]
    log = run_training(steps, seeds=1, steps=12, eval_every=grid, evaluate=lambda step: {"step": step})
    assert calls == [2, 2, 2, 2, 4] and log.steps == grid
    assert evaluation_grid(12, 3) == [0, 4, 8, 12] and evaluation_grid(10, 3) == [0, 3, 6, 9, 10]
    with pytest.raises(ValueError, match=r"evaluation steps must lie in \[0, steps=12\]"):
        run_training(steps, seeds=1, steps=12, eval_every=[0, 20])


def test_a_chunked_run_ends_where_an_unchunked_one_does():
    """The evaluation grid only decides where Python wakes up: the steps themselves are the same."""
    finals = []
    for grid in ([0, 60], evaluation_grid(60, 3, {"until": 30, "every": 5})):
        d, g = tf.Variable([0.5]), tf.Variable([1.0])
        gda = GradientDescentAscent(
            "simultaneous", 1, [d], [g], keras.optimizers.Adam(0.05), keras.optimizers.Adam(0.05),
            d_loss=lambda d=d, g=g: -g * d + 0.1 * d * d, g_loss=lambda d=d, g=g: g * d, seeds=1,
        )  # fmt: skip
        run_training(gda.compile_chunk(), seeds=1, steps=60, eval_every=grid)
        finals.append((d.numpy().tobytes(), g.numpy().tobytes()))
    assert finals[0] == finals[1]


def test_unknown_rule_is_refused_by_name():
    with pytest.raises(ValueError, match="update rule must be one of"):
        GradientDescentAscent("extragradient", 1, [], [], None, None, None, None, seeds=1)
