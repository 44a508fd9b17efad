"""E1's generators: hypergraph rows, W1 certificates, the Keras ReLU generator checked against the NumPy
reference (E1.1), its low-order moments (E1.3), and the discriminator cells (E1.4–E1.6).

Generator rows come from `settings["generators"]` (a catalogue: role, predicate, hypergraph builder,
n), of which `settings["rows"]` are run; each random/clean row has `draws` independent hypergraphs.
Roles: `main` (clean rows E1.2–E1.4 are judged on), `enumeration` (clean n = 16: E1.2 with exact
enumeration), `random` (random-subset weak controls), `control` (AND, copy, tiny seed).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from gantheory.metrics import certificate as cert
from gantheory.metrics.transport import wasserstein1
from gantheory.prg import (
    emittable_patterns,
    generator_output,
    get_predicate,
    low_order_correlations,
    target_sample,
)
from gantheory.prg.hypergraphs import clean_hypergraph, random_hypergraph
from gantheory.seeding import derive_seed

ROLES = ("main", "enumeration", "random", "control")
CLEAN_ROLES = ("main", "enumeration")


def generator_rows(settings: dict) -> list[dict]:
    """The generator rows to run, with their names (one per hypergraph draw), n and m = stretch·n."""
    catalogue = settings["generators"]
    rows = []
    for name in settings["rows"]:
        if name not in catalogue:
            raise ValueError(
                f"e1.rows names unknown generator {name!r}; expected one of e1.generators {sorted(catalogue)}"
            )
        spec = catalogue[name]
        if spec["role"] not in ROLES:
            raise ValueError(f"e1.generators.{name}.role is {spec['role']!r}; expected one of {list(ROLES)}")
        get_predicate(spec["predicate"])
        draws = settings["draws"] if spec["role"] != "control" else 1
        for d in range(draws):
            rows.append(
                {
                    "row": name if draws == 1 else f"{name}#{d + 1}",
                    "spec": name,
                    "draw": d,
                    "role": spec["role"],
                    "predicate": spec["predicate"],
                    "builder": spec["hypergraph"],
                    "n": spec["n"],
                    "m": settings["stretch"] * spec["n"],
                }
            )
    return rows


def build_hypergraph(row: dict, settings: dict, seed: int) -> np.ndarray:
    rng = np.random.default_rng(derive_seed(seed, "e1", "hypergraph", row["spec"], row["draw"]))
    if row["builder"] == "random":
        return random_hypergraph(row["n"], row["m"], rng)
    if row["builder"] == "clean":
        predicate = get_predicate(row["predicate"])
        return clean_hypergraph(row["n"], row["m"], predicate, rng, settings["clean_max_draws"])
    raise ValueError(f"generator {row['spec']!r}: hypergraph must be 'random' or 'clean', got {row['builder']!r}")


def prepare(settings: dict, seed: int):
    """Hypergraphs of every row, their exact low-order correlations, and the W1 certificates."""
    rows = generator_rows(settings)
    hypergraphs, table = {}, []
    for row in rows:
        h = build_hypergraph(row, settings, seed)
        hypergraphs[row["row"]] = h
        counts = low_order_correlations(h, get_predicate(row["predicate"])).counts()
        table.append({**row, **{f"correlated_{k}": v for k, v in counts.items()}})
    table = pd.DataFrame(table)
    return hypergraphs, table, certificates(table, hypergraphs, settings, seed)


def certificates(table: pd.DataFrame, hypergraphs: dict, settings: dict, seed: int) -> pd.DataFrame:
    """Per row and target: counting bound, the certified bound (the larger of it and the χ² union bound),
    exact-enumeration estimate (n ≤ enumeration_max_n), E‖x‖, and
    POT's W1 on samples beside its own null (target vs target) where n is small enough to enumerate."""
    c, noise = settings["certificate"], settings["cube_noise"]
    out = []
    for row in table.to_dict("records"):
        n, m = row["n"], row["m"]
        predicate = get_predicate(row["predicate"])
        patterns = None
        if n <= c["enumeration_max_n"]:
            patterns = emittable_patterns(n, hypergraphs[row["row"]], predicate)
        for target in settings["targets"]:
            rec = {
                "row": row["row"],
                "target": target,
                "n": n,
                "m": m,
                "counting_bound": cert.counting_bound(n, m, target, noise),
                "certified_bound": cert.certified_bound(n, m, target, noise),
                "target_scale": cert.target_scale(m, target, noise),
                "emittable_patterns": np.nan if patterns is None else len(patterns),
            }
            if patterns is not None:
                rng = np.random.default_rng(derive_seed(seed, "e1", "enumeration", row["row"], target))
                rec["enumeration_mean"], rec["enumeration_se"] = cert.enumeration_bound(
                    patterns, target, c["enumeration_samples"], rng, noise
                )
                rec["pot_w1"], rec["pot_w1_null"] = _pot_check(row, hypergraphs[row["row"]], target, settings, seed)
            out.append(rec)
    return pd.DataFrame(out)


