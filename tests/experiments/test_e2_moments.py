"""E2 training above the engine: per-run targets, paired generators, and short runs that must move."""

import copy
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from gantheory.experiments.e2 import generators  # noqa: E402
from gantheory.experiments.e2 import training as e2  # noqa: E402
from gantheory.experiments.e2.settings import STEP_KEYS, targets_of  # noqa: E402

SETTINGS = {
    "seeds": 2,
    "particles": 200,
    "eval_samples": 400,
    "moment_orders": 4,
    "bandwidth_factor": 1.0,
    "floor_repeats": 5,
    "targets": {
        "bimodal": {"weights": [0.5, 0.5], "means": [-2.0, 2.0], "sds": [0.5, 0.5]},
        "normal": {"weights": [1.0], "means": [0.0], "sds": [1.0]},
    },
    "init": {"low": -1.0, "high": 1.0},
    "generators": {
        "particles": {"lr": 0.02, "lr_final": 0.1, "beta_1": 0.5, "beta_2": 0.9},
        "mlp": {"widths": [8], "latent_dim": 1, "lr": 0.003, "lr_final": 1.0, "beta_1": 0.5, "beta_2": 0.9},
    },
    "families": {
        "polynomial": {"kind": "polynomial", "inner": "closed_form", "degrees": [2, 4], "batch_size": 200,
                       "steps": 150, "evaluations": 3},
        "mmd": {"kind": "mmd", "batch_size": 64, "steps": 4, "evaluations": 2},
        "quadrature": {"kind": "polynomial", "inner": "closed_form", "degrees": [2, 4], "start": "quadrature",
                       "generators": ["particles"], "batch_size": 200, "steps": 20, "evaluations": 2},
        "wgan_gp": {"kind": "wgan_gp", "widths": [8], "gp_weight": 0.1, "rule": "alternating", "n_critic": 1,
                    "lr_d": 1e-3, "lr_g": 1e-3, "beta_1": 0.5, "beta_2": 0.9, "batch_size": 32, "steps": 10,
                    "evaluations": 2, "late": {"count": 3, "every": 2}},
        "polynomial_ascent": {"kind": "polynomial", "inner": "ascent", "degrees": [2], "rule": "ttur", "n_critic": 1,
                              "lr_d": 0.05, "beta_1": 0.5, "beta_2": 0.9, "batch_size": 100, "steps": 4,
                              "evaluations": 2},
    },
    "exact": {"gauss_hermite": [2], "dirac_max": 5},
}  # fmt: skip


def test_mixture_sampler_draws_each_runs_own_mixture():
    targets = list(targets_of(SETTINGS).values())
    sampler = e2.MixtureSampler(targets)
    x = sampler(20000, tf.constant([1, 2], tf.int64)).numpy()[..., 0]
    assert x.shape == (2, 20000)
    np.testing.assert_allclose(x.std(axis=1), [t.sd for t in targets], rtol=0.03)
    assert abs(np.mean(x[0] > 0) - 0.5) < 0.02 and abs(np.mean(np.abs(x[0]) < 1)) < 0.05  # two modes at ±2
    np.testing.assert_array_equal(x, sampler(20000, tf.constant([1, 2], tf.int64)).numpy()[..., 0])


def test_generators_start_the_same_in_every_family_and_particle_batches_are_subsets():
    poly_runs = e2.run_table(SETTINGS["families"]["polynomial"], SETTINGS)
    mmd_runs = e2.run_table(SETTINGS["families"]["mmd"], SETTINGS)
    assert len(poly_runs) == 2 * 2 * 2 and len(mmd_runs) == 2 * 2
    a = e2.initial_generators("particles", poly_runs, SETTINGS, 50, seed=7)
    b = e2.initial_generators("particles", mmd_runs, SETTINGS, 50, seed=7)
    first = poly_runs.index[(poly_runs["seed"] == 1) & (poly_runs["target"] == "normal")][0]
    np.testing.assert_array_equal(a.points.numpy()[first], b.points.numpy()[1])  # mmd run 1: bimodal, seed 1
    batch = a.batch(tf.constant([3, 4], tf.int64)).numpy()[..., 0]
    assert batch.shape == (8, 50) and all(len(np.unique(row)) == 50 for row in batch)
    assert np.isin(batch[0], a.points.numpy()[0, :, 0]).all()
    m1 = e2.initial_generators("mlp", poly_runs, SETTINGS, 32, seed=7)
    m2 = e2.initial_generators("mlp", mmd_runs, SETTINGS, 32, seed=7)
    np.testing.assert_array_equal(m1.model.get_weights()[0][first], m2.model.get_weights()[0][1])


