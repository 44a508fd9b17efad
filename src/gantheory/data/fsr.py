"""Forward super-resolution (FSR) distributions and image pyramids (Allen-Zhu & Li, ICLR 2023, §2).

Level 1 (2×2) is W1·s1 with a sparse non-negative code s1; level ℓ+1 = upsample(level ℓ) + W_{ℓ+1}·s_{ℓ+1},
where s_{ℓ+1} = ReLU(V_{ℓ+1}·level ℓ − b_{ℓ+1}) ⊙ (fresh Bernoulli mask): the finer code is a function of the
coarser level plus fresh randomness. Detail atoms are orthogonal to every 2×2 block's mean, so average-pooling
level ℓ+1 gives level ℓ back exactly: the levels *are* the top image's pyramid, and the bands of the top image
(pool to ℓ minus the upsampled pool to ℓ−1) are exactly the detail terms. Images are flattened row-major.
"""

from __future__ import annotations

import numpy as np

from gantheory.seeding import derive_seed

FSR_KEYS = ("sides", "atoms", "level1_density", "gate_fraction", "mask_density", "code_magnitude")
CALIBRATION_SAMPLES = 20000  # samples that set the gate thresholds b (quantiles) and the code scales


# --- pyramids and bands of flattened square images ------------------------------------------------


def _side(x: np.ndarray, side: int | None = None) -> int:
    d = x.shape[-1]
    s = int(round(np.sqrt(d))) if side is None else side
    if s * s != d:
        raise ValueError(f"images must be flattened squares, got {d} pixels")
    return s


