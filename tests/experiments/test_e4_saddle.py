"""E4.1 saddle toy (Heusel et al. 2017): step rule, reach-step semantics, run table, determinism, judgement."""

import numpy as np
import pandas as pd
import pytest

from gantheory.experiments.e4 import claims
from gantheory.experiments.e4 import saddle as e4

SETTINGS = dict(
    steps=400,
    seeds=3,
    noise_std=1.0,
    init=[0.5, -0.4],
    rates=dict(ttur=[1e-4, 1e-2], slow=[1e-3, 1e-3], fast=[1e-2, 1e-2]),
    hold=100,
    threshold=0.15,
    tail=100,
)


@pytest.fixture(scope="module")
def simulated():
    return e4.simulate_saddle(SETTINGS, seed=5)


def test_first_hold_step():
    norms = [1, 0.1, 0.1, 1, 0.1, 0.1, 0.1]
    assert e4.first_hold_step(norms, 0.15, 3) == 4
    assert e4.first_hold_step(norms, 0.15, 2) == 1
    assert e4.first_hold_step(norms, 0.15, 4) == -1
    assert e4.first_hold_step([1.0, 2.0, 3.0], 0.15, 1) == -1
    np.testing.assert_array_equal(e4.first_hold_step(np.array([norms, [0.1] * 7]), 0.15, 3), [4, 0])


def test_fast_rate_multiplies_x_by_minus_one():
    x, y = e4.step(np.array(0.3), np.array(1e-4), a=1e-2, b=1e-2)
    assert x / 0.3 == pytest.approx(-1.0, abs=1e-6)
    assert abs(y) < 1e-4  # y contracts


def test_runs_table(simulated):
    runs, paths = simulated
    assert len(runs) == 9 and set(runs["variant"]) == {"ttur", "slow", "fast"}
    assert list(runs.columns) == [
        "experiment",
        "variant",
        "seed",
        "lr_x",
        "lr_y",
        "reach_step",
        "tail_rms",
        "final_x",
        "final_y",
    ]
    assert (runs["experiment"] == "E4").all() and sorted(runs["seed"].unique()) == [0, 1, 2]
    assert runs["reach_step"].between(-1, SETTINGS["steps"]).all()
    ttur = runs[runs["variant"] == "ttur"].iloc[0]
    assert (ttur["lr_x"], ttur["lr_y"]) == (1e-4, 1e-2)
    for name, path in paths.items():
        assert path.shape == (SETTINGS["steps"] + 1, 2)
        np.testing.assert_array_equal(path[0], SETTINGS["init"])
        row = runs[(runs["variant"] == name) & (runs["seed"] == 0)].iloc[0]
        np.testing.assert_array_equal(path[-1], [row["final_x"], row["final_y"]])
        assert row["reach_step"] == e4.first_hold_step(np.linalg.norm(path, axis=1), 0.15, 100)


def test_deterministic(simulated):
    runs, paths = e4.simulate_saddle(SETTINGS, seed=5)
    pd.testing.assert_frame_equal(runs, simulated[0])
    for name in paths:
        np.testing.assert_array_equal(paths[name], simulated[1][name])
    assert not e4.simulate_saddle(SETTINGS, seed=6)[0].equals(runs)


def test_judgement_from_hand_made_runs():
    def frame(reach, tail):
        return pd.DataFrame({"variant": ["ttur", "slow", "fast"], "reach_step": reach, "tail_rms": tail})

    assert claims.judge_e4_1(frame([100, 400, -1], [0.05, 0.01, 0.5])).passed
    assert not claims.judge_e4_1(frame([250, 600, -1], [0.05, 0.01, 0.5])).passed  # too slow
    assert not claims.judge_e4_1(frame([100, 150, -1], [0.05, 0.01, 0.5])).passed  # not ≤ 0.5 × slow
    assert not claims.judge_e4_1(frame([100, 400, 50], [0.05, 0.01, 0.1])).passed  # fast settles
    assert claims.judge_e4_1(frame([100, -1, -1], [0.05, 0.01, 0.5])).passed  # slow never = +inf
    judgement = claims.judge_e4_1(frame([100, 400, -1], [0.05, 0.01, 0.5]))
    assert "never" in judgement.measured and "200" in judgement.criterion
