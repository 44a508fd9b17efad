"""E5 above the engine: the multi-resolution GAN, its EMA generator, evaluation, and claims from data."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from gantheory.claims import judge_claims  # noqa: E402
from gantheory.data import fsr  # noqa: E402
from gantheory.experiments.e5 import claims as e5_claims  # noqa: E402
from gantheory.experiments.e5 import training as e5_fsr  # noqa: E402
from gantheory.experiments.e5.reference import real_reference  # noqa: E402

SETTINGS = dict(
    sides=[2, 4, 8], atoms=[4, 5, 6], level1_density=0.5, gate_fraction=0.5, mask_density=0.5, code_magnitude=[0.5, 1.5]
)
MODEL = dict(code_widths=[4, 5, 6], noise_dims=[3, 2, 2], hidden=[8], steps=6, evaluations=2, keep_samples=3)
TRAINING = dict(
    rule="simultaneous",
    lr_d=1e-3,
    lr_g=1e-3,
    beta_1=0.0,
    beta_2=0.9,
    gp_weight=10.0,
    ema_decay=0.9,
    batch_size=16,
    critic_widths=[8],
)


@pytest.fixture(scope="module")
def problem():
    truth = fsr.fsr_truth(SETTINGS, seed=5)
    train = fsr.sample_fsr(truth, SETTINGS, 400, np.random.default_rng(0))["levels"][-1]
    pool = fsr.sample_fsr(truth, SETTINGS, 200, np.random.default_rng(1))["levels"][-1]
    reference = real_reference(pool, 3, 60, 3, seed=2, dataset="fsr")
    return truth, train, pool, reference


def _run(problem, variant="all", model=MODEL):  # a second run's identical bytes: tests/experiments/test_e5_cli.py
    truth, train, pool, reference = problem
    atoms = [truth[f"W{level}"] for level in (1, 2, 3)]
    return e5_fsr.train_run(
        "fsr", model, variant, {"critics": variant}, TRAINING, 2, 9, train, pool[reference["reference_index"]],
        reference, 3, atoms,
    )  # fmt: skip


@pytest.fixture(scope="module")
def multi_run(problem):
    return _run(problem)


def test_reference_has_a_floor_and_bandwidth_per_level_and_band(problem):
    reference = problem[3]
    assert {(e["kind"], e["level"]) for e in reference["entries"]} == {
        (k, lv) for k in ("level", "band") for lv in (1, 2, 3)
    }
    assert len(reference["reference_index"]) == 60
    for entry in reference["entries"]:
        assert entry["floor"] == pytest.approx(np.quantile(entry["floor_values"], 0.95)) and entry["bandwidth"] > 0
    assert {e["level"] for e in reference["entries"] if "fd_floor" in e} == {1}  # n = 60 >= 10 d only for 2×2


def test_metrics_are_tidy_for_both_generators_and_every_level_and_band(multi_run):
    frame, samples, atoms = multi_run
    assert set(frame["generator"]) == {"raw", "ema"} and sorted(set(frame["step"])) == [0, 3, 6]
    mmd = frame[frame["metric"] == "mmd"]
    assert len(mmd) == 3 * 2 * 2 * 6  # evaluations × generators × seeds × (3 heads + 3 bands)
    assert {"fd", "density", "dictionary_cosine"} <= set(frame["metric"])
    assert np.isfinite(frame["value"]).all() and (frame["diverged_step"] == -1).all()
    assert samples["ema_level3"].shape == (2, 3, 64) and samples["raw_code3"].shape == (2, 3, 6)
    np.testing.assert_array_equal(
        frame.query("step == 0 and generator == 'raw'")["value"].to_numpy(),
        frame.query("step == 0 and generator == 'ema'")["value"].to_numpy(),
    )  # before any step the average is the weights themselves
    assert atoms["initial_atoms3"].shape == (2, 6, 64)
    assert not np.allclose(atoms["raw_atoms3"], atoms["initial_atoms3"])
    assert not np.allclose(atoms["ema_atoms3"], atoms["raw_atoms3"])  # the EMA lags the raw weights


def test_ema_is_the_decayed_average_updated_every_step(problem):
    truth, train, *_ = problem
    gan = e5_fsr.MultiResolutionGAN(MODEL, TRAINING, {"critics": "top"}, fsr.pyramid(train, 3), 1, 4)
    assert sorted(gan.critics) == [3]  # the single-critic variant trains the top critic only
    history = [[v.numpy() for v in gan.generator.trainable_variables]]
    for _ in range(3):
        gan.train_steps(1)
        history.append([v.numpy() for v in gan.generator.trainable_variables])
    gan.sync_ema()
    ema = [v.numpy() for v in gan.ema_generator.trainable_variables]
    decay = TRAINING["ema_decay"]
    for i, value in enumerate(ema):  # step 1 copies, then avg = d·avg + (1 − d)·weights
        want = history[1][i]
        for step in (2, 3):
            want = decay * want + (1 - decay) * history[step][i]
        np.testing.assert_allclose(value, want, rtol=1e-5, atol=1e-6)


def test_unknown_critic_set_is_refused():
    with pytest.raises(ValueError, match="'all' or 'top'"):
        e5_fsr.critic_levels({"critics": "middle"}, 3)


# --- claims from hand-made measurements ----------------------------------------------------------


def _frame(values: dict, dataset="fsr", variant="multi", generator="ema", steps=(0, 100, 200, 300, 400, 500)):
    """values[(kind, level)] = list over seeds of lists over steps."""
    rows = []
    for (kind, level), per_seed in values.items():
        for seed, series in enumerate(per_seed):
            for step, value in zip(steps, series, strict=True):
                rows.append(
                    dict(dataset=dataset, variant=variant, generator=generator, seed=seed, metric="mmd", kind=kind,
                         level=level, step=step, value=value, diverged_step=-1)
                )  # fmt: skip
    return pd.DataFrame(rows)


def _floors(datasets=("fsr",)):
    rows = [
        dict(dataset=d, kind=k, level=lv, floor=0.5) for d in datasets for k in ("level", "band") for lv in (1, 2, 3)
    ]
    return pd.DataFrame(rows).set_index(["dataset", "kind", "level"])


def test_e5_1_needs_every_level_under_twice_the_floor_in_two_thirds_of_seeds():
    good, bad = [5, 3, 1, 0.9, 0.8, 0.8], [5, 4, 3, 2, 2, 2]
    values = {("level", lv): [good, good, bad if lv == 3 else good] for lv in (1, 2, 3)}
    judgement = e5_claims.judge_e5_1({"train": _frame(values), "floors": _floors()})
    assert judgement.passed and judgement.measured.startswith("2/3 seeds")
    values[("level", 1)] = [good, bad, good]
    assert not e5_claims.judge_e5_1({"train": _frame(values), "floors": _floors()}).passed


EARLY = 2000  # the hand-made runs below start with 20 unlearned evaluations (0, 100, …, 1900): resolved


def _bands(per_band, dataset="fsr", steps=(0, 100, 200, 300, 400, 500), early=EARLY):
    """per_band[level] = list over seeds of the step (counted from `early`) at which that band first falls
    under 2× its floor (None: never); every head learned at the first evaluation after `early`. Before
    `early`, evaluations every 100 steps where nothing is learned."""
    steps = tuple(range(0, early, 100)) + tuple(early + s for s in steps)

    def curve(hit):
        return [0.9 if hit is not None and step >= early + hit else 2.0 for step in steps]

    bands = {("band", lv): [curve(h) for h in hits] for lv, hits in per_band.items()}
    heads = {("level", lv): [curve(100)] * len(per_band[1]) for lv in (1, 2, 3)}
    return _frame({**bands, **heads}, dataset=dataset, steps=steps)


def _e5_2(fsr, digits=None):
    frames = [_bands(fsr, "fsr"), _bands(digits or fsr, "digits")]
    return e5_claims.judge_e5_2({"train": pd.concat(frames), "floors": _floors(("fsr", "digits"))})


ORDERED = {1: [100] * 3, 2: [200] * 3, 3: [300] * 3}  # one evaluation apart: coarse to fine


def test_e5_2_passes_bands_learned_coarse_to_fine():
    judgement = _e5_2(ORDERED)
    assert judgement.passed and "fsr: 3/3 seeds coarse-to-fine; band first hits (1→2→3) s0: 2100→2200→2300" in (
        judgement.measured
    )
    assert "evaluation every 100 steps to 2500, 23/23/23 evaluations before each seed's last band first hit" in (
        judgement.measured
    )
    # a finer band one evaluation early is within the slack, as long as the finest is > 1 evaluation after band 1
    assert _e5_2({1: [100] * 3, 2: [100, 100, 100], 3: [300, 300, 400]}).passed
    assert _e5_2({1: [200] * 3, 2: [100] * 3, 3: [400] * 3}).passed
    assert _e5_2({**ORDERED, 3: [None, 300, 300]}).passed  # 2/3 seeds are enough


@pytest.mark.parametrize(
    ("fsr", "why"),
    [
        ({**ORDERED, 3: [None, None, 300]}, "s0: band 3 never learned"),
        ({1: [None, None, 100], 2: [200] * 3, 3: [300] * 3}, "band 1 never learned"),
        ({1: [100] * 3, 2: [100] * 3, 3: [100] * 3}, "finest band not later than band 1"),  # all tie
        ({1: [100] * 3, 2: [100] * 3, 3: [200] * 3}, "finest band not later than band 1"),  # one evaluation only
        ({1: [300] * 3, 2: [100] * 3, 3: [500] * 3}, "a finer band before a coarser one"),  # two evaluations early
    ],
    ids=["finest never learned", "coarsest never learned", "all tie", "one interval", "finer two early"],
)
def test_e5_2_fails_bands_not_learned_coarse_to_fine(fsr, why):
    judgement = _e5_2(fsr, digits=ORDERED)
    assert not judgement.passed and "fsr: " in judgement.measured and why in judgement.measured
    assert "digits: 3/3 seeds coarse-to-fine" in judgement.measured
    claim = [c for c in e5_claims.CLAIMS if c.claim_id == "E5.2"]
    results = {
        "train": pd.concat([_bands(fsr, "fsr"), _bands(ORDERED, "digits")]),
        "floors": _floors(("fsr", "digits")),
    }
    assert judge_claims(claim, results, "default")[0].verdict == "FAIL"


def test_e5_2_needs_digits_too_and_counts_evaluations_not_steps():
    judgement = _e5_2(ORDERED, digits={1: [100] * 3, 2: [100] * 3, 3: [100] * 3})
    assert not judgement.passed and "digits: 0/3" in judgement.measured
    # a grid denser early than late: 100 → 200 → 600 is one evaluation, then one more: ordered
    steps = (0, 100, 200, 600, 1000)
    frames = [_bands(ORDERED | {3: [600] * 3}, "fsr", steps), _bands(ORDERED | {3: [600] * 3}, "digits", steps)]
    results = {"train": pd.concat(frames), "floors": _floors(("fsr", "digits"))}
    assert e5_claims.judge_e5_2(results).passed
    frames = [_bands({1: [200] * 3, 2: [200] * 3, 3: [600] * 3}, d, steps) for d in ("fsr", "digits")]
    judgement = e5_claims.judge_e5_2({**results, "train": pd.concat(frames)})
    assert not judgement.passed and "finest band not later than band 1" in judgement.measured  # one evaluation


def test_e5_2_needs_the_order_resolved_by_enough_evaluations():
    """The same coarse-to-fine hits on a grid with only 3 evaluations before the last one: unresolved."""
    frames = [_bands(ORDERED, d, early=0) for d in ("fsr", "digits")]
    judgement = e5_claims.judge_e5_2({"train": pd.concat(frames), "floors": _floors(("fsr", "digits"))})
    assert not judgement.passed
    assert "s0: order not resolved (3 evaluations before the last first hit, < 20)" in judgement.measured
    late = {1: [100] * 3, 2: [200] * 3}  # band 3 after 19 evaluations (0..1800) fails, after 20 passes
    for last, passed in ((1900, False), (2000, True)):
        steps = tuple(range(0, 2100, 100))
        frames = [_bands({**late, 3: [last] * 3}, d, steps=steps, early=0) for d in ("fsr", "digits")]
        results = {"train": pd.concat(frames), "floors": _floors(("fsr", "digits"))}
        assert e5_claims.judge_e5_2(results).passed is passed, last
    assert "every 100 steps to 2000" in e5_claims.judge_e5_2(results).measured


def test_e5_2_describes_a_grid_denser_early_than_late():
    frame = _bands(ORDERED, steps=(0, 100, 200, 300, 700, 1100))
    assert e5_claims.grid_text(frame, "fsr", "multi") == "every 100 steps to 2300, then every 400 steps to 3100"


def test_e5_2_fails_a_diverged_seed():
    frame = _bands(ORDERED)
    frame["diverged_step"] = np.where(frame["seed"] > 0, 300, -1)
    frames = [frame, _bands(ORDERED, "digits")]
    judgement = e5_claims.judge_e5_2({"train": pd.concat(frames), "floors": _floors(("fsr", "digits"))})
    assert not judgement.passed and "fsr: 1/3" in judgement.measured


def test_e5_3_compares_multi_with_single_in_every_seed():
    multi = _frame({("level", lv): [[1.0] * 6] * 3 for lv in (1, 2, 3)})
    single = _frame({("level", lv): [[2.0] * 6] * 3 for lv in (1, 2, 3)}, variant="single")
    judgement = e5_claims.judge_e5_3({"train": pd.concat([multi, single])})
    assert judgement.passed and "top-image bands 1 / 2, median over seeds: multi not recorded" in judgement.measured
    bands = [
        _frame({("band", lv): [[v] * 6] * 3 for lv in (1, 2, 3)}, variant=var)
        for var, v in (("multi", 0.5), ("single", 0.25))
    ]
    judgement = e5_claims.judge_e5_3({"train": pd.concat([multi, single, *bands])})  # reported, not judged
    assert judgement.passed and "median over seeds: multi 0.5 / 0.5, single 0.25 / 0.25" in judgement.measured
    single.loc[(single["seed"] == 2) & (single["level"] == 2), "value"] = 0.5
    judgement = e5_claims.judge_e5_3({"train": pd.concat([multi, single])})
    assert not judgement.passed and "2/3 seeds" in judgement.measured


def test_e5_4_needs_every_detail_width_equal_to_the_true_atoms():
    steps = tuple(range(0, 1200, 100))  # 12 evaluations: the levelling-off test reads the last 10
    curve = [0.2] + [0.95] * 11
    rows = [
        _frame({(kind, lv): [curve] * 3 for kind in ("level", "band") for lv in (2, 3)}, steps=steps),
        _frame({("band", lv): [[0.2] * 12] * 3 for lv in (2, 3)}, generator="raw", steps=steps),
    ]
    settings = {"fsr": {"atoms": [4, 5, 6]}, "datasets": {"fsr": {"code_widths": [4, 5, 6]}}}
    ceiling = pd.DataFrame({"level": [2, 3], "matched_cosine": [0.99, 0.98]})
    results = {"train": pd.concat(rows).assign(metric="dictionary_cosine"), "settings": settings, "ceiling": ceiling}
    judgement = e5_claims.judge_e5_4(results)
    assert judgement.passed and "initialisation 0.20/0.20/0.20" in judgement.measured
    assert "dictionary-learning ceiling 0.980" in judgement.measured
    settings["datasets"]["fsr"]["code_widths"] = [4, 10, 6]  # level 2 twice as wide as its true atoms
    assert not e5_claims.judge_e5_4(results).passed


def _sparsity_table():
    patch = dict(scale="4x4 patches", max_active=3, explained_variance=0.92, null_explained_variance=0.88,
                 null_spread=0.004, auc=0.7, chance_auc_max=0.52)  # fmt: skip
    whole = dict(scale="whole band (v1)", max_active=3, explained_variance=0.4, auc=0.7, chance_auc_max=0.52)
    rows = [
        dict(dataset=d, level=lv, **kind)
        for d in ("digits", "mnist", "fsr")
        for lv in (2, 3)
        for kind in (patch, whole)
    ]
    return pd.DataFrame(rows)


def _patch(table, dataset, level):
    return (table["dataset"] == dataset) & (table["level"] == level) & (table["scale"] == "4x4 patches")


def test_e5_5_passes_sparse_patches_beyond_the_gaussian_null_on_both_real_datasets():
    judgement = e5_claims.judge_e5_5({"sparsity": _sparsity_table()})
    assert (
        judgement.passed and "null 0.880" in judgement.measured and "whole band (v1): L2 EV 0.40" in judgement.measured
    )


@pytest.mark.parametrize(
    "column, value",
    [("explained_variance", 0.883), ("null_spread", 0.05), ("auc", 0.5), ("max_active", 4)],
    ids=["within the null's spread", "a wide null", "no better than shuffled", "too many atoms"],
)
def test_e5_5_fails_a_patch_row_no_better_than_its_null(column, value):
    table = _sparsity_table()
    table.loc[_patch(table, "mnist", 3), column] = value
    assert not e5_claims.judge_e5_5({"sparsity": table}).passed


def test_e5_5_needs_both_real_datasets_but_not_the_synthetic_one():
    table = _sparsity_table()
    assert not e5_claims.judge_e5_5({"sparsity": table[table["dataset"] != "mnist"]}).passed
    assert e5_claims.judge_e5_5({"sparsity": table[table["dataset"] != "fsr"]}).passed
    table.loc[_patch(table, "fsr", 2), "explained_variance"] = 0.1  # reported for comparison, not judged
    assert e5_claims.judge_e5_5({"sparsity": table}).passed


def test_a_diverged_seed_counts_as_a_failure():
    good = [5, 1, 0.5, 0.5, 0.5, 0.5]
    frame = _frame({("level", lv): [good] * 3 for lv in (1, 2, 3)})
    frame["diverged_step"] = np.where(frame["seed"] > 0, 300, -1)
    judgement = e5_claims.judge_e5_1({"train": frame, "floors": _floors()})
    assert not judgement.passed and "2 diverged" in judgement.measured


def test_patches_are_block_aligned_and_their_coarse_windows_sit_under_them():
    from gantheory.experiments.e5.sparsity import block_patches, coarse_windows

    images = np.arange(2 * 64, dtype=float).reshape(2, 64)  # two 8×8 images
    patches = block_patches(images, 4)
    assert patches.shape == (8, 16)
    np.testing.assert_array_equal(patches[1].reshape(4, 4), images[0].reshape(8, 8)[:4, 4:])
    assert block_patches(np.zeros((1, 14 * 14)), 4).shape == (9, 16)  # 14×14 loses its last 2 rows/columns
    coarse = np.arange(2 * 16, dtype=float).reshape(2, 16)  # the 4×4 level under them
    windows = coarse_windows(coarse, 4, 2)
    assert windows.shape == (8, 16)
    np.testing.assert_array_equal(windows[3].reshape(4, 4)[1:3, 1:3], coarse[0].reshape(4, 4)[2:, 2:])
    with pytest.raises(ValueError, match="no 4×4 patch"):
        block_patches(np.zeros((1, 4)), 4)


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("stop_at", [3, 6])  # after the first checkpoint; at the last evaluation
def test_a_killed_run_resumed_from_its_checkpoint_ends_with_the_same_bytes(problem, multi_run, tmp_path, stop_at):
    truth, train, pool, reference = problem
    atoms = [truth[f"W{level}"] for level in (1, 2, 3)]
    path = tmp_path / "run.npz"

    class StopsOnce(e5_fsr.PyramidEvaluator):
        def __call__(self, step, gan):
            if step == stop_at and not path.with_suffix(".stopped").exists():
                path.with_suffix(".stopped").touch()
                raise Interrupted
            return super().__call__(step, gan)

    def run():
        return e5_fsr.train_run(
            "fsr", MODEL, "all", {"critics": "all"}, TRAINING, 2, 9, train, pool[reference["reference_index"]],
            reference, 3, atoms, checkpoint_path=path,
        )  # fmt: skip

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(e5_fsr, "PyramidEvaluator", StopsOnce)
        with pytest.raises(Interrupted):
            run()
        assert path.exists(), "the run saved a checkpoint before it was stopped"
        resumed = run()
        assert path.exists(), "a complete run leaves its checkpoint for the step to remove after the outputs"
        restored = run()  # killed after training, before the outputs: restored complete, nothing retrained
    expected = multi_run
    for frame, samples, dictionaries in (resumed, restored):
        assert frame.drop(columns="wall_clock_s").to_csv() == expected[0].drop(columns="wall_clock_s").to_csv()
        for got, want in ((samples, expected[1]), (dictionaries, expected[2])):
            assert sorted(got) == sorted(want)
            for key in want:  # the EMA generator's samples and atoms included
                np.testing.assert_array_equal(got[key], want[key], err_msg=key)


def test_a_dense_early_grid_changes_where_evaluations_fall_not_the_training(problem, multi_run):
    """E5.2's dense early grid only adds evaluations: the late rows, final samples and atoms are the same."""
    dense = _run(problem, model={**MODEL, "dense_evaluations": {"until": 4, "every": 1}})
    frame, expected = dense[0], multi_run[0]
    assert sorted(frame["step"].unique()) == [0, 1, 2, 3, 4, 6] and sorted(expected["step"].unique()) == [0, 3, 6]
    late = frame[frame["step"].isin([0, 3, 6])].drop(columns="wall_clock_s").reset_index(drop=True)
    same = expected.drop(columns="wall_clock_s").reset_index(drop=True)
    pd.testing.assert_frame_equal(late.drop(columns=["critic_loss", "generator_loss"], errors="ignore"),
                                  same.drop(columns=["critic_loss", "generator_loss"], errors="ignore"))  # fmt: skip
    for got, want in zip(dense[1:], multi_run[1:], strict=True):
        for key in want:
            np.testing.assert_array_equal(got[key], want[key], err_msg=key)