def average_pool(x: np.ndarray) -> np.ndarray:
    """2×2 average pooling of flattened square images (..., s²) → (..., (s/2)²)."""
    s = _side(x)
    if s % 2:
        raise ValueError(f"cannot 2×2-pool a {s}×{s} image (odd side)")
    blocks = x.reshape(*x.shape[:-1], s // 2, 2, s // 2, 2)
    return blocks.mean(axis=(-3, -1)).reshape(*x.shape[:-1], (s // 2) ** 2)


def upsample(x: np.ndarray) -> np.ndarray:
    """Nearest-neighbour 2× upsampling (..., s²) → (..., (2s)²): the adjoint shape of average_pool."""
    s = _side(x)
    img = x.reshape(*x.shape[:-1], s, s)
    return np.repeat(np.repeat(img, 2, axis=-2), 2, axis=-1).reshape(*x.shape[:-1], 4 * s * s)


def level_sides(top_side: int, levels: int) -> list[int]:
    """Sides of an L-level 2× pyramid ending at `top_side`, coarse to fine (8, 3 → [2, 4, 8])."""
    sides = [top_side >> (levels - 1 - i) for i in range(levels)]
    if sides[0] < 1 or sides[0] << (levels - 1) != top_side:
        raise ValueError(f"a {top_side}×{top_side} image has no {levels}-level 2× pyramid")
    return sides


def pyramid(top: np.ndarray, levels: int) -> list[np.ndarray]:
    """[level 1 (coarsest), …, level L = top] by repeated average pooling."""
    out = [np.asarray(top)]
    for _ in range(levels - 1):
        out.append(average_pool(out[-1]))
    return out[::-1]


def bands(top: np.ndarray, levels: int) -> list[np.ndarray]:
    """Band 1 = the coarsest pool; band ℓ = pool to level ℓ minus the upsampled pool to level ℓ−1."""
    pyr = pyramid(top, levels)
    return [pyr[0]] + [fine - upsample(coarse) for coarse, fine in zip(pyr[:-1], pyr[1:], strict=True)]


def detail_projection(atoms: np.ndarray) -> np.ndarray:
    """Remove each 2×2 block's mean: the part of `atoms` that average pooling cannot see."""
    return atoms - upsample(average_pool(atoms))


# --- the synthetic FSR distribution ---------------------------------------------------------------


def check_fsr_settings(settings: dict) -> None:
    missing = [k for k in FSR_KEYS if k not in settings]
    if missing:
        raise ValueError(f"FSR settings lack {missing}; expected keys {list(FSR_KEYS)}")
    sides, atoms = settings["sides"], settings["atoms"]
    if len(sides) != len(atoms) or len(sides) < 2:
        raise ValueError(f"FSR 'sides' and 'atoms' need one entry per level (>= 2), got {sides} and {atoms}")
    if any(b != 2 * a for a, b in zip(sides[:-1], sides[1:], strict=True)):
        raise ValueError(f"FSR 'sides' must double from level to level, got {sides}")
    for key in ("level1_density", "gate_fraction", "mask_density"):
        if not 0 < settings[key] <= 1:
            raise ValueError(f"FSR '{key}' must be in (0, 1], got {settings[key]}")
    low, high = settings["code_magnitude"]
    if not 0 <= low <= high:
        raise ValueError(f"FSR 'code_magnitude' must be [low, high] with 0 <= low <= high, got {[low, high]}")


def _unit_rows(a: np.ndarray) -> np.ndarray:
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def fsr_truth(settings: dict, seed: int) -> dict[str, np.ndarray]:
    """Ground truth: dictionaries W{ℓ} (atoms × pixels, unit rows), gates V{ℓ}, b{ℓ} (ℓ ≥ 2), all from the seed.

    The gate thresholds b are the (1 − gate_fraction) quantiles of V·(coarser level) on a calibration
    sample, so each finer atom is gated on with probability gate_fraction and kept by the mask with
    probability mask_density; V and b are then scaled so an active code has mean 1.
    """
    check_fsr_settings(settings)
    rng = np.random.default_rng(derive_seed(seed, "fsr", "truth"))
    sides, atoms = settings["sides"], settings["atoms"]
    truth = {"W1": _unit_rows(rng.normal(size=(atoms[0], sides[0] ** 2)))}
    for level in range(2, len(sides) + 1):
        raw = detail_projection(rng.normal(size=(atoms[level - 1], sides[level - 1] ** 2)))
        truth[f"W{level}"] = _unit_rows(raw)
        truth[f"V{level}"] = rng.normal(size=(atoms[level - 1], sides[level - 2] ** 2))
        truth[f"b{level}"] = np.zeros(atoms[level - 1])
    calibration_rng = np.random.default_rng(derive_seed(seed, "fsr", "calibration"))
    coarse = _level1(truth, settings, CALIBRATION_SAMPLES, calibration_rng)[0]
    for level in range(2, len(sides) + 1):
        pre = coarse @ truth[f"V{level}"].T
        b = np.quantile(pre, 1.0 - settings["gate_fraction"], axis=0)
        active = np.maximum(pre - b, 0.0)
        scale = 1.0 / np.array([col[col > 0].mean() if (col > 0).any() else 1.0 for col in active.T])
        truth[f"V{level}"] = truth[f"V{level}"] * scale[:, None]
        truth[f"b{level}"] = b * scale
        coarse = _finer(truth, settings, level, coarse, calibration_rng)[0]
    return {k: v.astype(np.float64) for k, v in truth.items()}


def _level1(truth: dict, settings: dict, n: int, rng: np.random.Generator):
    m = truth["W1"].shape[0]
    low, high = settings["code_magnitude"]
    code = (rng.random((n, m)) < settings["level1_density"]) * rng.uniform(low, high, size=(n, m))
    return code @ truth["W1"], code


def _finer(truth: dict, settings: dict, level: int, coarse: np.ndarray, rng: np.random.Generator):
    """Level `level` from the coarser one: upsample + W·(ReLU(V·coarse − b) ⊙ Bernoulli mask)."""
    gate = np.maximum(coarse @ truth[f"V{level}"].T - truth[f"b{level}"], 0.0)
    code = gate * (rng.random(gate.shape) < settings["mask_density"])
    return upsample(coarse) + code @ truth[f"W{level}"], code


def sample_fsr(truth: dict, settings: dict, n: int, rng: np.random.Generator) -> dict[str, list[np.ndarray]]:
    """n samples: {"levels": [x1 (n, 4), x2 (n, 16), …], "codes": [s1, s2, …]} (float32 levels)."""
    x, code = _level1(truth, settings, n, rng)
    levels, codes = [x], [code]
    for level in range(2, len(settings["sides"]) + 1):
        x, code = _finer(truth, settings, level, x, rng)
        levels.append(x)
        codes.append(code)
    return {"levels": [v.astype(np.float32) for v in levels], "codes": codes}


def expected_density(settings: dict, level: int) -> float:
    """The configured share of non-zero code entries at a level (1-based)."""
    if level == 1:
        return settings["level1_density"]
    return settings["gate_fraction"] * settings["mask_density"]
