"""Dictionary recovery and sparsity: Hungarian-matched cosines, code densities, sparse fits of image bands.

A learned dictionary is identified with the true one only up to permutation and scale (ReLU codes are
non-negative, so sign too, but |cosine| is reported to be lenient on sign): the best one-to-one matching
of atoms maximises the summed |cosine| (Kuhn's Hungarian method, scipy's linear_sum_assignment).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["activation_density", "code_predictability", "matched_cosine", "sparse_dictionary_fit"]


def _unit_rows(a: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    return np.divide(a, norms, out=np.zeros_like(a), where=norms > 0)  # a dead (zero) atom matches nothing


def matched_cosine(learned, true) -> float:
    """Mean over the true atoms (rows) of |cos| with their Hungarian-matched learned atom (0 if unmatched)."""
    learned, true = np.asarray(learned, np.float64), np.asarray(true, np.float64)
    if learned.ndim != 2 or true.ndim != 2 or learned.shape[1] != true.shape[1]:
        raise ValueError(f"dictionaries must be (atoms, dim) with equal dim, got {learned.shape} and {true.shape}")
    cos = np.abs(_unit_rows(true) @ _unit_rows(learned).T)
    rows, cols = linear_sum_assignment(cos, maximize=True)
    return float(cos[rows, cols].sum() / len(true))


def activation_density(codes) -> float:
    """Share of code entries that are non-zero (active ReLU units)."""
    codes = np.asarray(codes)
    return float((codes > 0).mean()) if codes.size else float("nan")


def _fit_quietly(model, x) -> None:
    """Fit a scikit-learn dictionary model; its coordinate-descent coder warns at every unconverged pass."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x)


def positive_dictionary(samples, atoms: int, alpha: float, seed: int, max_iter: int = 100) -> np.ndarray:
    """(atoms, dim) dictionary learned on `samples` (batch, L1) with non-negative codes, as the FSR codes are
    (uncentred: centring would break the non-negative model). 100 passes: the default FSR's fits converge
    (tol 1e-8) in 30–55."""
    from sklearn.decomposition import DictionaryLearning

    model = DictionaryLearning(
        n_components=atoms,
        alpha=alpha,
        max_iter=max_iter,
        fit_algorithm="cd",
        transform_algorithm="lasso_cd",
        positive_code=True,
        random_state=seed,
    )
    _fit_quietly(model, np.asarray(samples, np.float64))
    return model.components_


def sparse_dictionary_fit(train, test, atoms: int, nonzero: int, alpha: float, seed: int) -> dict:
    """Learn a dictionary on `train` (sklearn, L1 codes) and code `test` with ≤ `nonzero` atoms (OMP).

    Returns the held-out explained variance 1 − ‖X − CD‖² / ‖X − mean‖² (X centred by the train mean),
    the binary active set of every train/test row, and the dictionary.
    """
    from sklearn.decomposition import MiniBatchDictionaryLearning

    train, test = np.asarray(train, np.float64), np.asarray(test, np.float64)
    mean = train.mean(axis=0)
    model = MiniBatchDictionaryLearning(
        n_components=atoms,
        alpha=alpha,
        batch_size=256,
        max_iter=20,
        fit_algorithm="cd",
        transform_algorithm="omp",
        transform_n_nonzero_coefs=nonzero,
        random_state=seed,
    )
    _fit_quietly(model, train - mean)
    centred = test - mean
    codes_test = model.transform(centred)
    residual = centred - codes_test @ model.components_
    explained = 1.0 - float((residual**2).sum() / max((centred**2).sum(), np.finfo(float).tiny))
    return {
        "explained_variance": explained,
        "active_train": model.transform(train - mean) != 0,
        "active_test": codes_test != 0,
        "dictionary": model.components_,
        "mean_active": float((codes_test != 0).sum(1).mean()),
    }


def code_predictability(
    coarse_train, active_train, coarse_test, active_test, permutations: int, rng: np.random.Generator, min_count=10
) -> dict:
    """How well the coarser level predicts which atoms are active: mean held-out ROC AUC of a linear
    (ridge, one output per atom) score, over atoms active ≥ `min_count` times in each split, against
    chance = the same pipeline with the coarse rows shuffled in both splits (pairing broken), `permutations` times."""
    from sklearn.linear_model import Ridge
    from sklearn.metrics import roc_auc_score

    def keep(column_train, column_test):
        return all(min_count <= c.sum() <= len(c) - min_count for c in (column_train, column_test))

    atoms = [j for j in range(active_train.shape[1]) if keep(active_train[:, j], active_test[:, j])]
    if not atoms:
        return {"auc": float("nan"), "chance": np.full(permutations, np.nan), "atoms": 0}
    targets = active_train[:, atoms].astype(np.float64)

    def mean_auc(x_train, x_test) -> float:
        scores = Ridge(alpha=1.0).fit(x_train, targets).predict(x_test)
        return float(np.mean([roc_auc_score(active_test[:, j], scores[:, i]) for i, j in enumerate(atoms)]))

    def shuffled(x):
        return x[rng.permutation(len(x))]

    chance = np.array([mean_auc(shuffled(coarse_train), shuffled(coarse_test)) for _ in range(permutations)])
    return {"auc": mean_auc(coarse_train, coarse_test), "chance": chance, "atoms": len(atoms)}