def test_polynomial_training_matches_moments():
    frame, points, seconds = e2.train_family("polynomial", "particles", SETTINGS, seed=3)
    objective = frame[frame["metric"] == "objective"].pivot_table(
        index="step", columns=["variant", "target", "seed"], values="value"
    )
    assert (objective.iloc[-1] < 0.25 * objective.iloc[0]).all()  # d_poly falls in every run
    last = frame[(frame["step"] == frame["step"].max()) & (frame["metric"] == "moment_gap_2")]
    assert (last["value"].abs() < 0.15 * 4.25).all()  # the bimodal's second moment is 4.25
    assert set(frame["metric"]) >= {"w1", "mmd", "objective", "max_feature_gap", "moment_gap_1", "moment_gap_4"}
    assert len(points) == 8 and points["polynomial/particles/k=4/normal/1"].shape == (200,)
    assert seconds > 0 and (frame["diverged_step"] == -1).all()


def test_mlp_strict_family_runs_and_reports_the_objective():
    frame, points, _ = e2.train_family("mmd", "mlp", SETTINGS, seed=3)
    assert sorted(frame["step"].unique()) == [0, 1, 4]  # step 0, then log-spaced up to the end
    w1 = frame[frame["metric"] == "w1"]
    assert np.isfinite(w1["value"]).all() and len(w1) == 3 * 4
    assert points["mmd/mlp/mmd/bimodal/0"].shape == (200,)


def test_ascent_family_trains_its_coefficients_through_the_engine():
    frame, _, _ = e2.train_family("polynomial_ascent", "particles", SETTINGS, seed=3)
    estimate = frame[frame["metric"] == "critic_estimate"]
    assert sorted(estimate["step"].unique()) == [1, 4]  # the critic's value exists once it has trained
    objective = frame[(frame["metric"] == "objective") & (frame["step"] > 0)]
    assert np.isfinite(estimate["value"]).all() and len(objective) == len(estimate)


def test_unknown_family_or_generator_is_refused_by_name():
    with pytest.raises(ValueError, match="not in e2.families"):
        e2.train_family("splines", "particles", SETTINGS, seed=0)
    with pytest.raises(ValueError, match="generator must be one of"):
        e2.train_family("mmd", "flow", SETTINGS, seed=0)
    bad = copy.deepcopy(SETTINGS)
    del bad["families"]["mmd"]["batch_size"]
    from gantheory.experiments.e2.settings import check_settings

    with pytest.raises(ValueError, match="e2.families.mmd.batch_size"):
        check_settings(bad, "train", "particles")
    del bad["generators"]["mlp"]["widths"]
    with pytest.raises(ValueError, match="e2.generators.mlp.widths"):
        check_settings(copy.deepcopy(SETTINGS) | {"generators": bad["generators"]}, "train", "mlp")


class Interrupted(Exception):
    pass


def test_a_killed_job_resumes_each_family_from_its_checkpoint_with_the_same_results(tmp_path, monkeypatch):
    """Two families in turn, stopped at the second one's second evaluation: the restart takes the first
    from its complete checkpoint (no evaluation runs again) and the second from its last one."""
    families = ["polynomial_ascent", "mmd"]
    expected = e2.train_generator("particles", SETTINGS, 3, families)
    evaluate, calls = e2.MomentGAN.evaluate, []

    def counted(self, step, settings, with_mmd=True):
        calls.append((self.family.__class__.__name__, step))
        if len(calls) == 5:  # both schedules are steps 0, 1, 4: polynomial_ascent's three, mmd's 0, here its 1
            raise Interrupted
        return evaluate(self, step, settings, with_mmd)

    monkeypatch.setattr(e2.MomentGAN, "evaluate", counted)
    with pytest.raises(Interrupted):
        e2.train_generator("particles", SETTINGS, 3, families, tmp_path / "checkpoints")
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == ["mmd.npz", "polynomial_ascent.npz"]
    stopped_in = calls[-1][0]
    calls.clear()
    frame, points, _ = e2.train_generator("particles", SETTINGS, 3, families, tmp_path / "checkpoints")
    assert calls == [(stopped_in, 1), (stopped_in, 4)]  # the first family not again, mmd from where it stopped
    assert frame.to_csv() == expected[0].to_csv()
    assert sorted(points) == sorted(expected[1])
    for key in points:
        np.testing.assert_array_equal(points[key], expected[1][key])
    assert (tmp_path / "checkpoints" / "mmd.npz").exists()  # complete checkpoints stay until the step's outputs exist
    calls.clear()
    other = copy.deepcopy(SETTINGS)
    other["families"]["mmd"]["batch_size"] = 32  # another run: its checkpoint must not be taken
    e2.train_generator("particles", other, 3, ["mmd"], tmp_path / "checkpoints")
    assert [step for _, step in calls] == [0, 1, 4]  # trained from the start


