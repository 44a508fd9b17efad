"""E1 pieces above the library: generator rows, moments, stacked discriminators, claims from tables."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from gantheory.claims import judge_claims  # noqa: E402
from gantheory.experiments.e1 import claims as e1_claims  # noqa: E402
from gantheory.experiments.e1 import generators as e1_prg  # noqa: E402

SETTINGS = {
    "stretch": 4,
    "cube_noise": 0.1,
    "draws": 2,
    "rows": ["clean-n16", "copy-n16"],
    "generators": {
        "clean-n16": {"role": "enumeration", "predicate": "xor_and", "hypergraph": "clean", "n": 16},
        "copy-n16": {"role": "control", "predicate": "copy", "hypergraph": "random", "n": 16},
    },
    "moments": {"alpha": 0.01},
}


def test_generator_rows_expand_draws_and_name_bad_keys():
    rows = e1_prg.generator_rows(SETTINGS)
    assert [r["row"] for r in rows] == ["clean-n16#1", "clean-n16#2", "copy-n16"]  # controls draw once
    assert all(r["m"] == 64 for r in rows)
    with pytest.raises(ValueError, match="e1.rows names unknown generator 'nope'"):
        e1_prg.generator_rows({**SETTINGS, "rows": ["nope"]})
    bad = {
        **SETTINGS,
        "generators": {**SETTINGS["generators"], "copy-n16": {**SETTINGS["generators"]["copy-n16"], "role": "x"}},
    }
    with pytest.raises(ValueError, match="e1.generators.copy-n16.role"):
        e1_prg.generator_rows(bad)


def test_hypergraph_draws_differ_and_are_reproducible():
    rows = e1_prg.generator_rows({**SETTINGS, "clean_max_draws": 10_000})
    a, b = (e1_prg.build_hypergraph(r, {"clean_max_draws": 10_000}, seed=7) for r in rows[:2])
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, e1_prg.build_hypergraph(rows[0], {"clean_max_draws": 10_000}, seed=7))


def test_moment_scores_pass_an_iid_target_and_catch_a_correlated_pair():
    rng = np.random.default_rng(0)
    x = rng.choice([-1.0, 1.0], (20_000, 16)) + 0.1 * rng.standard_normal((20_000, 16))
    iid = e1_prg.moment_scores(x, "cube", SETTINGS)
    assert iid["tests"] == 16 + 16 * 17 // 2 and iid["exceeding"] == 0
    x[:, 1] = np.where(rng.random(20_000) < 0.625, np.sign(x[:, 0]), -np.sign(x[:, 0])) + 0.1 * rng.standard_normal(
        20_000
    )
    corr = e1_prg.moment_scores(x, "cube", SETTINGS)  # E[s0 s1] = 1/4, like one shared character
    assert corr["exceeding"] >= 1 and corr["max_abs_z_second_moment"] > 20


def _disc(rows):
    keys = ("target", "width", "depth", "cell", "z", "accuracy", "ipm_upper")
    return pd.DataFrame([dict(zip(keys, r, strict=True)) for r in rows]).assign(steps=1000)


def _power():
    """A power curve on which the weak control is detected from 500 steps on, both targets."""
    rows = [
        {"target": t, "steps": s, "width": 1024, "depth": 1, "cell": cell, "z": z}
        for t in ("gauss", "cube")
        for s, random_z in ((250, 1.5), (500, 4.0), (1000, 9.0))
        for cell, z in (("random-n32", random_z), ("clean-n32", 0.2))
    ]
    return pd.DataFrame(rows)


def _results(disc, pairs=3):
    table = pd.DataFrame(
        [
            {
                "row": "clean-n32",
                "role": "main",
                "builder": "clean",
                "n": 32,
                "m": 128,
                "correlated_pairs": 0,
                "correlated_triples": 0,
            },
            {
                "row": "random-n32",
                "role": "random",
                "builder": "random",
                "n": 32,
                "m": 128,
                "correlated_pairs": pairs,
                "correlated_triples": 20,
            },
            {
                "row": "copy-n32",
                "role": "control",
                "builder": "random",
                "n": 32,
                "m": 128,
                "correlated_pairs": 64,
                "correlated_triples": 0,
            },
        ]
    )
    return {"hypergraphs": table, "discriminators": disc, "power": _power()}


def _grid(clean_z=1.0, clean_acc=0.503, random_z=8.0, null_z=0.5):
    rows = []
    for target in ("gauss", "cube"):
        for width in (64, 1024):
            rows += [
                (target, width, 2, "clean-n32", clean_z, clean_acc, 0.03),
                (target, width, 2, "random-n32", random_z, 0.53, 0.2),
                (target, width, 2, "copy-n32", 500.0, 0.99, 9.0),
                (target, width, 2, "null#1", null_z, 0.5, 0.02),
            ]
    return _disc(rows)


def test_e1_4_to_e1_6_are_judged_from_the_tables():
    good = _results(_grid())
    assert e1_claims.judge_e1_4(good).passed
    assert e1_claims.judge_e1_5(good).passed
    assert e1_claims.judge_e1_6(good).passed
    assert not e1_claims.judge_e1_4(_results(_grid(clean_z=3.2))).passed  # a critic sees the clean PRG
    assert not e1_claims.judge_e1_4(_results(_grid(clean_acc=0.512))).passed
    assert not e1_claims.judge_e1_4(_results(_grid(null_z=-3.6))).passed  # a null run out of N(0,1)'s band
    weak = _results(_grid(random_z=2.0))
    assert not e1_claims.judge_e1_5(weak).passed and not e1_claims.judge_e1_6(weak).passed
    judgement = e1_claims.judge_e1_6(_results(_grid(random_z=2.0), pairs=0))  # no pair: nothing to detect
    assert not judgement.passed and "without a correlated pair" in judgement.measured
    rows = judge_claims([c for c in e1_claims.CLAIMS if c.claim_id == "E1.4"], _results(_grid(clean_z=5)), "smoke")
    assert rows[0].verdict == "budget too small"


def test_e1_4_is_inconclusive_without_power_and_judged_only_where_the_control_is_seen():
    e1_4 = [c for c in e1_claims.CLAIMS if c.claim_id == "E1.4"]
    blind = _results(_grid(random_z=2.0))  # the critics miss the weak control on both targets
    judgement = e1_claims.judge_e1_4(blind)
    assert not judgement.powered and "gauss: no power" in judgement.measured
    assert judge_claims(e1_4, blind, "default")[0].verdict == "inconclusive: no power"
    assert judge_claims(e1_4, blind, "smoke")[0].verdict == "budget too small"
    half = _grid()
    half.loc[(half["target"] == "gauss") & (half["cell"] == "random-n32"), "z"] = 2.0
    half.loc[(half["target"] == "gauss") & (half["cell"] == "clean-n32"), "z"] = 3.5  # unjudged: no power there
    judgement = e1_claims.judge_e1_4(_results(half))
    assert judgement.powered and judgement.passed and "judged on cube" in judgement.measured
    half.loc[(half["target"] == "cube") & (half["cell"] == "clean-n32"), "z"] = 3.5  # seen where there is power
    assert judge_claims(e1_4, _results(half), "default")[0].verdict == "FAIL"
    assert judge_claims(e1_4, _results(_grid()), "default")[0].verdict == "PASS"


def test_e1_1_and_e1_2_use_the_bounds():
    check = pd.DataFrame(
        {
            "row": ["a", "a"],
            "target": ["cube"] * 2,
            "ramp_width": [1e-6, 1e-2],
            "samples": [100, 100],
            "mismatches": [0, 20],
            "unexplained": [0, 0],
            "mismatch_rate": [0.0, 0.2],
            "bound": [1e-5, 0.2],
            "limit": [1e-5, 0.32],
        }
    )
    assert e1_claims.judge_e1_1({"check": check}).passed  # 20 mismatches, each inside the ramp
    check.loc[0, ["mismatches", "unexplained", "mismatch_rate"]] = [1, 1, 0.01]
    assert not e1_claims.judge_e1_1({"check": check}).passed  # one sample the ramp does not explain
    results = _results(_grid())
    results["certificates"] = pd.DataFrame(
        {
            "row": ["clean-n32"] * 2,
            "target": ["gauss", "cube"],
            "certified_bound": [0.785, 8.48],
            "counting_bound": [0.2, 8.48],
            "target_scale": [11.3, 11.4],
            "enumeration_mean": [np.nan] * 2,
        }
    )
    assert e1_claims.judge_e1_2(results).passed  # 0.785 ≥ 10 × 0.03
    results["discriminators"].loc[results["discriminators"]["cell"] == "clean-n32", "ipm_upper"] = 0.08
    assert not e1_claims.judge_e1_2(results).passed


DISCRIMINATORS = dict(
    noise=0.1,
    sizes=[[16, 1]],
    steps=60,
    batch_size=64,
    learning_rate=1e-3,
    beta_1=0.5,
    beta_2=0.9,
    gp_weight=10.0,
    eval_samples=2000,
    eval_chunk=1000,
    grad_samples=200,
)


def _copy_and_null_cells():
    import tensorflow as tf

    from gantheory.experiments.e1.discriminators import Cell
    from gantheory.models.relu_prg import relu_prg_generator
    from gantheory.prg import get_predicate, random_hypergraph

    tf.config.experimental.enable_op_determinism()  # threads are whatever this test process started with
    h = random_hypergraph(8, 16, np.random.default_rng(0))
    model = relu_prg_generator(h, get_predicate("copy"), 8, "cube", 1e-6, 0.1, 10.0)
    return [Cell("copy", 16, 24, model), Cell("null#1", 24)]


def test_stacked_discriminators_detect_a_copy_control_and_not_a_null():
    from gantheory.experiments.e1.discriminators import train_and_evaluate

    rows = train_and_evaluate(_copy_and_null_cells(), "cube", DISCRIMINATORS, seed=3).set_index("cell")
    assert rows.loc["copy", "z"] > 5 and rows.loc["copy", "accuracy"] > 0.55  # 60 steps of a width-16 critic
    assert abs(rows.loc["null#1", "z"]) < 3.5 and abs(rows.loc["null#1", "accuracy"] - 0.5) < 0.05
    assert (rows["grad_p99"] > 0).all() and (rows["eval_samples"] == 2000).all()


class Interrupted(Exception):
    pass


def test_critics_killed_mid_training_resume_from_their_checkpoint_to_the_same_numbers(tmp_path):
    from gantheory.experiments.e1.discriminators import train_and_evaluate
    from gantheory.train.checkpoint import Checkpoint

    class StopsAfterThirdSave(Checkpoint):
        saves = 0

        def save(self, variables, log):
            super().save(variables, log)
            StopsAfterThirdSave.saves += 1
            if StopsAfterThirdSave.saves == 3:  # step 6 of 60 saved, then the process "dies"
                raise Interrupted

    timings = ["train_s", "eval_s"]
    settings = {**DISCRIMINATORS, "sizes": [[8, 1], [16, 1]]}  # two sizes: every size's state must come back
    expected = train_and_evaluate(_copy_and_null_cells(), "cube", settings, seed=3).drop(columns=timings)
    path = tmp_path / "critics.npz"
    with pytest.raises(Interrupted):
        train_and_evaluate(_copy_and_null_cells(), "cube", settings, 3, checkpoint=StopsAfterThirdSave(path, "run"))
    assert path.exists()
    resumed = train_and_evaluate(_copy_and_null_cells(), "cube", settings, 3, checkpoint=Checkpoint(path, "run"))
    assert resumed.drop(columns=timings).to_csv() == expected.to_csv()
    assert path.exists(), "trained critics leave a complete checkpoint: the step removes it after the outputs"
    again = train_and_evaluate(_copy_and_null_cells(), "cube", settings, 3, checkpoint=Checkpoint(path, "run"))
    assert again.drop(columns=timings).to_csv() == expected.to_csv()  # killed in evaluation: no retraining


def test_generator_check_explains_every_ramp_mismatch():
    """E1.1 sample by sample: with a wide ramp many samples differ, and each has a seed inside the ramp."""
    settings = {
        **SETTINGS,
        "rows": ["copy-n16"],
        "ramp_width": 0.05,
        "magnitude_cap": 10.0,
        "check": {"samples": 2000, "extra_ramp_widths": [], "tolerance": 1e-9},
    }
    table = pd.DataFrame(e1_prg.generator_rows(settings))
    hypergraphs = {r["row"]: e1_prg.build_hypergraph(r, settings, seed=1) for r in table.to_dict("records")}
    check, _ = e1_prg.check_generators(table, hypergraphs, settings, seed=1, targets=["gauss", "cube"])
    assert (check["mismatches"] > 50).all() and (check["unexplained"] == 0).all()  # P(ramp hit) ≈ 0.5
    assert e1_claims.judge_e1_1({"check": check}).passed