def _pot_check(row: dict, hypergraph: np.ndarray, target: str, settings: dict, seed: int):
    """Empirical W1 (POT) generator vs target, and target vs an independent target draw (its floor)."""
    k, noise = settings["certificate"]["pot_samples"], settings["cube_noise"]
    rng = np.random.default_rng(derive_seed(seed, "e1", "pot", row["row"], target))
    n, m = row["n"], row["m"]
    z = rng.standard_normal((k, n + m))
    gen = generator_output(z, hypergraph, get_predicate(row["predicate"]), n, target, noise)
    a, b = (target_sample(rng, k, m, target, noise) for _ in range(2))
    return wasserstein1(gen, a), wasserstein1(b, a)


# --- the Keras generator against the reference (E1.1) and its moments (E1.3) ---------------------------


def keras_generator(row: dict, hypergraph: np.ndarray, target: str, settings: dict, delta: float | None = None):
    from gantheory.models.relu_prg import relu_prg_generator

    return relu_prg_generator(
        hypergraph,
        get_predicate(row["predicate"]),
        row["n"],
        target,
        settings["ramp_width"] if delta is None else delta,
        settings["cube_noise"],
        settings["magnitude_cap"],
        name=f"prg_{row['row'].replace('-', '_').replace('#', '_')}",
    )