def test_the_train_step_removes_its_checkpoints_once_its_outputs_are_written(tmp_path, monkeypatch):
    from gantheory.experiments.e2 import steps

    # TensorFlow refuses thread settings once started (earlier tests started it): keep only the seeding
    monkeypatch.setattr("gantheory.backend.enable_determinism", lambda seed, _: tf.random.set_seed(seed))

    out = tmp_path / "out"
    settings = {key: SETTINGS[key] for key in STEP_KEYS["train"]}
    steps.train("particles", settings, 3, out / "metrics.csv", out / "samples.npz", out / "provenance.json",
                families=["mmd"], checkpoints=tmp_path / "checkpoints")  # fmt: skip
    assert (out / "metrics.csv").exists() and not (tmp_path / "checkpoints").exists()


def test_a_quadrature_start_puts_the_particles_on_the_targets_nodes_by_weight():
    """E2.2 (ii): q = ⌈(k + 1)/2⌉ nodes, particle counts by largest remainder, moments 1..k matched to
    rounding; one identical start for every seed index."""
    target = targets_of(SETTINGS)["normal"]
    start = generators.quadrature_start(target, 4, 200)  # q = 3: weights 1/6, 2/3, 1/6 → 33, 134, 33
    nodes, counts = np.unique(start, return_counts=True)
    np.testing.assert_allclose(nodes, [-np.sqrt(3), 0.0, np.sqrt(3)], atol=1e-12)
    assert list(counts) == [33, 134, 33] and start.size == 200
    assert abs(start.mean()) < 1e-12 and np.mean(start**4) == pytest.approx(66 * 9 / 200)  # E Z⁴ = 3 less rounding
    runs = e2.run_table(SETTINGS["families"]["quadrature"], SETTINGS)
    particles = e2.initial_generators("particles", runs, SETTINGS, 200, seed=1, start="quadrature").points.numpy()
    assert particles.shape == (8, 200, 1) and np.array_equal(particles[0], particles[1])  # seeds 0, 1 alike


def test_the_quadrature_family_records_its_floor_and_rests_near_it():
    frame, _, _ = e2.train_family("quadrature", "particles", SETTINGS, seed=3)
    floor = frame[frame["metric"] == "objective_floor"]
    assert set(floor["step"]) == {0} and (floor["value"] > 0).all()
    objective = frame[frame["metric"] == "objective"].groupby(["variant", "target", "seed"])["value"].max()
    assert (objective < floor.groupby(["variant", "target", "seed"])["value"].first()).all()
    assert e2.families_of(SETTINGS, "mlp") == ["polynomial", "mmd", "wgan_gp", "polynomial_ascent"]
    with pytest.raises(ValueError, match="e2.families.quadrature.generators"):
        e2.train_family("quadrature", "mlp", SETTINGS, seed=3)


def test_a_trained_critic_records_its_floor_at_every_evaluation_on_an_even_late_grid():
    frame, _, _ = e2.train_family("wgan_gp", "particles", SETTINGS, seed=3)
    assert sorted(frame["step"].unique()) == [0, 1, 6, 8, 10]  # log-spaced 1, 10; late 6, 8, 10
    floor = frame[frame["metric"] == "objective_floor"]
    assert sorted(floor["step"].unique()) == [1, 6, 8, 10] and (floor["value"] > 0).all()
    assert e2.evaluation_schedule(2500, 25, {"count": 5, "every": 100})[1] >= {2100, 2200, 2300, 2400, 2500}
    assert e2.evaluation_schedule(2500, 25)[0] == 5  # the finest evaluation step: 0.2% of the run
