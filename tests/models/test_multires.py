"""The multi-resolution generator mirrors the FSR structure; stacked seeds stay independent."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from gantheory.data import fsr  # noqa: E402
from gantheory.models.multires import MultiResolutionGenerator, level_critics, upsample  # noqa: E402


def _noise(gen, batch, seed=0):
    rng = np.random.default_rng(seed)
    return [tf.constant(rng.normal(size=(gen.seeds, batch, n)), tf.float32) for n in gen.noise_dims]


@pytest.mark.parametrize("sides", [[2, 4, 8], [7, 14, 28]])
def test_each_finer_head_is_the_upsampled_coarser_head_plus_its_atoms(sides):
    gen = MultiResolutionGenerator(sides, [3, 4, 5], [2, 3, 3], [8], seeds=2, seed=1)
    levels, codes = gen(_noise(gen, 6))
    assert [tuple(x.shape) for x in levels] == [(2, 6, s * s) for s in sides]
    assert [tuple(c.shape) for c in codes] == [(2, 6, w) for w in (3, 4, 5)]
    assert all((c.numpy() >= 0).all() for c in codes)  # ReLU codes, as the FSR codes
    for level in (2, 3):
        detail = levels[level - 1].numpy() - upsample(levels[level - 2], sides[level - 2]).numpy()
        want = np.einsum("kba,kad->kbd", codes[level - 1].numpy(), gen.atoms(level).numpy())
        np.testing.assert_allclose(detail, want, atol=1e-5)


def test_upsampling_matches_the_data_pyramid():
    x = np.random.default_rng(0).normal(size=(2, 3, 16)).astype(np.float32)
    np.testing.assert_allclose(upsample(tf.constant(x), 4).numpy(), fsr.upsample(x), atol=0)


def test_seeds_are_independent_models():
    gen = MultiResolutionGenerator([2, 4, 8], [3, 4, 5], [2, 3, 3], [8], seeds=2, seed=1)
    noise = _noise(gen, 4)
    before = [x.numpy() for x in gen(noise)[0]]
    atoms = gen.atoms(3)
    atoms.assign(tf.concat([atoms[:1], atoms[1:] + 1.0], axis=0))  # change seed 1's top dictionary only
    after = [x.numpy() for x in gen(noise)[0]]
    np.testing.assert_array_equal(after[2][0], before[2][0])
    assert not np.allclose(after[2][1], before[2][1])
    other = MultiResolutionGenerator([2, 4, 8], [3, 4, 5], [2, 3, 3], [8], seeds=2, seed=2)
    assert not np.allclose(other.atoms(3).numpy(), gen.atoms(3).numpy())


def test_one_critic_per_judged_level_on_its_own_input_size():
    critics = level_critics([2, 4, 8], [16], seeds=2, seed=3, levels=[1, 2, 3])
    assert sorted(critics) == [1, 2, 3]
    for level, side in zip((1, 2, 3), (2, 4, 8), strict=True):
        assert tuple(critics[level](tf.zeros((2, 5, side * side))).shape) == (2, 5, 1)
    assert sorted(level_critics([2, 4, 8], [16], seeds=1, seed=3, levels=[3])) == [3]
    with pytest.raises(ValueError, match="one entry per level"):
        MultiResolutionGenerator([2, 4, 8], [3, 4], [2, 3, 3], [8], seeds=1, seed=1)