def _generate(model, z: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Keras outputs in compiled chunks (small chunks stay in cache: ~2x faster than one big call)."""
    from gantheory import backend

    compiled = backend.compile_function(model, [((None, z.shape[1]), "float64")], model.variables)
    return np.concatenate([backend.to_numpy(compiled(z[i : i + chunk])) for i in range(0, len(z), chunk)])


def check_generators(table: pd.DataFrame, hypergraphs: dict, settings: dict, seed: int, targets: list[str]):
    """E1.1 mismatch rates (every row at the configured δ; the largest main row also at the extra δs)
    and E1.3 moment z-scores of the same Keras samples (clean and random rows)."""
    from gantheory.models.relu_prg import hidden_units, mismatch_bound

    check = settings["check"]
    rows = table.to_dict("records")
    main = [r for r in rows if r["role"] == "main"]
    largest = max(main, key=lambda r: r["n"])["row"] if main else None
    mismatch, moments = [], []
    for row in rows:
        h, n, m = hypergraphs[row["row"]], row["n"], row["m"]
        for target in targets:
            rng = np.random.default_rng(derive_seed(seed, "e1", "check", row["row"], target))
            z = rng.standard_normal((check["samples"], n + m))
            reference = generator_output(z, h, get_predicate(row["predicate"]), n, target, settings["cube_noise"])
            extra = check["extra_ramp_widths"] if row["row"] == largest else []
            for delta in [settings["ramp_width"], *extra]:
                model = keras_generator(row, h, target, settings, delta)
                x = _generate(model, z)
                differs = np.abs(x - reference).max(axis=1) > check["tolerance"]
                # the network is exact unless a seed coordinate is inside the ramp or (gauss) a magnitude is
                # beyond the gadget's cap: any other mismatch is a construction error (E1.1, sample by sample)
                explained = (np.abs(z[:, :n]) < delta).any(axis=1)
                if target == "gauss":
                    explained |= (np.abs(z[:, n : n + m]) > settings["magnitude_cap"]).any(axis=1)
                bound = mismatch_bound(n, m, target, delta, settings["magnitude_cap"])
                rate = float(differs.mean())
                mismatch.append(
                    {
                        "row": row["row"],
                        "target": target,
                        "ramp_width": delta,
                        "samples": len(z),
                        "mismatches": int(differs.sum()),
                        "unexplained": int((differs & ~explained).sum()),
                        "mismatch_rate": rate,
                        "bound": bound,
                        # the measured rate's own standard error: a lone ramp hit among N ≪ 1/bound samples
                        # is no evidence against the bound (a binomial SE at the bound would call it one)
                        "limit": bound + 3 * math.sqrt(rate * (1 - rate) / len(z)),
                        "relu_layers": len(hidden_units(model)),
                        "relu_units": int(sum(hidden_units(model))),
                    }
                )
                if delta == settings["ramp_width"] and row["role"] in CLEAN_ROLES + ("random",):
                    moments.append({"row": row["row"], "target": target, **moment_scores(x, target, settings)})
    return pd.DataFrame(mismatch), pd.DataFrame(moments)


def moment_scores(x: np.ndarray, target: str, settings: dict) -> dict:
    """Every mean and second-moment entry minus the target's, standardised by its own standard error;
    the Bonferroni threshold at level α over all m + m(m+1)/2 entries."""
    n, m = x.shape
    var_diag = 1.0 if target == "gauss" else 1.0 + settings["cube_noise"] ** 2
    mean_z = x.mean(axis=0) / (x.std(axis=0, ddof=1) / math.sqrt(n))
    second = x.T @ x / n
    fourth = (x**2).T @ (x**2) / n
    se = np.sqrt(np.maximum(fourth - second**2, 1e-300) / n)
    cov_z = (second - var_diag * np.eye(m)) / se
    upper = np.triu_indices(m)
    tests = m + len(upper[0])
    threshold = float(stats.norm.isf(settings["moments"]["alpha"] / (2 * tests)))
    cov_abs = np.abs(cov_z[upper])
    return {
        "samples": n,
        "tests": tests,
        "threshold": threshold,
        "max_abs_z_mean": float(np.abs(mean_z).max()),
        "max_abs_z_second_moment": float(cov_abs.max()),
        "exceeding": int((np.abs(mean_z) > threshold).sum() + (cov_abs > threshold).sum()),
    }


# --- discriminator cells ---------------------------------------------------------------------------------


def discriminator_cells(table: pd.DataFrame, hypergraphs: dict, target: str, settings: dict):
    """One cell per generator row, plus `null_repeats` target-vs-target cells of the largest m."""
    from gantheory.experiments.e1.discriminators import Cell

    cells = []
    for row in table.to_dict("records"):
        model = keras_generator(row, hypergraphs[row["row"]], target, settings)
        cells.append(Cell(row["row"], row["m"], row["n"] + row["m"], model))
    m_max = int(table["m"].max())
    cells += [Cell(f"null#{i + 1}", m_max) for i in range(settings["discriminators"]["null_repeats"])]
    return cells


def run_discriminators(
    table: pd.DataFrame, hypergraphs: dict, target: str, settings: dict, seed: int, checkpoint_path=None
) -> pd.DataFrame:
    """Critics and classifiers of every size against every row's generator and the nulls of one target; with
    `checkpoint_path`, a killed run resumes its training there (the checkpoint goes once training completes)."""
    from gantheory.experiments.e1.discriminators import train_and_evaluate
    from gantheory.train.checkpoint import Checkpoint, run_fingerprint

    cells = discriminator_cells(table, hypergraphs, target, settings)
    disc = {**settings["discriminators"], "noise": settings["cube_noise"]}
    run_seed = derive_seed(seed, "e1", "discriminators", target)
    checkpoint = None
    if checkpoint_path is not None:
        spec = [target, settings, run_seed, table.to_csv(index=False)]
        checkpoint = Checkpoint(checkpoint_path, run_fingerprint(spec, *(hypergraphs[k] for k in sorted(hypergraphs))))
    rows = train_and_evaluate(cells, target, disc, run_seed, f"E1 {target}", checkpoint)
    rows.insert(0, "target", target)
    return rows


def power_cells(table: pd.DataFrame, hypergraphs: dict, target: str, settings: dict):
    """The power curve's cells: the first draw of each row `e1.power_curve.rows` names."""
    from gantheory.experiments.e1.discriminators import Cell

    names = settings["power_curve"]["rows"]
    missing = sorted(set(names) - set(table["spec"]))
    if missing:
        raise ValueError(
            f"e1.power_curve.rows names {missing}, which e1.rows does not run; "
            f"expected some of {list(table['spec'].unique())}"
        )
    chosen = table[table["spec"].isin(names) & (table["draw"] == 0)]
    return [
        Cell(row["row"], row["m"], row["n"] + row["m"], keras_generator(row, hypergraphs[row["row"]], target, settings))
        for row in chosen.to_dict("records")
    ]


def run_power_curve(table: pd.DataFrame, hypergraphs: dict, target: str, settings: dict, seed: int) -> pd.DataFrame:
    """z of the largest critic against the chosen rows after each step count of `e1.power_curve.steps`: the
    curve E1's critic budget is read from (docs/claims.md, E1.5). Its own seed: not the judged run's critics."""
    from gantheory.experiments.e1.discriminators import power_curve

    cells = power_cells(table, hypergraphs, target, settings)
    disc = {**settings["discriminators"], "noise": settings["cube_noise"]}
    rows = power_curve(
        cells, target, disc, derive_seed(seed, "e1", "power curve", target), settings["power_curve"]["steps"]
    )
    rows.insert(0, "target", target)
    return rows
